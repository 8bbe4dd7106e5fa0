import { describe, expect, it } from 'vitest';
import { bucketsBetween } from './stack.js';

describe("the hub's histogram between two readings", () => {
  it('gives the samples in each bucket, and those past every bound last', () => {
    const at = (a: number, b: number, inf: number) => ({
      'hub_store_fsync_seconds_bucket{le="0.0005"}': a,
      'hub_store_fsync_seconds_bucket{le="0.001"}': b,
      'hub_store_fsync_seconds_bucket{le="+Inf"}': inf,
      hub_store_fsync_seconds_count: inf,
    });
    // Between the readings: 5 syncs to 0.5 ms, 2 to 1 ms, 1 past.
    expect(bucketsBetween('hub_store_fsync_seconds', at(10, 12, 13), at(15, 19, 21))).toEqual({ bounds: [0.0005, 0.001], counts: [5, 2, 1] });
  });
});
