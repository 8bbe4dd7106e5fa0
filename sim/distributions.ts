// Probability distributions for service times, token counts, think times..., parameterised by
// mean and coefficient of variation (cv = stdev / mean) wherever that fits.
import type { Rng } from './rng.js';
import { lgamma, normalCdf, normalPdf } from './special.js';

/** A distribution by kind and the parameters capacity planners think in; scenario files use the same shape. */
export type DistributionSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'normal'; mean: number; cv: number } // truncated at 0
  | { kind: 'lognormal'; mean: number; cv: number }
  | { kind: 'gamma'; mean: number; cv: number }
  | { kind: 'erlang'; mean: number; k: number }
  | { kind: 'weibull'; mean: number; cv: number }
  | { kind: 'hyperexponential'; mean: number; cv: number } // cv > 1, balanced means
  | { kind: 'pareto'; min: number; max: number; alpha: number } // bounded Pareto
  | { kind: 'empirical'; samples: number[] }
  | { kind: 'categorical'; values: number[]; weights: number[] };

export interface Distribution {
  sample(rng: Rng): number;
  /** Exact mean of what sample() returns. */
  readonly mean: number;
  /** Exact coefficient of variation of what sample() returns (0 when the mean is 0). */
  readonly cv: number;
}

/** A distribution parameter out of range: names the distribution kind, the parameter and its value. */
export class DistributionError extends Error {
  constructor(
    readonly kind: string,
    readonly parameter: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${kind} distribution: parameter '${parameter}' must be ${expected}, got ${formatValue(value)}`);
    this.name = 'DistributionError';
  }
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return v.length > 6 ? `[${v.slice(0, 6).join(', ')}, …] (${v.length} values)` : `[${v.join(', ')}]`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function finite(kind: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DistributionError(kind, name, v, 'a finite number');
  return v;
}
function positive(kind: string, name: string, v: unknown): number {
  const x = finite(kind, name, v);
  if (!(x > 0)) throw new DistributionError(kind, name, v, 'greater than 0');
  return x;
}
function nonNegative(kind: string, name: string, v: unknown): number {
  const x = finite(kind, name, v);
  if (!(x >= 0)) throw new DistributionError(kind, name, v, 'at least 0');
  return x;
}
function numberArray(kind: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new DistributionError(kind, name, v, 'a non-empty array of numbers');
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new DistributionError(kind, name, v, 'an array of finite numbers');
  }
  return v as number[];
}

function make(mean: number, sd: number, sample: (rng: Rng) => number): Distribution {
  return { mean, cv: mean === 0 ? 0 : sd / Math.abs(mean), sample };
}

/** Exponential with the given mean; 1 − U lies in (0, 1] so the log is finite. */
function expSample(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** Standard normal by Box–Muller (one of the pair; no cached state, so streams stay independent). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through the U^(1/shape) boost. */
export function gammaSample(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.next();
    return gammaSample(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** cv² of a Weibull with shape k: Γ(1+2/k)/Γ(1+1/k)² − 1 (decreasing in k). */
function weibullCv2(k: number): number {
  return Math.exp(lgamma(1 + 2 / k) - 2 * lgamma(1 + 1 / k)) - 1;
}

/** Solve the Weibull shape giving the wanted cv, by bisection on ln k. */
export function weibullShapeForCv(cv: number): number {
  const target = cv * cv;
  let lo = Math.log(0.02); // cv ≈ 1e10 here
  let hi = Math.log(1e4); // cv ≈ 1.3e-4 here
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (weibullCv2(Math.exp(mid)) > target) lo = mid;
    else hi = mid;
  }
  return Math.exp(0.5 * (lo + hi));
}

export function distribution(spec: DistributionSpec): Distribution {
  if (spec === null || typeof spec !== 'object') throw new DistributionError('unknown', 'spec', spec, 'an object with a kind');
  const kind = (spec as { kind: unknown }).kind;
  switch (spec.kind) {
    case 'constant': {
      const v = finite('constant', 'value', spec.value);
      return { mean: v, cv: 0, sample: () => v };
    }
    case 'uniform': {
      const a = finite('uniform', 'min', spec.min);
      const b = finite('uniform', 'max', spec.max);
      if (!(b >= a)) throw new DistributionError('uniform', 'max', b, `at least min (${a})`);
      const w = b - a;
      return make((a + b) / 2, w / Math.sqrt(12), (rng) => a + w * rng.next());
    }
    case 'exponential': {
      const m = positive('exponential', 'mean', spec.mean);
      return make(m, m, (rng) => expSample(rng, m));
    }
    case 'normal': {
      const m = positive('normal', 'mean', spec.mean);
      const cv = nonNegative('normal', 'cv', spec.cv);
      if (cv === 0) return { mean: m, cv: 0, sample: () => m };
      const sd = m * cv;
      // Moments of N(m, sd²) truncated to [0, ∞): α = −m/sd, λ = φ(α)/(1 − Φ(α)).
      const alpha = -m / sd;
      const lambda = normalPdf(alpha) / normalCdf(-alpha);
      const mean = m + sd * lambda;
      const variance = sd * sd * (1 + alpha * lambda - lambda * lambda);
      // Rejection: acceptance is Φ(1/cv) ≥ 1/2 because m > 0.
      return make(mean, Math.sqrt(Math.max(0, variance)), (rng) => {
        for (;;) {
          const x = m + sd * standardNormal(rng);
          if (x >= 0) return x;
        }
      });
    }
    case 'lognormal': {
      const m = positive('lognormal', 'mean', spec.mean);
      const cv = nonNegative('lognormal', 'cv', spec.cv);
      if (cv === 0) return { mean: m, cv: 0, sample: () => m };
      const s2 = Math.log(1 + cv * cv);
      const s = Math.sqrt(s2);
      const mu = Math.log(m) - s2 / 2;
      return make(m, m * cv, (rng) => Math.exp(mu + s * standardNormal(rng)));
    }
    case 'gamma': {
      const m = positive('gamma', 'mean', spec.mean);
      const cv = nonNegative('gamma', 'cv', spec.cv);
      if (cv === 0) return { mean: m, cv: 0, sample: () => m };
      const shape = 1 / (cv * cv);
      const scale = m * cv * cv;
      if (shape < 1e-3) throw new DistributionError('gamma', 'cv', cv, 'at most 31.6 (shape 1/cv² ≥ 0.001)');
      return make(m, m * cv, (rng) => scale * gammaSample(rng, shape));
    }
    case 'erlang': {
      const m = positive('erlang', 'mean', spec.mean);
      const k = spec.k;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new DistributionError('erlang', 'k', k, 'an integer ≥ 1');
      const phaseMean = m / k;
      if (k <= 16) {
        return make(m, m / Math.sqrt(k), (rng) => {
          let p = 1;
          for (let i = 0; i < k; i++) p *= 1 - rng.next();
          return -phaseMean * Math.log(p);
        });
      }
      return make(m, m / Math.sqrt(k), (rng) => phaseMean * gammaSample(rng, k));
    }
    case 'weibull': {
      const m = positive('weibull', 'mean', spec.mean);
      const cv = nonNegative('weibull', 'cv', spec.cv);
      if (cv === 0) return { mean: m, cv: 0, sample: () => m };
      if (cv > 1e6) throw new DistributionError('weibull', 'cv', cv, 'at most 1e6');
      if (cv < 2e-4) throw new DistributionError('weibull', 'cv', cv, '0 or at least 2e-4');
      const k = weibullShapeForCv(cv);
      const scale = m / Math.exp(lgamma(1 + 1 / k));
      const inv = 1 / k;
      const actualCv = Math.sqrt(weibullCv2(k));
      return make(m, m * actualCv, (rng) => scale * Math.pow(-Math.log(1 - rng.next()), inv));
    }
    case 'hyperexponential': {
      const m = positive('hyperexponential', 'mean', spec.mean);
      const cv = finite('hyperexponential', 'cv', spec.cv);
      if (!(cv >= 1)) throw new DistributionError('hyperexponential', 'cv', cv, 'at least 1 (use gamma or erlang for cv < 1)');
      // Two phases with balanced means (p1/μ1 = p2/μ2), fitted to mean and cv (Whitt 1982).
      const c2 = cv * cv;
      const p1 = 0.5 * (1 + Math.sqrt((c2 - 1) / (c2 + 1)));
      const mean1 = m / (2 * p1);
      const mean2 = m / (2 * (1 - p1));
      return make(m, m * cv, (rng) => (rng.next() < p1 ? expSample(rng, mean1) : expSample(rng, mean2)));
    }
    case 'pareto': {
      const lo = positive('pareto', 'min', spec.min);
      const hi = finite('pareto', 'max', spec.max);
      if (!(hi > lo)) throw new DistributionError('pareto', 'max', hi, `greater than min (${lo})`);
      const a = positive('pareto', 'alpha', spec.alpha);
      const tail = 1 - Math.pow(lo / hi, a); // P(unbounded Pareto ≤ max)
      const norm = Math.pow(lo, a) / tail;
      const moment = (j: number): number =>
        a === j ? norm * a * Math.log(hi / lo) : ((norm * a) / (a - j)) * (Math.pow(lo, j - a) - Math.pow(hi, j - a));
      const mean = moment(1);
      const variance = Math.max(0, moment(2) - mean * mean);
      // Inverse CDF of the bounded Pareto.
      return make(mean, Math.sqrt(variance), (rng) => {
        const u = rng.next();
        return Math.min(hi, lo * Math.pow(1 - u * tail, -1 / a));
      });
    }
    case 'empirical': {
      const xs = numberArray('empirical', 'samples', spec.samples).slice();
      const n = xs.length;
      let mean = 0;
      for (const x of xs) mean += x / n;
      let v = 0;
      for (const x of xs) v += ((x - mean) * (x - mean)) / n;
      return make(mean, Math.sqrt(v), (rng) => xs[Math.floor(rng.next() * n)]!);
    }
    case 'categorical': {
      const values = numberArray('categorical', 'values', spec.values).slice();
      const weights = numberArray('categorical', 'weights', spec.weights);
      if (weights.length !== values.length) {
        throw new DistributionError('categorical', 'weights', weights, `an array as long as values (${values.length})`);
      }
      let total = 0;
      for (const w of weights) {
        if (w < 0) throw new DistributionError('categorical', 'weights', weights, 'non-negative numbers');
        total += w;
      }
      if (!(total > 0)) throw new DistributionError('categorical', 'weights', weights, 'numbers with a positive sum');
      const cumulative = new Float64Array(values.length);
      let acc = 0;
      let mean = 0;
      for (let i = 0; i < values.length; i++) {
        acc += weights[i]! / total;
        cumulative[i] = acc;
        mean += (values[i]! * weights[i]!) / total;
      }
      cumulative[values.length - 1] = 1;
      let v = 0;
      for (let i = 0; i < values.length; i++) v += ((weights[i]! / total) * (values[i]! - mean) * (values[i]! - mean));
      return make(mean, Math.sqrt(v), (rng) => {
        const u = rng.next();
        let lo = 0;
        let hi = values.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        return values[lo]!;
      });
    }
    default:
      throw new DistributionError(String(kind), 'kind', kind, "one of constant, uniform, exponential, normal, lognormal, gamma, erlang, weibull, hyperexponential, pareto, empirical, categorical");
  }
}
