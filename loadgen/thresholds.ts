// Pass/fail limits on measured metrics, written as `rtt.p99<50ms`, `errors<0.1%`,
// `throughput.messages>=1000/s`. Used by --threshold (exit 3 on breach) and --limit (find-max).

import { EXIT, UserError, parseDuration, parseFraction, parseRate, percentileKey, type Estimate } from '../lib/index.js';

export type Op = '<' | '<=' | '>' | '>=';

export interface Threshold {
  text: string;
  metric: string;
  op: Op;
  limit: number;
}

export interface ThresholdResult extends Threshold {
  /** The measured value, or undefined when nothing was measured for the metric. */
  value: number | undefined;
  ok: boolean;
}

const FORM = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s*(<=|>=|<|>)\s*(.+?)\s*$/;

/** Short names people write, mapped to document metric names. */
function canonicalMetric(name: string): string {
  // p99.9 → p99_9 as percentileKey writes it
  let m = name.replace(/\.p(\d+)\.(\d+)$/, (_s, a: string, b: string) => `.${percentileKey('', Number(`${a}.${b}`)).slice(1)}`);
  if (m === 'errors') return 'errors.rate';
  if (m === 'throughput') return 'throughput.messages';
  const known = ['latency.', 'errors.', 'throughput.', 'ops.', 'connections.', 'generator.', 'bytes.', 'run.'];
  if (!known.some((k) => m.startsWith(k))) m = `latency.${m}`;
  return m;
}

function parseLimit(metric: string, text: string): number {
  if (metric.startsWith('latency.') || metric.startsWith('generator.sendLag') || metric.startsWith('generator.eventLoopDelay') || metric === 'run.duration')
    return parseDuration(text);
  if (metric === 'errors.rate' || metric === 'generator.cpu') return parseFraction(text);
  if (metric.startsWith('throughput.')) return /\//.test(text) ? parseRate(text) : Number(text);
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`expected a number, found ${JSON.stringify(text)}`);
  return n;
}

export function parseThreshold(text: string, flag = '--threshold'): Threshold {
  const m = FORM.exec(text);
  if (!m) throw new UserError(`${flag} ${JSON.stringify(text)}: expected METRIC<VALUE such as 'rtt.p99<50ms' or 'errors<0.1%'`);
  const metric = canonicalMetric(m[1]!);
  let limit: number;
  try {
    limit = parseLimit(metric, m[3]!);
  } catch (err) {
    throw new UserError(`${flag} ${JSON.stringify(text)}: ${(err as Error).message}`, EXIT.usage);
  }
  return { text, metric, op: m[2] as Op, limit };
}

export function evaluate(thresholds: readonly Threshold[], metrics: Record<string, Estimate>): ThresholdResult[] {
  return thresholds.map((t) => {
    const value = metrics[t.metric]?.value;
    // A latency limit with no samples at all is not met: nothing answered.
    const present = value !== undefined && Number.isFinite(value);
    const v = present ? value : t.metric.startsWith('errors.') ? 0 : undefined;
    const ok =
      v !== undefined &&
      (t.op === '<' ? v < t.limit : t.op === '<=' ? v <= t.limit : t.op === '>' ? v > t.limit : v >= t.limit);
    return { ...t, value: v, ok };
  });
}
