import { describe, expect, it } from 'vitest';
import { aggregateRate, parseCurve, perStreamRate } from './curve.js';

const curve = parseCurve('1:98,2:180,4:269');

describe('decode curve', () => {
  it('returns the measured points', () => {
    expect(aggregateRate(curve, 1)).toBe(98);
    expect(aggregateRate(curve, 2)).toBe(180);
    expect(aggregateRate(curve, 4)).toBe(269);
  });
  it('interpolates linearly between points and holds flat beyond the last', () => {
    expect(aggregateRate(curve, 3)).toBeCloseTo((180 + 269) / 2, 10);
    expect(aggregateRate(curve, 8)).toBe(269);
    expect(perStreamRate(curve, 8)).toBeCloseTo(269 / 8, 10);
    expect(perStreamRate(curve, 0)).toBe(0);
  });
  it('sorts points and rejects bad ones', () => {
    expect(parseCurve('4:269,1:98')).toEqual([
      [1, 98],
      [4, 269],
    ]);
    expect(() => parseCurve('1:98,x')).toThrow(/STREAMS:TOKENS_PER_SECOND/);
    expect(() => parseCurve('0:98')).toThrow(/streams >= 1/);
    expect(() => parseCurve('1:98,1:100')).toThrow(/two points/);
  });
});
