// The store's synced write timed alone: appends of 256 B, each followed by fsync, spaced apart as
// a light hub's writes come. Back to back, the same appends took a third of the time spaced
// ones did on a virtio disk (0.19 against 0.6 ms), and the hub's own light-load fsyncs are the
// spaced kind (0.51 ms), so the probe spaces them.
// Calibrate times it beside the hub's own fsyncs (their ratio is kept in the figure); validate
// times it again at light load in each round of the task levels, because this disk's fsync
// drifts from minute to minute by more than the latency targets.

import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CalibrationFigure } from './profile.js';
import { mean, quantiles } from './stats.js';

/** Syncs a probe times and the pause before each: about 3 s. */
export const SYNC_PROBE = { count: 150, gap: 0.02 } as const;

export async function timeSpacedSyncs(dir: string, count: number, gap: number = SYNC_PROBE.gap): Promise<number[]> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'sync-probe.bin');
  const handle = await open(file, 'a');
  const record = Buffer.alloc(256, 0x61);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, gap * 1e3));
      const t0 = process.hrtime.bigint();
      await handle.write(record);
      await handle.sync();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
  return samples;
}

/** What a probe of `count` syncs is, for a figure's method (`where`: its folder, if worth saying). */
export const probeMethod = (count: number, where?: string): string =>
  `${count} appends of 256 B, each followed by fsync, ${SYNC_PROBE.gap * 1e3} ms apart${where ? `, in ${where}` : ''}`;

/** A timing as a figure: the samples themselves, with their mean and percentiles for people. */
export function timingFigure(samples: readonly number[], sets: string[], method: string, extra: Record<string, number> = {}): CalibrationFigure {
  const q = quantiles(samples, [0.5, 0.9, 0.99]);
  return {
    value: { kind: 'empirical', samples: samples.map((s) => Number(s.toPrecision(4))) },
    unit: 's',
    sets,
    method,
    n: samples.length,
    summary: { mean: mean(samples), p50: q[0]!, p90: q[1]!, p99: q[2]!, ...extra },
  };
}

/**
 * The synced write from probe samples, scaled by the hub's own mean fsync (over its fastest 99 %,
 * read from its histogram) over the probe's median as calibrate measured them side by side (the hub's writes come in clusters and its records are
 * larger than a bare append's). The probe's median, not its mean: one stall of a second in a
 * calibration probe put its mean at 7.0 ms (0.55–0.74 ms in three others), and the ratio with it
 * scaled every later probe down fifteen-fold. `hubOverProbe` undefined: the samples as they are.
 */
export function syncWriteFigure(samples: readonly number[], method: string, hubOverProbe?: HubOverProbe): CalibrationFigure {
  if (!hubOverProbe) return timingFigure(samples, ['hub.store.syncWrite'], `${method} (the samples themselves)`);
  const { hubMean, probeMedian, hubSyncs } = hubOverProbe;
  const scale = hubMean / probeMedian;
  return timingFigure(
    samples.map((x) => x * scale),
    ['hub.store.syncWrite'],
    `${method} (mean ${(mean(samples) * 1e3).toFixed(3)} ms), scaled by ${scale.toFixed(3)}: the hub's own mean fsync over the probe's median when calibrated (${(hubMean * 1e3).toFixed(3)} over ${(probeMedian * 1e3).toFixed(3)} ms, the hub's over the fastest 99 % of ${hubSyncs} syncs of its log in light runs)`,
    { hubMean, probeMedian, hubSyncs },
  );
}

/** The hub's mean fsync (its fastest 99 %) and the probe's median, timed side by side at calibration. */
export interface HubOverProbe {
  hubMean: number;
  probeMedian: number;
  hubSyncs: number;
}

/** The hub-to-probe ratio a calibrated figure carries, if it does. */
export function hubOverProbeOf(figure: CalibrationFigure | undefined): HubOverProbe | undefined {
  const s = figure?.summary;
  return s?.hubMean !== undefined && s.probeMedian !== undefined && s.probeMedian > 0 ? { hubMean: s.hubMean, probeMedian: s.probeMedian, hubSyncs: s.hubSyncs ?? 0 } : undefined;
}
