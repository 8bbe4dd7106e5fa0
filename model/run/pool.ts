// Running (point, replication) tasks: in this thread, or on a pool of worker threads. Tasks go
// to whichever worker is free; results are stored by task index, so what comes out does not
// depend on the number of workers or the order they finish in.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScenarioConfig } from '../config.js';
import { packageRoot } from '../scenario/index.js';
import type { ReplicationOutcome, SimulateFn } from './types.js';
import type { ResultMessage, TaskMessage } from './worker.js';

export interface Task {
  config: ScenarioConfig;
  replication: number;
}

export interface PoolOptions {
  workers: number;
  /** URL of a module exporting `simulateReplication` (what workers load). */
  module: string;
  /** Used instead of importing `module` when running in this thread. */
  simulate?: SimulateFn;
  signal?: AbortSignal;
  onDone?: (done: number, total: number) => void;
}

export class RunAborted extends Error {
  constructor() {
    super('run interrupted');
    this.name = 'RunAborted';
  }
}

export class ReplicationFailed extends Error {
  constructor(
    readonly task: number,
    readonly detail: string,
  ) {
    super(detail.split('\n')[0]);
    this.name = 'ReplicationFailed';
  }
}

/** The compiled module beside this one; from the TypeScript sources (tests), its dist/ twin. */
export function compiledSibling(name: string): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return pathToFileURL(path.join(path.dirname(here), name)).href;
  const rel = path.relative(packageRoot(), path.dirname(here));
  return pathToFileURL(path.join(packageRoot(), 'dist', rel, name)).href;
}

/** The fleet model: model/simulate.js (compiled). */
export function defaultSimulatorModule(): string {
  const here = fileURLToPath(import.meta.url);
  const modelDir = path.dirname(path.dirname(here));
  const rel = path.relative(packageRoot(), modelDir);
  const dir = here.endsWith('.js') ? modelDir : path.join(packageRoot(), 'dist', rel);
  return pathToFileURL(path.join(dir, 'simulate.js')).href;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runHere(tasks: readonly Task[], options: PoolOptions): Promise<ReplicationOutcome[]> {
  const simulate = options.simulate ?? ((await import(options.module)) as { simulateReplication: SimulateFn }).simulateReplication;
  const out: ReplicationOutcome[] = [];
  for (let i = 0; i < tasks.length; i++) {
    // Let a Ctrl-C be heard between replications.
    await yieldToEvents();
    if (options.signal?.aborted) throw new RunAborted();
    try {
      out.push(simulate(tasks[i]!.config, tasks[i]!.replication));
    } catch (err) {
      throw new ReplicationFailed(i, err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
    options.onDone?.(i + 1, tasks.length);
  }
  return out;
}

function runOnWorkers(tasks: readonly Task[], options: PoolOptions): Promise<ReplicationOutcome[]> {
  const results: ReplicationOutcome[] = new Array<ReplicationOutcome>(tasks.length);
  const n = Math.max(1, Math.min(options.workers, tasks.length));
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<ReplicationOutcome[]>((resolve, reject) => {
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() => (err ? reject(err) : resolve(results)));
    };
    const onAbort = () => finish(new RunAborted());
    if (options.signal?.aborted) return finish(new RunAborted());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (worker: Worker) => {
      if (next >= tasks.length) return;
      const id = next++;
      const message: TaskMessage = { id, config: tasks[id]!.config, replication: tasks[id]!.replication };
      worker.postMessage(message);
    };
    for (let w = 0; w < n; w++) {
      const worker = new Worker(new URL(compiledSibling('worker.js')), { workerData: { module: options.module } });
      workers.push(worker);
      worker.on('message', (msg: ResultMessage) => {
        if (settled) return;
        if ('error' in msg) return finish(new ReplicationFailed(msg.id, msg.error));
        results[msg.id] = msg.result;
        done++;
        options.onDone?.(done, tasks.length);
        if (done === tasks.length) finish();
        else feed(worker);
      });
      worker.on('error', (err) => finish(err));
      worker.on('exit', (code) => {
        if (!settled && code !== 0) finish(new Error(`a worker thread stopped with code ${code}`));
      });
      feed(worker);
    }
  });
}

/** Runs every task; results in task order. */
export function runTasks(tasks: readonly Task[], options: PoolOptions): Promise<ReplicationOutcome[]> {
  if (tasks.length === 0) return Promise.resolve([]);
  return options.workers <= 1 ? runHere(tasks, options) : runOnWorkers(tasks, options);
}
