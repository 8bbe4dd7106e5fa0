// What the cost lines read from a point's Usage. The fleet model names hops after the
// deployment it simulated; every deployment is priced from the same dashboard traffic, so the
// first hop that carries any is taken (the ALB's own figures when the point ran through one).

import type { Usage } from '../../lib/index.js';

export const DASHBOARD_CONNECTION_HOPS = ['alb', 'loadBalancer', 'dashboard', 'dashboards', 'terminal', 'ssh'] as const;
export const DASHBOARD_BYTE_HOPS = ['loadBalancer', 'alb', 'dashboard', 'dashboards', 'terminal', 'sshRelay'] as const;

export function dashboardConnections(usage: Usage): { open: number; newPerSecond: number } {
  for (const hop of DASHBOARD_CONNECTION_HOPS) {
    const c = usage.connections?.[hop];
    if (c && (c.open > 0 || c.newPerSecond > 0)) return c;
  }
  return { open: 0, newPerSecond: 0 };
}

export function dashboardBytesPerHour(usage: Usage): number {
  for (const hop of DASHBOARD_BYTE_HOPS) {
    const b = usage.bytesPerHour?.[hop];
    if (b !== undefined && b > 0) return b;
  }
  return 0;
}

/** Bytes leaving for the internet per hour: Claude API requests and remote dashboards' streams. */
export function egressBytesPerHour(usage: Usage): number {
  return usage.bytesPerHour?.internetEgress ?? usage.bytesPerHour?.uplink ?? 0;
}

export function ingressBytesPerHour(usage: Usage): number {
  return usage.bytesPerHour?.internetIngress ?? 0;
}
