// Application Load Balancer: how many the target-group limit forces, and LCUs per hour.
// An hour's LCUs are the largest of four dimensions (not their sum), per load balancer.
// Infracost divides new connections by 100; AWS's LCU includes 25 new connections per second.

import type { AlbLcu } from './pricing-schema.js';

/** ALBs needed when every agent has its own host rule and target group. */
export function albCount(agents: number, targetGroupsPerAlb: number): number {
  if (agents <= 0) return 0;
  return Math.ceil(agents / targetGroupsPerAlb);
}

export interface AlbTraffic {
  /** New connections per second (all ALBs together). */
  newConnectionsPerSecond: number;
  /** Concurrent connections (AWS counts "active connections per minute", sampled each minute). */
  activeConnections: number;
  /** Bytes processed per hour, both directions. */
  processedBytesPerHour: number;
  /** Requests per second; each is checked against the listener rules. */
  requestsPerSecond: number;
}

export interface LcuBreakdown {
  newConnections: number;
  activeConnections: number;
  processedBytes: number;
  ruleEvaluations: number;
  /** LCUs per hour over all ALBs: the sum over ALBs of each one's largest dimension. */
  lcu: number;
  /** The dimension that sets the charge. */
  dominant: 'newConnections' | 'activeConnections' | 'processedBytes' | 'ruleEvaluations';
}

/**
 * LCUs per hour for `albs` load balancers sharing the traffic evenly, with `rules` listener rules
 * spread over them. Rules processed per request are taken as all rules on the ALB (AWS's own
 * pricing example does so), less the free ones.
 */
export function lcuPerHour(traffic: AlbTraffic, albs: number, rules: number, lcu: AlbLcu, bytesPerGB: number): LcuBreakdown {
  if (albs <= 0) return { newConnections: 0, activeConnections: 0, processedBytes: 0, ruleEvaluations: 0, lcu: 0, dominant: 'processedBytes' };
  const rulesPerAlb = rules / albs;
  const perAlb = {
    newConnections: traffic.newConnectionsPerSecond / albs / lcu.newConnectionsPerSecond,
    activeConnections: traffic.activeConnections / albs / lcu.activeConnectionsPerMinute,
    processedBytes: traffic.processedBytesPerHour / albs / bytesPerGB / lcu.processedGBPerHour,
    ruleEvaluations: ((traffic.requestsPerSecond / albs) * Math.max(0, rulesPerAlb - lcu.freeRules)) / lcu.ruleEvaluationsPerSecond,
  };
  let dominant: LcuBreakdown['dominant'] = 'newConnections';
  for (const k of ['activeConnections', 'processedBytes', 'ruleEvaluations'] as const) if (perAlb[k] > perAlb[dominant]) dominant = k;
  return {
    newConnections: perAlb.newConnections * albs,
    activeConnections: perAlb.activeConnections * albs,
    processedBytes: perAlb.processedBytes * albs,
    ruleEvaluations: perAlb.ruleEvaluations * albs,
    lcu: perAlb[dominant] * albs,
    dominant,
  };
}
