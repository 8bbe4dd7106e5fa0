// Hub end to end: the built CLI's serve-hub as a child process, 100 in-bench WebSocket sidecars
// (accept, two progress frames, complete after a short service time) and REST submissions. For each
// store mode two phases on the same hub:
//   open   — submissions at a fixed rate every mode sustains; submit→complete latency measured from
//            the intended send time (no coordinated omission);
//   closed — a fixed number of tasks kept in the system (a new one submitted as each completes):
//            the saturation throughput in tasks/s.
// Then the distribution of one fsync of a small append on this disk, the cost behind every synced write.
// Tunable: HUB_BENCH_RATE (open rate, tasks/s, default 30), HUB_BENCH_OPEN_SECONDS (default 6),
// HUB_BENCH_WINDOW (tasks in system in the closed phase, default 200), HUB_BENCH_CLOSED_SECONDS
// (default 8), HUB_BENCH_SIDECARS (default 100), HUB_BENCH_SERVICE_MS (default 20).

import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startSimSidecar, type HubSocket, type HubSyncMode as SyncMode } from '../agent-server/index.js';
import { LatencyHistogram, progressLine } from '../lib/index.js';

const ADMIN = 'bench-admin-token-0123456789abcdef';
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const AUTH = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Scrape {
  records: number;
  fsyncs: number;
  fsyncSum: number;
  completed: number;
}

interface OpenResult {
  e2e: LatencyHistogram;
  submit: LatencyHistogram;
  completed: number;
  incomplete: number;
  recordsPerTask: number;
  fsyncsPerTask: number;
  meanFsyncMs: number;
}

interface ClosedResult {
  tasksPerSecond: number;
  e2e: LatencyHistogram;
  meanFsyncMs: number;
  fsyncsPerTask: number;
}

async function spawnHub(dataDir: string, mode: SyncMode): Promise<{ child: ChildProcess; url: string; ws: string }> {
  const child = spawn(process.execPath, [CLI, 'serve-hub', '--port', '0', '--data-dir', dataDir, '--admin-token', ADMIN, '--store-sync', mode, '--rate-limits', 'off'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve-hub exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; ws: string };
  return { child, url: info.url, ws: info.ws };
}

async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const get = (name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    records: get('hub_store_records_total'),
    fsyncs: get('hub_store_fsync_seconds_count'),
    fsyncSum: get('hub_store_fsync_seconds_sum'),
    completed: get('hub_tasks_completed_total'),
  };
}

/** Matches completions (seen by the sidecars) to submissions (seen by the 201), whichever comes first. */
class Tracker {
  private readonly started = new Map<string, number>();
  private readonly early = new Map<string, number>();
  onDone: (id: string, t0: number, at: number) => void = () => undefined;

  submitted(id: string, t0: number): void {
    const done = this.early.get(id);
    if (done !== undefined) {
      this.early.delete(id);
      this.onDone(id, t0, done);
    } else {
      this.started.set(id, t0);
    }
  }

  completed(id: string, at: number): void {
    const t0 = this.started.get(id);
    if (t0 === undefined) {
      this.early.set(id, at);
      return;
    }
    this.started.delete(id);
    this.onDone(id, t0, at);
  }

  get pending(): number {
    return this.started.size;
  }
}

async function submit(url: string, n: number): Promise<string | null> {
  try {
    const res = await fetch(`${url}/api/tasks`, { method: 'POST', headers: AUTH, body: JSON.stringify({ description: `bench task ${n}`, priority: 'normal' }) });
    const body = (await res.json()) as { task_id?: string };
    return res.status === 201 && body.task_id ? body.task_id : null;
  } catch {
    return null;
  }
}

