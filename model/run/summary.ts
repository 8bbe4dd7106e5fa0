// The console summary of a run: per point, throughput, p95 task latency with its interval,
// and the resource that saturates first.

import { formatDuration, percentileKey, METRIC_NAMES, type Estimate, type ResultsDocument } from '../../lib/index.js';

function withInterval(e: Estimate | undefined, format: (x: number) => string): string {
  if (!e) return '–';
  return e.halfWidth === undefined ? format(e.value) : `${format(e.value)} ± ${format(e.halfWidth)}`;
}

const perHour = (x: number) => `${Number((x * 3600).toPrecision(3))}/h`;

export function summaryTable(doc: ResultsDocument): string {
  const header = ['point', 'throughput', 'task p95', 'bottleneck', 'utilisation'];
  const rows = doc.points.map((p) => {
    const top = p.bottlenecks?.[0];
    return [
      p.id,
      withInterval(p.metrics[METRIC_NAMES.throughputTasks], perHour),
      withInterval(p.metrics[percentileKey(METRIC_NAMES.taskLatency, 95)], formatDuration),
      top?.resource ?? '–',
      top ? `${(top.utilization * 100).toFixed(1)} %` : '–',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
