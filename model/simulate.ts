// One replication of the fleet model: build the components for the scenario, run warm-up and
// the horizon on the kernel, and read out metrics, resource utilisations and usage per hour.

import { distribution, Simulation } from '../sim/index.js';
import { percentileKey, type Usage } from '../lib/index.js';
import type { ScenarioConfig } from './config.js';
import { ClaudeApi } from './components/claude.js';
import { ModelConfigError, ModelContext } from './components/context.js';
import { Deployment } from './components/deployment.js';
import { Fleet } from './components/fleet.js';
import { DASHBOARD_HEARTBEAT_FRAMES, Hub, SIDECAR_HEARTBEAT_FRAMES } from './components/hub.js';
import { buildMachines } from './components/machine.js';
import { buildNetwork, meshWireBytes } from './components/network.js';
import { checkGpuGroups } from './components/ollama.js';
import { startOpenArrivals, startTraceArrivals, TaskFactory } from './components/workload.js';

export type ResourceKind = 'cpu' | 'disk' | 'link' | 'gpu' | 'memory' | 'rate-limit' | 'connections' | 'other';

export interface ResourceReading {
  name: string;
  kind: ResourceKind;
  utilization: number;
  queueWait?: number;
  queueLength?: number;
  capacity?: number;
  capacityUnit?: string;
}

export interface ReplicationResult {
  metrics: Record<string, number>;
  /** Unit of each metric: 's', '1/s', 'count', 'fraction', 'B', 'tokens/min'. */
  units: Record<string, string>;
  resources: ResourceReading[];
  usage: Usage;
  warnings: string[];
  /** Calendar events processed. */
  events: number;
}

/** Bytes of a hub frame other than task_progress (JSON envelope with ids and metadata). */
export const HUB_FRAME_BYTES = 256;

