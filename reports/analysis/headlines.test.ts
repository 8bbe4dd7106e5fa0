import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA, RESULTS_VERSION, ResultsDocument, type PointResult, type ResourceResult } from '../../lib/index.js';
import { loadPricing } from '../../model/index.js';
import { headlines, recommendation, type Headline } from './headlines.js';
import { fleetSize, pointRows } from './points.js';

const pricing = loadPricing(path.resolve(import.meta.dirname, '../../scenarios/pricing/aws-us-east-1.yaml'));

function doc(points: PointResult[], kind: 'simulated' | 'measured' = 'simulated'): ResultsDocument {
  return ResultsDocument.parse({
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    kind,
    tool: { name: 'agentscale', version: '0.1.0' },
    createdAt: '2026-11-21T00:00:00Z',
    machine: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'c', memoryBytes: 1, node: 'v20' },
    source: { name: 'constructed', hash: 'x' },
    points,
  });
}
const res = (name: string, kind: ResourceResult['kind'], utilization: number, extra: Partial<ResourceResult> = {}): ResourceResult => ({
  name,
  kind,
  utilization: { value: utilization, unit: 'fraction' },
  ...extra,
});
const point = (agents: number, extra: Partial<PointResult> = {}): PointResult => ({
  id: `agents=${agents}`,
  parameters: { agents },
  replications: 10,
  metrics: {},
  usage: { agents },
  ...extra,
});
const find = (list: Headline[], id: string) => list.find((h) => h.id === id)!;

