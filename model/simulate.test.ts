import { describe, expect, it } from 'vitest';
import { confidenceInterval, mm1ps, mmc, mva } from '../sim/index.js';
import type { ScenarioConfig } from './config.js';
import { checkModelConfig, simulateReplication } from './simulate.js';
import { ModelConfigError } from './components/context.js';
import { bareConfig, testConfig } from './components/test-config.js';

const GiB = 1024 ** 3;

function replications(config: ScenarioConfig, metric: string, n = 10): number[] {
  return Array.from({ length: n }, (_, i) => simulateReplication(config, i).metrics[metric]!);
}

function expectInsideCi(samples: number[], theory: number): void {
  const ci = confidenceInterval(samples, 0.95);
  expect(theory, `theory ${theory} vs CI [${ci.low}, ${ci.high}]`).toBeGreaterThanOrEqual(ci.low);
  expect(theory, `theory ${theory} vs CI [${ci.low}, ${ci.high}]`).toBeLessThanOrEqual(ci.high);
}

describe('degenerate scenarios match textbook queues', () => {
  it('one machine with c agents, Poisson tasks, exponential tool time, no LLM or hub cost: M/M/c', () => {
    const config = bareConfig({
      workload: { arrival: { type: 'poisson', rate: 0.3 }, task: { toolTime: { kind: 'exponential', mean: 10 } } },
    });
    const theory = mmc(0.3, 0.1, 4).W;
    expectInsideCi(replications(config, 'latency.task'), theory);
  });

  it('one core shared by many agents: M/M/1 processor sharing', () => {
    const config = bareConfig({
      workload: { arrival: { type: 'poisson', rate: 0.6 }, task: { toolTime: { kind: 'exponential', mean: 1 } } },
      fleet: [{ name: 'box', count: 1, cpus: 1, ram: 256 * GiB, agents: 60, agentMemory: GiB }],
      horizon: 8000,
    });
    expectInsideCi(replications(config, 'latency.task'), mm1ps(0.6, 1).W);
  });

  it('a closed loop of agents with think time on one core: exact MVA', () => {
    const config = bareConfig({
      workload: { arrival: { type: 'closed', think: { kind: 'exponential', mean: 4 } }, task: { toolTime: { kind: 'exponential', mean: 1 } } },
      fleet: [{ name: 'box', count: 1, cpus: 1, ram: 256 * GiB, agents: 5, agentMemory: GiB }],
      horizon: 8000,
    });
    const theory = mva([{ demand: 1, kind: 'queue' }], 5, 4).throughput[4]!;
    expectInsideCi(replications(config, 'throughput.tasks'), theory);
  });
});

describe('checkModelConfig', () => {
  it('names what cannot run', () => {
    expect(() => checkModelConfig(testConfig({ hub: { cpus: 0 } }))).toThrow(/hub.cpus must be above 0/);
    expect(() => checkModelConfig(testConfig({ network: { uplink: { bandwidth: 0 } } }))).toThrow(ModelConfigError);
    expect(() => checkModelConfig(testConfig())).not.toThrow();
  });
});

describe('warm-up deletion', () => {
  it('counts only what completes after the warm-up', () => {
    const config = bareConfig({
      warmup: 5000,
      horizon: 10_000,
      workload: { arrival: { type: 'poisson', rate: 0.3 }, task: { toolTime: { kind: 'exponential', mean: 1 } } },
    });
    const completed = simulateReplication(config, 0).metrics['tasks.completed']!;
    // 3,000 expected over the horizon (Poisson sd ≈ 55), 4,500 if the warm-up were counted
    expect(Math.abs(completed - 3000)).toBeLessThan(5 * 55);
  });
});

