// Results documents built from known formulas, for tests and examples of the report: a sweep
// over machines × agents per machine whose throughput follows a chosen USL and whose resources
// fill up in a known order. Deterministic for a given seed.

import { RESULTS_SCHEMA, RESULTS_VERSION, ResultsDocument, percentileKey, type PointResult, type ResourceResult, type Usage } from '../../lib/index.js';
import { costPoint, type DeploymentConfig, type MachineGroupConfig, type Pricing } from '../../model/index.js';
import { createRng } from '../../sim/index.js';

const GiB = 2 ** 30;

export interface SyntheticOptions {
  machines?: number[];
  agentsPerMachine?: number[];
  usl?: { gamma: number; alpha: number; beta: number };
  seed?: number;
  pricing?: Pricing;
  /** Leave these metrics out of every point. */
  omitMetrics?: string[];
  /** Uplink capacity in bytes/s. */
  uplink?: number;
}

export const SYNTHETIC_DEPLOYMENT: DeploymentConfig = {
  kind: 'alb-wss',
  dashboards: 2,
  remoteDashboards: true,
  albHopLatency: 0.002,
  targetGroupsPerAlb: 100,
  sshRelayCpuPerByte: 1e-8,
  sshRelayCpus: 2,
  fargate: { vcpu: 1, memory: 2 * GiB, arch: 'x86' },
  reconnectsPerHour: 2,
};

function rng(seed: number): () => number {
  const generator = createRng(seed, 'synthetic');
  return () => generator.next();
}

const est = (value: number, unit: string, halfWidth?: number) => ({ value, unit, ...(halfWidth !== undefined ? { halfWidth, confidence: 0.95, n: 10 } : {}) });

export function machineFleet(machines: number, agentsPerMachine: number): MachineGroupConfig[] {
  const gpu = Math.max(1, Math.floor(machines / 4));
  const cpu = machines - gpu;
  const fleet: MachineGroupConfig[] = [
    { name: 'gpu-box', count: gpu, cpus: 4, ram: 16 * GiB, agents: agentsPerMachine, agentMemory: GiB, gpu: { model: 'rtx-4090', vram: 24 * GiB } },
  ];
  if (cpu > 0) fleet.push({ name: 'worker', count: cpu, cpus: 8, ram: 32 * GiB, agents: agentsPerMachine, agentMemory: GiB });
  return fleet;
}

