import { describe, expect, it } from 'vitest';
import { findMarkers } from './marker.js';
import { OutputPlan, planText } from './output-plan.js';

const base = { seed: 42, bytesPerSecond: 10_000, burstEverySeconds: 0, burstBytes: 0, tickSeconds: 0.05 };

describe('fake agent output plan', () => {
  it('is the same text for the same seed and different text for another', () => {
    expect(planText(base, 40)).toBe(planText(base, 40));
    expect(planText({ ...base, seed: 43 }, 40)).not.toBe(planText(base, 40));
  });

  it('owes the steady rate plus one burst per period', () => {
    const steady = new OutputPlan(base);
    expect(steady.bytesDueThroughTick(19)).toBe(10_000); // 1 s
    expect(steady.bytesDueThroughTick(0)).toBe(500);
    const bursty = new OutputPlan({ ...base, burstEverySeconds: 0.5, burstBytes: 3000 });
    expect(bursty.bytesDueThroughTick(8)).toBe(4500); // 0.45 s: no burst yet
    expect(bursty.bytesDueThroughTick(9)).toBe(5000 + 3000); // 0.5 s: first burst
    expect(bursty.bytesDueThroughTick(39)).toBe(20_000 + 4 * 3000); // 2 s
  });

  it('writes whole lines covering what is due, never more than one line over', () => {
    const text = planText(base, 200); // 10 s at 10 KB/s
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBeGreaterThanOrEqual(100_000);
    expect(bytes).toBeLessThan(100_000 + 200);
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.split('\n').slice(0, -1)) expect(line).toMatch(/^(\x1b\[\d+m)?\d{6} [a-z ]+(\x1b\[0m)?$/);
  });

  it('never prints anything that looks like a round-trip marker', () => {
    expect(findMarkers(planText({ ...base, bytesPerSecond: 1e6 }, 20))).toEqual([]);
  });
});
