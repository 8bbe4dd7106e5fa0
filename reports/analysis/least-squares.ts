// Levenberg–Marquardt for small non-linear least-squares problems (a handful of parameters),
// with simple bounds enforced by projection after each step.

export interface LmProblem {
  /** Residuals r_i(θ) = y_i − f(x_i; θ). */
  residuals(theta: number[]): number[];
  /** Jacobian of f (not of r): J[i][j] = ∂f(x_i)/∂θ_j. */
  jacobian(theta: number[]): number[][];
  lower?: number[];
  upper?: number[];
}

export interface LmResult {
  theta: number[];
  sse: number;
  iterations: number;
  converged: boolean;
}

export function levenbergMarquardt(problem: LmProblem, start: number[], options: { maxIterations?: number; tolerance?: number } = {}): LmResult {
  const maxIterations = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-12;
  const p = start.length;
  const project = (t: number[]): number[] =>
    t.map((v, j) => Math.min(problem.upper?.[j] ?? Infinity, Math.max(problem.lower?.[j] ?? -Infinity, v)));
  let theta = project(start);
  let r = problem.residuals(theta);
  let sse = sumSquares(r);
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const J = problem.jacobian(theta);
    const A: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const g = new Array<number>(p).fill(0);
    for (let i = 0; i < r.length; i++) {
      const row = J[i]!;
      for (let a = 0; a < p; a++) {
        g[a]! += row[a]! * r[i]!;
        for (let b = 0; b < p; b++) A[a]![b]! += row[a]! * row[b]!;
      }
    }
    let improved = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const M = A.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-12) : v)));
      const delta = solve(M, g);
      if (!delta) {
        lambda *= 10;
        continue;
      }
      const candidate = project(theta.map((v, j) => v + delta[j]!));
      const rc = problem.residuals(candidate);
      const sc = sumSquares(rc);
      if (Number.isFinite(sc) && sc <= sse) {
        const step = Math.max(...candidate.map((v, j) => Math.abs(v - theta[j]!) / (Math.abs(theta[j]!) + 1e-12)));
        const gain = sse - sc;
        theta = candidate;
        r = rc;
        sse = sc;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = true;
        if (gain <= tol * (sse + tol) || step < 1e-10) converged = true;
        break;
      }
      lambda *= 4;
    }
    if (!improved) {
      converged = true; // no downhill step left: a (possibly bound-constrained) minimum
      break;
    }
    if (converged) break;
  }
  return { theta, sse, iterations, converged };
}

/** Solves M x = b by Gaussian elimination with partial pivoting; undefined when singular. */
export function solve(M: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const a = M.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-300) return undefined;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x.every(Number.isFinite) ? x : undefined;
}

/** Inverse of a small symmetric positive-definite matrix, column by column. */
export function invert(M: number[][]): number[][] | undefined {
  const n = M.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const x = solve(M, e);
    if (!x) return undefined;
    cols.push(x);
  }
  return M.map((_, i) => cols.map((c) => c[i]!));
}

export function sumSquares(r: number[]): number {
  let s = 0;
  for (const v of r) s += v * v;
  return s;
}
