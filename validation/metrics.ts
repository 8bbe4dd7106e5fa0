// What is compared for each kind of validation: a metric's name, unit, target, how it is read
// from a measured level (the load generator's document and the servers' own counters) and from
// one simulated replication of the same level.

import type { ResultsDocument, PointResult } from '../lib/index.js';
import { streamLoads, type ReplicationResult, type ScenarioConfig, type ValidationConfig } from '../model/index.js';
import type { LevelValues } from './mapping.js';

/** What the stack itself reported over a level (CPU from /proc, store counters from /metrics). */
export interface ServerReadings {
  /** CPU seconds per second of the server process under test over the load run. */
  serverCpu?: number;
  /** Fraction of time the hub's store spent in fsync. */
  storeBusy?: number;
  /** Seconds per second the server's threads waited for a CPU while runnable (other work on its core). */
  serverWait?: number;
  /** The largest share of a core the stack ran on that the hypervisor took (steal.ts). */
  steal?: number;
}

export interface MetricDef {
  key: string;
  label: string;
  unit: string;
  target?: 'throughput' | 'latency';
  measured(point: PointResult, servers: ServerReadings): number | null;
  /** `measured` is the level's measured point, for the offered load the generator actually produced (an input, never an output). */
  predicted(r: ReplicationResult, level: LevelValues, config: ScenarioConfig, measured: PointResult): number | null;
}

const m = (point: PointResult, name: string): number | null => point.metrics[name]?.value ?? null;
const perSecond = (point: PointResult, name: string): number | null => {
  const v = m(point, name) ?? 0;
  const d = m(point, 'run.duration');
  return d && d > 0 ? v / d : null;
};
const resource = (r: ReplicationResult, pred: (name: string) => boolean): number | null => {
  const found = r.resources.filter((x) => pred(x.name));
  return found.length > 0 ? found.reduce((a, x) => a + x.utilization, 0) : null;
};

const latency = (key: string, label: string, measuredName: string, modelName: string, target?: 'latency'): MetricDef => ({
  key,
  label,
  unit: 's',
  ...(target ? { target } : {}),
  measured: (p) => m(p, measuredName),
  predicted: (r) => r.metrics[modelName] ?? null,
});

/** A diagnostic with no prediction: how long the server waited for its core (the model gives it the core). */
const wait: MetricDef = { key: 'diag.serverCpuWait', label: 'server runnable but waiting for a CPU (s per s)', unit: 'fraction', measured: (_p, s) => s.serverWait ?? null, predicted: () => null };

/** A diagnostic with no prediction: the time another guest of the host took from the stack's cores. */
const steal: MetricDef = { key: 'diag.steal', label: "share of the stack's busiest-stolen core the hypervisor took", unit: 'fraction', measured: (_p, s) => s.steal ?? null, predicted: () => null };

/**
 * Diagnostics of the load generator itself: on its one core it reads every frame of every watcher,
 * and when it is busy its own queueing shows up in the latencies it times (the model has it as
 * `terminal.readerTimePerFrame`, its pace along a fan-out, when the profile does; a real watcher
 * is a browser of its own).
 */
const generator: MetricDef[] = [
  { key: 'diag.generatorCpu', label: "load generator's CPU (fraction of its core)", unit: 'fraction', measured: (p) => m(p, 'generator.cpu'), predicted: () => null },
  { key: 'diag.generatorLoopDelay', label: "load generator's event-loop delay p99", unit: 's', measured: (p) => m(p, 'generator.eventLoopDelay.p99'), predicted: () => null },
];

const errors: MetricDef[] = [
  { key: 'errors.rate', label: 'failed operations (fraction)', unit: 'fraction', measured: (p) => m(p, 'errors.rate'), predicted: (r) => r.metrics['errors.rate'] ?? 0 },
  { key: 'errors.429', label: '429 answers per second', unit: '1/s', measured: (p) => perSecond(p, 'errors.http-429'), predicted: (r) => r.metrics['claude.429'] ?? 0 },
  { key: 'errors.503', label: '503 answers per second', unit: '1/s', measured: (p) => perSecond(p, 'errors.http-503'), predicted: (r) => r.metrics['ollama.503'] ?? 0 },
];