export function syntheticSimulated(options: SyntheticOptions = {}): ResultsDocument {
  const machinesList = options.machines ?? [1, 2, 4, 8];
  const apmList = options.agentsPerMachine ?? [1, 2, 4, 8];
  const usl = options.usl ?? { gamma: 6 / 3600, alpha: 0.03, beta: 0.0004 };
  const u = rng(options.seed ?? 7);
  const uplinkCapacity = options.uplink ?? 100e6 / 8;
  const points: PointResult[] = [];
  for (const machines of machinesList) {
    for (const agentsPerMachine of apmList) {
      const agents = machines * agentsPerMachine;
      const gpuMachines = Math.max(1, Math.floor(machines / 4));
      const noise = 1 + 0.01 * (u() - 0.5);
      // Agents on one machine contend for its CPU: a per-machine penalty on top of the fleet-wide USL.
      const perMachinePenalty = 1 / (1 + 0.04 * (agentsPerMachine - 1));
      const x = ((usl.gamma * agents) / (1 + usl.alpha * (agents - 1) + usl.beta * agents * (agents - 1))) * perMachinePenalty * noise;
      const tasksPerHour = x * 3600;
      const hubCpu = Math.min(0.99, 0.004 * agents + 0.00004 * agents * agents);
      const hubStore = Math.min(0.99, 0.012 * agents);
      const uplinkBytes = agents * 9_000 + tasksPerHour * 0;
      const uplinkUtil = Math.min(0.99, uplinkBytes / uplinkCapacity);
      const gpuUtil = Math.min(0.99, (0.12 * agents) / gpuMachines / 4);
      const machineCpu = Math.min(0.99, 0.11 * agentsPerMachine);
      const resources: ResourceResult[] = [
        { name: 'hub.cpu', kind: 'cpu', utilization: est(hubCpu, 'fraction', 0.002), capacity: 4, capacityUnit: 'cores' },
        { name: 'hub.store', kind: 'disk', utilization: est(hubStore, 'fraction', 0.003), capacity: 500, capacityUnit: 'writes/s', queueWait: est((0.002 * hubStore) / (1 - hubStore), 's') },
        { name: 'uplink', kind: 'link', utilization: est(uplinkUtil, 'fraction', 0.004), capacity: uplinkCapacity, capacityUnit: 'B/s', queueWait: est((0.001 * uplinkUtil) / (1 - uplinkUtil), 's') },
        { name: 'claude.rpm', kind: 'rate-limit', utilization: est(Math.min(0.99, 0.015 * agents), 'fraction'), capacity: 50, capacityUnit: 'requests/min' },
        { name: 'ollama[gpu-box#0]', kind: 'gpu', utilization: est(gpuUtil, 'fraction', 0.01), queueWait: est((4 * gpuUtil) / (1 - gpuUtil), 's', 0.2), queueLength: est(gpuUtil / (1 - gpuUtil), 'count') },
        { name: 'ollama[gpu-box#0].vram', kind: 'memory', utilization: est(0.55 + 0.02 * Math.min(agentsPerMachine, 8), 'fraction'), capacity: 24 * GiB, capacityUnit: 'B' },
        { name: 'machine[worker#0].cpu', kind: 'cpu', utilization: est(machineCpu, 'fraction', 0.01), capacity: 8, capacityUnit: 'cores' },
      ];
      const bottlenecks = [...resources].sort((a, b) => b.utilization.value - a.utilization.value).map((r) => ({ resource: r.name, utilization: r.utilization.value }));
      const claudeRequestsPerHour = tasksPerHour * 0.3 * 12;
      const usage: Usage = {
        agents,
        machines,
        gpuMachines,
        tasksPerHour,
        connections: { hub: { open: agents, newPerSecond: agents / 3600 }, loadBalancer: { open: agents * 2, newPerSecond: (agents * 2 * 2) / 3600 } },
        bytesPerHour: { loadBalancer: agents * 4000 * 3600 * 0.3, internetEgress: uplinkBytes * 3600, internetIngress: uplinkBytes * 3600 * 0.2, uplink: uplinkBytes * 3600 },
        loadBalancerRequestsPerSecond: (agents * 4) / 3600,
        tokensPerHour: { 'sonnet-5.5': { input: claudeRequestsPerHour * 8000, output: claudeRequestsPerHour * 800, cacheWrite: claudeRequestsPerHour * 2000, cacheRead: claudeRequestsPerHour * 30000 } },
        claudeRequestsPerHour,
        ollamaRequestsPerHour: tasksPerHour * 0.5 * 12,
      };
      const p95 = 600 * (1 + 1 / (1 - Math.max(hubStore, gpuUtil, machineCpu) + 0.05)) * noise;
      const metrics: PointResult['metrics'] = {
        'throughput.tasks': est(x, '1/s', x * 0.03),
        'throughput.messages': est(agents * 1.2, '1/s', agents * 0.02),
        'latency.task': est(p95 * 0.5, 's', p95 * 0.02),
        [percentileKey('latency.task', 95)]: est(p95, 's', p95 * 0.05),
        [percentileKey('latency.task', 50)]: est(p95 * 0.4, 's', p95 * 0.02),
        'claude.429': est(Math.max(0, 0.015 * agents - 0.5) / 60, '1/s'),
        'hub.writes': est(hubStore * 500, '1/s'),
      };
      for (const m of options.omitMetrics ?? []) delete metrics[m];
      const point: PointResult = {
        id: `machines=${machines},agentsPerMachine=${agentsPerMachine}`,
        parameters: { machines, agentsPerMachine },
        replications: 10,
        metrics,
        resources,
        bottlenecks,
        usage,
      };
      if (options.pricing) point.costs = costPoint(usage, { deployment: SYNTHETIC_DEPLOYMENT, fleet: machineFleet(machines, agentsPerMachine), mesh: 'tailscale' }, options.pricing);
      points.push(point);
    }
  }
  return ResultsDocument.parse({
    ...fixedHeader('simulated', '2026-11-21T12:00:00.000Z'),
    source: { name: 'synthetic-fleet', hash: '0'.repeat(64), seed: options.seed ?? 7 },
    points,
    assumptions: [
      { name: 'latencyTarget', value: 1800, unit: 's', source: 'scenario' },
      { name: 'hub.store.syncWrite', value: '2ms', source: 'FACTS.md §1 (AgentCom syncs every write)' },
      { name: 'uplink.bandwidth', value: '100 Mbit/s', source: 'scenario' },
    ],
  });
}

/** A measured document: a load test at a few fleet sizes, near but not on the simulated line. */
export function syntheticMeasured(options: { sizes?: number[]; usl?: { gamma: number; alpha: number; beta: number }; bias?: number } = {}): ResultsDocument {
  const usl = options.usl ?? { gamma: 6 / 3600, alpha: 0.03, beta: 0.0004 };
  const points: PointResult[] = (options.sizes ?? [4, 8, 16, 32]).map((agents, i) => {
    const x = ((usl.gamma * agents) / (1 + usl.alpha * (agents - 1) + usl.beta * agents * (agents - 1))) * (options.bias ?? 0.92) * (1 + 0.03 * Math.sin(3 * i + 1));
    return {
      id: `level-${i + 1}`,
      parameters: { agents },
      replications: 1,
      metrics: { 'throughput.tasks': est(x, '1/s'), [percentileKey('latency.task', 95)]: est(700 + agents * 12, 's') },
      usage: { agents },
    };
  });
  return ResultsDocument.parse({
    ...fixedHeader('measured', '2026-11-21T12:30:00.000Z'),
    source: { name: 'loadtest', hash: '1'.repeat(64) },
    points,
  });
}

/** The header fields of a test document: fixed, so rendered reports compare byte for byte. */
function fixedHeader(kind: 'simulated' | 'measured', createdAt: string) {
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    kind,
    tool: { name: 'agentscale', version: '0.1.0' },
    createdAt,
    machine: { hostname: 'test', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test', memoryBytes: 4 * GiB, node: 'v20.20.2' },
  };
}
