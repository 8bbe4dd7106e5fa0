// The hub's durable store: an append-only log written by one writer (as each DETS table has one
// process), synced after every record (AgentCom's pattern), after every batch (group commit) or never.
// Snapshot + new log once the log passes a size; on open, the newest snapshot plus its log are replayed.

import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { decodeRecords, encodeRecord, type StoreRecord } from './record-codec.js';
import type { SyncMode } from './types.js';

export interface StoreObserver {
  /** One fsync took `seconds` and made `records` records durable. */
  onSync?(seconds: number, records: number): void;
  onWrite?(records: number, bytes: number): void;
}

export interface OpenedStore {
  store: LogStore;
  records: StoreRecord[];
  /** A torn or corrupt tail was found and cut off. */
  droppedTailBytes: number;
}

interface Pending {
  buf: Buffer;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** The store cannot take writes any more (disk full, I/O error, closed): acknowledgements stop. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

const SNAPSHOT = /^snapshot-(\d+)\.bin$/;

function logName(n: number): string {
  return `log-${n}.bin`;
}
function snapshotName(n: number): string {
  return `snapshot-${n}.bin`;
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, fsConstants.O_RDONLY);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function writeAll(handle: fs.FileHandle, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await handle.write(data, off, data.length - off);
    off += bytesWritten;
  }
}

export class LogStore {
  private queue: Pending[] = [];
  private busy = false;
  private failed: Error | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Provides every live record for a snapshot (the hub's whole state). */
  snapshotSource: (() => StoreRecord[]) | null = null;
  compactions = 0;

  private constructor(
    private readonly dir: string,
    private readonly mode: SyncMode,
    private readonly compactBytes: number,
    private readonly observer: StoreObserver,
    private handle: fs.FileHandle,
    private generation: number,
    private size: number,
  ) {}

  static async open(dir: string, mode: SyncMode, compactBytes: number, observer: StoreObserver = {}): Promise<OpenedStore> {
    await fs.mkdir(dir, { recursive: true });
    const names = await fs.readdir(dir);
    let gen = -1;
    for (const name of names) {
      const m = SNAPSHOT.exec(name);
      if (m) gen = Math.max(gen, Number(m[1]));
    }
    const records: StoreRecord[] = [];
    if (gen >= 0) {
      const file = path.join(dir, snapshotName(gen));
      const snap = decodeRecords(await fs.readFile(file));
      // A snapshot only appears by rename after its fsync, so a damaged one is not a crash artefact.
      if (snap.tornTail) throw new Error(`hub store: snapshot ${file} is corrupt at byte ${snap.validBytes}`);
      records.push(...snap.records);
    } else {
      gen = 0;
    }
    // Files of older generations are fully contained in the newest snapshot.
    for (const name of names) {
      const m = /^(?:log|snapshot)-(\d+)\.bin(?:\.tmp)?$/.exec(name);
      if ((m && Number(m[1]) < gen) || name.endsWith('.tmp')) await fs.rm(path.join(dir, name), { force: true });
    }
    const logFile = path.join(dir, logName(gen));
    let buf: Buffer = Buffer.alloc(0);
    try {
      buf = await fs.readFile(logFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const decoded = decodeRecords(buf);
    records.push(...decoded.records);
    const handle = await fs.open(logFile, 'a+');
    let dropped = 0;
    if (decoded.tornTail) {
      dropped = buf.length - decoded.validBytes;
      await handle.truncate(decoded.validBytes);
      await handle.sync();
    }
    await fsyncDir(dir);
    const store = new LogStore(dir, mode, compactBytes, observer, handle, gen, decoded.validBytes);
    return { store, records, droppedTailBytes: dropped };
  }

  get logBytes(): number {
    return this.size;
  }

  get syncMode(): SyncMode {
    return this.mode;
  }

  /** Resolves once the record is durable as the sync mode promises (written, for `none`). */
  append(record: StoreRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new StoreError('hub store is closed'));
    const buf = encodeRecord(record);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // fsync mode: one record, one write, one sync, as AgentCom's insert-then-sync does.
      const batch = this.mode === 'fsync' ? [this.queue.shift() as Pending] : this.queue.splice(0);
      const data = batch.length === 1 ? batch[0].buf : Buffer.concat(batch.map((p) => p.buf));
      try {
        await writeAll(this.handle, data);
        this.observer.onWrite?.(batch.length, data.length);
        if (this.mode !== 'none') {
          const t0 = process.hrtime.bigint();
          await this.handle.sync();
          this.observer.onSync?.(Number(process.hrtime.bigint() - t0) / 1e9, batch.length);
        }
        this.size += data.length;
        for (const p of batch) p.resolve();
        if (this.size >= this.compactBytes && this.snapshotSource) await this.compact();
      } catch (err) {
        this.failed = new StoreError(`hub store write failed: ${err instanceof Error ? err.message : String(err)}`);
        for (const p of batch) p.reject(this.failed);
        for (const p of this.queue.splice(0)) p.reject(this.failed);
      }
    }
    this.busy = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Writes the whole state as snapshot N+1 (temp file, fsync, rename, directory fsync), starts log
   * N+1 and removes generation N. Runs inside the writer, so no record is written meanwhile; the state
   * may already include queued records, which the new log then repeats: replay keeps the highest
   * revision of each task, so the repeats change nothing.
   */
  private async compact(): Promise<void> {
    const source = this.snapshotSource;
    if (!source) return;
    const next = this.generation + 1;
    const body = Buffer.concat(source().map(encodeRecord));
    const tmp = path.join(this.dir, `${snapshotName(next)}.tmp`);
    const h = await fs.open(tmp, 'w');
    try {
      await writeAll(h, body);
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.rename(tmp, path.join(this.dir, snapshotName(next)));
    const newHandle = await fs.open(path.join(this.dir, logName(next)), 'a+');
    await fsyncDir(this.dir);
    const old = this.handle;
    this.handle = newHandle;
    const oldGen = this.generation;
    this.generation = next;
    this.size = 0;
    this.compactions++;
    await old.close();
    await fs.rm(path.join(this.dir, logName(oldGen)), { force: true });
    await fs.rm(path.join(this.dir, snapshotName(oldGen)), { force: true });
  }

  /** Waits for every queued record, then closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.busy) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.handle.close();
  }
}
