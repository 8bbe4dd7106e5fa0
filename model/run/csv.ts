// The results document as two flat tables: one row per point, one row per point × resource.

import { stringify } from 'csv-stringify/sync';
import type { ResultsDocument } from '../../lib/index.js';

export function pointsCsv(doc: ResultsDocument): string {
  const params = [...new Set(doc.points.flatMap((p) => Object.keys(p.parameters)))];
  const metrics = [...new Set(doc.points.flatMap((p) => Object.keys(p.metrics)))].sort();
  const header = ['point', ...params, 'replications', ...metrics.flatMap((m) => [m, `${m}.halfWidth`]), 'bottleneck', 'bottleneck.utilization'];
  const rows = doc.points.map((p) => [
    p.id,
    ...params.map((k) => p.parameters[k] ?? ''),
    p.replications,
    ...metrics.flatMap((m) => [p.metrics[m]?.value ?? '', p.metrics[m]?.halfWidth ?? '']),
    p.bottlenecks?.[0]?.resource ?? '',
    p.bottlenecks?.[0]?.utilization ?? '',
  ]);
  return stringify([header, ...rows]);
}

export function resourcesCsv(doc: ResultsDocument): string {
  const header = ['point', 'resource', 'kind', 'utilization', 'utilization.halfWidth', 'queueWait', 'queueWait.halfWidth', 'queueLength', 'capacity', 'capacityUnit'];
  const rows = doc.points.flatMap((p) =>
    (p.resources ?? []).map((r) => [
      p.id,
      r.name,
      r.kind,
      r.utilization.value,
      r.utilization.halfWidth ?? '',
      r.queueWait?.value ?? '',
      r.queueWait?.halfWidth ?? '',
      r.queueLength?.value ?? '',
      r.capacity ?? '',
      r.capacityUnit ?? '',
    ]),
  );
  return stringify([header, ...rows]);
}
