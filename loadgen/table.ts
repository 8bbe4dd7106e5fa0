// The final console table of a run: latency percentiles per histogram, then the counts.

import { formatDuration, percentileKey, type PointResult } from '../lib/index.js';
import { COUNTERS } from './recorder.js';

const COLUMNS = [50, 90, 99, 99.9, 99.99] as const;

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function pointTable(point: PointResult): string {
  const m = point.metrics;
  const names = Object.keys(point.histograms ?? {}).sort((a, b) => {
    // the intended-time figures first, generator figures last
    const rank = (n: string): number => (n.startsWith('generator.') ? 2 : n.endsWith('.actual') ? 1 : 0);
    return rank(a) - rank(b) || (a < b ? -1 : 1);
  });
  const header = ['latency (from intended send)', 'count', ...COLUMNS.map((p) => `p${p}`), 'max'];
  const rows = names.map((n) => [
    n,
    String(m[n]?.n ?? 0),
    ...COLUMNS.map((p) => formatDuration(m[percentileKey(n, p)]?.value ?? NaN)),
    formatDuration(m[`${n}.max`]?.value ?? NaN),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const lines = [pad(header, widths), ...rows.map((r) => pad(r, widths))];
  const v = (k: string): number => m[k]?.value ?? 0;
  const throughput = m['throughput.tasks'] ?? m['throughput.messages'];
  lines.push('');
  lines.push(
    `operations ${v(COUNTERS.intended)} intended, ${v(COUNTERS.sent)} sent, ${v(COUNTERS.completed)} answered` +
      (throughput ? ` (${throughput.value.toFixed(1)}/s)` : '') +
      `; late ${v(COUNTERS.late)}, dropped ${v(COUNTERS.dropped)}`,
  );
  lines.push(
    `connections ${v(COUNTERS.connectOpened)} opened of ${v(COUNTERS.connectAttempts)}, ${v(COUNTERS.closedEarly)} closed early`,
  );
  const errors = Object.entries(m)
    .filter(([k, e]) => k.startsWith('errors.') && k !== 'errors.rate' && e.unit === 'count' && e.value > 0)
    .map(([k, e]) => `${k.slice(7)} ${e.value}`);
  lines.push(`errors ${((m['errors.rate']?.value ?? 0) * 100).toFixed(3)}%${errors.length > 0 ? `: ${errors.join(', ')}` : ''}`);
  lines.push(
    `generator: cpu ${((m['generator.cpu']?.value ?? 0) * 100).toFixed(0)}% of a core (busiest process), ` +
      `event-loop delay p99 ${formatDuration(m['generator.eventLoopDelay.p99']?.value ?? 0)}, ` +
      `send lag p99 ${formatDuration(m[percentileKey('generator.sendLag', 99)]?.value ?? 0)}`,
  );
  return lines.join('\n');
}