const TERMINAL: MetricDef[] = [
  {
    key: 'throughput.delivered',
    label: 'terminal bytes per second to each client, from a second after its handshake (steady state)',
    unit: 'B/s',
    target: 'throughput',
    measured: (p) => steadyStreamRate(p),
    // Every client (watchers and the writer) receives its busy agent's stream.
    predicted: (r, _l, c) => (r.metrics['agents.busy'] ?? 0) * c.workload.task.terminalOutput,
  },
  // The model loses no round trip: it answers every marker the generator scheduled (fewer than
  // sessions × rate × duration, as each writer starts once its connection is open).
  { key: 'throughput.roundTrips', label: 'round trips answered per second', unit: '1/s', target: 'throughput', measured: (p) => m(p, 'throughput.messages'), predicted: (_r, l, _c, p) => perSecond(p, 'ops.intended') ?? l.sessions * l.rate },
  latency('latency.rtt.p50', 'terminal round trip p50', 'latency.rtt.p50', 'latency.rtt.p50', 'latency'),
  latency('latency.rtt.p95', 'terminal round trip p95', 'latency.rtt.p95', 'latency.rtt.p95', 'latency'),
  latency('latency.rtt.p99', 'terminal round trip p99', 'latency.rtt.p99', 'latency.rtt.p99'),
  latency('latency.fanout.p50', 'fan-out delivery p50', 'latency.fanout.p50', 'latency.fanout.p50', 'latency'),
  latency('latency.fanout.p95', 'fan-out delivery p95', 'latency.fanout.p95', 'latency.fanout.p95', 'latency'),
  latency('latency.fanout.p99', 'fan-out delivery p99', 'latency.fanout.p99', 'latency.fanout.p99'),
  {
    key: 'util.server',
    label: 'agent server CPU (fraction of its core)',
    unit: 'fraction',
    measured: (_p, s) => s.serverCpu ?? null,
    // The model's core also carries tmux and the fake agents (measured apart from the server's
    // process): the server's own share is the core's load without theirs.
    predicted: (r, l, c) => {
      const core = resource(r, (n) => n.startsWith('machine[') && n.endsWith('.cpu'));
      if (core === null) return null;
      const producers = (r.metrics['agents.busy'] ?? 0) * l.sessions * streamLoads(c.deployment, c.terminal, c.workload.task.terminalOutput).tmuxCpu;
      const cores = c.fleet[0]?.cpus ?? 1;
      return core - producers / cores;
    },
  },
  wait,
  steal,
  ...generator,
  ...errors,
];

const HUB: MetricDef[] = [
  // Both sides count every task submitted during the run, completed during it or after (drain), over the run's duration.
  // The fraction of tasks the model completes, applied to the tasks the generator actually submitted
  // (a 15 s Poisson stream's own count varies by ±10 %, which says nothing about the model).
  {
    key: 'throughput.tasks',
    label: 'tasks completed per second of the run',
    unit: '1/s',
    target: 'throughput',
    measured: (p) => m(p, 'throughput.tasks'),
    predicted: (r, _l, c, p) => {
      const submitted = r.metrics['tasks.submitted'] ?? 0;
      const offered = m(p, 'ops.intended');
      const completed = r.metrics['tasks.completed'] ?? 0;
      return offered !== null && submitted > 0 ? ((completed / submitted) * offered) / arrivalSpan(c, p) : completed / arrivalSpan(c, p);
    },
  },
  latency('latency.task.p50', 'task completion p50', 'latency.task.p50', 'latency.task.p50', 'latency'),
  latency('latency.task.p95', 'task completion p95', 'latency.task.p95', 'latency.task.p95', 'latency'),
  latency('latency.task.p99', 'task completion p99', 'latency.task.p99', 'latency.task.p99'),
  latency('latency.assign', 'submit → assign (mean)', 'latency.assign', 'latency.assign'),
  // The model's utilisation is over arrivals and drain; the measured one over the run.
  { key: 'util.hub', label: 'hub CPU (fraction of its core)', unit: 'fraction', measured: (_p, s) => s.serverCpu ?? null, predicted: (r, _l, c, p) => overSpan(resource(r, (n) => n === 'hub.cpu'), c, p) },
  { key: 'util.store', label: 'hub store busy syncing (fraction)', unit: 'fraction', measured: (_p, s) => s.storeBusy ?? null, predicted: (r, _l, c, p) => overSpan(resource(r, (n) => n === 'hub.store'), c, p) },
  wait,
  steal,
  ...errors,
];

