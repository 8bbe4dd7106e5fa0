// The scenario file: schema, loader, defaults from data files, sweeps, JSON Schema.
export { loadScenario, type LoadedScenario, type LoadOptions, type ScenarioPoint } from './loader.js';
export { scenarioJsonSchema } from './json-schema.js';
export { SWEEP_ALIASES, type SweepValue } from './sweep.js';
export { resolveScenarioPath, packageRoot, DEFAULT_PRICING } from './paths.js';
export { formatPath } from './describe.js';
