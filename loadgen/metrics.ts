// Turning what was measured into the shared metric vocabulary of results documents, in one
// place, so that a run's document and a merge of several documents compute every figure the
// same way (a merge recomputes from summed counts and merged histograms, never from averages).

import { LatencyHistogram, PERCENTILES, percentileKey, type Estimate, type EncodedHistogram, METRIC_NAMES } from '../lib/index.js';
import { COUNTERS } from './recorder.js';

export const DURATION_METRIC = 'run.duration';
export const CPU_METRIC = 'generator.cpu';
export const ELD_P99_METRIC = 'generator.eventLoopDelay.p99';
export const ELD_MAX_METRIC = 'generator.eventLoopDelay.max';
export const PROCESSES_METRIC = 'generator.processes';

/** Histogram metrics: the mean under the bare name, percentiles as name.pNN, and name.max. */
export function histogramMetrics(histograms: Record<string, EncodedHistogram>): Record<string, Estimate> {
  const out: Record<string, Estimate> = {};
  for (const [name, encoded] of Object.entries(histograms)) {
    const h = LatencyHistogram.decode(encoded);
    const n = h.count;
    if (n === 0) continue;
    out[name] = { value: h.meanSeconds(), n, unit: 's' };
    for (const p of PERCENTILES) out[percentileKey(name, p)] = { value: h.percentileSeconds(p), n, unit: 's' };
    out[`${name}.max`] = { value: h.maxSeconds(), n, unit: 's' };
  }
  return out;
}

export function isHistogramMetric(metric: string, histograms: Record<string, EncodedHistogram>): boolean {
  for (const name of Object.keys(histograms)) {
    if (metric === name || metric === `${name}.max`) return true;
    if (metric.startsWith(`${name}.p`) && /^p[0-9_]+$/.test(metric.slice(name.length + 1))) return true;
  }
  return false;
}

export interface Tallies {
  counters: Record<string, number>;
  errors: Record<string, number>;
  /** Seconds of the measured window. */
  duration: number;
  cpu: number;
  eventLoopP99: number;
  eventLoopMax: number;
  processes: number;
}

/** Metrics derived from counts: throughput, error rate, and the counts themselves. */
export function countMetrics(t: Tallies, throughputMetric: string): Record<string, Estimate> {
  const out: Record<string, Estimate> = {};
  for (const k of Object.values(COUNTERS)) out[k] = { value: 0, unit: 'count' };
  for (const [k, v] of Object.entries(t.counters)) out[k] = { value: v, unit: 'count' };
  for (const [k, v] of Object.entries(t.errors)) out[`errors.${k}`] = { value: v, unit: 'count' };
  const c = (name: string): number => t.counters[name] ?? 0;
  const attempts = c(COUNTERS.intended) + c(COUNTERS.connectAttempts);
  out[METRIC_NAMES.errors] = { value: attempts > 0 ? c(COUNTERS.errors) / attempts : 0, n: attempts, unit: 'fraction' };
  out[throughputMetric] = { value: c(COUNTERS.completed) / t.duration, n: c(COUNTERS.completed), unit: '1/s' };
  out[DURATION_METRIC] = { value: t.duration, unit: 's' };
  out[CPU_METRIC] = { value: t.cpu, unit: 'fraction' };
  out[ELD_P99_METRIC] = { value: t.eventLoopP99, unit: 's' };
  out[ELD_MAX_METRIC] = { value: t.eventLoopMax, unit: 's' };
  out[PROCESSES_METRIC] = { value: t.processes, unit: 'count' };
  return out;
}

/** Recovers the tallies from a document point's metrics (the inverse of countMetrics). */
export function talliesFromMetrics(metrics: Record<string, Estimate>): Tallies {
  const counters: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const counterNames = new Set<string>(Object.values(COUNTERS));
  for (const [k, e] of Object.entries(metrics)) {
    if (e.unit !== 'count') continue;
    if (k.startsWith('errors.')) errors[k.slice('errors.'.length)] = e.value;
    else if (counterNames.has(k) || k.startsWith('ops.') || k.startsWith('connections.') || k.startsWith('bytes.')) counters[k] = e.value;
  }
  return {
    counters,
    errors,
    duration: metrics[DURATION_METRIC]?.value ?? 1,
    cpu: metrics[CPU_METRIC]?.value ?? 0,
    eventLoopP99: metrics[ELD_P99_METRIC]?.value ?? 0,
    eventLoopMax: metrics[ELD_MAX_METRIC]?.value ?? 0,
    processes: metrics[PROCESSES_METRIC]?.value ?? 1,
  };
}

/** The generator kept its schedule unless sends were dropped or the p99 send lag passed the bound. */
export function trustProblems(
  metrics: Record<string, Estimate>,
  maxLag: number,
): string[] {
  const problems: string[] = [];
  const dropped = metrics[COUNTERS.dropped]?.value ?? 0;
  if (dropped > 0) problems.push(`the generator dropped ${dropped} sends it could not catch up with (--max-backlog)`);
  const lag = metrics[percentileKey('generator.sendLag', 99)]?.value;
  if (lag !== undefined && lag > maxLag)
    problems.push(`the generator sent late: p99 send lag ${(lag * 1000).toFixed(1)} ms > --max-lag ${(maxLag * 1000).toFixed(1)} ms`);
  return problems;
}

export function throughputMetricFor(protocol: string): string {
  return protocol === 'agentcom' ? METRIC_NAMES.throughputTasks : METRIC_NAMES.throughputMessages;
}
