export { erlangB, erlangC, mmc, mmck, type QueueMetrics, type FiniteQueueMetrics } from './erlang.js';
export { mg1, cobham, mm1ps, type ServiceMoments, type SingleServerMetrics } from './mg1.js';
export {
  jacksonNetwork,
  mva,
  solveLinear,
  littleL,
  littleW,
  littleLambda,
  type JacksonNode,
  type JacksonNetworkInput,
  type JacksonNetworkResult,
  type MvaStation,
  type MvaResult,
} from './networks.js';
