// End to end: `agentscale run`, `check` and `schema` as a user runs them, on the built CLI.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsDocument } from '../lib/index.js';
import type { SimulateFn } from '../model/index.js';
import { simulateReplication } from '../model/simulate.js';
import { REPO_ROOT, runCli } from './cli.js';

// The runner drives the fleet model through this signature (checked when the tests type-check).
const fleetModel: SimulateFn = simulateReplication;


const dir = mkdtempSync(path.join(os.tmpdir(), 'agentscale-run-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const agentscale = (...args: string[]) => runCli(args);

// A small fleet on the real model: two points × two replications of half an hour.
const small = path.join(dir, 'small.yaml');
writeFileSync(
  small,
  `name: small
horizon: 30m
warmup: 5m
replications: 2
seed: 9
workload: { arrival: { type: poisson, rate: 30/h } }
fleet:
  - { name: gpu-box, count: 1, cpus: 16, ram: 64 GiB, agents: 2, gpu: { model: rtx-4090 } }
  - { name: laptop, count: 2, cpus: 8, ram: 16 GiB, agents: 2 }
sweep: { agentsPerMachine: [1, 3] }
`,
);

const withoutTime = (text: string) => text.replace(/"createdAt": "[^"]*"/, '"createdAt": ""');

describe('agentscale run', () => {
  it('drives the fleet model', () => {
    expect(typeof fleetModel).toBe('function');
  });

  it('writes the same results with 1 and with 2 worker threads', async () => {
    const one = path.join(dir, 'one');
    const two = path.join(dir, 'two');
    const [a, b] = [await agentscale('run', small, '--out', one, '--workers', '1'), await agentscale('run', small, '--out', two, '--workers', '2')];
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (const f of ['points.csv', 'resources.csv']) expect(readFileSync(path.join(two, f), 'utf8')).toBe(readFileSync(path.join(one, f), 'utf8'));
    const textA = readFileSync(path.join(one, 'results.json'), 'utf8');
    expect(withoutTime(readFileSync(path.join(two, 'results.json'), 'utf8'))).toBe(withoutTime(textA));

    const doc = ResultsDocument.parse(JSON.parse(textA));
    expect(doc.kind).toBe('simulated');
    expect(doc.points.map((p) => p.id)).toEqual(['agentsPerMachine=1', 'agentsPerMachine=3']);
    const point = doc.points[0]!;
    for (const m of ['throughput.tasks', 'latency.task', 'latency.task.p50', 'latency.task.p95', 'latency.task.p99', 'claude.429', 'ollama.503']) {
      expect(point.metrics[m], m).toMatchObject({ n: 2, confidence: 0.95 });
    }
    expect(point.bottlenecks![0]!.utilization).toBe(Math.max(...point.resources!.map((r) => r.utilization.value)));
    expect(point.usage).toHaveProperty('connections');
    expect(a.stdout).toMatch(/^point\s+throughput\s+task p95\s+bottleneck\s+utilisation\n/);
    expect(a.stdout).toContain('agentsPerMachine=3');

    // Every point is priced for every deployment kind, and the report sits beside the results.
    expect(Object.keys(point.costs ?? {}).sort()).toEqual(['alb-wss', 'fargate', 'local', 'ssh-tunnel']);
    expect(point.costs!['fargate']!.some((line) => line.kind === 'fixed' && line.monthlyUsd > 0)).toBe(true);
    const html = readFileSync(path.join(one, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
    expect(existsSync(path.join(one, 'report.points.csv'))).toBe(true);
    expect(a.stdout).toContain('Recommendation:');
  });

  it('prints the document with --json and records --seed', async () => {
    const ran = await agentscale('run', small, '--out', path.join(dir, 'json'), '--workers', '1', '--json', '--seed', '10', '--replications', '2');
    expect(ran.code, ran.stderr).toBe(0);
    const doc = ResultsDocument.parse(JSON.parse(ran.stdout));
    expect(doc.source.seed).toBe(10);
    const saved = ResultsDocument.parse(JSON.parse(readFileSync(path.join(dir, 'json', 'results.json'), 'utf8')));
    expect(saved).toEqual(doc);
  });

  it('rejects a bad scenario with exit code 2, one line per problem, and writes nothing', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nhorizon: soon\nfleet:\n  - { name: a, agents: 1, gpu: { model: t4 }, ollama: { numParallel: two } }\nreplicatons: 3\n');
    const out = path.join(dir, 'bad-out');
    const ran = await agentscale('run', bad, '--out', out);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    const lines = ran.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^agentscale: .*bad\.yaml: 3 problems$/);
    expect(lines.slice(1).map((l) => l.trim().replace(/^.*bad\.yaml:/, ''))).toEqual([
      '2:10: horizon: expected a duration such as 250us, 30ms, 2s, 5m, 8h or 1h30m, found "soon"',
      '4:70: fleet[0].ollama.numParallel: expected a whole number ≥ 1, found "two"',
      '5:1: replicatons: unknown field "replicatons"; did you mean "replications"?',
    ]);
    expect(ran.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects bad options with exit code 2', async () => {
    const ran = await agentscale('run', small, '--workers', '0');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--workers: expected a whole number ≥ 1, found 0');
  });
});

describe('agentscale check and schema', () => {
  it('checks a scenario without running it (every bundled one is checked in model/scenario)', async () => {
    const ran = await agentscale('check', path.join('scenarios', 'demo.yaml'));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^scenarios\/demo\.yaml: ok: "demo", 5 point\(s\)/);
    const bad = path.join(dir, 'bad-check.yaml');
    writeFileSync(bad, 'name: x\nsweep: { machines: [1, -1] }\n');
    const failed = await agentscale('check', bad);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/bad-check\.yaml:2:\d+: fleet\[0\]\.count: expected a whole number ≥ 0, found -1 \(sweep machines\)/);
  });

  it('prints the JSON Schema that scenarios/schema.json holds', async () => {
    const ran = await agentscale('schema');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(readFileSync(path.join(REPO_ROOT, 'scenarios', 'schema.json'), 'utf8'));
  });
});
