// The live progress line: rate, p50/p99 so far, errors.

import { LatencyHistogram, formatDuration } from '../lib/index.js';
import { COUNTERS } from './recorder.js';
import type { ProgressSnapshot } from './run.js';

export function progressFormatter(): (snapshot: ProgressSnapshot) => string {
  let last: { elapsed: number; completed: number } | undefined;
  return (s) => {
    const completed = s.counters[COUNTERS.completed] ?? 0;
    const rate = last
      ? s.elapsed > last.elapsed
        ? (completed - last.completed) / (s.elapsed - last.elapsed)
        : 0
      : completed / Math.max(s.elapsed, 1e-3);
    last = { elapsed: s.elapsed, completed };
    const h = s.main ? LatencyHistogram.decode(s.main) : undefined;
    const lat = h && h.count > 0 ? `p50 ${formatDuration(h.percentileSeconds(50))}  p99 ${formatDuration(h.percentileSeconds(99))}` : 'p50 -  p99 -';
    const c = (k: string): number => s.counters[k] ?? 0;
    const open = c(COUNTERS.connectOpened);
    return (
      `${formatDuration(Math.max(0, s.elapsed))}  conns ${open}  ${rate.toFixed(0)}/s  ${lat}  ` +
      `errors ${c(COUNTERS.errors)}  late ${c(COUNTERS.late)}  dropped ${c(COUNTERS.dropped)}`
    );
  };
}
