// sim/: the discrete-event simulation kernel. Imports nothing else of agentscale.
export { Simulation, type EventHandle, type SimulationOptions } from './simulation.js';
export { Waitable, SimEvent, Timeout, Process, Interrupt, Condition } from './waitable.js';
export { Resource, Request, type ResourceOptions, type Preemption } from './resource.js';
export { Store } from './store.js';
export { Container } from './container.js';
export { TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export { PSServer } from './ps-server.js';
export { createRng, Xoshiro128, type Rng } from './rng.js';
export {
  distribution,
  DistributionError,
  standardNormal,
  gammaSample,
  weibullShapeForCv,
  type Distribution,
  type DistributionSpec,
} from './distributions.js';
export { Tally } from './stats/tally.js';
export { TimeWeighted } from './stats/time-weighted.js';
export { QuantileSketch } from './stats/quantile-sketch.js';
export { tQuantile, tCdf } from './stats/student-t.js';
export {
  confidenceInterval,
  replicate,
  replicateUntil,
  type ConfidenceInterval,
  type ReplicationMetrics,
  type SequentialOptions,
  type SequentialResult,
} from './stats/confidence.js';
export { truncateWarmup, deleteWarmup, mserTruncation } from './stats/warmup.js';
export * from './analytic/index.js';
export { lgamma, erfc, normalCdf, betaInc } from './special.js';