const LLM: MetricDef[] = [
  // The driver does not time assignment; the hub's frames are the same as in the hub kind.
  ...HUB.filter((d) => !d.key.startsWith('errors.') && d.key !== 'latency.assign'),
  latency('latency.llm.claude', 'Claude call, first attempt to answer (mean)', 'latency.llm.claude', 'latency.llm.claude'),
  { key: 'errors.rate', label: 'failed tasks (fraction)', unit: 'fraction', measured: (p) => m(p, 'errors.rate'), predicted: (r) => r.metrics['errors.rate'] ?? 0 },
  // The model's rates are over the whole simulated time (arrivals and drain); the measured ones over the run's duration.
  { key: 'errors.429', label: '429 answers per second', unit: '1/s', measured: (p) => perSecond(p, 'errors.http-429'), predicted: (r, _l, c, p) => ((r.metrics['claude.429'] ?? 0) * c.horizon) / arrivalSpan(c, p) },
  { key: 'errors.503', label: '503 and 529 answers per second', unit: '1/s', measured: (p) => (perSecond(p, 'errors.http-503') ?? 0) + (perSecond(p, 'errors.http-529') ?? 0), predicted: (r, _l, c, p) => (((r.metrics['ollama.503'] ?? 0) + (r.metrics['claude.529'] ?? 0)) * c.horizon) / arrivalSpan(c, p) },
];

export function metricsFor(kind: ValidationConfig['kind']): MetricDef[] {
  return kind === 'terminal' ? TERMINAL : kind === 'llm' ? LLM : HUB;
}

/** The latency whose p95 marks saturation. */
export function saturationMetric(kind: ValidationConfig['kind']): string {
  return kind === 'terminal' ? 'latency.rtt.p95' : 'latency.task.p95';
}

/**
 * Terminal bytes per second to each client in steady state: the stream's bytes over the time
 * clients received it (`bytes.stream` ÷ `stream.ms`), so neither the screen and scrollback sent on
 * connect (which grow with the session's age) nor the connection ramp count; with `frames.stream`,
 * frames per second. Null without them.
 */
export function steadyStreamRate(p: PointResult, counter: 'bytes.stream' | 'frames.stream' = 'bytes.stream'): number | null {
  const count = m(p, counter);
  const ms = m(p, 'stream.ms');
  return count !== null && ms !== null && ms > 0 ? count / (ms / 1000) : null;
}

export function firstPoint(doc: ResultsDocument): PointResult {
  const p = doc.points[0];
  if (!p) throw new Error('the load document has no point');
  return p;
}

function overSpan(v: number | null, c: ScenarioConfig, p: PointResult): number | null {
  return v === null ? null : (v * c.horizon) / arrivalSpan(c, p);
}

/** Seconds during which tasks arrive: up to a profile's last change to rate 0, a trace's run (the load's duration), else the horizon. */
function arrivalSpan(c: ScenarioConfig, p: PointResult): number {
  const a = c.workload.arrival;
  if (a.type === 'profile') {
    const stop = a.points.find((q, i) => i > 0 && q.rate === 0);
    if (stop) return stop.at;
  }
  if (a.type === 'trace') return m(p, 'run.duration') ?? c.horizon;
  return c.horizon;
}
