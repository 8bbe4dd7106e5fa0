import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { median } from './stats.js';
import { hubOverProbeOf, syncWriteFigure, timeSpacedSyncs } from './sync-probe.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'agentscale-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the synced-write probe', () => {
  it('times real appends with fsync, spaced apart, and leaves no file behind', async () => {
    const started = performance.now();
    const samples = await timeSpacedSyncs(dir, 8, 0.01);
    expect(samples).toHaveLength(8);
    for (const s of samples) expect(s).toBeGreaterThan(0);
    // Eight pauses of 10 ms came before the eight syncs.
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("scales the probe's samples by the hub's mean fsync over the probe's median, and carries the ratio on to the next scaling", () => {
    // A stall in the calibration probe moves its mean (here 0.334 s), not its median.
    const probe = [1e-3, 2e-3, 1];
    const calibrated = syncWriteFigure(probe, 'probe', { hubMean: 1e-3, probeMedian: median(probe), hubSyncs: 40 });
    expect(calibrated.value).toEqual({ kind: 'empirical', samples: [5e-4, 1e-3, 0.5] });
    const ratio = hubOverProbeOf(calibrated);
    expect(ratio).toEqual({ hubMean: 1e-3, probeMedian: 2e-3, hubSyncs: 40 });
    // A later probe on a disk twice as slow: the same ratio, twice the time.
    const later = syncWriteFigure([2e-3, 4e-3, 6e-3], 'probe again', ratio);
    expect(later.summary?.mean).toBeCloseTo(2e-3, 12);
    expect(later.method).toContain('scaled by 0.500');
  });

  it('without a ratio (a store-only calibration) keeps the samples as they are', () => {
    const plain = syncWriteFigure([1e-3, 3e-3], 'probe');
    expect(plain.value).toEqual({ kind: 'empirical', samples: [1e-3, 3e-3] });
    expect(hubOverProbeOf(plain)).toBeUndefined();
  });
});
