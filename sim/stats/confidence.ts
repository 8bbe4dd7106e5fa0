// Confidence intervals over independent replications, and sequential stopping.
import { tQuantile } from './student-t.js';

export interface ConfidenceInterval {
  mean: number;
  /** Half the interval's width (Infinity with fewer than 2 samples). */
  halfWidth: number;
  low: number;
  high: number;
  n: number;
}

/** Student-t interval for the mean of independent, roughly normal samples (e.g. replication means). */
export function confidenceInterval(samples: readonly number[], level = 0.95): ConfidenceInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidenceInterval: level must be within (0, 1), got ${level}`);
  const n = samples.length;
  if (n === 0) return { mean: NaN, halfWidth: Infinity, low: -Infinity, high: Infinity, n: 0 };
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  if (n < 2) return { mean, halfWidth: Infinity, low: -Infinity, high: Infinity, n };
  const halfWidth = tQuantile(0.5 + level / 2, n - 1) * Math.sqrt(m2 / (n - 1) / n);
  return { mean, halfWidth, low: mean - halfWidth, high: mean + halfWidth, n };
}

/** Metric name → value, as returned by one replication. */
export type ReplicationMetrics = Record<string, number>;

/** Run `n` independent replications (run(index) should seed from the index) and summarise each metric. */
export function replicate(
  n: number,
  run: (index: number) => ReplicationMetrics,
  level = 0.95,
): Record<string, ConfidenceInterval> {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`replicate: n must be an integer ≥ 1, got ${n}`);
  const values = new Map<string, number[]>();
  for (let i = 0; i < n; i++) collect(values, run(i));
  return summarise(values, level);
}

export interface SequentialOptions {
  /** Replications before the first check (≥ 2). */
  min: number;
  /** Cap on replications. */
  max: number;
  /** Stop once every listed metric's halfWidth ≤ relativeHalfWidth × |mean|. */
  relativeHalfWidth: number;
  metrics: string[];
  level?: number;
}

export interface SequentialResult {
  metrics: Record<string, ConfidenceInterval>;
  replications: number;
  /** False when the cap was reached first. */
  converged: boolean;
}

/** Replicate until the confidence intervals are narrow enough (relative precision), or `max` runs. */
export function replicateUntil(options: SequentialOptions, run: (index: number) => ReplicationMetrics): SequentialResult {
  const { min, max, relativeHalfWidth, metrics } = options;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(min) && min >= 2)) throw new RangeError(`replicateUntil: min must be an integer ≥ 2, got ${min}`);
  if (!(Number.isInteger(max) && max >= min)) throw new RangeError(`replicateUntil: max must be an integer ≥ min (${min}), got ${max}`);
  if (!(relativeHalfWidth > 0)) throw new RangeError(`replicateUntil: relativeHalfWidth must be > 0, got ${relativeHalfWidth}`);
  const values = new Map<string, number[]>();
  let i = 0;
  for (; i < max; i++) {
    collect(values, run(i));
    if (i + 1 < min) continue;
    const summary = summarise(values, level);
    const narrow = metrics.every((m) => {
      const ci = summary[m];
      if (ci === undefined) throw new Error(`replicateUntil: metric '${m}' is not returned by the replications`);
      return ci.halfWidth <= relativeHalfWidth * Math.abs(ci.mean);
    });
    if (narrow) return { metrics: summary, replications: i + 1, converged: true };
  }
  return { metrics: summarise(values, level), replications: i, converged: false };
}

function collect(values: Map<string, number[]>, result: ReplicationMetrics): void {
  for (const [k, v] of Object.entries(result)) {
    let list = values.get(k);
    if (list === undefined) values.set(k, (list = []));
    list.push(v);
  }
}

function summarise(values: Map<string, number[]>, level: number): Record<string, ConfidenceInterval> {
  const out: Record<string, ConfidenceInterval> = {};
  for (const [k, v] of values) out[k] = confidenceInterval(v, level);
  return out;
}
