import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, mmc, mmck } from './erlang.js';
import { cobham, mg1, mm1ps } from './mg1.js';
import { jacksonNetwork, littleL, littleLambda, littleW, mva } from './networks.js';

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

describe('Erlang B and C', () => {
  it('match published table values and the direct sums', () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    expect(erlangB(10, 5)).toBeCloseTo(0.018385, 5); // standard Erlang B table
    expect(erlangB(5, 3)).toBeCloseTo(0.110054, 5);
    expect(erlangB(0, 3)).toBe(1);
    const direct = (c: number, a: number) => a ** c / factorial(c) / Array.from({ length: c + 1 }, (_, k) => a ** k / factorial(k)).reduce((x, y) => x + y);
    expect(erlangB(12, 9.5)).toBeCloseTo(direct(12, 9.5), 12);
    // Erlang C by its own sum
    const directC = (c: number, a: number) => {
      const top = (a ** c / factorial(c)) * (c / (c - a));
      let s = 0;
      for (let k = 0; k < c; k++) s += a ** k / factorial(k);
      return top / (s + top);
    };
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(10, 8)).toBeCloseTo(directC(10, 8), 12);
    expect(erlangC(1, 0.9)).toBeCloseTo(0.9, 12); // M/M/1: P(wait) = ρ
    expect(erlangB(200, 180)).toBeGreaterThan(0); // large c, no overflow
    expect(() => erlangC(2, 2)).toThrow(/stable/);
  });
});

