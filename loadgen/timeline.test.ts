import { describe, expect, it } from 'vitest';
import { seededRng } from './random.js';
import { EventStream, advance, constantRamp, fixedConnectionPlan, rampConnectionPlan, rampsFromStages, rampValue } from './timeline.js';

describe('timeline', () => {
  it('spaces a constant rate exactly and integrates a linear ramp', () => {
    expect(advance(constantRamp(100), 1, 1)).toBeCloseTo(1.01, 12);
    // rate ramps 0 → 10/s over 10 s: ∫0^t r = t²/2, so 5 events take √10 s
    const ramp = { times: [0, 10], values: [0, 10] };
    expect(advance(ramp, 0, 5)).toBeCloseTo(Math.sqrt(10), 9);
    // past the ramp the last rate holds: 50 events by t = 10, then 10/s
    expect(advance(ramp, 0, 60)).toBeCloseTo(11, 9);
    expect(advance(constantRamp(0), 0, 1)).toBe(Infinity);
  });

  it('builds k6-style stages and the connections they open and close', () => {
    const { connections, rate, duration } = rampsFromStages(
      [{ duration: 10, connections: 4, rate: 20 }, { duration: 10 }, { duration: 10, connections: 0 }],
      { connections: 0, rate: 10 },
    );
    expect(duration).toBe(30);
    expect(rampValue(rate, 5)).toBeCloseTo(15, 12);
    expect(rampValue(rate, 25)).toBe(20);
    const slots = rampConnectionPlan(connections, duration);
    expect(slots.map((s) => [s.openAt, s.closeAt])).toEqual([
      [2.5, 27.5],
      [5, 25],
      [7.5, 22.5],
      [10, 20],
    ]);
  });

  it('spaces connection arrivals at the connect rate', () => {
    const slots = fixedConnectionPlan(3, 10, 'constant', 5, seededRng(1));
    expect(slots.map((s) => s.openAt)).toEqual([0, 0.1, 0.2]);
    expect(slots.every((s) => s.closeAt === 5)).toBe(true);
  });

  it('produces a Poisson stream whose count matches the rate (95 % CI over 10 seeds)', () => {
    const rate = 50;
    const horizon = 20;
    const counts: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const s = new EventStream(constantRamp(rate), 'poisson', seededRng(seed, 7), 0, horizon);
      let n = 0;
      while (s.shift() !== Infinity) n++;
      counts.push(n);
    }
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1));
    const half = (2.262 * sd) / Math.sqrt(counts.length); // t(0.975, 9)
    expect(Math.abs(mean - rate * horizon)).toBeLessThanOrEqual(half);
    // and the stream is a function of its seed
    const again = new EventStream(constantRamp(rate), 'poisson', seededRng(1, 7), 0, horizon);
    let n = 0;
    while (again.shift() !== Infinity) n++;
    expect(n).toBe(counts[0]);
  });

  it('never produces a time at or after its end', () => {
    const s = new EventStream(constantRamp(1000), 'constant', seededRng(3), 0, 0.5);
    let last = 0;
    let n = 0;
    for (let t = s.shift(); t !== Infinity; t = s.shift()) {
      expect(t).toBeGreaterThan(last);
      expect(t).toBeLessThan(0.5);
      last = t;
      n++;
    }
    expect(n).toBe(500);
  });
});
