import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/index.js';
import type { ScenarioConfig } from '../config.js';
import { simulateReplication } from '../simulate.js';
import { ModelConfigError } from './context.js';
import { checkGpuGroups, decodeCurve, modelVram, OllamaEndpoint } from './ollama.js';
import { testConfig, type DeepPartial } from './test-config.js';

const GiB = 1024 ** 3;

function endpoint(ollama: DeepPartial<NonNullable<ScenarioConfig['fleet'][number]['ollama']>> = {}, extra: DeepPartial<ScenarioConfig> = {}) {
  const base = testConfig(extra);
  const group = { ...base.fleet[0]!, ollama: { ...base.fleet[0]!.ollama!, ...ollama } as NonNullable<ScenarioConfig['fleet'][number]['ollama']> };
  const config = { ...base, fleet: [group] };
  const sim = new Simulation({ seed: 5 });
  return { sim, ollama: new OllamaEndpoint(sim, 'ollama[test]', group, config), config };
}

const MODEL = 'qwen2.5-coder-7b';
// default speeds: prefill 5000 t/s, decode 130 t/s alone, 230 for two, load 6 s

describe('decodeCurve', () => {
  it('interpolates through the table from (0, 0) and stays flat past it', () => {
    const curve = decodeCurve([
      [1, 98],
      [2, 180],
      [4, 269],
    ]);
    expect(curve(1)).toBe(98);
    expect(curve(3)).toBeCloseTo(224.5, 9);
    expect(curve(8)).toBe(269);
    expect(curve(0.5)).toBe(49);
  });
});

describe('OllamaEndpoint', () => {
  it('loads the model cold, then prefills and decodes', () => {
    const { sim, ollama } = endpoint();
    let at = NaN;
    expect(ollama.admit(MODEL)).toBe(true);
    ollama.enqueue(MODEL, 5000, 130, () => (at = sim.now));
    sim.run();
    expect(at).toBeCloseTo(6 + 1 + 1, 9);
    expect(ollama.loads).toBe(1);
  });

  it('answers 503 beyond maxQueue for requests that need a load, and queues without limit once loaded', () => {
    const { sim, ollama } = endpoint({ maxQueue: 3 });
    const accepted = [0, 1, 2, 3, 4].map(() => ollama.admit(MODEL));
    expect(accepted).toEqual([true, true, true, false, false]);
    for (let i = 0; i < 3; i++) ollama.enqueue(MODEL, 100, 10, () => {});
    sim.run(7); // loaded at 6 s
    const later = Array.from({ length: 20 }, () => ollama.admit(MODEL));
    expect(later.every(Boolean)).toBe(true);
  });

  it('runs numParallel requests at once and shares decode along the curve', () => {
    const { sim, ollama } = endpoint({ numParallel: 2 });
    const done: number[] = [];
    for (let i = 0; i < 3; i++) {
      ollama.admit(MODEL);
      ollama.enqueue(MODEL, 0, 230, () => done.push(sim.now));
    }
    sim.run();
    // two streams at 115 t/s each finish at 6 + 2; the third then runs alone at 130 t/s
    expect(done[0]).toBeCloseTo(8, 9);
    expect(done[1]).toBeCloseTo(8, 9);
    expect(done[2]).toBeCloseTo(8 + 230 / 130, 9);
  });

  it('unloads after keep_alive and loads again on the next request', () => {
    const { sim, ollama } = endpoint({ keepAlive: 60 });
    ollama.admit(MODEL);
    ollama.enqueue(MODEL, 0, 130, () => {});
    sim.run(30);
    ollama.admit(MODEL); // still loaded: no new load
    ollama.enqueue(MODEL, 0, 130, () => {});
    sim.run(200);
    expect(ollama.loads).toBe(1);
    ollama.admit(MODEL);
    ollama.enqueue(MODEL, 0, 130, () => {});
    sim.run();
    expect(ollama.loads).toBe(2);
  });

  it('evicts an idle model to load another when only one fits', () => {
    const base = testConfig();
    const extra: DeepPartial<ScenarioConfig> = {
      gpus: { 'rtx-4090': { other: base.gpus['rtx-4090']![MODEL]! } },
      models: { other: { weights: 4 * GiB, kvBytesPerToken: 1024 } },
    };
    const { sim, ollama } = endpoint({ models: [MODEL, 'other'], maxLoadedModels: 1 }, extra);
    const done: string[] = [];
    ollama.admit(MODEL);
    ollama.enqueue(MODEL, 0, 130, () => done.push(`a@${sim.now.toFixed(3)}`));
    ollama.admit('other');
    ollama.enqueue('other', 0, 130, () => done.push(`b@${sim.now.toFixed(3)}`));
    sim.run();
    // 'other' waits for the first model to finish (7 s), evicts it, loads (6 s), decodes (1 s)
    expect(done).toEqual(['a@7.000', 'b@14.000']);
    expect(ollama.loads).toBe(2);
  });
});

describe('VRAM check', () => {
  it('fails with the machine group, needed and available bytes, and the shortfall', () => {
    const config = testConfig({
      fleet: [
        {
          name: 'gpu-box',
          count: 1,
          cpus: 8,
          ram: 32 * GiB,
          agents: 2,
          agentMemory: GiB,
          gpu: { model: 'rtx-4090', vram: 24 * GiB },
          ollama: { numParallel: 8, maxQueue: 512, maxLoadedModels: 1, keepAlive: 300, models: [MODEL], numCtx: 8192 },
        },
      ],
      models: { [MODEL]: { weights: 20 * GiB, kvBytesPerToken: 128 * 1024 } },
    });
    expect(modelVram(config.models[MODEL]!, config.fleet[0]!.ollama!)).toBe(28 * GiB);
    expect(() => checkGpuGroups(config)).toThrow(ModelConfigError);
    expect(() => checkGpuGroups(config)).toThrow(/machine group gpu-box: .*needs 28 GiB, has 24 GiB: 4 GiB short/);
    expect(() => simulateReplication(config, 0)).toThrow(/4 GiB short/);
  });

  it('accepts a model that fits', () => {
    expect(() => checkGpuGroups(testConfig())).not.toThrow();
  });
});
