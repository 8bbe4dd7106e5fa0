// The echo path's latency (a typed marker's round trip: PTY, tmux's redraw, the server's read) at
// light load, as a calibration figure: its 1st–99th percentiles at each output rate it was timed
// at. Calibration times it before any validation; validation times it again in each round of its
// levels.

import { LatencyHistogram, type PointResult } from '../lib/index.js';
import type { CalibrationFigure } from './profile.js';
import type { TerminalLoad } from './terminal-run.js';

/** The light-load shape the echo is timed at: four sessions, each a writer at 10/s and two watchers. */
export const ECHO_SHAPE: Pick<TerminalLoad, 'sessions' | 'watchers' | 'rate'> = { sessions: 4, watchers: 2, rate: 10 };

/** `terminal.echoLatency` from the round trips timed at each output rate (pooled per rate). */
export function echoFigure(byRate: ReadonlyMap<number, LatencyHistogram>, method: string): CalibrationFigure | undefined {
  const rows = [...byRate].filter(([, h]) => h.count > 0).sort(([a], [b]) => a - b);
  if (rows.length === 0) return undefined;
  const percentiles = rows.map(([rate, h]) => ({ rate, p: Array.from({ length: 99 }, (_, k) => Number(h.percentileSeconds(k + 1).toPrecision(4))) }));
  return {
    value: { kind: 'curve', points: percentiles.map(({ rate, p }) => [rate, ...p]) },
    unit: '[B/s written, then the 1st–99th percentiles of the echo in s]',
    sets: ['terminal.echoLatency (the percentiles, linear between the rates)'],
    method,
    n: rows.reduce((n, [, h]) => n + h.count, 0),
    summary: Object.fromEntries(percentiles.flatMap(({ rate, p }) => [[`p50@${rate}`, p[49]!], [`p95@${rate}`, p[94]!], [`p99@${rate}`, p[98]!]])),
  };
}

/** The round trips of a load document's first point, if it timed any. */
export function roundTrips(point: PointResult): LatencyHistogram | undefined {
  const encoded = point.histograms?.['latency.rtt'];
  return encoded && encoded.count > 0 ? LatencyHistogram.decode(encoded) : undefined;
}
