import { describe, expect, it } from 'vitest';
import { DecodeGroup } from './decoder.js';

/** One stream alone: 100 t/s; two together: 160 t/s shared, 80 each. */
const pairGroup = (now: () => number) =>
  new DecodeGroup(
    [
      [1, 100],
      [2, 160],
    ],
    now,
    false,
  );

describe('shared decoding', () => {
  it('splits the aggregate rate between concurrent streams and re-splits when one ends', async () => {
    let now = 0;
    const group = pairGroup(() => now);
    const tokensA: number[] = [];
    const tokensB: number[] = [];
    const a = group.decode(100, (n) => tokensA.push(n));
    const b = group.decode(50, (n) => tokensB.push(n));
    expect(group.active).toBe(2);
    now = 0.5; // 40 tokens each
    group.advanceTo(now);
    expect(tokensA.reduce((x, y) => x + y, 0)).toBe(40);
    expect(tokensB.reduce((x, y) => x + y, 0)).toBe(40);
    // B ends at 50 / 80 = 0.625 s; A has then 50 left, alone at 100 t/s: ends at 1.125 s.
    now = 2;
    group.advanceTo(now);
    expect(await b).toBeCloseTo(0.625, 12);
    expect(await a).toBeCloseTo(1.125, 12);
    expect(tokensA.reduce((x, y) => x + y, 0)).toBe(100);
    expect(tokensB.reduce((x, y) => x + y, 0)).toBe(50);
    expect(group.active).toBe(0);
  });

  it('lets an aborted stream go and gives its share back', async () => {
    let now = 0;
    const group = pairGroup(() => now);
    const controller = new AbortController();
    const a = group.decode(100, () => undefined);
    const b = group.decode(1000, () => undefined, controller.signal);
    now = 0.25; // 20 tokens each
    controller.abort();
    expect(await b).toBeCloseTo(0.25, 12);
    now = 10;
    group.advanceTo(now);
    // A: 20 done at 80 t/s, then 80 left alone at 100 t/s.
    expect(await a).toBeCloseTo(0.25 + 0.8, 12);
  });
});
