// --workers N: the load spread over N child processes (connections i with i % N == k go to
// process k), each returning encoded histograms that the parent merges without loss.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { EXIT, LatencyHistogram, UserError, type ExitCode } from '../lib/index.js';
import type { LoadOptions } from './options.js';
import { mergeShares, type Share } from './recorder.js';
import type { ProgressSnapshot, ShareHooks } from './run.js';

type WorkerMessage =
  | { type: 'progress'; snapshot: ProgressSnapshot }
  | { type: 'done'; share: Share }
  | { type: 'error'; message: string; exitCode?: number };

function workerEntry(): { file: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(js)) return { file: js, execArgv: [] };
  // Running from the TypeScript sources (tests): load them through tsx.
  return { file: fileURLToPath(new URL('./worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

export async function runWorkers(options: LoadOptions, count: number, hooks: ShareHooks = {}): Promise<Share> {
  const entry = workerEntry();
  const runId = hooks.runId ?? randomBytes(3).toString('hex');
  const latest: (ProgressSnapshot | undefined)[] = new Array(count).fill(undefined);
  const children: ChildProcess[] = [];
  const onAbort = (): void => {
    for (const c of children) if (c.connected) c.send({ type: 'abort' });
  };
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  const progress = hooks.onProgress
    ? setInterval(() => {
        const snaps = latest.filter((s): s is ProgressSnapshot => s !== undefined);
        if (snaps.length === 0) return;
        const counters: Record<string, number> = {};
        let main: LatencyHistogram | undefined;
        for (const s of snaps) {
          for (const [k, v] of Object.entries(s.counters)) counters[k] = (counters[k] ?? 0) + v;
          if (s.main) {
            const h = LatencyHistogram.decode(s.main);
            if (main) main.add(h);
            else main = h;
          }
        }
        hooks.onProgress!({ elapsed: Math.max(...snaps.map((s) => s.elapsed)), counters, main: main?.encode() });
      }, 1000)
    : undefined;
  try {
    const shares = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        new Promise<Share>((resolve, reject) => {
          const child = fork(entry.file, [], { execArgv: entry.execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
          children.push(child);
          let settled = false;
          child.on('message', (msg: WorkerMessage) => {
            if (msg.type === 'progress') latest[index] = msg.snapshot;
            else if (msg.type === 'done') {
              settled = true;
              resolve(msg.share);
            } else {
              settled = true;
              reject(new UserError(`generator process ${index}: ${msg.message}`, (msg.exitCode ?? EXIT.failure) as ExitCode));
            }
          });
          child.on('exit', (code, signal) => {
            if (!settled) reject(new UserError(`generator process ${index} exited (${signal ?? code}) before reporting`, EXIT.failure));
          });
          // Starting a second ahead lets every process load its code before the first intended send.
          child.send({ type: 'run', options, share: { index, count }, runId, startIn: 1 });
        }),
      ),
    );
    return mergeShares(shares);
  } catch (err) {
    for (const c of children) if (c.exitCode === null) c.kill();
    throw err;
  } finally {
    if (progress) clearInterval(progress);
    hooks.signal?.removeEventListener('abort', onAbort);
  }
}
