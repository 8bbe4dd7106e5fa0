// Counters the server keeps and their Prometheus text exposition, written by hand.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class ServerMetrics {
  connectionsTotal = 0;
  connectionsOpen = 0;
  framesIn = 0;
  bytesIn = 0;
  framesOut = 0;
  bytesOut = 0;
  slowClientDisconnects = 0;
  ptySpawns = 0;
  ptyExits = 0;
  ptyPauses = 0;
  authFailures = 0;
  originRejections = 0;
  heartbeatsSent = 0;
  heartbeatFailures = 0;
  /** Peak unflushed bytes held for any one client: the per-client memory bound as observed. */
  maxClientPendingBytes = 0;
  largestFrameOut = 0;
  readonly rejectedFrames = new Map<string, number>();
  private readonly loopDelay: IntervalHistogram;

  constructor() {
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
  }

  reject(reason: string): void {
    this.rejectedFrames.set(reason, (this.rejectedFrames.get(reason) ?? 0) + 1);
  }

  stop(): void {
    this.loopDelay.disable();
  }

  render(extra: { sessions: number; clients: number; uptimeSeconds: number }): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[string, number]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${Number.isFinite(value) ? value : 0}`);
    };
    const one = (value: number): Array<[string, number]> => [['', value]];
    metric('agent_server_connections_total', 'counter', 'WebSocket connections accepted.', one(this.connectionsTotal));
    metric('agent_server_connections_open', 'gauge', 'WebSocket connections open now.', one(this.connectionsOpen));
    metric('agent_server_clients', 'gauge', 'Clients attached to a terminal session.', one(extra.clients));
    metric('agent_server_sessions', 'gauge', 'Terminal sessions with a live PTY.', one(extra.sessions));
    metric('agent_server_frames_in_total', 'counter', 'WebSocket frames received from clients.', one(this.framesIn));
    metric('agent_server_bytes_in_total', 'counter', 'Payload bytes received from clients.', one(this.bytesIn));
    metric('agent_server_frames_out_total', 'counter', 'WebSocket frames sent to clients.', one(this.framesOut));
    metric('agent_server_bytes_out_total', 'counter', 'Payload bytes sent to clients.', one(this.bytesOut));
    metric('agent_server_slow_client_disconnects_total', 'counter', 'Clients closed (1013) for staying above the send high-water mark too long.', one(this.slowClientDisconnects));
    metric('agent_server_client_pending_bytes_max', 'gauge', 'Peak unflushed bytes held for any one client since start.', one(this.maxClientPendingBytes));
    metric('agent_server_pty_spawns_total', 'counter', 'PTYs (tmux attach) started.', one(this.ptySpawns));
    metric('agent_server_pty_exits_total', 'counter', 'PTYs that exited or were released.', one(this.ptyExits));
    metric('agent_server_pty_pauses_total', 'counter', 'Times PTY reading was paused for a client send buffer above the high-water mark.', one(this.ptyPauses));
    metric('agent_server_auth_failures_total', 'counter', 'Connections refused for a missing or bad token (closed 1008).', one(this.authFailures));
    metric('agent_server_origin_rejections_total', 'counter', 'Upgrades refused for an Origin outside the allow-list (HTTP 403).', one(this.originRejections));
    metric('agent_server_rejected_frames_total', 'counter', 'Client frames dropped, by reason.',
      [...this.rejectedFrames].map(([reason, n]) => [`{reason="${reason}"}`, n]));
    metric('agent_server_heartbeats_total', 'counter', 'Heartbeats posted to the host, by outcome.',
      [['{outcome="ok"}', this.heartbeatsSent], ['{outcome="failed"}', this.heartbeatFailures]]);
    metric('agent_server_event_loop_delay_seconds', 'gauge', 'Event-loop delay since start, by quantile.',
      [0.5, 0.9, 0.99].map((q) => [`{quantile="${q}"}`, this.loopDelay.percentile(q * 100) / 1e9] as [string, number])
        .concat([['{quantile="1"}', this.loopDelay.max / 1e9]]));
    metric('agent_server_uptime_seconds', 'gauge', 'Seconds since the server started.', one(extra.uptimeSeconds));
    metric('agent_server_resident_memory_bytes', 'gauge', 'Resident set size of the server process.', one(process.memoryUsage.rss()));
    return `${lines.join('\n')}\n`;
  }
}
