// Latency histograms at microsecond resolution (HDR), mergeable without loss, so several
// load-generator processes or machines add up to exactly the histogram of all their samples.

import * as hdr from 'hdr-histogram-js';
import type { EncodedHistogram } from './results.js';

/** One hour in microseconds: the largest latency recorded without clamping. */
const HIGHEST_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;

export class LatencyHistogram {
  private readonly h: hdr.Histogram;
  /** Samples above the trackable range, clamped to it and counted here so none is lost. */
  clamped = 0;

  constructor(from?: hdr.Histogram) {
    this.h =
      from ??
      hdr.build({
        bitBucketSize: 64,
        autoResize: false,
        lowestDiscernibleValue: 1,
        highestTrackableValue: HIGHEST_US,
        numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
        useWebAssembly: false,
      });
  }

  /** Records a latency given in seconds. */
  recordSeconds(seconds: number): void {
    this.recordMicros(Math.round(seconds * 1e6));
  }

  recordMicros(us: number): void {
    let v = Math.max(1, Math.round(us));
    if (v > HIGHEST_US) {
      v = HIGHEST_US;
      this.clamped++;
    }
    this.h.recordValue(v);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Percentile (0–100) in seconds. */
  percentileSeconds(p: number): number {
    return this.count === 0 ? NaN : this.h.getValueAtPercentile(p) / 1e6;
  }

  meanSeconds(): number {
    return this.count === 0 ? NaN : this.h.mean / 1e6;
  }

  maxSeconds(): number {
    return this.count === 0 ? NaN : this.h.maxValue / 1e6;
  }

  minSeconds(): number {
    return this.count === 0 ? NaN : this.h.minNonZeroValue / 1e6;
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
    this.clamped += other.clamped;
  }

  reset(): void {
    this.h.reset();
    this.clamped = 0;
  }

  encode(): EncodedHistogram {
    return { encoding: 'hdr-base64', unit: 'us', data: hdr.encodeIntoCompressedBase64(this.h), count: this.count };
  }

  static decode(encoded: EncodedHistogram): LatencyHistogram {
    const h = hdr.decodeFromCompressedBase64(encoded.data, 64, false);
    return new LatencyHistogram(h);
  }
}
