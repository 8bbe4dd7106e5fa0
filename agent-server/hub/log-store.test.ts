import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from './log-store.js';
import { decodeRecords, encodeRecord, type StoreRecord } from './record-codec.js';
import { HubState } from './state.js';
import type { SyncMode, Task } from './types.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-store-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

function task(id: string, status: Task['status'] = 'queued', generation = 0): Task {
  return {
    id,
    description: `do ${id}`,
    metadata: {},
    priority: 2,
    status,
    assigned_to: null,
    assigned_at: null,
    generation,
    retry_count: 0,
    max_retries: 3,
    needed_capabilities: [],
    last_error: null,
    complete_by: null,
    result: null,
    tokens_used: null,
    submitted_by: 'test',
    created_at: 1,
    updated_at: 1,
    history: [],
    file_hints: [],
    complexity: { effective_tier: 'standard', explicit_tier: null, source: 'inferred', inferred: { tier: 'standard', confidence: 0.5, signals: {} } },
    routing_decision: null,
  };
}

function replay(records: StoreRecord[]): HubState {
  const s = new HubState();
  for (const r of records) s.apply(r);
  return s;
}

describe('record framing', () => {
  it('round-trips records and stops at a torn or corrupted tail', () => {
    const a = encodeRecord({ k: 'token', token: 't1', agent_id: 'a1' });
    const b = encodeRecord({ k: 'task', rev: 1, task: task('x') });
    const whole = Buffer.concat([a, b]);
    expect(decodeRecords(whole)).toMatchObject({ validBytes: whole.length, tornTail: false });
    expect(decodeRecords(whole).records).toHaveLength(2);
    for (let cut = a.length + 1; cut < whole.length; cut += 7) {
      const d = decodeRecords(whole.subarray(0, cut));
      expect(d.records).toHaveLength(1);
      expect(d.validBytes).toBe(a.length);
      expect(d.tornTail).toBe(true);
    }
    const flipped = Buffer.from(whole);
    flipped[a.length + 20] ^= 0xff;
    expect(decodeRecords(flipped).records).toHaveLength(1);
  });
});

describe('LogStore', () => {
  for (const mode of ['fsync', 'group', 'none'] as SyncMode[]) {
    it(`replays what was appended (${mode})`, async () => {
      const dir = await tempDir();
      const syncs: number[] = [];
      let syncedRecords = 0;
      const { store } = await LogStore.open(dir, mode, 1 << 30, {
        onSync: (_s, n) => {
          syncs.push(n);
          syncedRecords += n;
        },
      });
      const state = new HubState();
      let acked = 0;
      const behind: number[] = [];
      await Promise.all(
        [state.addToken('tok', 'agent-1'), ...Array.from({ length: 20 }, (_, i) => state.put(task(`t${i}`)))].map((r) =>
          store.append(r).then(() => {
            acked++;
            // An acknowledgement never runs ahead of the fsync that covers it.
            behind.push(acked - syncedRecords);
          }),
        ),
      );
      await store.close();
      if (mode === 'none') expect(syncs).toHaveLength(0);
      else {
        expect(syncs.reduce((a, b) => a + b, 0)).toBe(21);
        expect(Math.max(...behind)).toBeLessThanOrEqual(0);
      }
      if (mode === 'fsync') expect(syncs.every((n) => n === 1)).toBe(true);
      // Group commit: the records queued while the first fsync ran share the next one.
      if (mode === 'group') expect(syncs.length).toBeLessThan(21);
      const reopened = await LogStore.open(dir, mode, 1 << 30);
      const s = replay(reopened.records);
      expect(s.tasks.size).toBe(20);
      expect(s.tokens.get('tok')).toBe('agent-1');
      await reopened.store.close();
    });
  }

  it('drops a torn tail on open and keeps appending after the good records', async () => {
    const dir = await tempDir();
    const { store } = await LogStore.open(dir, 'fsync', 1 << 30);
    const state = new HubState();
    await store.append(state.put(task('a')));
    await store.append(state.put(task('b')));
    await store.close();
    const file = path.join(dir, 'log-0.bin');
    const partial = encodeRecord(state.put(task('c'))).subarray(0, 13);
    await fs.appendFile(file, partial);
    const again = await LogStore.open(dir, 'fsync', 1 << 30);
    expect(again.droppedTailBytes).toBe(13);
    expect(replay(again.records).tasks.size).toBe(2);
    await again.store.append(state.put(task('d')));
    await again.store.close();
    const third = await LogStore.open(dir, 'fsync', 1 << 30);
    expect([...replay(third.records).tasks.keys()].sort()).toEqual(['a', 'b', 'd']);
    expect(third.droppedTailBytes).toBe(0);
    await third.store.close();
  });

  it('compacts into a snapshot and a new log, and replays to the latest state', async () => {
    const dir = await tempDir();
    const state = new HubState();
    const { store } = await LogStore.open(dir, 'group', 4096);
    store.snapshotSource = () => state.snapshot();
    for (let i = 0; i < 40; i++) {
      const t = task(`t${i % 10}`, i >= 30 ? 'completed' : 'queued', i);
      await store.append(state.put(t));
    }
    expect(store.compactions).toBeGreaterThan(0);
    await store.close();
    const files = await fs.readdir(dir);
    expect(files.filter((f) => f.startsWith('snapshot-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('log-'))).toHaveLength(1);
    const re = await LogStore.open(dir, 'group', 4096);
    const s = replay(re.records);
    expect(s.tasks.size).toBe(10);
    for (const t of s.tasks.values()) {
      expect(t.status).toBe('completed');
      expect(t.generation).toBeGreaterThanOrEqual(30);
    }
    await re.store.close();
  });

  it('never rolls a task back to an older revision replayed after a newer snapshot', () => {
    const s = new HubState();
    const older = s.put(task('x', 'assigned', 1));
    const newer = s.put(task('x', 'completed', 1));
    const replayed = replay([newer, older]);
    expect(replayed.tasks.get('x')?.status).toBe('completed');
  });
});