async function openPhase(url: string, tracker: Tracker, rate: number, seconds: number): Promise<OpenResult> {
  const before = await scrape(url);
  const e2e = new LatencyHistogram();
  const submitLat = new LatencyHistogram();
  let completed = 0;
  tracker.onDone = (_id, t0, at) => {
    completed++;
    e2e.recordSeconds((at - t0) / 1000);
  };
  const start = performance.now();
  const total = Math.round(rate * seconds);
  const inflight: Promise<void>[] = [];
  // Open workload: request k is due at start + k/rate whatever happened to the ones before.
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(
      submit(url, k).then((id) => {
        if (id === null) return;
        submitLat.recordSeconds((performance.now() - due) / 1000);
        tracker.submitted(id, due);
      }),
    );
  }
  await Promise.all(inflight);
  const drainUntil = performance.now() + 5000;
  while (tracker.pending > 0 && performance.now() < drainUntil) await sleep(20);
  const after = await scrape(url);
  const tasks = Math.max(1, after.completed - before.completed);
  const fsyncs = after.fsyncs - before.fsyncs;
  return {
    e2e,
    submit: submitLat,
    completed,
    incomplete: tracker.pending,
    recordsPerTask: (after.records - before.records) / tasks,
    fsyncsPerTask: fsyncs / tasks,
    meanFsyncMs: fsyncs > 0 ? ((after.fsyncSum - before.fsyncSum) / fsyncs) * 1000 : 0,
  };
}

async function closedPhase(url: string, tracker: Tracker, window: number, seconds: number): Promise<ClosedResult> {
  const e2e = new LatencyHistogram();
  let running = true;
  let n = 0;
  let done = 0;
  const one = (): void => {
    if (!running) return;
    const t0 = performance.now();
    void submit(url, n++).then((id) => {
      if (id === null) {
        if (running) setTimeout(one, 10);
        return;
      }
      tracker.submitted(id, t0);
    });
  };
  let measuring = false;
  tracker.onDone = (_id, t0, at) => {
    if (measuring) {
      done++;
      e2e.recordSeconds((at - t0) / 1000);
    }
    one();
  };
  for (let i = 0; i < window; i++) one();
  await sleep(1000); // warm-up: let the window fill
  const before = await scrape(url);
  measuring = true;
  const start = performance.now();
  await sleep(seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - start) / 1000;
  const after = await scrape(url);
  running = false;
  const fsyncs = after.fsyncs - before.fsyncs;
  const tasks = Math.max(1, after.completed - before.completed);
  return {
    tasksPerSecond: done / elapsed,
    e2e,
    meanFsyncMs: fsyncs > 0 ? ((after.fsyncSum - before.fsyncSum) / fsyncs) * 1000 : 0,
    fsyncsPerTask: fsyncs / tasks,
  };
}

interface ModeResult {
  mode: SyncMode;
  open: OpenResult;
  closed: ClosedResult;
}

