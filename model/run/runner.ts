// `agentscale run`: every sweep point × replication, aggregated into a results document.
// The document is returned, not written: the command decides where it goes (and is where the
// cost model and the HTML report attach).

import path from 'node:path';
import { canonicalHash, documentHeader, EXIT, UserError, type ResultsDocument } from '../../lib/index.js';
import type { ScenarioConfig } from '../config.js';
import { packageRoot, type LoadedScenario } from '../scenario/index.js';
import { aggregatePoint } from './aggregate.js';
import { defaultSimulatorModule, ReplicationFailed, RunAborted, runTasks, type Task } from './pool.js';
import type { SimulateFn } from './types.js';

export interface RunOptions {
  /** Worker threads; 1 runs in this thread. */
  workers: number;
  /** A simulator in this thread instead of the fleet model (tests). */
  simulate?: SimulateFn;
  /** A module exporting `simulateReplication` for the workers (default: the fleet model). */
  module?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface RunOutcome {
  document: ResultsDocument;
  /** Simulation events processed over every replication (for speed figures). */
  events: number;
  wallSeconds: number;
  tasks: number;
}

/** What identifies the inputs: every point's resolved config, minus where its figures came from. */
export function scenarioHash(loaded: LoadedScenario): string {
  const strip = (c: ScenarioConfig) => {
    const { sources: _sources, ...rest } = c;
    const rel = path.relative(packageRoot(), rest.pricing);
    return { ...rest, pricing: rel.startsWith('..') ? path.basename(rest.pricing) : rel.split(path.sep).join('/') };
  };
  return canonicalHash(loaded.points.map((p) => ({ id: p.id, parameters: p.parameters, config: strip(p.config) })));
}

export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<RunOutcome> {
  const tasks: Task[] = [];
  const owner: number[] = [];
  loaded.points.forEach((point, p) => {
    for (let r = 0; r < point.config.replications; r++) {
      tasks.push({ config: point.config, replication: r });
      owner.push(p);
    }
  });
  const started = process.hrtime.bigint();
  let results;
  try {
    results = await runTasks(tasks, {
      workers: options.workers,
      module: options.module ?? defaultSimulatorModule(),
      ...(options.simulate ? { simulate: options.simulate } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onDone: options.onProgress } : {}),
    });
  } catch (err) {
    if (err instanceof RunAborted) throw new UserError('interrupted: no results written', EXIT.failure);
    if (err instanceof ReplicationFailed) {
      const point = loaded.points[owner[err.task]!]!;
      throw new UserError(`the model failed at point ${point.id}, replication ${tasks[err.task]!.replication}: ${err.message}`, EXIT.failure, err.detail.split('\n').slice(1, 6));
    }
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new UserError(`the simulator could not be loaded (${(err as Error).message.split('\n')[0]}); build it with \`npm run build\``, EXIT.failure);
    }
    throw err;
  }
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const points = loaded.points.map((point, p) =>
    aggregatePoint(
      point,
      results.filter((_, i) => owner[i] === p),
      point.config.confidence,
    ),
  );
  const base = loaded.base;
  const document: ResultsDocument = {
    ...documentHeader('simulated', { name: loaded.name, file: loaded.file, hash: scenarioHash(loaded), seed: base.seed }),
    points,
    assumptions: base.sources.map((s) => ({ ...s })),
    notes: [
      `${loaded.points.length} point(s) × ${base.replications} replication(s); horizon ${base.horizon} s after ${base.warmup} s warm-up; ` +
        `intervals are Student-t at ${base.confidence * 100} % over replications`,
    ],
  };
  return { document, events: results.reduce((a, r) => a + (r.events || 0), 0), wallSeconds, tasks: tasks.length };
}