/** The replication's seed: sweep points share it, so they see common random numbers. */
export function replicationSeed(seed: number, replication: number): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = (h ^ Math.imul(replication + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The checks a scenario must pass before it can run (every GPU group's models fit in its VRAM,
 * speeds exist for them, servers have capacity); throws ModelConfigError naming what and where.
 * Cheap: a runner can call it once per point in the main thread before dispatching replications.
 */
export function checkModelConfig(config: ScenarioConfig): void {
  checkGpuGroups(config);
  if (!(config.hub.cpus > 0)) throw new ModelConfigError(`hub.cpus must be above 0, got ${config.hub.cpus}`);
  for (const group of config.fleet) {
    if (group.count > 0 && !(group.cpus > 0)) throw new ModelConfigError(`machine group ${group.name}: cpus must be above 0, got ${group.cpus}`);
  }
  for (const [name, link] of [
    ['network.uplink', config.network.uplink],
    ['network.mesh.direct', config.network.mesh.direct],
    ['network.mesh.relayed', config.network.mesh.relayed],
  ] as const) {
    if (!(link.bandwidth > 0)) throw new ModelConfigError(`${name}.bandwidth must be above 0, got ${link.bandwidth}`);
  }
}

export function simulateReplication(config: ScenarioConfig, replication: number): ReplicationResult {
  checkModelConfig(config);
  const sim = new Simulation({ seed: replicationSeed(config.seed, replication) });
  const ctx = new ModelContext(sim, config);
  const machines = buildMachines(ctx, ctx.rng('mesh'));
  const relayedMachines = machines.filter((m) => m.relayed).length;
  const network = buildNetwork(sim, config.network, machines.length, relayedMachines);
  for (const link of [network.uplink, network.meshDirect, network.meshRelay]) ctx.onReset(() => link.resetStats());
  const agents = machines.reduce((n, m) => n + m.group.agents, 0);
  const claude = new ClaudeApi(ctx, config.claude, network.uplink, distribution(config.claude.timeToFirstToken));
  const deployment = new Deployment(ctx, network.uplink, config.deployment, config.terminal, config.network, config.workload.task.terminalOutput, agents);
  const factory = new TaskFactory(config.workload, ctx.rng('tasks'));
  const shards = Math.max(1, Math.floor(config.hub.shards));
  const fleet = new Fleet(ctx, machines, network, claude, deployment, factory, shards);
  const agentsPerShard = Array.from({ length: shards }, (_, s) => fleet.agents.filter((a) => a.shard === s).length);
  const hub = new Hub(ctx, fleet, agentsPerShard, config.deployment.dashboards);
  fleet.hub = hub;

  const arrival = config.workload.arrival;
  if (arrival.type === 'closed') {
    const think = distribution(arrival.think);
    const thinkRng = ctx.rng('think');
    fleet.thinkTime = () => think.sample(thinkRng);
    for (const agent of fleet.agents) sim.schedule(think.sample(thinkRng), () => fleet.submit(agent));
  } else if (arrival.type === 'trace') {
    startTraceArrivals(arrival.tasks, (d, cb) => sim.schedule(d, cb), (recorded) => fleet.submit(undefined, recorded));
  } else {
    const sorted = arrival.type === 'profile' ? { ...arrival, points: [...arrival.points].sort((a, b) => a.at - b.at) } : arrival;
    startOpenArrivals(sorted, (d, cb) => sim.schedule(d, cb), () => sim.now, ctx.rng('arrivals'), () => fleet.submit());
  }
  fleet.startProbes();

  const warmup = Math.max(0, config.warmup);
  let start = 0;
  const reset = (): void => {
    start = sim.now;
    ctx.resetStats();
    fleet.resetLatency();
  };
  if (warmup > 0) sim.schedule(warmup, reset);
  else reset();
  sim.run(warmup + config.horizon);

  const period = sim.now - start;
  const c = ctx.counters;
  const perSecond = (name: string): number => (period > 0 ? c.get(name) / period : 0);
  const perHour = (x: number): number => (period > 0 ? (x / period) * 3600 : 0);
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

  const completed = c.get('tasks.completed');
  const dashboards = config.deployment.dashboards;
  const heartbeatFrames = (agents * SIDECAR_HEARTBEAT_FRAMES + dashboards * DASHBOARD_HEARTBEAT_FRAMES) * period;
  let writes = 0;
  let syncs = 0;
  let periodicProgress = 0; // each periodic progress frame is one fluid write
  for (const shard of hub.shards) {
    const counts = shard.store.counts();
    writes += counts.writes;
    syncs += counts.syncs;
    periodicProgress += shard.store.fluidWrites();
  }
  const frames = c.get('hub.frames') + heartbeatFrames + periodicProgress;
  const busy = fleet.busyAgents.mean(sim.now);
  const hubConnections = agents + dashboards;

  const metrics: Record<string, number> = {
    'throughput.tasks': ratio(completed, period),
    'throughput.messages': ratio(frames, period),
    'tasks.submitted': c.get('tasks.submitted'),
    'tasks.completed': completed,
    'tasks.rejected': c.get('tasks.rejected'),
    'tasks.failed': c.get('tasks.failed'),
    'errors.rate': ratio(c.get('tasks.failed') + c.get('tasks.rejected'), c.get('tasks.submitted')),
    'latency.task': ratio(c.get('latency.sum'), completed),
    'latency.assign': ratio(c.get('assign.sum'), c.get('assign.count')),
    'latency.fanout': ratio(c.get('fanout.sum'), c.get('fanout.count')),
    // Every probe times both: a random watcher (fan-out) and the first client (round trip).
    'latency.rtt': ratio(c.get('rtt.sum'), c.get('fanout.count')),
    'latency.llm.claude': ratio(c.get('claude.latency.sum'), c.get('claude.latency.count')),
    'latency.llm.ollama': ratio(c.get('ollama.latency.sum'), c.get('ollama.latency.count')),
    'claude.429': perSecond('claude.429'),
    'claude.529': perSecond('claude.529'),
    'claude.requests': perSecond('claude.requests'),
    'claude.failures': c.get('claude.failures'),
    'claude.tokensPerMinute.input': perSecond('claude.tokens.input') * 60,
    'claude.tokensPerMinute.output': perSecond('claude.tokens.output') * 60,
    'claude.tokensPerMinute.cacheRead': perSecond('claude.tokens.cacheRead') * 60,
    'claude.tokensPerMinute.cacheWrite': perSecond('claude.tokens.cacheWrite') * 60,
    'ollama.503': perSecond('ollama.503'),
    'ollama.fallbacks': perSecond('ollama.fallbacks'),
    'ollama.requests': perSecond('ollama.requests'),
    'hub.frames': ratio(frames, period),
    'hub.writes': ratio(writes, period),
    'hub.syncedWrites': ratio(syncs, period),
    'hub.scans': perSecond('hub.scans'),
    'hub.queue': hub.shards.reduce((n, s) => n + s.meanQueueLength(), 0),
    'hub.connections': hubConnections,
    'hub.memory': hubConnections * config.hub.memoryPerConnection,
    'agents.busy': ratio(busy, agents),
  };
  for (const p of [50, 90, 95, 99]) {
    metrics[percentileKey('latency.task', p)] = fleet.taskLatency.count > 0 ? fleet.taskLatency.quantile(p / 100) : 0;
  }
  for (const p of [50, 95, 99]) {
    metrics[percentileKey('latency.fanout', p)] = fleet.fanoutLatency.count > 0 ? fleet.fanoutLatency.quantile(p / 100) : 0;
    metrics[percentileKey('latency.rtt', p)] = fleet.rttLatency.count > 0 ? fleet.rttLatency.quantile(p / 100) : 0;
  }

  const resources: ResourceReading[] = [];
  for (const shard of hub.shards) {
    const prefix = shards === 1 ? 'hub' : `hub[${shard.index}]`;
    resources.push({
      name: `${prefix}.cpu`,
      kind: 'cpu',
      utilization: shard.cpu.utilization(),
      queueLength: shard.cpu.meanJobs(),
      capacity: config.hub.cpus,
      capacityUnit: 'cores',
    });
    const meanSync = distribution(config.hub.store.syncWrite).mean;
    resources.push({
      name: `${prefix}.store`,
      kind: 'disk',
      utilization: shard.store.utilization(),
      queueWait: shard.store.meanWait(),
      queueLength: shard.store.meanQueueLength(),
      ...(meanSync > 0 ? { capacity: 1 / meanSync, capacityUnit: 'syncs/s' } : {}),
    });
  }
  for (const link of [network.uplink, network.meshDirect, network.meshRelay]) {
    if (link === network.meshRelay && relayedMachines === 0) continue;
    resources.push({
      name: link.name,
      kind: 'link',
      utilization: link.server.utilization(),
      queueLength: link.server.meanJobs(),
      capacity: link.server.capacity,
      capacityUnit: 'B/s',
    });
  }
  for (const machine of machines) {
    resources.push({
      name: `machine[${machine.name}].cpu`,
      kind: 'cpu',
      utilization: machine.cpu.utilization(),
      queueLength: machine.cpu.meanJobs(),
      capacity: machine.group.cpus,
      capacityUnit: 'cores',
    });
    resources.push({
      name: `machine[${machine.name}].ram`,
      kind: 'memory',
      utilization: machine.group.ram > 0 ? machine.ramNeeded / machine.group.ram : 0,
      capacity: machine.group.ram,
      capacityUnit: 'B',
    });
    const ollama = machine.ollama;
    if (ollama) {
      resources.push({
        name: ollama.name,
        kind: 'gpu',
        utilization: ollama.utilization(),
        queueWait: ollama.meanWait(),
        queueLength: ollama.meanQueueLength(),
        capacity: ollama.slotCapacity,
        capacityUnit: 'slots',
      });
      resources.push({ name: `${ollama.name}.vram`, kind: 'memory', utilization: ollama.vramUtilization(), capacity: ollama.vram, capacityUnit: 'B' });
    }
  }
  const limits = config.claude.limits;
  const perMinute = (name: string): number => perSecond(name) * 60;
  resources.push({ name: 'claude.rpm', kind: 'rate-limit', utilization: ratio(perMinute('claude.admitted'), limits.rpm), capacity: limits.rpm, capacityUnit: 'requests/min' });
  resources.push({ name: 'claude.itpm', kind: 'rate-limit', utilization: ratio(perMinute('claude.tokens.itpm'), limits.itpm), capacity: limits.itpm, capacityUnit: 'tokens/min' });
  resources.push({ name: 'claude.otpm', kind: 'rate-limit', utilization: ratio(perMinute('claude.tokens.output'), limits.otpm), capacity: limits.otpm, capacityUnit: 'tokens/min' });
  if (deployment.relay) {
    resources.push({
      name: 'ssh-relay.cpu',
      kind: 'cpu',
      utilization: deployment.relay.utilization(),
      capacity: deployment.relay.servers,
      capacityUnit: 'cores',
    });
  }
  // The ALB is not listed: its 100-target-group limit adds load balancers (a warning and a cost
  // line), it does not slow anything, and agents ÷ target groups would read 100 % at every
  // multiple of 100 agents and pose as the bottleneck.

  // a limit or bandwidth given as unlimited has no capacity to show
  for (const resource of resources) {
    if (resource.capacity !== undefined && !Number.isFinite(resource.capacity)) {
      delete resource.capacity;
      delete resource.capacityUnit;
    }
    if (!Number.isFinite(resource.utilization)) resource.utilization = 0;
  }

  // usage per hour for the cost model
  const loads = deployment.loads;
  const watcherConnections = agents * Math.max(0, config.terminal.watchersPerAgent);
  const reconnect = config.deployment.reconnectsPerHour / 3600;
  const kind = config.deployment.kind;
  const viaAlb = kind === 'alb-wss' || kind === 'fargate';
  const albNew = viaAlb ? watcherConnections * reconnect : 0;
  const progressFrames = c.get('hub.progress') + periodicProgress;
  const hubPayload = (frames - progressFrames) * HUB_FRAME_BYTES + progressFrames * config.workload.task.progressBytes;
  const meshBytes = c.get('mesh.bytes') + meshWireBytes(config.network, hubPayload / Math.max(1, frames)) * frames;
  const uplinkBytes = network.uplink.bytes();
  const usage: Usage = {
    agents,
    machines: machines.length,
    gpuMachines: machines.filter((m) => m.group.gpu !== undefined).length,
    tasksPerHour: perHour(completed),
    connections: {
      dashboard: { open: watcherConnections + dashboards, newPerSecond: (watcherConnections + dashboards) * reconnect },
      hub: { open: hubConnections, newPerSecond: dashboards * reconnect },
      alb: { open: viaAlb ? watcherConnections : 0, newPerSecond: albNew },
      ssh: { open: kind === 'ssh-tunnel' ? agents : 0, newPerSecond: 0 },
    },
    bytesPerHour: {
      uplink: perHour(uplinkBytes),
      internetEgress: perHour(uplinkBytes),
      internetIngress: perHour(c.get('claude.bytes.down')),
      loadBalancer: loads.albBytes * busy * 3600,
      mesh: perHour(meshBytes),
      sshRelay: loads.relayBytes * busy * 3600,
    },
    loadBalancerRequestsPerSecond: albNew,
    tokensPerHour: {
      [config.claude.model]: {
        input: perHour(c.get('claude.tokens.input')),
        output: perHour(c.get('claude.tokens.output')),
        cacheWrite: perHour(c.get('claude.tokens.cacheWrite')),
        cacheRead: perHour(c.get('claude.tokens.cacheRead')),
      },
    },
    claudeRequestsPerHour: perHour(c.get('claude.requests')),
    ollamaRequestsPerHour: perHour(c.get('ollama.requests')),
  };

  return { metrics, units: metricUnits(metrics), resources, usage, warnings: [...ctx.warnings], events: sim.eventsProcessed };
}

const COUNTS = new Set(['tasks.submitted', 'tasks.completed', 'tasks.rejected', 'tasks.failed', 'claude.failures', 'hub.queue', 'hub.connections']);
const FRACTIONS = new Set(['errors.rate', 'agents.busy']);

function metricUnits(metrics: Record<string, number>): Record<string, string> {
  const units: Record<string, string> = {};
  for (const name of Object.keys(metrics)) {
    units[name] = name.startsWith('latency.')
      ? 's'
      : COUNTS.has(name)
        ? 'count'
        : FRACTIONS.has(name)
          ? 'fraction'
          : name === 'hub.memory'
            ? 'B'
            : name.includes('tokensPerMinute')
              ? 'tokens/min'
              : '1/s';
  }
  return units;
}
