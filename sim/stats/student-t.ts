// Student-t quantiles, for confidence intervals over few replications.
import { betaInc } from '../special.js';

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * betaInc(x, df / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` > 0 degrees of freedom (inverse CDF by bisection on ln t). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile: p must be within (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`tQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  const tail = 1 - p; // wanted P(T > t)
  let lo = -40; // ln t
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    const t = Math.exp(mid);
    const upper = 0.5 * betaInc(df / (df + t * t), df / 2, 0.5);
    if (upper > tail) lo = mid;
    else hi = mid;
  }
  return Math.exp(0.5 * (lo + hi));
}
