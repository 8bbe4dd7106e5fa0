// Small numeric helpers of calibration and comparison: pure functions.

/** Quantiles of samples by linear interpolation between order statistics (type 7). */
export function quantiles(samples: readonly number[], ps: readonly number[]): number[] {
  const xs = [...samples].sort((a, b) => a - b);
  if (xs.length === 0) return ps.map(() => Number.NaN);
  return ps.map((p) => {
    const h = (xs.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(xs.length - 1, lo + 1);
    return xs[lo]! + (h - lo) * (xs[hi]! - xs[lo]!);
  });
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
export const median = (xs: readonly number[]): number => quantiles(xs, [0.5])[0]!;

/**
 * Least squares for two non-negative coefficients: y ≈ a·x₀ + b·x₁. The exact solve when it is
 * non-negative, else the best fit with one coefficient held at 0.
 */
export function solve2(x: readonly (readonly [number, number])[] | number[][], y: readonly number[]): [number, number] {
  let s00 = 0, s01 = 0, s11 = 0, t0 = 0, t1 = 0;
  x.forEach((row, i) => {
    const [a, b] = [row[0]!, row[1]!];
    s00 += a * a;
    s01 += a * b;
    s11 += b * b;
    t0 += a * y[i]!;
    t1 += b * y[i]!;
  });
  const det = s00 * s11 - s01 * s01;
  if (Math.abs(det) > 1e-12 * Math.max(1, s00 * s11)) {
    const a = (t0 * s11 - t1 * s01) / det;
    const b = (s00 * t1 - s01 * t0) / det;
    if (a >= 0 && b >= 0) return [a, b];
  }
  const onlyA = s00 > 0 ? Math.max(0, t0 / s00) : 0;
  const onlyB = s11 > 0 ? Math.max(0, t1 / s11) : 0;
  const sse = (a: number, b: number) => x.reduce((s, row, i) => s + (y[i]! - a * row[0]! - b * row[1]!) ** 2, 0);
  return sse(onlyA, 0) <= sse(0, onlyB) ? [onlyA, 0] : [0, onlyB];
}

/**
 * The mean of the fastest `keep` share of samples counted in a histogram (`counts[i]` samples
 * at most `bounds[i]`, above `bounds[i - 1]`; a last count past the bounds is never kept), each
 * taken at its bucket's middle. A trimmed mean: one stall of a disk, a few syncs long, moves a
 * mean over a few hundred syncs by more than the whole of it, and moves this not at all.
 */
export function trimmedHistogramMean(bounds: readonly number[], counts: readonly number[], keep = 0.99): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  let left = total * keep;
  if (!(left > 0)) return undefined;
  let sum = 0;
  for (let i = 0; i < bounds.length && left > 0; i++) {
    const taken = Math.min(counts[i] ?? 0, left);
    sum += taken * ((i === 0 ? 0 : bounds[i - 1]!) + bounds[i]!) / 2;
    left -= taken;
  }
  return left > 0 ? undefined : sum / (total * keep);
}
