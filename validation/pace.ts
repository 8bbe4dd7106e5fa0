// The pace of a fan-out end to end, as a calibration figure. The server sends a frame to the
// writer first, then to each watcher in turn, and the load generator (in validation one process
// reads every client) reads them as they come, so the k-th watcher gets it k × (the slower loop's
// time per frame) after the writer. A watcher's delivery also lags the writer's by a part of its
// own whatever its place (the generator's work on the writer's frame first, about 0.1 ms), so the
// pace is a slope: the spread (mean delivery − mean round trip) with PACE_SHAPE's watchers less
// the echo's with ECHO_SHAPE's, over the difference of their mean places. The server's CPU per
// frame is no measure of it: part of that work (write callbacks, collection) comes after the
// fan-out and delays no watcher.

import type { PointResult } from '../lib/index.js';
import { ECHO_SHAPE } from './echo.js';
import type { CalibrationFigure } from './profile.js';
import { median } from './stats.js';
import type { TerminalLoad } from './terminal-run.js';

/** The echo's sessions and writers with more watchers each: still light load (about 2 % of a core). */
export const PACE_SHAPE: Pick<TerminalLoad, 'sessions' | 'watchers' | 'rate'> = { ...ECHO_SHAPE, watchers: 12 };

/** Mean fan-out delivery less mean round trip (a histogram metric's bare name is its mean), or null. */
export function deliverySpread(point: PointResult): number | null {
  const [fanout, rtt] = [point.metrics['latency.fanout']?.value, point.metrics['latency.rtt']?.value];
  return fanout === undefined || rtt === undefined ? null : fanout - rtt;
}

/** `terminal.readerTimePerFrame` from the spreads of runs at PACE_SHAPE (`wide`) and at ECHO_SHAPE (`narrow`), their medians. */
export function paceFigure(wide: readonly number[], narrow: readonly number[], method: string): CalibrationFigure | undefined {
  if (wide.length === 0 || narrow.length === 0) return undefined;
  const [w, n] = [median(wide), median(narrow)];
  const places = (PACE_SHAPE.watchers - ECHO_SHAPE.watchers) / 2;
  return {
    value: Math.max(0, (w - n) / places),
    unit: 's',
    sets: ['terminal.readerTimePerFrame'],
    method: `${method}: the spread (mean fan-out delivery − mean round trip) with ${PACE_SHAPE.watchers} watchers per session less the echo's with ${ECHO_SHAPE.watchers}, over the difference of the watchers' mean places (${places}), the medians over the runs: the time per frame of the slower of the server and the load generator`,
    n: wide.length + narrow.length,
    summary: { spreadPace: w, spreadEcho: n },
  };
}
