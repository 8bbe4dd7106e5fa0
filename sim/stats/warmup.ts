// Initial-transient (warm-up) deletion for output series.

/** Drop the first `count` observations. */
export function truncateWarmup<T>(samples: readonly T[], count: number): T[] {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`truncateWarmup: count must be an integer ≥ 0, got ${count}`);
  return samples.slice(count);
}

/** Drop observations recorded before `warmup` (time-stamped series). */
export function deleteWarmup<T extends { time: number }>(samples: readonly T[], warmup: number): T[] {
  return samples.filter((s) => s.time >= warmup);
}

/**
 * MSER-m truncation point (White 1997; m = 5 is MSER-5): average batches of m observations, then pick
 * the number d of leading batches (d ≤ half) minimising the squared standard error of the remaining
 * mean, Σ(x − mean)² / (n − d)². Returns how many raw observations to delete.
 */
export function mserTruncation(samples: readonly number[], batch = 5): number {
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`mserTruncation: batch must be an integer ≥ 1, got ${batch}`);
  const k = Math.floor(samples.length / batch);
  if (k < 4) return 0;
  const means = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < batch; j++) s += samples[i * batch + j]!;
    means[i] = s / batch;
  }
  // Suffix sums give each candidate's mean and sum of squares in O(1).
  const sum = new Float64Array(k + 1);
  const sq = new Float64Array(k + 1);
  for (let i = k - 1; i >= 0; i--) {
    sum[i] = sum[i + 1]! + means[i]!;
    sq[i] = sq[i + 1]! + means[i]! * means[i]!;
  }
  let best = 0;
  let bestValue = Infinity;
  for (let d = 0; d <= Math.floor(k / 2); d++) {
    const m = k - d;
    const ss = sq[d]! - (sum[d]! * sum[d]!) / m;
    const value = ss / (m * m);
    if (value < bestValue) {
      bestValue = value;
      best = d;
    }
  }
  return best * batch;
}
