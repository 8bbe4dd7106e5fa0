import { describe, expect, it } from 'vitest';
import { betaInc, erfc, gammaQ, lgamma, normalCdf } from './special.js';

describe('special functions', () => {
  it('lgamma against exact values', () => {
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lgamma(101)).toBeCloseTo(363.73937555556347, 9); // ln 100!
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });
  it('erfc, the normal CDF and the incomplete gamma/beta against tabulated values', () => {
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 13);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 16);
    expect(erfc(-0.5)).toBeCloseTo(1.520499877813047, 13);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 13);
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 14); // exponential tail
    expect(betaInc(0.3, 1, 1)).toBeCloseTo(0.3, 14); // uniform
    expect(betaInc(0.25, 2, 3)).toBeCloseTo(0.26171875, 13); // 6x² − 8x³ + 3x⁴ = 67/256
  });
});
