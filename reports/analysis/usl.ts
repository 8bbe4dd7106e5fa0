// The Universal Scalability Law, X(N) = γN / (1 + α(N−1) + βN(N−1)), fitted to throughput
// against fleet size by least squares with α, β ≥ 0. The constrained optimum lies on one face
// of the feasible set, so each face (α and/or β held at zero) is fitted and the best kept.

import { invert, levenbergMarquardt, sumSquares } from './least-squares.js';

export interface UslObservation {
  n: number;
  throughput: number;
}

export interface UslFit {
  gamma: number;
  alpha: number;
  beta: number;
  /** Standard errors from the linearised covariance s²(JᵀJ)⁻¹; absent for a parameter held at its bound. */
  standardErrors: { gamma?: number; alpha?: number; beta?: number };
  r2: number;
  rmse: number;
  residuals: { n: number; throughput: number; fitted: number; residual: number }[];
  /** N* = √((1−α)/β) and the throughput there; undefined when β = 0 (no peak: throughput only levels off). */
  peak: { n: number; throughput: number } | undefined;
  points: number;
}

export function uslThroughput(n: number, p: { gamma: number; alpha: number; beta: number }): number {
  return (p.gamma * n) / (1 + p.alpha * (n - 1) + p.beta * n * (n - 1));
}

/** Fits the USL; undefined when the data cannot determine it (fewer than three distinct sizes). */
export function fitUsl(observations: UslObservation[]): UslFit | undefined {
  const data = observations.filter((o) => Number.isFinite(o.n) && o.n > 0 && Number.isFinite(o.throughput));
  if (new Set(data.map((o) => o.n)).size < 3) return undefined;
  const ns = data.map((o) => o.n);
  const ys = data.map((o) => o.throughput);
  const gamma0 = Math.max(...data.map((o) => o.throughput / o.n), 1e-12);

  let best: { theta: number[]; sse: number; free: boolean[] } | undefined;
  for (const free of [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ]) {
    // Parameters of this face: γ always, then α and/or β where free.
    const expand = (t: number[]): number[] => {
      let k = 1;
      return [t[0]!, free[0] ? t[k++]! : 0, free[1] ? t[k++]! : 0];
    };
    const problem = {
      residuals: (t: number[]) => {
        const [g, a, b] = expand(t);
        return ns.map((n, i) => ys[i]! - uslThroughput(n, { gamma: g!, alpha: a!, beta: b! }));
      },
      jacobian: (t: number[]) => {
        const [g, a, b] = expand(t) as [number, number, number];
        return ns.map((n) => {
          const d = 1 + a * (n - 1) + b * n * (n - 1);
          const row = [n / d];
          if (free[0]) row.push((-g * n * (n - 1)) / (d * d));
          if (free[1]) row.push((-g * n * n * (n - 1)) / (d * d));
          return row;
        });
      },
      lower: [1e-300, ...(free[0] ? [0] : []), ...(free[1] ? [0] : [])],
    };
    for (const a0 of free[0] ? [0.01, 0.1, 0.5] : [0]) {
      for (const b0 of free[1] ? [1e-4, 1e-3, 1e-2] : [0]) {
        const start = [gamma0, ...(free[0] ? [a0] : []), ...(free[1] ? [b0] : [])];
        const res = levenbergMarquardt(problem, start);
        const theta = expand(res.theta);
        if (!best || res.sse < best.sse * (1 - 1e-12)) best = { theta, sse: res.sse, free: free as boolean[] };
      }
    }
  }
  const [gamma, alpha, beta] = best!.theta as [number, number, number];
  const fitted = ns.map((n) => uslThroughput(n, { gamma, alpha, beta }));
  const residuals = data.map((o, i) => ({ n: o.n, throughput: o.throughput, fitted: fitted[i]!, residual: o.throughput - fitted[i]! }));
  const sse = sumSquares(residuals.map((r) => r.residual));
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  const sst = sumSquares(ys.map((y) => y - mean));
  const standardErrors = covarianceErrors(ns, { gamma, alpha, beta }, sse, [true, alpha > 0, beta > 0]);
  const peak = beta > 0 && alpha < 1 ? Math.sqrt((1 - alpha) / beta) : undefined;
  return {
    gamma,
    alpha,
    beta,
    standardErrors,
    r2: sst > 0 ? 1 - sse / sst : 1,
    rmse: Math.sqrt(sse / data.length),
    residuals,
    peak: peak === undefined ? undefined : { n: peak, throughput: uslThroughput(peak, { gamma, alpha, beta }) },
    points: data.length,
  };
}

function covarianceErrors(ns: number[], p: { gamma: number; alpha: number; beta: number }, sse: number, active: boolean[]): UslFit['standardErrors'] {
  const k = active.filter(Boolean).length;
  const dof = ns.length - k;
  if (dof <= 0) return {};
  const rows = ns.map((n) => {
    const d = 1 + p.alpha * (n - 1) + p.beta * n * (n - 1);
    const full = [n / d, (-p.gamma * n * (n - 1)) / (d * d), (-p.gamma * n * n * (n - 1)) / (d * d)];
    return full.filter((_, j) => active[j]);
  });
  const JtJ = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => rows.reduce((s, r) => s + r[a]! * r[b]!, 0)));
  const inv = invert(JtJ);
  if (!inv) return {};
  const s2 = sse / dof;
  const names = (['gamma', 'alpha', 'beta'] as const).filter((_, j) => active[j]);
  const out: UslFit['standardErrors'] = {};
  names.forEach((name, i) => {
    out[name] = Math.sqrt(Math.max(0, s2 * inv[i]![i]!));
  });
  return out;
}
