// The log's record framing: [u32 LE payload length][u32 LE CRC-32 of payload][payload (UTF-8 JSON)].
// A record torn by a crash mid-write fails its length or CRC check and is dropped with all after it.

import { crc32 } from 'node:zlib';
import type { Task } from './types.js';

/**
 * Task records are whole-task puts carrying a global revision: on replay the highest revision wins,
 * so a snapshot that already holds a newer state is never rolled back by an older record after it.
 */
export type StoreRecord = { k: 'task'; rev: number; task: Task } | { k: 'token'; token: string; agent_id: string };

const HEADER = 8;
/** A record larger than this is corrupt by definition (tasks are capped far below). */
const MAX_RECORD = 64 * 1024 * 1024;

export function encodeRecord(record: StoreRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(record), 'utf8');
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

export interface DecodeResult {
  records: StoreRecord[];
  /** Bytes of the buffer holding whole, valid records; anything after is a torn or corrupt tail. */
  validBytes: number;
  tornTail: boolean;
}

export function decodeRecords(buf: Buffer): DecodeResult {
  const records: StoreRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < HEADER) break;
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    if (len > MAX_RECORD || pos + HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
    if (crc32(payload) !== crc) break;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      break;
    }
    if (!isStoreRecord(parsed)) break;
    records.push(parsed);
    pos += HEADER + len;
  }
  return { records, validBytes: pos, tornTail: pos < buf.length };
}

function isStoreRecord(v: unknown): v is StoreRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (r.k === 'task') return typeof r.rev === 'number' && typeof r.task === 'object' && r.task !== null && typeof (r.task as Task).id === 'string';
  if (r.k === 'token') return typeof r.token === 'string' && typeof r.agent_id === 'string';
  return false;
}
