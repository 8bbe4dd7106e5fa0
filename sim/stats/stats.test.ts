import { describe, expect, it } from 'vitest';
import { standardNormal } from '../distributions.js';
import { createRng } from '../rng.js';
import { confidenceInterval, replicate, replicateUntil } from './confidence.js';
import { QuantileSketch } from './quantile-sketch.js';
import { tCdf, tQuantile } from './student-t.js';
import { Tally } from './tally.js';
import { TimeWeighted } from './time-weighted.js';
import { mserTruncation, truncateWarmup } from './warmup.js';

describe('Tally', () => {
  it('matches direct mean/variance, and merging equals adding all', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const t = new Tally();
    xs.forEach((x) => t.add(x));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    expect(t.count).toBe(11);
    expect(t.mean).toBeCloseTo(mean, 12);
    expect(t.variance).toBeCloseTo(v, 12);
    expect(t.stdev).toBeCloseTo(Math.sqrt(v), 12);
    expect([t.min, t.max, t.sum]).toEqual([1, 9, 44]);
    const a = new Tally();
    const b = new Tally();
    xs.slice(0, 4).forEach((x) => a.add(x));
    xs.slice(4).forEach((x) => b.add(x));
    a.merge(b);
    expect(a.mean).toBeCloseTo(mean, 12);
    expect(a.variance).toBeCloseTo(v, 12);
    a.reset();
    expect(Number.isNaN(a.mean)).toBe(true);
  });

  it('stays accurate with a large offset (Welford)', () => {
    const t = new Tally();
    for (const x of [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]) t.add(x);
    expect(t.variance).toBeCloseTo(30, 6);
  });
});

describe('TimeWeighted', () => {
  it('averages a piecewise-constant quantity over time, and resets', () => {
    const tw = new TimeWeighted(0, 2);
    tw.update(4, 1); // 2 for 1 s
    tw.update(0, 3); // 4 for 2 s
    expect(tw.mean(5)).toBeCloseTo((2 + 8 + 0) / 5, 12);
    expect(tw.integral(5)).toBeCloseTo(10, 12);
    expect([tw.min, tw.max, tw.value]).toEqual([0, 4, 0]);
    tw.reset(5);
    tw.update(1, 6);
    expect(tw.mean(7)).toBeCloseTo(0.5, 12);
    expect(() => tw.update(3, 5.5)).toThrow(/before the last update/);
  });
});

describe('QuantileSketch', () => {
  it('every quantile is within the relative accuracy of the exact order statistic', () => {
    const r = createRng(4, 'q');
    const xs: number[] = [];
    const sketch = new QuantileSketch(0.01);
    for (let i = 0; i < 50_000; i++) {
      const x = Math.exp(3 * (r.next() - 0.3)) * (r.next() < 0.05 ? -1 : 1) * (r.next() < 0.01 ? 0 : 1);
      xs.push(x);
      sketch.record(x);
    }
    xs.sort((a, b) => a - b);
    for (const p of [0, 0.001, 0.01, 0.03, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]) {
      const exact = xs[Math.max(0, Math.ceil(p * xs.length) - 1)]!; // nearest rank
      const got = sketch.quantile(p);
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.01 * Math.abs(exact) + 1e-12);
    }
    expect(sketch.count).toBe(50_000);
    expect(sketch.mean).toBeCloseTo(xs.reduce((a, b) => a + b) / xs.length, 9);
  });

  it('reads the nearest rank, ⌈p·n⌉, as HdrHistogram does: the same p95 as a load generator at any n', () => {
    const sketch = new QuantileSketch(0.001);
    for (let i = 1; i <= 85; i++) sketch.record(i);
    // 0.95 × 85 = 80.75 → the 81st value; 0.99 × 85 → the 85th; 0.5 × 85 → the 43rd.
    expect(sketch.quantile(0.95)).toBeCloseTo(81, 0);
    expect(sketch.quantile(0.99)).toBeCloseTo(85, 0);
    expect(sketch.quantile(0.5)).toBeCloseTo(43, 0);
    const hundred = new QuantileSketch(0.001);
    for (let i = 1; i <= 100; i++) hundred.record(i);
    expect(hundred.quantile(0.95)).toBeCloseTo(95, 0); // not 96: 0.95 × 100 is 95.00000000000001 in floating point
    expect(hundred.quantile(0.01)).toBeCloseTo(1, 0);
  });

  it('merging two sketches equals one sketch of all values; mismatched accuracy is refused', () => {
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    const all = new QuantileSketch();
    const r = createRng(5, 'm');
    for (let i = 0; i < 10_000; i++) {
      const x = -Math.log(1 - r.next());
      (i % 3 === 0 ? a : b).record(x);
      all.record(x);
    }
    a.merge(b);
    for (const p of [0.1, 0.5, 0.9, 0.99]) expect(a.quantile(p)).toBe(all.quantile(p));
    expect(a.count).toBe(all.count);
    expect(() => a.merge(new QuantileSketch(0.02))).toThrow(/relative accuracies differ/);
    a.reset();
    expect(Number.isNaN(a.quantile(0.5))).toBe(true);
  });
});

