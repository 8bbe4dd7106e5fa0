import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { seededRng } from './random.js';
import { Scheduler } from './scheduler.js';

describe('scheduler', () => {
  it('fires every task, never before its time, in order of intended time', async () => {
    const scheduler = new Scheduler();
    const rng = seededRng(5);
    const start = performance.now();
    const fired: { due: number; at: number }[] = [];
    const n = 300;
    await new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) {
        const due = start + rng.next() * 300;
        scheduler.at({
          due,
          fire: () => {
            fired.push({ due, at: performance.now() });
            if (fired.length === n) resolve();
          },
        });
      }
    });
    scheduler.stop();
    expect(fired).toHaveLength(n);
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.due);
    for (let i = 1; i < n; i++) expect(fired[i]!.due).toBeGreaterThanOrEqual(fired[i - 1]!.due);
  });
});
