// The tables behind the report as CSV: points with their metrics, resources, cost lines, USL fits.

import { stringify } from 'csv-stringify/sync';
import type { ReportContext } from './context.js';
import type { SeriesFit } from './sections-scaling.js';

export type CsvTables = Record<'points' | 'resources' | 'costs' | 'usl', string>;

export function csvTables(ctx: ReportContext, fits: SeriesFit[]): CsvTables {
  const rows = ctx.rows;
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.point.metrics)))].sort();
  const paramNames = [...new Set(rows.flatMap((r) => Object.keys(r.point.parameters)))].sort();
  const points = stringify(
    rows.map((r) => [
      r.document.source.name,
      r.kind,
      r.point.id,
      r.agents ?? '',
      ...paramNames.map((p) => r.point.parameters[p] ?? ''),
      ...metricNames.flatMap((m) => [r.point.metrics[m]?.value ?? '', r.point.metrics[m]?.halfWidth ?? '']),
    ]),
    { header: true, columns: ['document', 'kind', 'point', 'agents', ...paramNames.map((p) => `param:${p}`), ...metricNames.flatMap((m) => [m, `${m}:halfWidth`])] },
  );
  const resources = stringify(
    rows.flatMap((r) =>
      (r.point.resources ?? []).map((x) => [r.document.source.name, r.point.id, r.agents ?? '', x.name, x.kind, x.utilization.value, x.utilization.halfWidth ?? '', x.queueWait?.value ?? '', x.capacity ?? '', x.capacityUnit ?? '']),
    ),
    { header: true, columns: ['document', 'point', 'agents', 'resource', 'kind', 'utilization', 'utilization:halfWidth', 'queueWait_s', 'capacity', 'capacityUnit'] },
  );
  const costs = stringify(
    rows.flatMap((r) =>
      Object.entries(r.point.costs ?? {}).flatMap(([deployment, lines]) =>
        lines.map((l) => [r.document.source.name, r.point.id, r.agents ?? '', deployment, l.item, l.kind, l.quantity, l.unit, l.unitPrice, l.monthlyUsd, l.source ?? '']),
      ),
    ),
    { header: true, columns: ['document', 'point', 'agents', 'deployment', 'item', 'kind', 'quantity', 'unit', 'unitPriceUsd', 'monthlyUsd', 'source'] },
  );
  const usl = stringify(
    fits.map((f) => [f.series, f.kind, f.fit.gamma, f.fit.standardErrors.gamma ?? '', f.fit.alpha, f.fit.standardErrors.alpha ?? '', f.fit.beta, f.fit.standardErrors.beta ?? '', f.fit.peak?.n ?? '', f.fit.peak?.throughput ?? '', f.fit.r2, f.fit.rmse, f.fit.points]),
    { header: true, columns: ['series', 'kind', 'gamma_tasks_per_hour', 'gamma_se', 'alpha', 'alpha_se', 'beta', 'beta_se', 'peak_agents', 'peak_tasks_per_hour', 'r2', 'rmse', 'points'] },
  );
  return { points, resources, costs, usl };
}
