// Scenario objects for tests: sensible defaults (the figures of shared/FACTS.md) with deep
// overrides. Used by tests and the benchmark only; real scenarios come from the loader.

import type { ScenarioConfig } from '../config.js';

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const GiB = 1024 ** 3;
const KiB = 1024;

export function defaultTestConfig(): ScenarioConfig {
  return {
    name: 'test',
    horizon: 3600,
    warmup: 600,
    replications: 10,
    seed: 42,
    confidence: 0.95,
    latencyTarget: 1800,
    workload: {
      arrival: { type: 'poisson', rate: 0.01 },
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
        name: 'gpu-box',
        count: 2,
        cpus: 16,
        ram: 64 * GiB,
        agents: 4,
        agentMemory: 2 * GiB,
        gpu: { model: 'rtx-4090', vram: 24 * GiB },
        ollama: { numParallel: 2, maxQueue: 512, maxLoadedModels: 3, keepAlive: 300, models: ['qwen2.5-coder-7b'], numCtx: 8192 },
      },
      { name: 'laptop', count: 3, cpus: 8, ram: 16 * GiB, agents: 2, agentMemory: 2 * GiB },
    ],
    hub: {
      cpus: 4,
      perMessageCpu: 50e-6,
      scanCpuPerTask: 20e-6,
      store: { mode: 'fsync', syncWrite: { kind: 'constant', value: 0.002 }, writesPerTask: 4, groupSize: 16 },
      progressInterval: 0,
      memoryPerConnection: 2600,
      shards: 1,
      crossShardCpu: 20e-6,
      queueTimeout: 600,
    },
    network: {
      uplink: { bandwidth: 100e6 / 8, rtt: 0.03 },
      mesh: {
        kind: 'tailscale',
        relayedFraction: 0.1,
        direct: { bandwidth: 0.9 * 1e9 / 8, rtt: 0.01 },
        relayed: { bandwidth: 1e6, rtt: 0.2 },
        overheadPerPacket: 80,
        mtu: 1280,
      },
    },
    claude: {
      model: 'sonnet-5.5',
      limits: { rpm: 4000, itpm: 2_000_000, otpm: 400_000 },
      maxTokens: 8192,
      timeToFirstToken: { kind: 'lognormal', mean: 2.2, cv: 0.3 },
      outputRate: 55,
      overloadProbability: 0.001,
      retry: { maxRetries: 2, baseDelay: 0.5, maxDelay: 8, jitter: 0.25 },
      bytesPerInputToken: 4,
      bytesPerOutputToken: 12,
    },
    routing: { standard: 'ollama', endpointPolicy: 'first-healthy', fallbackToClaude: true },
    terminal: { watchersPerAgent: 1, cpuPerFrame: 20e-6, cpuPerByte: 5e-9, frameBytes: 4096 },
    deployment: {
      kind: 'local',
      dashboards: 2,
      remoteDashboards: false,
      albHopLatency: 0.002,
      targetGroupsPerAlb: 100,
      sshRelayCpuPerByte: 10e-9,
      sshRelayCpus: 2,
      fargate: { vcpu: 1, memory: 2 * GiB, arch: 'x86' },
      reconnectsPerHour: 1,
    },
    gpus: {
      'rtx-4090': {
        'qwen2.5-coder-7b': { prefillRate: 5000, decodeCurve: [[1, 130], [2, 230], [4, 380], [8, 520]], loadTime: 6 },
      },
    },
    models: { 'qwen2.5-coder-7b': { weights: 4.7 * GiB, kvBytesPerToken: 56 * KiB } },
    overcommitSlowdown: 3,
    pricing: '',
    sources: [],
  };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function merge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(base[key], value);
  return out;
}

/** The defaults with `overrides` merged in (objects merge, arrays and other values replace). */
export function testConfig(overrides: DeepPartial<ScenarioConfig> = {}): ScenarioConfig {
  return merge(defaultTestConfig(), overrides) as ScenarioConfig;
}

/**
 * A scenario with every cost but the ones a test switches on set to zero: one machine group,
 * trivial tasks (no LLM call), no hub CPU, a store that costs nothing, no terminal streams.
 */
export function bareConfig(overrides: DeepPartial<ScenarioConfig> = {}): ScenarioConfig {
  const bare = testConfig({
    warmup: 1000,
    horizon: 20_000,
    workload: {
      tiers: { trivial: 1, standard: 0, complex: 0 },
      task: { steps: { kind: 'constant', value: 1 }, terminalOutput: 0 },
    },
    fleet: [{ name: 'box', count: 1, cpus: 64, ram: 256 * GiB, agents: 4, agentMemory: 1 * GiB }],
    hub: { perMessageCpu: 0, scanCpuPerTask: 0, store: { mode: 'none' }, queueTimeout: Infinity, crossShardCpu: 0 },
    network: { mesh: { relayedFraction: 0, direct: { bandwidth: 1e9, rtt: 0 } } },
    deployment: { dashboards: 0 },
    terminal: { watchersPerAgent: 0 },
  });
  return merge(bare, overrides) as ScenarioConfig;
}
