// Predicted against measured, as pure functions: the relative error of each figure, whether the
// measured value lies inside the model's interval, the saturation level (where p95 crosses twice
// its light-load value), and the targets.

import { mean, quantiles } from './stats.js';

/** The model's figure for one metric at one level: mean over replications and the 2.5–97.5 % range of single replications. */
export interface Predicted {
  mean: number;
  lo: number;
  hi: number;
}

export interface Comparison {
  metric: string;
  unit: string;
  predicted: Predicted | null;
  measured: number | null;
  /** (predicted − measured) / measured; null when either side is missing or measured is 0 with a non-zero prediction. */
  error: number | null;
  inside: boolean | null;
  /**
   * The model's forecast with its own random draws (not the load generator's trace): what a user
   * without a trace gets. Its range is how much one window of the level varies by chance.
   */
  forecast?: Predicted | null;
  forecastInside?: boolean | null;
  /** The measured value of each repeat, when a level was measured several times and pooled. */
  measuredRuns?: number[];
  /** The target on |error|, when the metric has one at this level. */
  target?: number;
  meets?: boolean;
}

export function relativeError(predicted: number, measured: number): number | null {
  if (!Number.isFinite(predicted) || !Number.isFinite(measured)) return null;
  if (measured === 0) return predicted === 0 ? 0 : null;
  return (predicted - measured) / measured;
}

/** Inside the model's interval; an interval of zero width counts a measured value within 0.5 % (rounding). */
export function insideInterval(p: Predicted, measured: number): boolean {
  const slack = 0.005 * Math.max(Math.abs(p.lo), Math.abs(p.hi));
  return measured >= p.lo - slack && measured <= p.hi + slack;
}

/** The 2.5 % and 97.5 % points of single replications and their mean. */
export function predictedFrom(values: readonly number[]): Predicted {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const [lo, hi] = quantiles(xs, [0.025, 0.975]);
  return { mean: mean(xs), lo: lo!, hi: hi! };
}

const insideOf = (p: Predicted | null | undefined, measured: number | null): boolean | null => (p && measured !== null && Number.isFinite(p.lo) ? insideInterval(p, measured) : null);

export function compare(metric: string, unit: string, predicted: Predicted | null, measured: number | null, target?: number, forecast?: Predicted | null): Comparison {
  const error = predicted && measured !== null ? relativeError(predicted.mean, measured) : null;
  const out: Comparison = { metric, unit, predicted, measured, error, inside: insideOf(predicted, measured) };
  if (forecast !== undefined) {
    out.forecast = forecast;
    out.forecastInside = insideOf(forecast, measured);
  }
  if (target !== undefined) {
    out.target = target;
    out.meets = error !== null && Math.abs(error) <= target;
  }
  return out;
}

/** Index of the first level whose p95 exceeds `factor` × the first level's; null when none does. */
export function saturationLevel(p95ByLevel: readonly (number | null)[], factor = 2): number | null {
  const light = p95ByLevel[0];
  if (light === null || light === undefined || !(light > 0)) return null;
  for (let i = 1; i < p95ByLevel.length; i++) {
    const v = p95ByLevel[i];
    if (v !== null && v !== undefined && v > factor * light) return i;
  }
  return null;
}

/** Whether the predicted saturation level is within one level of the measured (both none counts as agreement). */
export function saturationAgrees(measured: number | null, predicted: number | null, levels: number): boolean {
  const m = measured ?? levels;
  const p = predicted ?? levels;
  return Math.abs(m - p) <= 1;
}

export const TARGETS = { throughput: 0.05, latency: 0.15 } as const;
