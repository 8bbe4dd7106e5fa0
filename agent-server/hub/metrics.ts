// What the hub counts: AgentCom's /api/metrics snapshot (queue depth, task latency, utilisation,
// error rates over a one-hour window) and Prometheus text for the load it carries (frames, synced
// writes, fsync time, scheduler scans).

const WINDOW_MS = 3_600_000;
const MAX_DURATIONS = 10_000;
const TREND_LEN = 60;
const steps = (from: number, to: number, step: number): number[] => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Number((from + i * step).toPrecision(6)));
/**
 * Seconds; upper bounds of the fsync-time histogram buckets. Fine below 3 ms, where a local
 * disk's syncs lie, so a quantile or a trimmed mean read from the buckets is close to the samples'.
 */
export const FSYNC_BUCKETS = [...steps(0.00005, 0.001, 0.00005), ...steps(0.0011, 0.002, 0.0001), 0.0025, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

interface Sample {
  at: number;
  ms: number;
}

export interface AgentUtilisation {
  agent_id: string;
  state: string;
}

export class HubMetrics {
  framesIn = 0;
  framesOut = 0;
  syncedWrites = 0;
  recordsWritten = 0;
  bytesWritten = 0;
  fsyncCount = 0;
  fsyncSum = 0;
  readonly fsyncBuckets = new Array<number>(FSYNC_BUCKETS.length).fill(0);
  scans = 0;
  readonly scansByTrigger = new Map<string, number>();
  tasksExamined = 0;
  connectionsOpened = 0;
  connectionsOpen = 0;
  violations = 0;
  violationCloses = 0;
  rateLimited = 0;
  httpRequests = 0;
  readonly cumulative = { submitted: 0, completed: 0, failed: 0, dead_letter: 0, reclaimed: 0, retried: 0 };
  private readonly window: { at: number; kind: keyof HubMetrics['cumulative'] }[] = [];
  private readonly durations: Sample[] = [];
  private readonly trend: number[] = [];
  private allDurations: number[] = [];
  queueDepth = 0;

  count(kind: keyof HubMetrics['cumulative'], now: number): void {
    this.cumulative[kind]++;
    this.window.push({ at: now, kind });
    if (this.window.length > 4 * MAX_DURATIONS) this.window.splice(0, this.window.length - 4 * MAX_DURATIONS);
  }

  recordFsync(seconds: number, records: number): void {
    this.syncedWrites += records;
    this.fsyncCount++;
    this.fsyncSum += seconds;
    for (let i = 0; i < FSYNC_BUCKETS.length; i++) {
      if (seconds <= FSYNC_BUCKETS[i]) {
        this.fsyncBuckets[i]++;
        break;
      }
    }
  }

  /** Task duration, assignment to completion, in ms (AgentCom's task_latency). */
  recordDuration(now: number, ms: number): void {
    this.durations.push({ at: now, ms });
    if (this.durations.length > MAX_DURATIONS) this.durations.shift();
    this.allDurations.push(ms);
    if (this.allDurations.length > MAX_DURATIONS * 10) this.allDurations = this.allDurations.slice(-MAX_DURATIONS);
  }

  recordScan(examined: number, queued: number, trigger: string): void {
    this.scans++;
    this.scansByTrigger.set(trigger, (this.scansByTrigger.get(trigger) ?? 0) + 1);
    this.tasksExamined += examined;
    this.queueDepth = queued;
    this.trend.push(queued);
    if (this.trend.length > TREND_LEN) this.trend.shift();
  }

  /** The /api/metrics document, in AgentCom's MetricsCollector shape. */
  snapshot(now: number, agents: readonly AgentUtilisation[], queueDepth: number): Record<string, unknown> {
    const cutoff = now - WINDOW_MS;
    const windowed = this.durations.filter((d) => d.at >= cutoff).map((d) => d.ms);
    const w = { submitted: 0, failed: 0, dead_letter: 0, completed: 0 };
    for (const e of this.window) {
      if (e.at < cutoff) continue;
      if (e.kind in w) w[e.kind as keyof typeof w]++;
    }
    const working = agents.filter((a) => a.state !== 'idle').length;
    const trend = [...this.trend];
    return {
      timestamp: now,
      window_ms: WINDOW_MS,
      queue_depth: {
        current: queueDepth,
        trend,
        max_1h: trend.length ? Math.max(...trend) : 0,
        avg_1h: trend.length ? Math.round((trend.reduce((a, b) => a + b, 0) / trend.length) * 10) / 10 : 0,
      },
      task_latency: { window: latencyStats(windowed, true), cumulative: latencyStats(this.allDurations, false) },
      agent_utilization: {
        system: {
          total_agents: agents.length,
          agents_online: agents.length,
          agents_idle: agents.length - working,
          agents_working: working,
          utilization_pct: agents.length ? Math.round((working / agents.length) * 1000) / 10 : 0,
        },
        per_agent: agents.map((a) => ({ agent_id: a.agent_id, state: a.state })),
      },
      error_rates: {
        window: errorRates(w.submitted, w.failed, w.dead_letter),
        cumulative: errorRates(this.cumulative.submitted, this.cumulative.failed, this.cumulative.dead_letter),
      },
    };
  }

  prometheus(gauges: { queueDepth: number; agentsConnected: number; agentsWorking: number; logBytes: number; compactions: number }): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, v: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
    };
    const gauge = (name: string, help: string, v: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${v}`);
    };
    counter('hub_ws_frames_in_total', 'WebSocket frames received.', this.framesIn);
    counter('hub_ws_frames_out_total', 'WebSocket frames sent.', this.framesOut);
    counter('hub_store_records_total', 'Records appended to the store log.', this.recordsWritten);
    counter('hub_store_bytes_total', 'Bytes appended to the store log.', this.bytesWritten);
    counter('hub_store_synced_writes_total', 'Records made durable by an fsync.', this.syncedWrites);
    lines.push('# HELP hub_store_fsync_seconds Time of one fsync of the store log.', '# TYPE hub_store_fsync_seconds histogram');
    let cum = 0;
    for (let i = 0; i < FSYNC_BUCKETS.length; i++) {
      cum += this.fsyncBuckets[i];
      lines.push(`hub_store_fsync_seconds_bucket{le="${FSYNC_BUCKETS[i]}"} ${cum}`);
    }
    lines.push(`hub_store_fsync_seconds_bucket{le="+Inf"} ${this.fsyncCount}`);
    lines.push(`hub_store_fsync_seconds_sum ${this.fsyncSum}`, `hub_store_fsync_seconds_count ${this.fsyncCount}`);
    counter('hub_store_compactions_total', 'Snapshots written (log compactions).', gauges.compactions);
    gauge('hub_store_log_bytes', 'Size of the current log file.', gauges.logBytes);
    counter('hub_scheduler_scans_total', 'Scheduling attempts (each folds over the whole task table).', this.scans);
    lines.push('# HELP hub_scheduler_scans_by_trigger_total Scheduling attempts by trigger.', '# TYPE hub_scheduler_scans_by_trigger_total counter');
    for (const [trigger, n] of this.scansByTrigger) lines.push(`hub_scheduler_scans_by_trigger_total{trigger="${trigger}"} ${n}`);
    counter('hub_scheduler_tasks_examined_total', 'Tasks visited by scheduling folds.', this.tasksExamined);
    gauge('hub_queue_depth', 'Tasks queued.', gauges.queueDepth);
    counter('hub_ws_connections_total', 'WebSocket connections accepted.', this.connectionsOpened);
    gauge('hub_ws_connections', 'WebSocket connections open.', this.connectionsOpen);
    gauge('hub_agents_connected', 'Identified agents.', gauges.agentsConnected);
    gauge('hub_agents_working', 'Agents with a task.', gauges.agentsWorking);
    counter('hub_ws_violations_total', 'Invalid frames counted as violations.', this.violations);
    counter('hub_ws_violation_closes_total', 'Connections closed 1008 for violations.', this.violationCloses);
    counter('hub_rate_limited_total', 'Requests and frames refused by a rate limit.', this.rateLimited);
    counter('hub_http_requests_total', 'HTTP requests served.', this.httpRequests);
    for (const [k, v] of Object.entries(this.cumulative)) counter(`hub_tasks_${k}_total`, `Tasks ${k.replace('_', ' ')}.`, v);
    return `${lines.join('\n')}\n`;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function latencyStats(values: readonly number[], full: boolean): Record<string, number> {
  const s = [...values].sort((a, b) => a - b);
  const base = { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), count: s.length };
  if (!full) return base;
  return { ...base, min: s[0] ?? 0, max: s[s.length - 1] ?? 0, mean: s.length ? Math.round(s.reduce((a, b) => a + b, 0) / s.length) : 0 };
}

function errorRates(total: number, failed: number, dead: number): Record<string, number> {
  return { total_tasks: total, failed, dead_letter: dead, failure_rate_pct: total ? Math.round(((failed + dead) / total) * 1000) / 10 : 0 };
}
