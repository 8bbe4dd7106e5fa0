import { describe, expect, it } from 'vitest';
import { claudeOptionsFromScenario, ollamaOptionsFromScenario, type EmulatedScenario } from './scenario.js';

const scenario: EmulatedScenario = {
  seed: 42,
  workload: { task: { outputTokens: { kind: 'lognormal', mean: 500, cv: 1.2 } } },
  claude: {
    model: 'claude-sonnet-4-5',
    limits: { rpm: 4000, itpm: 2_000_000, otpm: 400_000 },
    maxTokens: 8192,
    timeToFirstToken: { kind: 'lognormal', mean: 2.2, cv: 0.15 },
    outputRate: 55,
    overloadProbability: 0.01,
  },
  fleet: [
    { name: 'laptops' },
    {
      name: 'gpu-boxes',
      gpu: { model: 'rtx4090', vram: 24 * 1024 ** 3 },
      ollama: { numParallel: 2, maxQueue: 512, maxLoadedModels: 3, keepAlive: 300, models: ['qwen3:8b'], numCtx: 8192 },
    },
  ],
  gpus: { rtx4090: { 'qwen3:8b': { prefillRate: 5000, decodeCurve: [[1, 120]], loadTime: 4 }, 'other:1b': { prefillRate: 1, decodeCurve: [[1, 1]], loadTime: 1 } } },
  models: { 'qwen3:8b': { weights: 5.2e9, kvBytesPerToken: 147_456 }, 'other:1b': { weights: 1e9, kvBytesPerToken: 1 } },
};

describe('emulator options from a scenario', () => {
  it('takes the Claude limits, speeds and reply lengths of the scenario', () => {
    const options = claudeOptionsFromScenario(scenario);
    expect(options.seed).toBe(42);
    expect(options.claude.limits).toEqual(scenario.claude.limits);
    expect(options.claude.timeToFirstToken).toEqual(scenario.claude.timeToFirstToken);
    expect(options.outputTokens).toEqual(scenario.workload.task.outputTokens);
  });

  it("takes a GPU group's Ollama settings and only the models it serves", () => {
    const options = ollamaOptionsFromScenario(scenario);
    expect(options.vram).toBe(24 * 1024 ** 3);
    expect(options.ollama.numParallel).toBe(2);
    expect(Object.keys(options.models)).toEqual(['qwen3:8b']);
    expect(options.speeds['qwen3:8b']!.prefillRate).toBe(5000);
    expect(() => ollamaOptionsFromScenario(scenario, 'laptops')).toThrow(/laptops has no GPU with ollama settings \(groups that do: gpu-boxes\)/);
    const broken = { ...scenario, gpus: {} };
    expect(() => ollamaOptionsFromScenario(broken)).toThrow(/gpus.rtx4090 is missing/);
  });
});
