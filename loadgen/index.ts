// loadgen/: open-model load generation over WebSocket and HTTP.
export { runLoad, measure, type LoadResult, type LoadHooks } from './load.js';
export { agentcomPlan } from './protocols/agentcom.js';
export { resolveOptions, RawOptions, PROTOCOLS, DEFAULT_MAX_CONNECTIONS, flagName, type LoadOptions, type Protocol } from './options.js';
export { runShare, MAIN_METRIC, type ProgressSnapshot } from './run.js';
export { mergeDocuments } from './merge.js';
export { documentCsv, buildDocument, pointFromShare } from './results.js';
export { pointTable } from './table.js';
export { progressFormatter } from './progress.js';
export { parseThreshold, evaluate, type Threshold, type ThresholdResult } from './thresholds.js';
export { Recorder, mergeShares, COUNTERS, type Share } from './recorder.js';
export { loadProfile } from './profile.js';