describe('determinism', () => {
  const config = testConfig({ horizon: 1800, warmup: 300, workload: { arrival: { type: 'poisson', rate: 0.02 } } });

  it('gives identical results for the same seed and replication', () => {
    expect(simulateReplication(config, 3)).toEqual(simulateReplication(config, 3));
  });

  it('gives different results for another replication index', () => {
    expect(simulateReplication(config, 4).metrics['latency.task']).not.toBe(simulateReplication(config, 3).metrics['latency.task']);
  });
});

describe('component semantics in the whole model', () => {
  const light = (extra: Parameters<typeof testConfig>[0] = {}): ScenarioConfig =>
    testConfig({
      horizon: 3600,
      warmup: 300,
      ...extra,
      workload: {
        arrival: { type: 'poisson', rate: 0.02 },
        tiers: { trivial: 0, standard: 0, complex: 1 },
        task: { steps: { kind: 'constant', value: 4 } },
        ...(extra.workload ?? {}),
      },
    });

  it('an input-token bucket below demand gives 429s and slower tasks', () => {
    const roomy = simulateReplication(light(), 0).metrics;
    const tight = simulateReplication(light({ claude: { limits: { rpm: 4000, itpm: 40_000, otpm: 400_000 }, retry: { maxRetries: 10 } } }), 0).metrics;
    expect(roomy['claude.429']).toBe(0);
    expect(tight['claude.429']).toBeGreaterThan(0);
    expect(tight['latency.llm.claude']!).toBeGreaterThan(roomy['latency.llm.claude']! * 1.2);
  });

  it('a full Ollama load queue gives 503s and falls back to Claude (two models, room for one)', () => {
    const config = light({
      workload: { arrival: { type: 'poisson', rate: 0.2 }, tiers: { trivial: 0, standard: 1, complex: 0 }, task: { steps: { kind: 'constant', value: 4 } } },
      fleet: [
        {
          name: 'gpu-box',
          count: 1,
          cpus: 16,
          ram: 64 * GiB,
          agents: 16,
          agentMemory: GiB,
          gpu: { model: 'rtx-4090', vram: 24 * GiB },
          ollama: { numParallel: 1, maxQueue: 2, maxLoadedModels: 1, keepAlive: 0, models: ['qwen2.5-coder-7b', 'other'], numCtx: 8192 },
        },
      ],
      gpus: { 'rtx-4090': { other: testConfig().gpus['rtx-4090']!['qwen2.5-coder-7b']! } },
      models: { other: { weights: 4 * GiB, kvBytesPerToken: 1024 } },
    });
    const m = simulateReplication(config, 0).metrics;
    expect(m['ollama.503']!).toBeGreaterThan(0);
    expect(m['ollama.fallbacks']!).toBeGreaterThan(0);
    expect(m['claude.requests']!).toBeGreaterThan(0);
  });

  it('relayed mesh paths make remote Ollama calls slower', () => {
    const fleet: ScenarioConfig['fleet'] = [
      { name: 'laptop', count: 4, cpus: 8, ram: 16 * GiB, agents: 2, agentMemory: GiB },
      { ...testConfig().fleet[0]!, count: 1, agents: 0 },
    ];
    const base = {
      fleet,
      workload: { tiers: { trivial: 0, standard: 1, complex: 0 }, task: { steps: { kind: 'constant', value: 4 } } },
    } as const;
    const direct = simulateReplication(light({ ...base, network: { mesh: { relayedFraction: 0 } } }), 0).metrics;
    const relayed = simulateReplication(light({ ...base, network: { mesh: { relayedFraction: 1 } } }), 0).metrics;
    expect(relayed['latency.llm.ollama']!).toBeGreaterThan(direct['latency.llm.ollama']! + 0.1);
  });

  it('over-committed RAM slows work by the stated factor and says so', () => {
    const fits = bareConfig({ workload: { arrival: { type: 'poisson', rate: 0.01 }, task: { toolTime: { kind: 'constant', value: 10 } } }, horizon: 5000 });
    const over = bareConfig({
      workload: { arrival: { type: 'poisson', rate: 0.01 }, task: { toolTime: { kind: 'constant', value: 10 } } },
      fleet: [{ name: 'box', count: 1, cpus: 64, ram: 2 * GiB, agents: 4, agentMemory: GiB }],
      overcommitSlowdown: 3,
      horizon: 5000,
    });
    const a = simulateReplication(fits, 0);
    const b = simulateReplication(over, 0);
    expect(a.metrics['latency.task']).toBeCloseTo(10, 6);
    expect(b.metrics['latency.task']).toBeCloseTo(30, 6);
    expect(b.warnings.join('\n')).toMatch(/box: 4 agents × 1 GiB = 4 GiB on 2 GiB RAM: over-committed, work slowed ×3/);
    expect(b.resources.find((r) => r.name === 'machine[box#0].ram')!.utilization).toBe(2);
  });

  it('periodic progress frames (every 100 ms per running task) load the hub store as a steady stream', () => {
    const config = bareConfig({
      workload: { arrival: { type: 'closed', think: { kind: 'exponential', mean: 60 } }, task: { steps: { kind: 'constant', value: 3 }, toolTime: { kind: 'exponential', mean: 20 } } },
      fleet: [{ name: 'runner', count: 4, cpus: 16, ram: 64 * GiB, agents: 8, agentMemory: GiB }],
      hub: { progressInterval: 0.1, perMessageCpu: 50e-6, store: { mode: 'fsync', syncWrite: { kind: 'constant', value: 0.002 }, writesPerTask: 4 } },
      horizon: 3000,
    });
    const { metrics: m, resources } = simulateReplication(config, 0);
    const busy = m['agents.busy']! * 32;
    const store = resources.find((r) => r.name === 'hub.store')!;
    const discrete = m['throughput.tasks']! * 4 * 0.002;
    expect(store.utilization).toBeGreaterThan(busy * 10 * 0.002 - 1e-9);
    expect(store.utilization).toBeLessThan(busy * 10 * 0.002 + discrete * 1.5 + 1e-9);
    expect(m['hub.syncedWrites']!).toBeGreaterThan(busy * 10);
    expect(resources.find((r) => r.name === 'hub.cpu')!.utilization).toBeLessThan(store.utilization);
  });

  it('reports stable resource names, a hub per shard, and usage per hour', () => {
    const result = simulateReplication(
      testConfig({ horizon: 1800, warmup: 300, hub: { shards: 2 }, deployment: { kind: 'alb-wss', remoteDashboards: true } }),
      0,
    );
    const ssh = simulateReplication(testConfig({ horizon: 600, warmup: 0, deployment: { kind: 'ssh-tunnel' } }), 0);
    expect(ssh.resources.map((r) => r.name)).toContain('ssh-relay.cpu');
    expect(ssh.usage.connections!.ssh!.open).toBe(14);
    const names = result.resources.map((r) => r.name);
    for (const name of ['hub[0].cpu', 'hub[1].store', 'uplink', 'mesh', 'machine[gpu-box#0].cpu', 'machine[laptop#2].ram', 'ollama[gpu-box#1]', 'claude.rpm', 'claude.itpm', 'claude.otpm']) {
      expect(names).toContain(name);
    }
    // The ALB scales out rather than saturating, so it is not ranked among the resources.
    expect(names).not.toContain('alb');
    const usage = result.usage;
    expect(usage.agents).toBe(14);
    expect(usage.machines).toBe(5);
    expect(usage.gpuMachines).toBe(2);
    expect(usage.tasksPerHour).toBeCloseTo(result.metrics['throughput.tasks']! * 3600, 6);
    expect(usage.connections!.alb!.open).toBe(14);
    expect(usage.bytesPerHour!.loadBalancer!).toBeGreaterThan(0);
    expect(usage.bytesPerHour!.uplink!).toBeGreaterThan(usage.bytesPerHour!.loadBalancer! * 0.99);
    expect(result.events).toBeGreaterThan(0);
  });
});
