// The echo path's latency (a typed marker's round trip: PTY, tmux's redraw, the server's read) at
// light load, as calibration figures: its 1st–99th percentiles at each output rate it was timed
// at, as the writer reads it and as its watchers do. Calibration times it before any validation;
// validation times it again in each round of its levels.

import { LatencyHistogram, type PointResult } from '../lib/index.js';
import { FIGURES, type CalibrationFigure } from './profile.js';
import type { TerminalLoad } from './terminal-run.js';

/** The light-load shape the echo is timed at: four sessions, each a writer at 10/s and two watchers. */
export const ECHO_SHAPE: Pick<TerminalLoad, 'sessions' | 'watchers' | 'rate'> = { sessions: 4, watchers: 2, rate: 10 };

/** The echo as timed by the writer (round trips) or by the watchers (their deliveries). */
export type EchoReader = 'writer' | 'watchers';

/** The figure each reader's echo sets, the load generator's histogram it comes from, and what that times. */
export const ECHO_READERS: Record<EchoReader, { figure: string; histogram: string; what: string }> = {
  writer: { figure: FIGURES.echoLatency, histogram: 'latency.rtt', what: 'round trips of typed markers (latency.rtt)' },
  watchers: { figure: FIGURES.watcherEchoLatency, histogram: 'latency.fanout', what: "the same markers' deliveries to the watchers (latency.fanout)" },
};

/** `terminal.echoLatency` (or the watchers') from the echoes timed at each output rate (pooled per rate). */
export function echoFigure(byRate: ReadonlyMap<number, LatencyHistogram>, method: string, reader: EchoReader = 'writer'): CalibrationFigure | undefined {
  const rows = [...byRate].filter(([, h]) => h.count > 0).sort(([a], [b]) => a - b);
  if (rows.length === 0) return undefined;
  const percentiles = rows.map(([rate, h]) => ({ rate, p: Array.from({ length: 99 }, (_, k) => Number(h.percentileSeconds(k + 1).toPrecision(4))) }));
  return {
    value: { kind: 'curve', points: percentiles.map(({ rate, p }) => [rate, ...p]) },
    unit: '[B/s written, then the 1st–99th percentiles of the echo in s]',
    sets: [`${ECHO_READERS[reader].figure} (the percentiles, linear between the rates)`],
    method,
    n: rows.reduce((n, [, h]) => n + h.count, 0),
    summary: Object.fromEntries(percentiles.flatMap(({ rate, p }) => [[`p50@${rate}`, p[49]!], [`p95@${rate}`, p[94]!], [`p99@${rate}`, p[98]!]])),
  };
}

/** The echoes a load document's first point timed for `reader`, if any. */
export function echoes(point: PointResult, reader: EchoReader = 'writer'): LatencyHistogram | undefined {
  const encoded = point.histograms?.[ECHO_READERS[reader].histogram];
  return encoded && encoded.count > 0 ? LatencyHistogram.decode(encoded) : undefined;
}