async function runMode(mode: SyncMode, cfg: Config): Promise<ModeResult> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `hub-bench-${mode}-`));
  const hub = await spawnHub(dataDir, mode);
  const sidecars: HubSocket[] = [];
  const progress = progressLine(2000);
  try {
    const tracker = new Tracker();
    for (let i = 0; i < cfg.sidecars; i++) {
      const agentId = `bench-sidecar-${i}`;
      const res = await fetch(`${hub.url}/admin/tokens`, { method: 'POST', headers: AUTH, body: JSON.stringify({ agent_id: agentId }) });
      const { token } = (await res.json()) as { token: string };
      sidecars.push(await startSimSidecar(hub.ws, { agentId, token, serviceMs: cfg.serviceMs, progressFrames: 2, onComplete: (id, at) => tracker.completed(id, at) }));
    }
    progress.update(`hub bench ${mode}: open phase, ${cfg.rate} tasks/s for ${cfg.openSeconds} s`);
    const open = await openPhase(hub.url, tracker, cfg.rate, cfg.openSeconds);
    progress.update(`hub bench ${mode}: closed phase, ${cfg.window} tasks in system for ${cfg.closedSeconds} s`);
    const closed = await closedPhase(hub.url, tracker, cfg.window, cfg.closedSeconds);
    progress.done();
    return { mode, open, closed };
  } finally {
    for (const s of sidecars) s.ws.terminate();
    hub.child.kill('SIGKILL');
    await new Promise((r) => (hub.child.exitCode !== null || hub.child.signalCode !== null ? r(null) : hub.child.once('exit', r)));
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** One small append followed by fsync, repeated: the cost AgentCom pays per synced write. */
async function fsyncMicro(samples: number): Promise<LatencyHistogram> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-fsync-'));
  const h = new LatencyHistogram();
  const fh = await fs.open(path.join(dir, 'append.bin'), 'a');
  const record = Buffer.alloc(256, 120);
  try {
    for (let i = 0; i < samples; i++) {
      await fh.write(record);
      const t0 = process.hrtime.bigint();
      await fh.sync();
      h.recordMicros(Number(process.hrtime.bigint() - t0) / 1000);
    }
  } finally {
    await fh.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return h;
}

interface Config {
  rate: number;
  openSeconds: number;
  window: number;
  closedSeconds: number;
  sidecars: number;
  serviceMs: number;
}

const ms = (h: LatencyHistogram, p: number): string => (h.count ? (h.percentileSeconds(p) * 1000).toFixed(1) : 'n/a');
const col = (s: string, w: number): string => s.padStart(w);

export const hubBenchmark = {
  name: 'hub',
  description: 'reference hub end to end (100 sidecars, REST submissions) per store mode, and one fsync on this disk',
  async run(): Promise<void> {
    const cfg: Config = {
      rate: envNumber('HUB_BENCH_RATE', 30),
      openSeconds: envNumber('HUB_BENCH_OPEN_SECONDS', 6),
      window: envNumber('HUB_BENCH_WINDOW', 200),
      closedSeconds: envNumber('HUB_BENCH_CLOSED_SECONDS', 8),
      sidecars: envNumber('HUB_BENCH_SIDECARS', 100),
      serviceMs: envNumber('HUB_BENCH_SERVICE_MS', 20),
    };
    const fsyncH = await fsyncMicro(envNumber('HUB_BENCH_FSYNC_SAMPLES', 1000));
    process.stdout.write(
      `one fsync after a 256 B append (${fsyncH.count} samples, ${os.tmpdir()}): p50 ${ms(fsyncH, 50)} ms, p90 ${ms(fsyncH, 90)} ms, ` +
        `p99 ${ms(fsyncH, 99)} ms, max ${(fsyncH.maxSeconds() * 1000).toFixed(1)} ms\n`,
    );
    process.stdout.write(
      `${cfg.sidecars} sidecars, service ${cfg.serviceMs} ms, 2 progress frames per task; open phase ${cfg.rate} tasks/s for ${cfg.openSeconds} s; ` +
        `closed phase ${cfg.window} tasks in system for ${cfg.closedSeconds} s\n`,
    );
    const results: ModeResult[] = [];
    for (const mode of ['fsync', 'group', 'none'] as SyncMode[]) results.push(await runMode(mode, cfg));
    const none = results.find((r) => r.mode === 'none');
    process.stdout.write(
      'mode   | open: e2e p50  p99 ms | 201 p50  p99 ms | records/task fsyncs/task fsync ms | closed: tasks/s  vs none | e2e p50  p99 ms | fsyncs/task fsync ms\n',
    );
    for (const r of results) {
      const o = r.open;
      const c = r.closed;
      process.stdout.write(
        `${r.mode.padEnd(6)} | ${col(ms(o.e2e, 50), 12)} ${col(ms(o.e2e, 99), 6)} | ${col(ms(o.submit, 50), 7)} ${col(ms(o.submit, 99), 6)} | ` +
          `${col(o.recordsPerTask.toFixed(2), 12)} ${col(o.fsyncsPerTask.toFixed(2), 11)} ${col(o.meanFsyncMs.toFixed(2), 8)} | ` +
          `${col(c.tasksPerSecond.toFixed(1), 15)} ${col(none ? (c.tasksPerSecond / none.closed.tasksPerSecond).toFixed(2) : 'n/a', 8)} | ` +
          `${col(ms(c.e2e, 50), 7)} ${col(ms(c.e2e, 99), 6)} | ${col(c.fsyncsPerTask.toFixed(2), 11)} ${col(c.meanFsyncMs.toFixed(2), 8)}` +
          (o.incomplete > 0 ? `  (${o.incomplete} open-phase tasks unfinished)` : '') +
          '\n',
      );
    }
  },
};
