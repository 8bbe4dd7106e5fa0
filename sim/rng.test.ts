import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';
import { Simulation } from './simulation.js';

function draws(seed: number, stream: string, n: number): number[] {
  const r = createRng(seed, stream);
  return Array.from({ length: n }, () => r.next());
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('rng', () => {
  it('same seed and stream give identical sequences; different seeds differ', () => {
    expect(draws(42, 'x', 1000)).toEqual(draws(42, 'x', 1000));
    expect(draws(42, 'x', 10)).not.toEqual(draws(43, 'x', 10));
    expect(draws(42, 'x', 10)).not.toEqual(draws(42, 'y', 10));
    expect(draws(2 ** 40 + 1, 'x', 10)).not.toEqual(draws(1, 'x', 10)); // high seed bits count
    expect(draws(1.5, 'x', 10)).not.toEqual(draws(1, 'x', 10));
  });

  it('draws lie in [0,1) with the uniform mean and variance', () => {
    const xs = draws(1, 'u', 200_000);
    let mean = 0;
    let outside = 0;
    for (const x of xs) {
      if (!(x >= 0 && x < 1)) outside++;
      mean += x / xs.length;
    }
    expect(outside).toBe(0);
    let v = 0;
    for (const x of xs) v += (x - mean) ** 2 / (xs.length - 1);
    // 99.9 % bounds: sd of the mean is sqrt(1/12/n).
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.29 * Math.sqrt(1 / 12 / xs.length));
    expect(Math.abs(v - 1 / 12)).toBeLessThan(3.29 * Math.sqrt(1 / 180 / xs.length)); // var of U² terms
  });

  it('passes a chi-square test on 100 equal bins', () => {
    const r = createRng(9, 'chi');
    const bins = new Array<number>(100).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) bins[r.nextInt(100)]!++;
    const e = n / 100;
    const chi2 = bins.reduce((s, o) => s + (o - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(148.2); // χ²(99) upper 0.1 % point
  });

  it('different stream names (and adjacent seeds) give uncorrelated draws', () => {
    const n = 100_000;
    const bound = 3.29 / Math.sqrt(n); // 99.9 % under independence
    const a = draws(5, 'arrivals', n);
    expect(Math.abs(correlation(a, draws(5, 'service', n)))).toBeLessThan(bound);
    expect(Math.abs(correlation(a, draws(5, 'arrivals2', n)))).toBeLessThan(bound);
    expect(Math.abs(correlation(a, draws(6, 'arrivals', n)))).toBeLessThan(bound);
    // lag-1 serial correlation within one stream
    expect(Math.abs(correlation(a.slice(1), a.slice(0, -1)))).toBeLessThan(bound);
  });

  it('Simulation.rng returns one instance per name, derived from the seed', () => {
    const s = new Simulation({ seed: 3 });
    expect(s.rng('a')).toBe(s.rng('a'));
    expect(s.rng('a').next()).toBe(createRng(3, 'a').next());
  });

  it('rejects bad seeds and bad nextInt arguments', () => {
    expect(() => createRng(NaN)).toThrow(/seed/);
    expect(() => createRng(1).nextInt(0)).toThrow(/positive integer/);
    expect(() => createRng(1).nextInt(2.5)).toThrow(/positive integer/);
  });
});
