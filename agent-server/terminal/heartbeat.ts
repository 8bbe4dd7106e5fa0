// Tells an AI Maestro host that this agent is alive: POST {status:"active"} on an interval.

import type { ServerMetrics } from './metrics.js';

export interface HeartbeatOptions {
  hostUrl: string;
  agentId: string;
  intervalMs: number;
  metrics: ServerMetrics;
  log: (message: string) => void;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

export function heartbeatUrl(hostUrl: string, agentId: string): string {
  return `${hostUrl.replace(/\/+$/, '')}/api/agents/${encodeURIComponent(agentId)}/heartbeat`;
}

export function startHeartbeat(options: HeartbeatOptions): { stop(): void } {
  const url = heartbeatUrl(options.hostUrl, options.agentId);
  let failing = false;
  const beat = async (): Promise<void> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'active' }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      options.metrics.heartbeatsSent += 1;
      failing = false;
    } catch (err) {
      options.metrics.heartbeatFailures += 1;
      // One line when it starts failing, not one per interval.
      if (!failing) options.log(`heartbeat to ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
      failing = true;
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
