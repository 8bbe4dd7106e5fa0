// The fleet model's speed: 8 simulated hours (30 min warm-up + 7.5 h) of a 1,000-agent fleet
// (125 machines × 8 agents, 25 of them with a GPU running Ollama), about one task a second,
// wall time and calendar events per second on one core. The baseline, measured in the same run,
// is the kernel's callback API running a bare M/M/1 for about as many events: the ratio says how
// much of the kernel's raw speed the model keeps.
import { cpus, loadavg } from 'node:os';
import { simulateReplication, type ScenarioConfig } from '../model/index.js';
import { Simulation } from '../sim/index.js';

const GiB = 1024 ** 3;
const REPLICATIONS = 3;
const OLLAMA_MODEL = 'qwen2.5-coder-7b';

export function thousandAgentDay(): ScenarioConfig {
  return {
    name: 'bench-1000-agents',
    horizon: 7.5 * 3600,
    warmup: 1800,
    replications: REPLICATIONS,
    seed: 2026,
    confidence: 0.95,
    latencyTarget: 1800,
    workload: {
      arrival: { type: 'poisson', rate: 1.2 },
      tiers: { trivial: 0.2, standard: 0.5, complex: 0.3 },
      task: {
        steps: { kind: 'lognormal', mean: 12, cv: 0.8 },
        inputTokens: { kind: 'lognormal', mean: 40_000, cv: 1 },
        outputTokens: { kind: 'lognormal', mean: 800, cv: 1.2 },
        toolTime: { kind: 'lognormal', mean: 20, cv: 1.5 },
        terminalOutput: 4096,
        progressBytes: 512,
        cacheReadFraction: 0.8,
        cacheWriteFraction: 0.1,
      },
    },
    fleet: [
      {
        name: 'gpu',
        count: 25,
        cpus: 16,
        ram: 64 * GiB,
        agents: 8,
        agentMemory: 2 * GiB,
        gpu: { model: 'rtx-4090', vram: 24 * GiB },
        ollama: { numParallel: 4, maxQueue: 512, maxLoadedModels: 3, keepAlive: 300, models: [OLLAMA_MODEL], numCtx: 8192 },
      },
      { name: 'cpu', count: 100, cpus: 16, ram: 32 * GiB, agents: 8, agentMemory: 2 * GiB },
    ],
    hub: {
      cpus: 4,
      perMessageCpu: 50e-6,
      scanCpuPerTask: 20e-6,
      store: { mode: 'fsync', syncWrite: { kind: 'constant', value: 0.002 }, writesPerTask: 4, groupSize: 16 },
      progressInterval: 30,
      memoryPerConnection: 2600,
      shards: 1,
      crossShardCpu: 20e-6,
    },
    network: {
      uplink: { bandwidth: 1e9 / 8, rtt: 0.03 },
      mesh: {
        kind: 'tailscale',
        relayedFraction: 0.1,
        direct: { bandwidth: (0.9 * 1e9) / 8, rtt: 0.01 },
        relayed: { bandwidth: 1e6, rtt: 0.2 },
        overheadPerPacket: 80,
        mtu: 1280,
      },
    },
    claude: {
      model: 'sonnet-5.5',
      limits: { rpm: 20_000, itpm: 10_000_000, otpm: 2_000_000 },
      maxTokens: 8192,
      timeToFirstToken: { kind: 'lognormal', mean: 2.2, cv: 0.3 },
      outputRate: 55,
      overloadProbability: 0.001,
      retry: { maxRetries: 2, baseDelay: 0.5, maxDelay: 8, jitter: 0.25 },
      bytesPerInputToken: 4,
      bytesPerOutputToken: 12,
    },
    routing: { standard: 'ollama', endpointPolicy: 'least-loaded', fallbackToClaude: true },
    terminal: { watchersPerAgent: 1, cpuPerFrame: 20e-6, cpuPerByte: 5e-9, frameBytes: 4096 },
    deployment: {
      kind: 'alb-wss',
      dashboards: 10,
      remoteDashboards: true,
      albHopLatency: 0.002,
      targetGroupsPerAlb: 100,
      sshRelayCpuPerByte: 10e-9,
      sshRelayCpus: 2,
      fargate: { vcpu: 1, memory: 2 * GiB, arch: 'x86' },
      reconnectsPerHour: 1,
    },
    gpus: { 'rtx-4090': { [OLLAMA_MODEL]: { prefillRate: 5000, decodeCurve: [[1, 130], [2, 230], [4, 380], [8, 520]], loadTime: 6 } } },
    models: { [OLLAMA_MODEL]: { weights: 4.7 * GiB, kvBytesPerToken: 56 * 1024 } },
    overcommitSlowdown: 3,
    pricing: '',
    sources: [],
  };
}

/** Baseline: M/M/1 at ρ = 0.9 on the kernel's callback API, about `events` calendar events. */
function kernelBaseline(events: number): { wall: number; events: number } {
  const sim = new Simulation({ seed: 1 });
  const rng = sim.rng('mm1');
  let queue = 0;
  let busy = false;
  const exp = (mean: number): number => -Math.log(1 - rng.next()) * mean;
  const depart = (): void => {
    if (queue > 0) {
      queue--;
      sim.schedule(exp(1), depart);
    } else busy = false;
  };
  const arrive = (): void => {
    if (busy) queue++;
    else {
      busy = true;
      sim.schedule(exp(1), depart);
    }
    sim.schedule(exp(1 / 0.9), arrive);
  };
  sim.schedule(0, arrive);
  const start = performance.now();
  sim.run(events / 1.8); // two events per customer, 0.9 customers per second
  return { wall: (performance.now() - start) / 1000, events: sim.eventsProcessed };
}

export const modelBenchmark = {
  name: 'model',
  description: `fleet model: 8 simulated hours of a 1,000-agent fleet (125 machines × 8 agents), wall time and events/s on one core (${REPLICATIONS} replications)`,
  async run(): Promise<void> {
    const load = loadavg();
    process.stdout.write(`load average ${load.map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (figures fall as load rises; compare the ratios)\n`);
    const config = thousandAgentDay();
    const rows: { wall: number; events: number }[] = [];
    for (let r = 0; r < REPLICATIONS; r++) {
      const start = performance.now();
      const result = simulateReplication(config, r);
      const wall = (performance.now() - start) / 1000;
      rows.push({ wall, events: result.events });
      const m = result.metrics;
      process.stdout.write(
        `  replication ${r}: ${wall.toFixed(2)} s wall, ${result.events.toLocaleString('en-US')} events, ` +
          `${Math.round(result.events / wall).toLocaleString('en-US')} events/s; ` +
          `${m['tasks.completed']} tasks, p95 ${(m['latency.task.p95']! / 60).toFixed(1)} min, agents busy ${(m['agents.busy']! * 100).toFixed(0)} %\n`,
      );
    }
    const best = rows.reduce((a, b) => (b.events / b.wall > a.events / a.wall ? b : a));
    const baseline = kernelBaseline(best.events);
    const modelRate = best.events / best.wall;
    const kernelRate = baseline.events / baseline.wall;
    process.stdout.write(`  best: ${best.wall.toFixed(2)} s for the 1,000-agent day (aim < 10 s), ${Math.round(modelRate).toLocaleString('en-US')} events/s\n`);
    process.stdout.write(
      `  baseline (kernel callback M/M/1, ${baseline.events.toLocaleString('en-US')} events): ${Math.round(kernelRate).toLocaleString('en-US')} events/s; ` +
        `model / kernel = ${(modelRate / kernelRate).toFixed(2)}\n`,
    );
  },
};
