import { describe, expect, it } from 'vitest';
import { distribution, DistributionError, type DistributionSpec, weibullShapeForCv } from './distributions.js';
import { createRng } from './rng.js';

const Z999 = 3.2905; // two-sided 99.9 % normal quantile: 24 checks below, each deterministic under its seed

/** Sample mean of f(X) with its standard error. */
function meanAndSe(xs: Float64Array, f: (x: number) => number): { mean: number; se: number } {
  const n = xs.length;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const y = f(xs[i]!);
    const d = y - mean;
    mean += d / (i + 1);
    m2 += d * (y - mean);
  }
  return { mean, se: Math.sqrt(m2 / (n - 1) / n) };
}

const specs: DistributionSpec[] = [
  { kind: 'constant', value: 3 },
  { kind: 'uniform', min: 2, max: 5 },
  { kind: 'exponential', mean: 2 },
  { kind: 'normal', mean: 10, cv: 0.3 },
  { kind: 'normal', mean: 1, cv: 1.5 }, // heavily truncated: mean/cv are of the truncated law
  { kind: 'lognormal', mean: 4, cv: 1.2 },
  { kind: 'gamma', mean: 3, cv: 0.5 },
  { kind: 'gamma', mean: 3, cv: 2 }, // shape 0.25 < 1
  { kind: 'erlang', mean: 2, k: 4 },
  { kind: 'erlang', mean: 2, k: 40 },
  { kind: 'weibull', mean: 5, cv: 0.6 },
  { kind: 'weibull', mean: 5, cv: 2 },
  { kind: 'hyperexponential', mean: 1, cv: 3 },
  { kind: 'pareto', min: 1, max: 1000, alpha: 1.5 },
  { kind: 'pareto', min: 1, max: 100, alpha: 1 },
  { kind: 'empirical', samples: [1, 2, 2, 7, 11] },
  { kind: 'categorical', values: [1, 10, 100], weights: [5, 3, 2] },
];

/** Declared mean and cv from the parameters (independently of the implementation's fields). */
function declared(spec: DistributionSpec): { mean: number; cv: number } | null {
  switch (spec.kind) {
    case 'constant':
      return { mean: spec.value, cv: 0 };
    case 'uniform':
      return { mean: (spec.min + spec.max) / 2, cv: (spec.max - spec.min) / Math.sqrt(12) / ((spec.min + spec.max) / 2) };
    case 'exponential':
      return { mean: spec.mean, cv: 1 };
    case 'lognormal':
    case 'gamma':
    case 'weibull':
    case 'hyperexponential':
      return { mean: spec.mean, cv: spec.cv };
    case 'erlang':
      return { mean: spec.mean, cv: 1 / Math.sqrt(spec.k) };
    case 'categorical': {
      const w = spec.weights.reduce((a, b) => a + b, 0);
      const m = spec.values.reduce((s, v, i) => s + (v * spec.weights[i]!) / w, 0);
      const v2 = spec.values.reduce((s, v, i) => s + ((v - m) ** 2 * spec.weights[i]!) / w, 0);
      return { mean: m, cv: Math.sqrt(v2) / m };
    }
    default:
      return null; // truncated normal, bounded Pareto, empirical: checked against the implementation's exact moments
  }
}

describe('distributions', () => {
  for (const spec of specs) {
    it(`${JSON.stringify(spec)}: sample mean and second moment match mean and cv`, () => {
      const d = distribution(spec);
      const want = declared(spec);
      if (want !== null) {
        expect(d.mean).toBeCloseTo(want.mean, 9);
        expect(d.cv).toBeCloseTo(want.cv, 6);
      }
      const rng = createRng(2024, JSON.stringify(spec));
      const n = 200_000;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
      const second = d.mean * d.mean * (1 + d.cv * d.cv);
      const m1 = meanAndSe(xs, (x) => x);
      const m2 = meanAndSe(xs, (x) => x * x);
      if (d.cv === 0) {
        expect(m1.se).toBe(0);
        expect(m1.mean).toBe(d.mean);
        return;
      }
      expect(Math.abs(m1.mean - d.mean)).toBeLessThan(Z999 * m1.se);
      expect(Math.abs(m2.mean - second)).toBeLessThan(Z999 * m2.se);
      expect(xs.every((x) => x >= 0)).toBe(true);
    });
  }

  it('truncated normal reports the moments of the truncated law', () => {
    const d = distribution({ kind: 'normal', mean: 10, cv: 0.1 });
    expect(d.mean).toBeCloseTo(10, 9); // truncation negligible
    expect(d.cv).toBeCloseTo(0.1, 9);
    const t = distribution({ kind: 'normal', mean: 1, cv: 1e6 }); // half-normal limit: mean σ√(2/π)
    expect(t.mean / 1e6).toBeCloseTo(Math.sqrt(2 / Math.PI), 5);
  });

  it('Weibull shape solved from cv: cv 1 is the exponential (shape 1)', () => {
    expect(weibullShapeForCv(1)).toBeCloseTo(1, 9);
    expect(weibullShapeForCv(0.5)).toBeCloseTo(2.1013, 3); // tabulated
  });

  it('bounded Pareto stays within [min, max]', () => {
    const d = distribution({ kind: 'pareto', min: 2, max: 50, alpha: 0.7 });
    const r = createRng(1, 'p');
    for (let i = 0; i < 10_000; i++) {
      const x = d.sample(r);
      if (x < 2 || x > 50) throw new Error(`out of range ${x}`);
    }
  });

  const bad: [unknown, RegExp][] = [
    [{ kind: 'exponential', mean: -1 }, /exponential distribution: parameter 'mean' must be greater than 0, got -1/],
    [{ kind: 'exponential', mean: 'x' }, /'mean' must be a finite number, got "x"/],
    [{ kind: 'uniform', min: 3, max: 1 }, /uniform.*'max'.*at least min \(3\), got 1/],
    [{ kind: 'lognormal', mean: 1, cv: -0.5 }, /lognormal.*'cv'.*at least 0, got -0.5/],
    [{ kind: 'erlang', mean: 1, k: 2.5 }, /erlang.*'k'.*integer ≥ 1, got 2.5/],
    [{ kind: 'hyperexponential', mean: 1, cv: 0.5 }, /hyperexponential.*'cv'.*at least 1/],
    [{ kind: 'pareto', min: 5, max: 2, alpha: 1 }, /pareto.*'max'.*greater than min/],
    [{ kind: 'pareto', min: 1, max: 2, alpha: 0 }, /pareto.*'alpha'.*greater than 0, got 0/],
    [{ kind: 'empirical', samples: [] }, /empirical.*'samples'.*non-empty/],
    [{ kind: 'categorical', values: [1, 2], weights: [1] }, /categorical.*'weights'.*as long as values \(2\)/],
    [{ kind: 'categorical', values: [1, 2], weights: [0, 0] }, /categorical.*'weights'.*positive sum/],
    [{ kind: 'gamma', mean: Infinity, cv: 1 }, /gamma.*'mean'.*finite number, got Infinity/],
    [{ kind: 'zipf', mean: 1 }, /'kind' must be one of constant/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects ${JSON.stringify(spec)}`, () => {
      let error: unknown;
      try {
        distribution(spec as DistributionSpec);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DistributionError);
      expect((error as Error).message).toMatch(message);
    });
  }
});
