// Emulator options from a resolved scenario (model/config.ts ScenarioConfig, described here by
// the structural subset the emulators read), so one scenario file describes both what the model
// predicts and what the emulators serve.

import type {
  ClaudeEmulatorOptions,
  ClaudeParameters,
  DistributionSpec,
  LocalModelConfig,
  ModelOnGpu,
  OllamaConfig,
  OllamaEmulatorOptions,
} from './options.js';

export interface EmulatedScenario {
  seed: number;
  workload: { task: { outputTokens: DistributionSpec } };
  claude: ClaudeParameters;
  fleet: { name: string; gpu?: { model: string; vram: number }; ollama?: OllamaConfig }[];
  gpus: Record<string, Record<string, ModelOnGpu>>;
  models: Record<string, LocalModelConfig>;
}

export function claudeOptionsFromScenario(scenario: EmulatedScenario): ClaudeEmulatorOptions {
  const c = scenario.claude;
  return {
    seed: scenario.seed,
    claude: {
      model: c.model,
      limits: { ...c.limits },
      timeToFirstToken: c.timeToFirstToken,
      outputRate: c.outputRate,
      overloadProbability: c.overloadProbability,
    },
    outputTokens: scenario.workload.task.outputTokens,
  };
}

/** The Ollama endpoint of the named machine group, or of the first group that runs Ollama. */
export function ollamaOptionsFromScenario(scenario: EmulatedScenario, group?: string): OllamaEmulatorOptions {
  const candidates = scenario.fleet.filter((g) => g.ollama && g.gpu);
  const chosen = group === undefined ? candidates[0] : candidates.find((g) => g.name === group);
  if (!chosen) {
    const names = candidates.map((g) => g.name).join(', ') || 'none';
    throw new Error(
      group === undefined
        ? 'the scenario has no machine group with a GPU and ollama settings'
        : `machine group ${group} has no GPU with ollama settings (groups that do: ${names})`,
    );
  }
  const ollama = chosen.ollama!;
  const gpu = chosen.gpu!;
  const speedsOnGpu = scenario.gpus[gpu.model];
  if (!speedsOnGpu) throw new Error(`gpus.${gpu.model} is missing: no speeds for group ${chosen.name}'s GPU`);
  const models: Record<string, LocalModelConfig> = {};
  const speeds: Record<string, ModelOnGpu> = {};
  for (const name of ollama.models) {
    const size = scenario.models[name];
    const speed = speedsOnGpu[name];
    if (!size) throw new Error(`models.${name} is missing (served by group ${chosen.name})`);
    if (!speed) throw new Error(`gpus.${gpu.model}.${name} is missing (served by group ${chosen.name})`);
    models[name] = size;
    speeds[name] = speed;
  }
  return {
    seed: scenario.seed,
    ollama: { ...ollama, models: [...ollama.models] },
    vram: gpu.vram,
    models,
    speeds,
    outputTokens: scenario.workload.task.outputTokens,
  };
}
