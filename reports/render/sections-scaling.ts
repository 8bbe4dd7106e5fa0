// Sections on scaling: the Universal Scalability Law fitted over the points, and the model's
// predictions against measured load tests.

import { fitUsl, uslThroughput, type UslFit } from '../analysis/usl.js';
import { interpolate, LATENCY_P95, THROUGHPUT } from '../analysis/points.js';
import type { ReportContext, SizedRow } from './context.js';
import { emptyNote, esc, figure, fmtNumber, section, table } from './html.js';
import { Plot, renderPlot } from './plot.js';

export interface SeriesFit {
  series: string;
  kind: string;
  fit: UslFit;
}

/** One USL fit per document series (simulated and measured), throughput in tasks per hour. */
export function uslFits(ctx: ReportContext): SeriesFit[] {
  const groups = new Map<string, SizedRow[]>();
  for (const r of [...ctx.simulated, ...ctx.measured]) if (r.point.metrics[THROUGHPUT]) groups.set(r.series, [...(groups.get(r.series) ?? []), r]);
  const out: SeriesFit[] = [];
  for (const [series, rows] of groups) {
    const fit = fitUsl(rows.map((r) => ({ n: r.agents, throughput: r.point.metrics[THROUGHPUT]!.value * 3600 })));
    if (fit) out.push({ series, kind: rows[0]!.kind, fit });
  }
  return out;
}

export function uslSection(ctx: ReportContext, fits: SeriesFit[]): string {
  const title = 'Universal Scalability Law fit';
  const intro = 'X(N) = γN / (1 + α(N−1) + βN(N−1)), fitted by Levenberg–Marquardt with α, β ≥ 0: γ is the throughput of one agent, α the share of work that serialises (contention), β the cost of agents coordinating with each other (coherency). Throughput peaks at N* = √((1−α)/β).';
  if (fits.length === 0) return section('usl', title, figure('usl', emptyNote(`fewer than three fleet sizes report ${THROUGHPUT}`), ''), intro);
  const observed = [...ctx.simulated, ...ctx.measured]
    .filter((r) => r.point.metrics[THROUGHPUT])
    .map((r) => ({ series: r.series, agents: r.agents, x: r.point.metrics[THROUGHPUT]!.value * 3600 }));
  const maxN = Math.max(...observed.map((o) => o.agents), ...fits.map((f) => (f.fit.peak ? Math.min(f.fit.peak.n * 1.3, 4 * Math.max(...observed.map((o) => o.agents))) : 0)));
  const curves = fits.flatMap((f) =>
    Array.from({ length: 121 }, (_, i) => {
      const n = 1 + ((maxN - 1) * i) / 120;
      return { series: f.series, agents: n, x: uslThroughput(n, f.fit) };
    }),
  );
  const peaks = fits.filter((f) => f.fit.peak).map((f) => ({ series: f.series, agents: f.fit.peak!.n, x: f.fit.peak!.throughput }));
  const plot = renderPlot({
    x: { label: 'fleet size (agents) →', grid: true },
    y: { label: '↑ tasks per hour', grid: true, zero: true },
    color: { legend: true },
    marks: [
      Plot.line(curves, { x: 'agents', y: 'x', stroke: 'series', z: 'series' }),
      Plot.dot(observed, { x: 'agents', y: 'x', stroke: 'series', r: 3 }),
      Plot.dot(peaks, { x: 'agents', y: 'x', fill: 'series', symbol: 'star', r: 6 }),
    ],
  });
  const se = (v: number | undefined) => (v === undefined ? '' : ` ± ${fmtNumber(v, 2)}`);
  // Parameters down, series across: stays narrow beside the plot.
  const params: [string, (f: SeriesFit) => string][] = [
    ['γ (tasks/h, one agent)', (f) => `${fmtNumber(f.fit.gamma)}${se(f.fit.standardErrors.gamma)}`],
    ['α (contention)', (f) => `${fmtNumber(f.fit.alpha)}${se(f.fit.standardErrors.alpha)}`],
    ['β (coherency)', (f) => `${fmtNumber(f.fit.beta)}${se(f.fit.standardErrors.beta)}`],
    ['peak N* (agents)', (f) => (f.fit.peak ? fmtNumber(f.fit.peak.n) : 'no peak (β = 0)')],
    ['tasks/h at N*', (f) => (f.fit.peak ? fmtNumber(f.fit.peak.throughput) : '—')],
    ['R²', (f) => fmtNumber(f.fit.r2, 4)],
    ['RMSE (tasks/h)', (f) => fmtNumber(f.fit.rmse)],
    ['points', (f) => String(f.fit.points)],
  ];
  const side = table(params, [
    { label: 'parameter', value: ([name]) => name },
    ...fits.map((f) => ({ label: `${f.series} (${f.kind})`, value: ([, get]: [string, (f: SeriesFit) => string]) => get(f), numeric: true })),
  ]);
  const residuals = `<div class="answers">${fits
    .map(
      (f) =>
        `<h3>Residuals: ${esc(f.series)}</h3>` +
        table(f.fit.residuals.slice(0, 40), [
          { label: 'agents', value: (r) => r.n, numeric: true },
          { label: 'observed tasks/h', value: (r) => fmtNumber(r.throughput), numeric: true },
          { label: 'fitted', value: (r) => fmtNumber(r.fitted), numeric: true },
          { label: 'residual', value: (r) => fmtNumber(r.residual), numeric: true },
        ]),
    )
    .map((t) => `<div>${t}</div>`)
    .join('')}</div>`;
  return section('usl', title, figure('usl', plot, side, 'Curves: fitted USL; circles: observations; stars: the peak N* where β > 0. ± is one standard error.') + residuals, intro);
}