describe('M/M/c and M/M/c/K', () => {
  it('M/M/1 at ρ = 0.9: Wq 9, W 10, L 9', () => {
    const m = mmc(0.9, 1, 1);
    expect(m.Wq).toBeCloseTo(9, 12);
    expect(m.W).toBeCloseTo(10, 12);
    expect(m.L).toBeCloseTo(9, 12);
    expect(m.Lq).toBeCloseTo(8.1, 12);
  });
  it('M/M/2 with λ=1, μ=1: Wq = 1/3 (C = 1/3, cμ − λ = 1)', () => {
    expect(mmc(1, 1, 2).Wq).toBeCloseTo(1 / 3, 12);
    expect(() => mmc(2, 1, 2)).toThrow(/unstable/);
  });
  it('M/M/1/K blocking is (1−ρ)ρ^K/(1−ρ^(K+1)); M/M/c/c blocking is Erlang B; large K tends to M/M/c', () => {
    const rho = 0.8;
    const K = 5;
    const m = mmck(0.8, 1, 1, K);
    expect(m.pBlock).toBeCloseTo(((1 - rho) * rho ** K) / (1 - rho ** (K + 1)), 12);
    expect(m.p.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(mmck(5, 1, 10, 10).pBlock).toBeCloseTo(erlangB(10, 5), 12);
    const big = mmck(3, 1, 4, 400);
    const inf = mmc(3, 1, 4);
    expect(big.Wq).toBeCloseTo(inf.Wq, 9);
    expect(big.L).toBeCloseTo(inf.L, 9);
    expect(() => mmck(1, 1, 2, 1)).toThrow(/K must be an integer ≥ servers/);
  });
});

describe('M/G/1, priorities, processor sharing', () => {
  it('Pollaczek–Khinchine: M/M/1 agrees with mmc; M/D/1 waits half as long', () => {
    const mm1 = mg1({ arrivalRate: 0.7, meanService: 1, serviceCv: 1 });
    expect(mm1.Wq).toBeCloseTo(mmc(0.7, 1, 1).Wq, 12);
    const md1 = mg1({ arrivalRate: 0.7, meanService: 1, serviceCv: 0 });
    expect(md1.Wq).toBeCloseTo(mm1.Wq / 2, 12);
    expect(mg1({ arrivalRate: 0.5, meanService: 1, serviceCv: 0 }).Wq).toBeCloseTo(0.5, 12);
    expect(() => mg1({ arrivalRate: 1, meanService: 1, serviceCv: 1 })).toThrow(/unstable/);
  });
  it('Cobham: two M/M/1 classes (λ 0.3, 0.5; μ 1) give Wq 8/7 and 40/7, conserving the FCFS average', () => {
    const r = cobham([
      { arrivalRate: 0.3, meanService: 1, serviceCv: 1 },
      { arrivalRate: 0.5, meanService: 1, serviceCv: 1 },
    ]);
    expect(r.classes[0]!.Wq).toBeCloseTo(8 / 7, 12);
    expect(r.classes[1]!.Wq).toBeCloseTo(40 / 7, 12);
    // Kleinrock's conservation law: Σ ρ_k Wq_k = ρ × Wq(FCFS)
    expect(0.3 * r.classes[0]!.Wq + 0.5 * r.classes[1]!.Wq).toBeCloseTo(0.8 * mmc(0.8, 1, 1).Wq, 12);
    // one class is plain P-K
    expect(cobham([{ arrivalRate: 0.6, meanService: 1, serviceCv: 0.5 }]).classes[0]!.Wq).toBeCloseTo(
      mg1({ arrivalRate: 0.6, meanService: 1, serviceCv: 0.5 }).Wq,
      12,
    );
  });
  it('M/M/1-PS: mean sojourn 1/(μ−λ), size-x job x/(1−ρ)', () => {
    const ps = mm1ps(0.75, 1);
    expect(ps.W).toBeCloseTo(4, 12);
    expect(ps.sojourn(2)).toBeCloseTo(8, 12);
    expect(ps.L).toBeCloseTo(3, 12);
  });
});

describe('networks', () => {
  it('Jackson: a tandem is a sum of M/M/1s; feedback p gives λ = γ/(1−p)', () => {
    const tandem = jacksonNetwork({
      nodes: [
        { servers: 1, serviceRate: 2 },
        { servers: 1, serviceRate: 3 },
      ],
      external: [1, 0],
      routing: [
        [0, 1],
        [0, 0],
      ],
    });
    expect(tandem.W).toBeCloseTo(1 / (2 - 1) + 1 / (3 - 1), 12);
    const fb = jacksonNetwork({ nodes: [{ servers: 1, serviceRate: 2 }], external: [0.5], routing: [[0.5]] });
    expect(fb.arrivalRates[0]).toBeCloseTo(1, 12);
    expect(fb.visits[0]).toBeCloseTo(2, 12);
    expect(fb.W).toBeCloseTo(2 * (1 / (2 - 1)), 12); // two visits of M/M/1 sojourn 1 each
    expect(() =>
      jacksonNetwork({ nodes: [{ servers: 1, serviceRate: 1 }], external: [0.6], routing: [[0.5]] }),
    ).toThrow(/node 0.*unstable/);
    expect(() => jacksonNetwork({ nodes: [{ servers: 1, serviceRate: 1 }], external: [1], routing: [[1]] })).toThrow(/singular/);
  });

  it('MVA matches the product-form normalising constant (Buzen) for a closed network with think time', () => {
    const D = [0.2, 0.5, 0.1];
    const Z = 2;
    const N = 6;
    // G(n) = Σ over (n0 at the delay, n1..n3 at queues) of Z^n0/n0! Π D_k^n_k
    const G = (n: number): number => {
      let g = 0;
      for (let n0 = 0; n0 <= n; n0++)
        for (let a = 0; a <= n - n0; a++)
          for (let b = 0; b <= n - n0 - a; b++) {
            const c = n - n0 - a - b;
            g += (Z ** n0 / factorial(n0)) * D[0]! ** a * D[1]! ** b * D[2]! ** c;
          }
      return g;
    };
    const r = mva(
      D.map((demand) => ({ kind: 'queue' as const, demand })),
      N,
      Z,
    );
    for (let n = 1; n <= N; n++) expect(r.throughput[n - 1]).toBeCloseTo(G(n - 1) / G(n), 12);
    // response time law R = N/X − Z
    expect(r.responseTime[N - 1]).toBeCloseTo(N / r.throughput[N - 1]! - Z, 12);
    expect(r.utilization[1]).toBeCloseTo(r.throughput[N - 1]! * 0.5, 12);
    // a delay station adds its demand and nothing else; one queue without think time: X = 1/D
    expect(mva([{ kind: 'queue', demand: 0.25 }], 10).throughput[9]).toBeCloseTo(4, 12);
    const withDelay = mva(
      [
        { kind: 'queue', demand: 1 },
        { kind: 'delay', demand: 3 },
      ],
      1,
    );
    expect(withDelay.responseTime[0]).toBeCloseTo(4, 12);
  });

  it("Little's law helpers", () => {
    expect(littleL(2, 3)).toBe(6);
    expect(littleW(6, 2)).toBe(3);
    expect(littleLambda(6, 3)).toBe(2);
  });
});
