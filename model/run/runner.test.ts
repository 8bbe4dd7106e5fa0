// The runner against a stand-in simulator (an M/M/1 queue in test/fixtures), so these tests
// check running, aggregation and determinism without depending on the fleet model.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsDocument, UserError } from '../../lib/index.js';
import { loadScenario, packageRoot } from '../scenario/index.js';
import { pointsCsv, resourcesCsv } from './csv.js';
import { writeRunOutputs } from './outputs.js';
import { runScenario } from './runner.js';
import { summaryTable } from './summary.js';
import type { SimulateFn } from './types.js';
// @ts-expect-error -- a plain JavaScript fixture without types
import { simulateReplication as mm1 } from '../../test/fixtures/mm1-simulator.mjs';

const standIn = mm1 as SimulateFn;
const standInModule = pathToFileURL(path.join(packageRoot(), 'test', 'fixtures', 'mm1-simulator.mjs')).href;
const dir = mkdtempSync(path.join(os.tmpdir(), 'agentscale-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenarioFile = path.join(dir, 'mm1.yaml');
writeFileSync(
  scenarioFile,
  `name: mm1
horizon: 20h
warmup: 1h
replications: 10
seed: 4
workload: { arrival: { type: poisson, rate: 1/s } }
hub: { cpus: 2 }
sweep:
  arrivalRate: [0.5/s, 1/s, 1.5/s]
  hubShards: [1, 2]
`,
);

const withoutTime = (doc: ResultsDocument) => JSON.stringify({ ...doc, createdAt: '' });

describe('runScenario (stand-in M/M/1)', async () => {
  const loaded = await loadScenario(scenarioFile);
  const first = await runScenario(loaded, { workers: 1, simulate: standIn });

  it('runs every point × replication and writes a valid simulated document', () => {
    const doc = ResultsDocument.parse(first.document);
    expect(doc.kind).toBe('simulated');
    expect(doc.points.map((p) => p.id)).toEqual(loaded.points.map((p) => p.id));
    expect(doc.points.every((p) => p.replications === 10)).toBe(true);
    expect(first.tasks).toBe(60);
    expect(doc.source).toMatchObject({ name: 'mm1', seed: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(doc.assumptions!.length).toBeGreaterThan(10);
  });

  it('puts M/M/1 theory inside the 95 % interval of the mean time in system', () => {
    // ρ = λ/μ with μ = 2/s: W = 1/(μ − λ).
    for (const [lambda, point] of [0.5, 1, 1.5].map((l, i) => [l, first.document.points[i * 2]!] as const)) {
      const w = point.metrics['latency.task']!;
      expect(Math.abs(w.value - 1 / (2 - lambda))).toBeLessThanOrEqual(w.halfWidth!);
      expect(Math.abs(point.bottlenecks![0]!.utilization - lambda / 2)).toBeLessThan(0.05);
      expect(point.bottlenecks![0]!.resource).toBe('server');
    }
  });

  it('is deterministic: the same inputs give the same document, apart from its time stamp', async () => {
    const again = await runScenario(await loadScenario(scenarioFile), { workers: 1, simulate: standIn });
    expect(withoutTime(again.document)).toBe(withoutTime(first.document));
    const reseeded = await runScenario(await loadScenario(scenarioFile, { seed: 5 }), { workers: 1, simulate: standIn });
    expect(reseeded.document.points[0]!.metrics['latency.task']!.value).not.toBe(first.document.points[0]!.metrics['latency.task']!.value);
    expect(reseeded.document.source.hash).not.toBe(first.document.source.hash);
  });

  it('gives the same document on 2 worker threads as in this thread', async () => {
    const parallel = await runScenario(loaded, { workers: 2, module: standInModule });
    expect(withoutTime(parallel.document)).toBe(withoutTime(first.document));
    expect(parallel.events).toBe(first.events);
  });

  it('stops cleanly when interrupted, in this thread and on workers', async () => {
    for (const workers of [1, 2]) {
      const abort = new AbortController();
      const run = runScenario(loaded, {
        workers,
        module: standInModule,
        ...(workers === 1 ? { simulate: standIn } : {}),
        signal: abort.signal,
        onProgress: (done) => done >= 3 && abort.abort(),
      });
      await expect(run).rejects.toMatchObject({ message: 'interrupted: no results written', exitCode: 1 });
    }
  });

  it('reports a failing replication with its point, as a run-time failure', async () => {
    const failing: SimulateFn = (config, r) => {
      if (r === 1) throw new Error('boom');
      return standIn(config, r);
    };
    const err = await runScenario(loaded, { workers: 1, simulate: failing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('the model failed at point arrivalRate=0.5/s,hubShards=1, replication 1: Error: boom');
    expect((err as UserError).exitCode).toBe(1);
  });

  it('writes results.json, points.csv and resources.csv, and prints a summary', async () => {
    const out = path.join(dir, 'out');
    await writeRunOutputs(out, first.document);
    expect(ResultsDocument.parse(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')))).toEqual(first.document);
    const points = readFileSync(path.join(out, 'points.csv'), 'utf8').trim().split('\n');
    expect(points).toHaveLength(7);
    expect(points[0]).toBe(
      'point,arrivalRate,hubShards,replications,latency.task,latency.task.halfWidth,latency.task.p95,latency.task.p95.halfWidth,throughput.tasks,throughput.tasks.halfWidth,bottleneck,bottleneck.utilization',
    );
    expect(points[1]).toMatch(/^"arrivalRate=0\.5\/s,hubShards=1",0\.5\/s,1,10,/);
    expect(readFileSync(path.join(out, 'points.csv'), 'utf8')).toBe(pointsCsv(first.document));
    expect(readFileSync(path.join(out, 'resources.csv'), 'utf8')).toBe(resourcesCsv(first.document));
    expect(resourcesCsv(first.document).trim().split('\n')).toHaveLength(1 + 6 * 2);
    const table = summaryTable(first.document).split('\n');
    expect(table[0]).toMatch(/^point\s+throughput\s+task p95\s+bottleneck\s+utilisation$/);
    expect(table[2]).toMatch(/^arrivalRate=0\.5\/s,hubShards=1\s+1[78]\d\d\/h ± [\d.]+\/h\s+[\d.]+s ± [\d.]+ms\s+server\s+2\d\.\d %$/);
  });
});
