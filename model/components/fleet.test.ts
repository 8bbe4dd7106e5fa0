import { describe, expect, it } from 'vitest';
import type { ScenarioConfig } from '../config.js';
import { simulateReplication } from '../simulate.js';
import { bareConfig, testConfig } from './test-config.js';

const GiB = 1024 ** 3;

describe('the fleet at work', () => {
  it('runs one task at a time per agent: a burst queues behind a lone agent', () => {
    // one agent, tool runs of exactly 10 s, tasks every 4 s for a while: the agent is always busy
    const config = bareConfig({
      warmup: 0,
      horizon: 400,
      workload: { arrival: { type: 'poisson', rate: 0.25 }, task: { toolTime: { kind: 'constant', value: 10 } } },
      fleet: [{ name: 'box', count: 1, cpus: 8, ram: 16 * GiB, agents: 1, agentMemory: GiB }],
    });
    const m = simulateReplication(config, 0).metrics;
    expect(m['tasks.completed']).toBeLessThanOrEqual(40);
    expect(m['tasks.completed']).toBeGreaterThanOrEqual(38);
    expect(m['agents.busy']).toBeGreaterThan(0.95);
  });

  const tierConfig = (tiers: ScenarioConfig['workload']['tiers'], standard: 'ollama' | 'claude' = 'ollama'): ScenarioConfig =>
    testConfig({
      horizon: 3600,
      warmup: 0,
      workload: { arrival: { type: 'poisson', rate: 0.01 }, tiers, task: { steps: { kind: 'constant', value: 3 } } },
      routing: { standard },
    });

  it('sends trivial tasks to no LLM, complex ones to Claude, standard ones to Ollama (or Claude when told)', () => {
    const trivial = simulateReplication(tierConfig({ trivial: 1, standard: 0, complex: 0 }), 0).metrics;
    expect(trivial['claude.requests']).toBe(0);
    expect(trivial['ollama.requests']).toBe(0);
    expect(trivial['tasks.completed']!).toBeGreaterThan(0);
    const complex = simulateReplication(tierConfig({ trivial: 0, standard: 0, complex: 1 }), 0).metrics;
    expect(complex['claude.requests']!).toBeGreaterThan(0);
    expect(complex['ollama.requests']).toBe(0);
    const standard = simulateReplication(tierConfig({ trivial: 0, standard: 1, complex: 0 }), 0).metrics;
    expect(standard['ollama.requests']!).toBeGreaterThan(0);
    expect(standard['claude.requests']).toBe(0);
    const viaClaude = simulateReplication(tierConfig({ trivial: 0, standard: 1, complex: 0 }, 'claude'), 0).metrics;
    expect(viaClaude['ollama.requests']).toBe(0);
    expect(viaClaude['claude.requests']!).toBeGreaterThan(0);
  });

  it('rejects standard tasks when no endpoint exists and fallback is off', () => {
    const config = testConfig({
      horizon: 3600,
      warmup: 0,
      workload: { arrival: { type: 'poisson', rate: 0.01 }, tiers: { trivial: 0, standard: 1, complex: 0 } },
      fleet: [{ name: 'laptop', count: 2, cpus: 8, ram: 16 * GiB, agents: 2, agentMemory: GiB }],
      routing: { fallbackToClaude: false },
    });
    const result = simulateReplication(config, 0);
    expect(result.metrics['tasks.rejected']).toBe(result.metrics['tasks.submitted']);
    expect(result.warnings.join('\n')).toMatch(/standard-tier tasks are rejected/);
  });

  it('first-healthy sends every Ollama call to the first endpoint; least-loaded spreads them', () => {
    const config = (endpointPolicy: ScenarioConfig['routing']['endpointPolicy']): ScenarioConfig =>
      testConfig({
        horizon: 3600,
        warmup: 0,
        workload: { arrival: { type: 'poisson', rate: 0.03 }, tiers: { trivial: 0, standard: 1, complex: 0 }, task: { steps: { kind: 'constant', value: 3 } } },
        routing: { endpointPolicy },
      });
    const util = (policy: ScenarioConfig['routing']['endpointPolicy'], name: string): number =>
      simulateReplication(config(policy), 0).resources.find((r) => r.name === name)!.utilization;
    expect(util('first-healthy', 'ollama[gpu-box#1]')).toBe(0);
    expect(util('first-healthy', 'ollama[gpu-box#0]')).toBeGreaterThan(0);
    expect(util('least-loaded', 'ollama[gpu-box#1]')).toBeGreaterThan(0);
  });
});
