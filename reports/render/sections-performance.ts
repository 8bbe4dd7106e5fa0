// Sections on how the fleet performs as it grows: throughput and latency, utilisation of every
// resource, the hub, the Claude API, Ollama on the GPUs and the uplink.

import { METRIC_NAMES } from '../../lib/index.js';
import { LATENCY_P95, THROUGHPUT } from '../analysis/points.js';
import { SATURATION } from '../analysis/headlines.js';
import type { ReportContext, SizedRow } from './context.js';
import { emptyNote, figure, fmtNumber, pivotTable, section, table } from './html.js';
import { Plot, renderPlot } from './plot.js';

const compact = new Intl.NumberFormat('en-US', { notation: 'compact' });

/** Distinct labels in natural order: 'apm=2' before 'apm=10'. */
export function naturalOrder(labels: string[]): string[] {
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

interface Sample {
  line: string;
  kind: string;
  agents: number;
  value: number;
  lo: number;
  hi: number;
}

function samples(rows: SizedRow[], pick: (r: SizedRow) => { value: number; halfWidth?: number } | undefined, scale = 1): Sample[] {
  return rows.flatMap((r) => {
    const e = pick(r);
    if (!e || !Number.isFinite(e.value)) return [];
    const h = e.halfWidth ?? 0;
    return [{ line: r.line, kind: r.kind, agents: r.agents, value: e.value * scale, lo: (e.value - h) * scale, hi: (e.value + h) * scale }];
  });
}

/** Lines with confidence bands for simulated samples, dots for measured ones. */
export function bandPlot(sim: Sample[], measured: Sample[], y: string, extra: Plot.Markish[] = []): string {
  const all = [...sim, ...measured];
  return renderPlot({
    x: { label: 'fleet size (agents) →', type: all.some((s) => s.agents <= 0) ? 'linear' : all.length && Math.max(...all.map((s) => s.agents)) / Math.max(1e-9, Math.min(...all.map((s) => s.agents))) > 20 ? 'log' : 'linear', grid: true },
    y: { label: `↑ ${y}`, grid: true, nice: true, zero: true },
    color: { legend: true, domain: naturalOrder(all.map((s) => s.line)) },
    marks: [
      Plot.areaY(sim, { x: 'agents', y1: 'lo', y2: 'hi', fill: 'line', z: 'line', fillOpacity: 0.18 }),
      Plot.lineY(sim, { x: 'agents', y: 'value', stroke: 'line', z: 'line' }),
      Plot.dot(sim, { x: 'agents', y: 'value', fill: 'line', r: 2.5 }),
      Plot.ruleX(measured, { x: 'agents', y1: 'lo', y2: 'hi', stroke: 'line' }),
      Plot.dot(measured, { x: 'agents', y: 'value', stroke: 'line', symbol: 'diamond', r: 5, strokeWidth: 2 }),
      ...extra,
    ],
  });
}

function sampleTable(list: Sample[], valueLabel: string, digits = 3): string {
  return pivotTable(list.map((s) => ({ line: s.line, agents: s.agents, value: s.value, halfWidth: s.hi - s.value })), `${valueLabel}, ± the 95 % half-width`, digits);
}

export function throughputSection(ctx: ReportContext): string {
  const pickX = (r: SizedRow) => r.point.metrics[THROUGHPUT];
  const pickL = (r: SizedRow) => r.point.metrics[LATENCY_P95];
  const xs = samples(ctx.simulated, pickX, 3600);
  const xm = samples(ctx.measured, pickX, 3600);
  const ls = samples(ctx.simulated, pickL, 1 / 60);
  const lm = samples(ctx.measured, pickL, 1 / 60);
  const target = ctx.input.latencyTarget;
  const body =
    `<h3>Throughput</h3>` +
    figure('throughput', xs.length + xm.length ? bandPlot(xs, xm, 'tasks per hour') : emptyNote(`no point reports ${THROUGHPUT}`), sampleTable([...xs, ...xm], 'tasks/h'), 'Lines: simulated mean with its 95 % confidence band; diamonds: measured.') +
    `<h3>p95 task latency</h3>` +
    figure(
      'latency',
      ls.length + lm.length ? bandPlot(ls, lm, 'p95 task latency (minutes)', target !== undefined ? [Plot.ruleY([target / 60], { stroke: '#b42318', strokeDasharray: '4 3' })] : []) : emptyNote(`no point reports ${LATENCY_P95}`),
      sampleTable([...ls, ...lm], 'p95 (min)'),
      target !== undefined ? `Dashed line: the latency target, ${fmtNumber(target / 60)} minutes.` : undefined,
    );
  return section('throughput', 'Throughput and p95 task latency against fleet size', body);
}

export function utilisationSection(ctx: ReportContext): string {
  const rows = ctx.simulated.filter((r) => (r.point.resources ?? []).length > 0);
  if (rows.length === 0) return section('utilisation', 'Utilisation of every resource', figure('utilisation', emptyNote('no point reports resource utilisation'), ''));
  const dup = new Set<number>();
  const seen = new Set<number>();
  for (const r of rows) (seen.has(r.agents) ? dup : seen).add(r.agents);
  const multiDoc = new Set(rows.map((r) => r.series)).size > 1;
  const label = (r: SizedRow) => `${r.agents}${dup.has(r.agents) || multiDoc ? ` · ${multiDoc ? `${r.series} ` : ''}${shortParams(r)}` : ''}`;
  const cells = rows.flatMap((r) => (r.point.resources ?? []).map((res) => ({ point: label(r), resource: res.name, u: res.utilization.value, agents: r.agents })));
  const order = [...new Set(rows.map(label))];
  // Resources that get busiest first sit at the top.
  const peak = new Map<string, number>();
  for (const c of cells) peak.set(c.resource, Math.max(peak.get(c.resource) ?? 0, c.u));
  const resources = [...peak.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  const wide = order.length > 8;
  const plot = renderPlot({
    height: Math.max(160, 28 * resources.length + (wide ? 130 : 60)),
    marginLeft: Math.min(220, 8 + 6.5 * Math.max(...resources.map((r) => r.length))),
    marginBottom: wide ? 24 + 5.5 * Math.max(...order.map((o) => o.length)) : 40,
    // Past ~30 columns a label per column would overlap: label every step-th.
    x: { label: 'fleet size (agents) →', domain: order, tickRotate: wide ? -50 : 0, ticks: order.filter((_, i) => i % Math.max(1, Math.ceil(order.length / 30)) === 0) },
    y: { label: null, domain: resources },
    color: { type: 'threshold', domain: [0.5, 0.7, SATURATION, 1], range: ['#e8f1fb', '#b9d3f0', '#f6c26b', '#e4572e', '#8b1a1a'], legend: true, label: 'utilisation', tickFormat: '.0%' },
    marks: [
      Plot.cell(cells, { x: 'point', y: 'resource', fill: 'u', inset: 0.5 }),
      ...(order.length > 30 ? [] : [Plot.text(cells.filter((c) => c.u < SATURATION), { x: 'point', y: 'resource', text: (d: { u: number }) => `${Math.round(d.u * 100)}`, fontSize: 9, fill: 'black' }),
      Plot.text(cells.filter((c) => c.u >= SATURATION), { x: 'point', y: 'resource', text: (d: { u: number }) => `${Math.round(d.u * 100)}`, fontSize: 9, fill: 'white' })]),
    ],
  });
  const last = rows[rows.length - 1]!;
  const side = table(
    [...(last.point.resources ?? [])].sort((a, b) => b.utilization.value - a.utilization.value),
    [
      { label: 'resource', value: (r) => r.name },
      { label: 'kind', value: (r) => r.kind },
      { label: 'utilisation', value: (r) => `${fmtNumber(r.utilization.value * 100, 3)} %`, numeric: true },
      { label: 'queue wait (s)', value: (r) => fmtNumber(r.queueWait?.value), numeric: true },
      { label: 'capacity', value: (r) => (r.capacity !== undefined ? `${fmtNumber(r.capacity)} ${r.capacityUnit ?? ''}` : undefined), numeric: true },
    ],
    { caption: `At ${last.agents} agents (${shortParams(last)}), busiest first` },
  );
  return section('utilisation', 'Utilisation of every resource against fleet size', figure('utilisation', plot, side, `${order.length > 30 ? 'Colour shows' : 'Cells show'} utilisation in per cent; ${SATURATION * 100} % and above counts as saturated.`));
}

/** Parameters in short: agentsPerMachine=4 → apm4. */
export function shortParams(r: { point: { parameters: Record<string, string | number | boolean>; id: string } }): string {
  const abbrev = (k: string) => {
    const last = k.split('.').pop()!;
    const words = last.split(/(?=[A-Z])/);
    return words.length > 1 ? words.map((w) => w[0]!.toLowerCase()).join('') : last.slice(0, 1);
  };
  const parts = Object.entries(r.point.parameters).map(([k, v]) => `${abbrev(k)}${String(v)}`);
  return parts.length ? parts.join(' ') : r.point.id;
}

interface XY {
  line: string;
  agents: number;
  value: number;
}

function simpleLines(data: XY[], y: string, extra: Plot.Markish[] = []): string {
  const big = Math.max(0, ...data.map((d) => Math.abs(d.value))) >= 1e4;
  return renderPlot({
    x: { label: 'fleet size (agents) →', grid: true },
    y: { label: `↑ ${y}`, grid: true, zero: true, nice: true, ...(big ? { tickFormat: (d: number) => compact.format(d) } : {}) },
    color: { legend: true, domain: naturalOrder(data.map((d) => d.line)) },
    marks: [Plot.lineY(data, { x: 'agents', y: 'value', stroke: 'line', z: 'line' }), Plot.dot(data, { x: 'agents', y: 'value', fill: 'line', r: 2.5 }), ...extra],
  });
}

function xyTable(data: XY[], label: string): string {
  return pivotTable(data, label);
}

function collect(rows: SizedRow[], pick: (r: SizedRow) => number | undefined): XY[] {
  return rows.flatMap((r) => {
    const v = pick(r);
    return v === undefined || !Number.isFinite(v) ? [] : [{ line: r.line, agents: r.agents, value: v }];
  });
}

const resource = (r: SizedRow, name: string) => r.point.resources?.find((x) => x.name === name);

export function hubSection(ctx: ReportContext): string {
  const rows = ctx.simulated;
  const frames = collect(rows, (r) => r.point.metrics[METRIC_NAMES.throughputMessages]?.value);
  const writes = collect(rows, (r) => r.point.metrics['hub.writes']?.value ?? (resource(r, 'hub.store')?.capacity !== undefined ? resource(r, 'hub.store')!.utilization.value * resource(r, 'hub.store')!.capacity! : undefined));
  const storeCap = rows.map((r) => resource(r, 'hub.store')?.capacity).find((c) => c !== undefined);
  const cpu = collect(rows, (r) => resource(r, 'hub.cpu')?.utilization.value).map((d) => ({ ...d, value: d.value * 100 }));
  const body =
    `<h3>Frame rate</h3>` +
    figure('hub-frames', frames.length ? simpleLines(frames, 'frames per second through the hub') : emptyNote(`no point reports ${METRIC_NAMES.throughputMessages}`), xyTable(frames, 'frames/s')) +
    `<h3>Synced writes against the store's capacity</h3>` +
    figure(
      'hub-writes',
      writes.length ? simpleLines(writes, 'synced writes per second', storeCap !== undefined ? [Plot.ruleY([storeCap], { stroke: '#b42318', strokeDasharray: '4 3' })] : []) : emptyNote('no point reports hub.writes or a hub.store capacity'),
      xyTable(writes, 'writes/s'),
      storeCap !== undefined ? `Dashed line: the store's capacity, ${fmtNumber(storeCap)} synced writes per second.` : undefined,
    ) +
    `<h3>Hub CPU</h3>` +
    figure('hub-cpu', cpu.length ? simpleLines(cpu, 'hub CPU utilisation (%)', [Plot.ruleY([SATURATION * 100], { stroke: '#b42318', strokeDasharray: '4 3' })]) : emptyNote('no point reports hub.cpu'), xyTable(cpu, 'CPU %'));
  return section('hub', 'Hub frame rate and synced writes against capacity', body);
}

export function claudeSection(ctx: ReportContext): string {
  const rows = ctx.simulated;
  const kinds = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;
  // One line per token kind; where several arrangements share a fleet size, their mean.
  const sums = new Map<string, { line: string; agents: number; total: number; n: number }>();
  for (const r of rows) {
    if (!r.point.usage?.tokensPerHour) continue;
    for (const k of kinds) {
      const perMinute = Object.values(r.point.usage.tokensPerHour).reduce((s, t) => s + t[k], 0) / 60;
      const key = `${r.series}|${k}|${r.agents}`;
      const e = sums.get(key) ?? { line: new Set(rows.map((x) => x.series)).size > 1 ? `${r.series} · ${k}` : k, agents: r.agents, total: 0, n: 0 };
      e.total += perMinute;
      e.n += 1;
      sums.set(key, e);
    }
  }
  const tokens = [...sums.values()].map((e) => ({ line: e.line, agents: e.agents, value: e.total / e.n }));
  const r429 = collect(rows, (r) => r.point.metrics[METRIC_NAMES.http429]?.value).map((d) => ({ ...d, value: d.value * 60 }));
  const body =
    `<h3>Tokens per minute by kind</h3>` +
    figure('claude-tokens', tokens.length ? simpleLines(tokens, 'Claude tokens per minute') : emptyNote('no point reports Claude token usage'), xyTable(tokens, 'tokens/min (mean over arrangements of a size)')) +
    `<h3>429 rate-limit responses</h3>` +
    figure('claude-429', r429.length ? simpleLines(r429, '429 responses per minute') : emptyNote(`no point reports ${METRIC_NAMES.http429}`), xyTable(r429, '429/min'));
  return section('claude', 'Claude API: tokens per minute and 429s', body);
}

export function ollamaSection(ctx: ReportContext): string {
  const rows = ctx.simulated;
  // Several GPU endpoints: the mean wait over them, and the fullest card's VRAM.
  const waits = collect(rows, (r) => {
    const gpus = (r.point.resources ?? []).filter((x) => x.kind === 'gpu' && x.queueWait);
    return gpus.length ? gpus.reduce((s, x) => s + x.queueWait!.value, 0) / gpus.length : undefined;
  });
  const vram = collect(rows, (r) => {
    const cards = (r.point.resources ?? []).filter((x) => /vram/i.test(x.name));
    return cards.length ? Math.max(...cards.map((x) => x.utilization.value * 100)) : undefined;
  });
  const body =
    `<h3>Queue wait</h3>` +
    figure('ollama-wait', waits.length ? simpleLines(waits, 'Ollama queue wait (s), mean over GPU endpoints') : emptyNote('no GPU resource reports a queue wait'), xyTable(waits, 'wait (s)')) +
    `<h3>VRAM</h3>` +
    figure('ollama-vram', vram.length ? simpleLines(vram, 'VRAM in use (%), fullest GPU', [Plot.ruleY([100], { stroke: '#b42318', strokeDasharray: '4 3' })]) : emptyNote('no resource reports VRAM'), xyTable(vram, 'VRAM %'));
  return section('ollama', 'Ollama on the GPUs: queue wait and VRAM', body);
}

export function uplinkSection(ctx: ReportContext): string {
  const rows = ctx.simulated;
  const util = collect(rows, (r) => resource(r, 'uplink')?.utilization.value).map((d) => ({ ...d, value: d.value * 100 }));
  const mbit = collect(rows, (r) => (r.point.usage?.bytesPerHour?.uplink !== undefined ? (r.point.usage.bytesPerHour.uplink * 8) / 3600 / 1e6 : undefined));
  const cap = rows.map((r) => resource(r, 'uplink')).find((x) => x?.capacity !== undefined);
  const capMbit = cap && cap.capacityUnit === 'B/s' ? (cap.capacity! * 8) / 1e6 : undefined;
  const plot = mbit.length
    ? simpleLines(mbit, 'uplink load (Mbit/s)', capMbit !== undefined ? [Plot.ruleY([capMbit], { stroke: '#b42318', strokeDasharray: '4 3' })] : [])
    : util.length
      ? simpleLines(util, 'uplink utilisation (%)', [Plot.ruleY([SATURATION * 100], { stroke: '#b42318', strokeDasharray: '4 3' })])
      : emptyNote('no point reports the uplink');
  const side = mbit.length ? xyTable(mbit, 'Mbit/s') : xyTable(util, 'utilisation %');
  return section('uplink', 'Uplink load', figure('uplink', plot, side, capMbit !== undefined ? `Dashed line: the uplink's capacity, ${fmtNumber(capMbit)} Mbit/s.` : undefined));
}