describe('headline answers on constructed results', () => {
  it('finds where the uplink reaches 90 %, interpolating between points', () => {
    const d = doc([10, 20, 40].map((n, i) => point(n, { resources: [res('uplink', 'link', [0.3, 0.6, 1.2][i]!, { capacity: 12.5e6, capacityUnit: 'B/s' })] })));
    const h = find(headlines({ rows: pointRows([d]) }), 'uplink');
    // 0.9 lies halfway between 0.6 (20 agents) and 1.2 (40 agents): 30 agents
    expect(h.answer).toMatch(/reaches 90 % at about 30 agents\./);
  });

  it('extrapolates the uplink past the largest fleet and says so', () => {
    const d = doc([10, 20, 40].map((n, i) => point(n, { resources: [res('uplink', 'link', [0.1, 0.2, 0.4][i]!)] })));
    const h = find(headlines({ rows: pointRows([d]) }), 'uplink');
    // slope 0.01 per agent after 40 agents: 0.9 at 90 agents
    expect(h.answer).toMatch(/about 90 agents \(extrapolated/);
  });

  it('says when one hub node stops keeping up, with connections, messages and writes then', () => {
    const d = doc(
      [10, 50, 100].map((n) =>
        point(n, {
          resources: [res('hub.store', 'disk', 0.01 * n, { capacity: 500, capacityUnit: 'writes/s' }), res('hub.cpu', 'cpu', 0.002 * n)],
          metrics: { 'throughput.messages': { value: 2 * n, unit: '1/s' }, 'hub.writes': { value: 5 * n, unit: '1/s' } },
          usage: { agents: n, connections: { hub: { open: n, newPerSecond: 0 } } },
        }),
      ),
    );
    const h = find(headlines({ rows: pointRows([d]) }), 'hub');
    expect(h.answer).toMatch(/stops keeping up at about 90 agents, limited by hub\.store/);
    expect(h.answer).toMatch(/Shard before about 72 agents/);
    const v = Object.fromEntries(h.numbers.map((x) => [x.label, x.value]));
    expect(v['connections then']).toBe('90');
    expect(v['message rate then']).toBe('180/s');
    expect(v['synced-write rate then']).toBe('450/s');
  });

  it('sizes the shards from the load below saturation, not from a saturated busy fraction', () => {
    // One node's store carries 1 % per agent; past 100 agents a single node is pinned at 100 %
    // however far over it is, so 320 agents need 3.2 / 0.7 → 5 shards, not 100 % / 0.7 → 2.
    const d = doc(
      [40, 80, 160, 320].map((n) =>
        point(n, { resources: [res('hub.store', 'disk', Math.min(1, 0.01 * n)), res('hub.cpu', 'cpu', 0.001 * n)] }),
      ),
    );
    const h = find(headlines({ rows: pointRows([d]) }), 'hub');
    expect(h.answer).toMatch(/320 agents need at least 5 shards to stay under 70 %/);
  });

  it('compares one more agent on a machine with one more machine', () => {
    // X(m, a) = m · a / (1 + 0.5 (a − 1)) tasks/s: agents on one machine contend, machines do not.
    const X = (m: number, a: number) => (m * a) / (1 + 0.5 * (a - 1));
    const pts = [1, 2].flatMap((m) =>
      [1, 2].map((a) => ({
        id: `m${m}a${a}`,
        parameters: { machines: m, agentsPerMachine: a },
        replications: 1,
        metrics: { 'throughput.tasks': { value: X(m, a), unit: '1/s' } },
        usage: { agents: m * a },
      })),
    );
    const h = find(headlines({ rows: pointRows([doc(pts)]) }), 'marginal');
    // On a machine: +1/3 task/s per added agent (1,200/h); a new machine: median of 1 and 2/3 → 1 task/s (3,600/h).
    expect(h.answer).toMatch(/^Without GPU, adding machines gives more throughput per added agent \(1,200\/h on a machine against 3,600\/h on a new one\)/);
  });

  it('picks the cheapest deployment meeting the latency target, and none when none does', () => {
    const costs = (usd: number) => [{ item: 'x', kind: 'fixed' as const, quantity: 1, unit: 'month', unitPrice: usd, monthlyUsd: usd }];
    const d = doc([
      point(10, {
        metrics: { 'latency.task.p95': { value: 20, unit: 's' }, 'throughput.tasks': { value: 1 / 36, unit: '1/s' } },
        costs: { 'ssh-tunnel': costs(100), 'alb-wss': costs(150), fargate: costs(300) },
      }),
    ]);
    const h = find(headlines({ rows: pointRows([d]), latencyTarget: 30 }), 'cheapest');
    // $100 a month over 100 tasks/h × 730 h
    expect(h.answer).toBe('ssh-tunnel is the cheapest deployment meeting p95 ≤ 30s for 10 agents: $100.00 a month, $0.00 per task.');
    const strict = find(headlines({ rows: pointRows([d]), latencyTarget: 10 }), 'cheapest');
    expect(strict.answer).toMatch(/No deployment in these results meets/);
    expect(find(headlines({ rows: pointRows([d]) }), 'cheapest').answered).toBe(false);
  });

  it('compares one agent per GPU with several sharing it', () => {
    const d = doc(
      [2, 8].map((n) =>
        point(n, {
          metrics: { 'throughput.tasks': { value: n === 2 ? 1 : 3, unit: '1/s' } },
          usage: { agents: n, gpuMachines: 2 },
          resources: [res('ollama[a]', 'gpu', n === 2 ? 0.2 : 0.8, { queueWait: { value: n === 2 ? 0.5 : 12, unit: 's' } })],
        }),
      ),
    );
    const h = find(headlines({ rows: pointRows([d]) }), 'gpu-sharing');
    expect(h.answer).toBe('Sharing a GPU among 4 agents instead of 1 gives 3× the tasks per GPU, at 12s of Ollama queue wait.');
  });

  it('finds the GPU-against-API break-even from tokens per request', () => {
    const d = doc([
      point(10, {
        usage: {
          agents: 10,
          gpuMachines: 2,
          claudeRequestsPerHour: 100,
          ollamaRequestsPerHour: 100,
          tokensPerHour: { 'sonnet-5.5': { input: 1e6, output: 5e4, cacheWrite: 0, cacheRead: 0 } },
        },
      }),
    ]);
    const h = find(headlines({ rows: pointRows([d]), pricing }), 'gpu-or-api');
    // $0.025 per request against g4dn.xlarge at $0.526/h: 21.04 requests/h; 50 per GPU machine is above it.
    expect(h.answer).toMatch(/^The GPU pays off: each GPU machine serves 50 requests\/h, above the break-even 21\/h\./);
  });

  it('says what is missing instead of failing on a bare document', () => {
    const list = headlines({ rows: pointRows([doc([point(1)])]) });
    expect(list.every((h) => !h.answered)).toBe(true);
    expect(find(list, 'uplink').answer).toMatch(/^Not in these results/);
    expect(recommendation(list)).toMatch(/too little/);
  });

  it('reads fleet size from usage, parameters, a machines × agents grid, or a load test\'s connections', () => {
    const p = (parameters: Record<string, number | string>, usage?: { agents: number }) => ({ id: 'x', parameters, replications: 1, metrics: {}, ...(usage ? { usage } : {}) });
    expect(fleetSize(p({ agents: 3 }, { agents: 7 }))).toBe(7);
    expect(fleetSize(p({ 'fleet.agents': 5 }))).toBe(5);
    expect(fleetSize(p({ machines: 4, agentsPerMachine: 3 }))).toBe(12);
    expect(fleetSize(p({ protocol: 'agentcom', connections: 40, rate: 2 }))).toBe(40);
    expect(fleetSize(p({ protocol: 'agentcom' }))).toBeUndefined();
  });
});
