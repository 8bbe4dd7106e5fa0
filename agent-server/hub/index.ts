// The reference hub: an AgentCom-compatible subset (WebSocket /ws for sidecars, the task REST API,
// metrics) over a durable append-only store. See the README section `hub` for the wire messages.
// Names carry a Hub prefix where a bare one could collide in agent-server's shared index.

export { startHub, type HubHandle } from './server.js';
export {
  DEFAULT_HUB_OPTIONS,
  PRIORITY_LANES as HUB_PRIORITY_LANES,
  type HubOptions,
  type SyncMode as HubSyncMode,
  type Task as HubTask,
  type Tier as HubTier,
  type RoutingDecision as HubRoutingDecision,
} from './types.js';
export { LogStore as HubLogStore, StoreError as HubStoreError } from './log-store.js';
export { encodeRecord as encodeHubRecord, decodeRecords as decodeHubRecords, type StoreRecord as HubStoreRecord } from './record-codec.js';
export { planAssignments as planHubAssignments } from './scheduler.js';
export { buildComplexity as buildHubComplexity, route as routeHubTask } from './complexity.js';
export type { Recovery as HubRecovery } from './hub-core.js';
export { HubSocket, startSimSidecar, type HubFrame, type Identity as HubIdentity, type SimSidecarOptions } from './sidecar-client.js';
