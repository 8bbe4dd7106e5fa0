import { describe, expect, it } from 'vitest';
import { fitUsl, uslThroughput } from './usl.js';
import { createRng } from '../../sim/index.js';

/** mulberry32: a small seeded generator, so every replication is reproducible. */
function rng(seed: number): () => number {
  const generator = createRng(seed, 'synthetic');
  return () => generator.next();
}
function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

const SIZES = [1, 2, 4, 6, 8, 12, 16, 20, 24, 32, 40, 48, 64];
/** Student-t 0.975 quantile, 19 degrees of freedom. */
const T19 = 2.093;

describe('Universal Scalability Law fit', () => {
  it('recovers exact parameters from noiseless data, with the peak', () => {
    const truth = { gamma: 12, alpha: 0.04, beta: 0.0015 };
    const fit = fitUsl(SIZES.map((n) => ({ n, throughput: uslThroughput(n, truth) })))!;
    expect(fit.gamma).toBeCloseTo(12, 6);
    expect(fit.alpha).toBeCloseTo(0.04, 8);
    expect(fit.beta).toBeCloseTo(0.0015, 9);
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(fit.peak!.n).toBeCloseTo(Math.sqrt(0.96 / 0.0015), 4);
  });

  it('holds β at zero for Amdahl-shaped data and reports no peak', () => {
    const truth = { gamma: 5, alpha: 0.1, beta: 0 };
    const fit = fitUsl(SIZES.map((n) => ({ n, throughput: uslThroughput(n, truth) })))!;
    expect(fit.beta).toBe(0);
    expect(fit.alpha).toBeCloseTo(0.1, 8);
    expect(fit.peak).toBeUndefined();
    expect(fit.standardErrors.beta).toBeUndefined();
  });

  it('keeps α and β non-negative when the data scale super-linearly', () => {
    const fit = fitUsl(SIZES.map((n) => ({ n, throughput: 2 * n ** 1.1 })))!;
    expect(fit.alpha).toBeGreaterThanOrEqual(0);
    expect(fit.beta).toBeGreaterThanOrEqual(0);
  });

  it('declines fewer than three distinct fleet sizes', () => {
    expect(fitUsl([{ n: 1, throughput: 1 }, { n: 2, throughput: 2 }, { n: 2, throughput: 2.1 }])).toBeUndefined();
  });

  it('recovers known parameters from noisy data: truth inside the 95 % interval of 20 seeded replications', () => {
    const truth = { gamma: 10, alpha: 0.05, beta: 0.002 };
    const sigma = 0.03; // 3 % multiplicative noise on each throughput
    const est = { gamma: [] as number[], alpha: [] as number[], beta: [] as number[], peak: [] as number[] };
    let withinTwoSe = 0;
    for (let rep = 0; rep < 20; rep++) {
      const u = rng(1000 + rep);
      const fit = fitUsl(SIZES.map((n) => ({ n, throughput: uslThroughput(n, truth) * (1 + sigma * normal(u)) })))!;
      est.gamma.push(fit.gamma);
      est.alpha.push(fit.alpha);
      est.beta.push(fit.beta);
      est.peak.push(fit.peak!.n);
      if (Math.abs(fit.beta - truth.beta) <= 2 * fit.standardErrors.beta!) withinTwoSe++;
      expect(fit.r2).toBeGreaterThan(0.9);
    }
    const check = (xs: number[], theory: number) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
      const half = (T19 * sd) / Math.sqrt(xs.length);
      expect(Math.abs(m - theory), `mean ${m} ± ${half} against ${theory}`).toBeLessThanOrEqual(half);
    };
    check(est.gamma, truth.gamma);
    check(est.alpha, truth.alpha);
    check(est.beta, truth.beta);
    // The reported standard errors describe the scatter: about 95 % of fits lie within 2 SE.
    expect(withinTwoSe).toBeGreaterThanOrEqual(16);
  });
});
