// Running scenarios: sweep points × replications on worker threads, aggregated into a results document.
export { runScenario, scenarioHash, type RunOptions, type RunOutcome } from './runner.js';
export { aggregatePoint, metricUnit } from './aggregate.js';
export { writeRunOutputs, defaultOutDir, OUTPUT_FILES } from './outputs.js';
export { pointsCsv, resourcesCsv } from './csv.js';
export { summaryTable } from './summary.js';
export { defaultSimulatorModule } from './pool.js';
export type { ReplicationOutcome, SimulateFn } from './types.js';
