import { describe, expect, it } from 'vitest';
import { trimmedHistogramMean } from './stats.js';

describe('the trimmed mean of a histogram', () => {
  const bounds = [0.001, 0.002, 0.004];

  it('takes each kept sample at its bucket middle', () => {
    // 10 in (0, 1 ms], 10 in (1, 2 ms]: kept whole, the mean of 0.5 and 1.5 ms.
    expect(trimmedHistogramMean(bounds, [10, 10, 0, 0], 1)).toBeCloseTo(0.001, 12);
  });

  it('leaves out the slowest share, however slow it is', () => {
    // 99 syncs of under a millisecond and one stall past every bound (a second, or ten).
    const counts = [99, 0, 0, 1];
    expect(trimmedHistogramMean(bounds, counts, 0.99)).toBeCloseTo(0.0005, 12);
    // Kept whole, a stall past the bounds cannot be given a time: no mean rather than a wrong one.
    expect(trimmedHistogramMean(bounds, counts, 1)).toBeUndefined();
  });

  it('cuts a bucket in part when the kept share ends inside it', () => {
    // 50 at 0.5 ms and 50 at 1.5 ms, keeping 60: 50 × 0.5 + 10 × 1.5 over 60.
    expect(trimmedHistogramMean(bounds, [50, 50, 0, 0], 0.6)).toBeCloseTo((50 * 0.0005 + 10 * 0.0015) / 60, 12);
  });

  it('has no mean of nothing', () => {
    expect(trimmedHistogramMean(bounds, [0, 0, 0, 0])).toBeUndefined();
  });
});
