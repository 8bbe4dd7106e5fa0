// The Claude Messages API and Ollama API emulators, for loopback tests, validation runs and the
// load generator.
export { startClaudeEmulator, type ClaudeEmulatorStats } from './claude/server.js';
export { startOllamaEmulator, type OllamaEmulatorStats, type OllamaModelStats } from './ollama/server.js';
export { aggregateRate, perStreamRate, parseCurve, type DecodeCurve } from './ollama/curve.js';
export { CLAUDE_DEFAULTS, OLLAMA_DEFAULTS, defaultNumCtx, type Sourced } from './defaults.js';
export type {
  ClaudeEmulatorOptions,
  ClaudeParameters,
  OllamaEmulatorOptions,
  OllamaConfig as EmulatedOllamaConfig,
  ModelOnGpu as EmulatedModelOnGpu,
  LocalModelConfig as EmulatedLocalModelConfig,
  EmulatorHandle,
} from './options.js';
export { claudeOptions, ollamaOptions, mergeSettings, parseModelSpec, SettingError, type Settings } from './config.js';
export { claudeOptionsFromScenario, ollamaOptionsFromScenario, type EmulatedScenario } from './scenario.js';