export interface Comparison {
  series: string;
  agents: number;
  metric: string;
  measured: number;
  predicted: number;
}

/** Measured points against the simulated value at the same fleet size (interpolated). */
export function comparisons(ctx: ReportContext): Comparison[] {
  const out: Comparison[] = [];
  const simSeries = [...new Set(ctx.simulated.map((r) => r.series))];
  if (simSeries.length === 0) return out;
  const sim = ctx.simulated.filter((r) => r.series === simSeries[0]);
  for (const [metric, scale] of [
    [THROUGHPUT, 3600],
    [LATENCY_P95, 1 / 60],
  ] as const) {
    // Where several points share a size, their mean stands for it.
    const bySize = new Map<number, number[]>();
    for (const r of sim) {
      const v = r.point.metrics[metric]?.value;
      if (v !== undefined) bySize.set(r.agents, [...(bySize.get(r.agents) ?? []), v * scale]);
    }
    const curve = [...bySize.entries()].map(([x, vs]) => ({ x, y: vs.reduce((s, v) => s + v, 0) / vs.length }));
    if (curve.length === 0) continue;
    const lo = Math.min(...curve.map((c) => c.x));
    const hi = Math.max(...curve.map((c) => c.x));
    for (const m of ctx.measured) {
      const v = m.point.metrics[metric]?.value;
      if (v === undefined || m.agents < lo || m.agents > hi) continue;
      out.push({ series: m.series, agents: m.agents, metric, measured: v * scale, predicted: interpolate(curve, m.agents)! });
    }
  }
  return out;
}

export function predictedSection(ctx: ReportContext): string | undefined {
  if (ctx.measured.length === 0) return undefined;
  const data = comparisons(ctx);
  const title = 'Predicted against measured';
  if (data.length === 0) return section('predicted', title, figure('predicted', emptyNote('no measured point falls within the simulated fleet sizes with a shared metric'), ''));
  const label = (m: string) => (m === THROUGHPUT ? 'throughput (tasks/h)' : 'p95 task latency (min)');
  const plots = [THROUGHPUT, LATENCY_P95]
    .map((metric) => {
      const d = data.filter((c) => c.metric === metric);
      if (d.length === 0) return '';
      const max = Math.max(...d.flatMap((c) => [c.measured, c.predicted])) * 1.08;
      const plot = renderPlot({
        width: 420,
        height: 320,
        x: { label: `measured ${label(metric)} →`, domain: [0, max], grid: true },
        y: { label: `↑ predicted ${label(metric)}`, domain: [0, max], grid: true },
        color: { legend: true },
        marks: [Plot.line([[0, 0], [max, max]], { stroke: '#999', strokeDasharray: '4 3' }), Plot.dot(d, { x: 'measured', y: 'predicted', fill: 'series', r: 4 })],
      });
      const t = table(d, [
        { label: 'agents', value: (c) => c.agents, numeric: true },
        { label: 'measured', value: (c) => fmtNumber(c.measured), numeric: true },
        { label: 'predicted', value: (c) => fmtNumber(c.predicted), numeric: true },
        { label: 'predicted ÷ measured', value: (c) => fmtNumber(c.predicted / c.measured, 3), numeric: true },
      ]);
      return figure(`predicted-${metric === THROUGHPUT ? 'throughput' : 'latency'}`, plot, t, `${label(metric)}: dots on the dashed diagonal are perfect predictions.`);
    })
    .join('');
  return section('predicted', title, plots, 'Each measured point against the simulated value at the same fleet size (interpolated between simulated sizes).');
}