describe('Student t', () => {
  // Published two-sided critical values (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
  const table: [number, number, number][] = [
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 4, 2.776],
    [0.975, 5, 2.571],
    [0.975, 9, 2.262],
    [0.975, 10, 2.228],
    [0.975, 19, 2.093],
    [0.975, 30, 2.042],
    [0.975, 100, 1.984],
    [0.95, 4, 2.132],
    [0.95, 20, 1.725],
    [0.995, 9, 3.25],
    [0.995, 1, 63.657],
    [0.9995, 1, 636.619],
    [0.9, 3, 1.638],
    [0.99, 15, 2.602],
  ];
  for (const [p, df, t] of table) {
    it(`t(${p}, ${df}) = ${t}`, () => {
      expect(tQuantile(p, df)).toBeCloseTo(t, 3);
    });
  }
  it('exact closed forms, symmetry, the normal limit and the CDF round trip', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9); // Cauchy
    expect(tQuantile(0.9, 2)).toBeCloseTo(0.8 * Math.sqrt(2 / (1 - 0.64)), 9); // t with 2 df: (2p−1)/√(2p(1−p))
    expect(tQuantile(0.025, 7)).toBeCloseTo(-tQuantile(0.975, 7), 12);
    expect(tQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(tCdf(tQuantile(0.87, 3.5), 3.5)).toBeCloseTo(0.87, 12);
    expect(() => tQuantile(1, 3)).toThrow(/p must be within/);
    expect(() => tQuantile(0.9, 0)).toThrow(/df must be > 0/);
  });
});

describe('confidence intervals and replications', () => {
  it('confidenceInterval of [1..5] at 95 %', () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    expect(ci.mean).toBe(3);
    expect(ci.n).toBe(5);
    expect(ci.halfWidth).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(ci.low).toBeCloseTo(3 - ci.halfWidth, 12);
    expect(confidenceInterval([7]).halfWidth).toBe(Infinity);
  });

  it('95 % intervals cover the true mean about 95 % of the time', () => {
    const r = createRng(77, 'cover');
    let covered = 0;
    const trials = 2000;
    for (let k = 0; k < trials; k++) {
      const xs = Array.from({ length: 10 }, () => 2 + 3 * standardNormal(r)); // normal: the t interval is exact
      const ci = confidenceInterval(xs);
      if (ci.low <= 2 && 2 <= ci.high) covered++;
    }
    // binomial sd √(0.95·0.05/2000) ≈ 0.0049: ±3.3 sd
    expect(covered / trials).toBeGreaterThan(0.934);
    expect(covered / trials).toBeLessThan(0.966);
  });

  it('replicate summarises each metric; replicateUntil stops when precise enough or at the cap', () => {
    const run = (i: number) => {
      const r = createRng(i, 'rep');
      return { a: 10 + r.next(), b: r.next() };
    };
    const s = replicate(10, run);
    expect(s.a!.n).toBe(10);
    expect(s.a!.low < 10.5 && s.a!.high > 10.5).toBe(true);
    const quick = replicateUntil({ min: 3, max: 50, relativeHalfWidth: 0.05, metrics: ['a'] }, run);
    expect(quick.converged).toBe(true);
    expect(quick.replications).toBe(3); // a ∈ [10, 11): half-width ≪ 5 % at once
    const slow = replicateUntil({ min: 3, max: 12, relativeHalfWidth: 0.01, metrics: ['b'] }, run);
    expect(slow.converged).toBe(false);
    expect(slow.replications).toBe(12);
    expect(slow.metrics.b!.n).toBe(12);
    const mid = replicateUntil({ min: 5, max: 500, relativeHalfWidth: 0.1, metrics: ['b'] }, run);
    expect(mid.converged).toBe(true);
    expect(mid.metrics.b!.halfWidth).toBeLessThanOrEqual(0.1 * mid.metrics.b!.mean);
    expect(() => replicateUntil({ min: 2, max: 3, relativeHalfWidth: 0.1, metrics: ['zzz'] }, run)).toThrow(/metric 'zzz'/);
  });
});

describe('warm-up deletion', () => {
  it('MSER-5 finds an initial transient', () => {
    const r = createRng(3, 'w');
    const xs = Array.from({ length: 2000 }, (_, i) => (i < 200 ? 20 * (1 - i / 200) : 0) + (r.next() - 0.5));
    const d = mserTruncation(xs);
    expect(d).toBeGreaterThanOrEqual(150);
    expect(d).toBeLessThanOrEqual(260);
    expect(mserTruncation(Array.from({ length: 2000 }, () => r.next()))).toBeLessThan(400);
    expect(truncateWarmup([1, 2, 3, 4], 3)).toEqual([4]);
  });
});
