// model/: the fleet model, the scenario schema and loader, the cost model.
export type * from './config.js';
export * from './costs/index.js';
export * from './scenario/index.js';
export * from './run/index.js';
// the fleet model: one replication, and its components
export { simulateReplication, checkModelConfig, replicationSeed, type ReplicationResult, type ResourceReading, type ResourceKind } from './simulate.js';
export { ModelConfigError } from './components/context.js';
export { SharingServer, type SharingOptions } from './components/sharing.js';
export { HubStore } from './components/store.js';
export { Link, wireBytes, meshWireBytes } from './components/network.js';
export { ClaudeApi, backoffDelay } from './components/claude.js';
export { OllamaEndpoint, decodeCurve, modelVram, checkGpuGroups } from './components/ollama.js';
export { EndpointRouter } from './components/routing.js';
export { TaskFactory, nextProfileArrival, profileSegment } from './components/workload.js';
export { streamLoads, albCount, type StreamLoads } from './components/deployment.js';
export { fanoutCpu, frameCpu, framesPerSecond, wireRate } from './components/terminal.js';
export { Hub, SIDECAR_HEARTBEAT_FRAMES, DASHBOARD_HEARTBEAT_FRAMES, DEFAULT_QUEUE_TIMEOUT } from './components/hub.js';
