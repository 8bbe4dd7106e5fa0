// Sections on money: each deployment's monthly cost stacked by line, and cost per task against
// latency with its frontier.

import type { CostLine } from '../../lib/index.js';
import { summarizeCosts } from '../../model/index.js';
import { deploymentOptions } from '../analysis/headlines.js';
import type { ReportContext, SizedRow } from './context.js';
import { emptyNote, esc, figure, fmtNumber, pivotTable, section, table } from './html.js';
import { Plot, renderPlot } from './plot.js';
import { shortParams } from './sections-performance.js';

/** Groups cost lines into the categories the stacked bars show. */
export function costCategory(item: string): string {
  const rules: [RegExp, string][] = [
    [/^EC2 g/, 'GPU instances'],
    [/^(EC2|Fargate)/, 'compute'],
    [/^EBS/, 'disks'],
    [/^Public IPv4/, 'public IPv4'],
    [/^ALB LCU/, 'ALB LCU'],
    [/^ALB/, 'ALB hours'],
    [/^Route 53/, 'Route 53'],
    [/^NAT/, 'NAT gateway'],
    [/^Internet egress/, 'egress'],
    [/^Claude/, 'Claude tokens'],
    [/^Tailscale/, 'Tailscale'],
  ];
  return rules.find(([re]) => re.test(item))?.[1] ?? 'other';
}

const money = (v: number | undefined) => (v === undefined ? '—' : `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);

/** The point costs are shown for: the largest fleet of the first simulated document that has costs. */
function costPointRow(ctx: ReportContext): SizedRow | undefined {
  const withCosts = ctx.simulated.filter((r) => r.point.costs && Object.keys(r.point.costs).length > 0);
  if (withCosts.length === 0) return undefined;
  const series = withCosts[0]!.series;
  const same = withCosts.filter((r) => r.series === series);
  return same[same.length - 1];
}

export function costsSection(ctx: ReportContext): string {
  const row = costPointRow(ctx);
  if (!row) return section('costs', 'Cost per month by deployment', figure('costs', emptyNote('no point carries cost lines (run with a pricing file)'), ''));
  const costs = row.point.costs!;
  const hours = ctx.input.pricing?.hoursPerMonth ?? 730;
  const bars = Object.entries(costs).flatMap(([deployment, lines]) => {
    const byCat = new Map<string, number>();
    for (const l of lines) if (costCategory(l.item) !== 'Claude tokens') byCat.set(costCategory(l.item), (byCat.get(costCategory(l.item)) ?? 0) + l.monthlyUsd);
    return [...byCat.entries()].map(([category, usd]) => ({ deployment, category, usd }));
  });
  const tokenUsd = (lines: CostLine[]) => lines.filter((l) => costCategory(l.item) === 'Claude tokens').reduce((s, l) => s + l.monthlyUsd, 0);
  const tokensSame = new Set(Object.values(costs).map((l) => tokenUsd(l).toFixed(2))).size === 1;
  const tokens = tokenUsd(Object.values(costs)[0] ?? []);
  const plot = renderPlot({
    marginLeft: 60,
    x: { label: null, domain: Object.keys(costs) },
    y: { label: '↑ USD per month (infrastructure)', grid: true },
    color: { legend: true },
    marks: [
      Plot.barY(bars, { x: 'deployment', y: 'usd', fill: 'category', order: 'sum', reverse: true }),
      Plot.text(
        Object.entries(costs).map(([deployment, lines]) => ({ deployment, usd: lines.filter((l) => costCategory(l.item) !== 'Claude tokens').reduce((s, l) => s + l.monthlyUsd, 0) })),
        { x: 'deployment', y: 'usd', text: (d: { usd: number }) => money(d.usd), dy: -8, fontWeight: 600 },
      ),
      Plot.ruleY([0]),
    ],
  });
  const summaries = Object.entries(costs).map(([deployment, lines]) => ({
    deployment,
    ...summarizeCosts(lines, { tasksPerHour: row.point.usage?.tasksPerHour, agents: row.agents }, hours),
  }));
  const side = table(
    summaries,
    [
      { label: 'deployment', value: (s) => s.deployment },
      { label: 'fixed', value: (s) => money(s.fixedUsd), numeric: true },
      { label: 'usage', value: (s) => money(s.usageUsd), numeric: true },
      { label: 'total / month', value: (s) => money(s.monthlyUsd), numeric: true },
      { label: 'per task', value: (s) => money(s.perTaskUsd), numeric: true },
      { label: 'per agent-month', value: (s) => money(s.perAgentMonthUsd), numeric: true },
    ],
    { caption: `${row.agents} agents (${row.point.id}); totals include Claude tokens` },
  );
  const lineTables = Object.entries(costs)
    .map(
      ([deployment, lines]) =>
        `<h3>${esc(deployment)}: every line</h3>` +
        table(
          [...lines.filter((l) => l.kind === 'fixed'), ...lines.filter((l) => l.kind === 'usage')],
          [
            { label: 'item', value: (l) => l.item },
            { label: 'fixed/usage', value: (l) => l.kind },
            { label: 'quantity', value: (l) => `${fmtNumber(l.quantity, 4)} ${l.unit}`, numeric: true },
            { label: 'unit price', value: (l) => `$${fmtNumber(l.unitPrice, 4)}`, numeric: true },
            { label: 'per month', value: (l) => money(l.monthlyUsd), numeric: true },
            { label: 'source', value: (l) => (l.source ?? '').replace(/ \(.*\)(, \d{4}-\d\d-\d\d)$/, '$1') },
          ],
        ),
    )
    .join('');
  const localNote = costs.local ? ' "local" prices only what a fleet on your own machines pays for (tokens, seats): the machines themselves are not priced.' : '';
  const caption0 = tokensSame
    ? `Claude tokens (${money(tokens)} a month) are the same for every deployment and left out of the bars.`
    : 'Claude tokens are left out of the bars; the table includes them.';
  const caption = caption0 + localNote;
  const trend = costTrend(ctx);
  return section(
    'costs',
    'Cost per month by deployment',
    figure('costs', plot, side, caption) + (trend ? `<h3>Monthly cost against fleet size</h3>${trend}` : '') + lineTables,
    'Fixed lines (instances, ALB hours, addresses, zones, disks, seats) are billed whatever the load; usage lines (LCUs, egress, NAT data, DNS queries, tokens) follow it. Months are 730 hours.',
  );
}

function costTrend(ctx: ReportContext): string | undefined {
  const rows = ctx.simulated.filter((r) => r.point.costs);
  const hours = ctx.input.pricing?.hoursPerMonth ?? 730;
  // Several arrangements of one fleet size: the cheapest stands for it.
  const best = new Map<string, { line: string; agents: number; value: number }>();
  for (const r of rows) {
    for (const [deployment, lines] of Object.entries(r.point.costs!)) {
      const value = summarizeCosts(lines, { agents: r.agents }, hours).perAgentMonthUsd ?? 0;
      const key = `${deployment}|${r.agents}`;
      if (!best.has(key) || best.get(key)!.value > value) best.set(key, { line: deployment, agents: r.agents, value });
    }
  }
  const data = [...best.values()].sort((a, b) => a.agents - b.agents);
  if (new Set(data.map((d) => d.agents)).size < 2) return undefined;
  const plot = renderPlot({
    x: { label: 'fleet size (agents) →', grid: true },
    y: { label: '↑ USD per agent-month (with tokens)', grid: true, zero: true },
    color: { legend: true },
    marks: [Plot.lineY(data, { x: 'agents', y: 'value', stroke: 'line', z: 'line' }), Plot.dot(data, { x: 'agents', y: 'value', fill: 'line', r: 2 })],
  });
  const t = pivotTable(data.map((d) => ({ ...d, value: Math.round(d.value * 100) / 100 })), 'USD per agent-month', 6);
  return figure('cost-trend', plot, t, 'Where several arrangements share a fleet size, the cheapest is shown.');
}

export function frontierSection(ctx: ReportContext): string {
  const hours = ctx.input.pricing?.hoursPerMonth ?? 730;
  const options = deploymentOptions(ctx.simulated, hours).filter((o) => o.perTaskUsd !== undefined && o.p95 !== undefined);
  if (options.length === 0) return section('frontier', 'Cost per task against latency', figure('frontier', emptyNote('no point has both cost lines and p95 task latency'), ''));
  const data = options.map((o) => ({ deployment: o.deployment, agents: o.row.agents, id: shortParams(o.row), p95: o.p95! / 60, perTask: o.perTaskUsd!, monthly: o.monthlyUsd }));
  // The frontier: options no other beats on both cost per task and latency.
  // "local" prices no machines, so it would always win; it joins the frontier only when nothing else is costed.
  const priced = data.some((d) => d.deployment !== 'local') ? data.filter((d) => d.deployment !== 'local') : data;
  const frontier = [...priced].sort((a, b) => a.p95 - b.p95 || a.perTask - b.perTask).filter((d, i, s) => s.slice(0, i).every((e) => e.perTask > d.perTask));
  const target = ctx.input.latencyTarget;
  const plot = renderPlot({
    x: { label: 'p95 task latency (minutes) →', grid: true },
    y: { label: '↑ USD per task', grid: true, zero: true },
    color: { legend: true },
    symbol: { legend: false },
    marks: [
      Plot.line(frontier, { x: 'p95', y: 'perTask', stroke: '#555', strokeDasharray: '3 3' }),
      Plot.dot(data, { x: 'p95', y: 'perTask', fill: 'deployment', r: 3.5 }),
      ...(target !== undefined ? [Plot.ruleX([target / 60], { stroke: '#b42318', strokeDasharray: '4 3' })] : []),
    ],
  });
  const side = table(frontier, [
    { label: 'deployment', value: (d) => d.deployment },
    { label: 'agents', value: (d) => d.agents, numeric: true },
    { label: 'point', value: (d) => d.id },
    { label: 'p95 (min)', value: (d) => fmtNumber(d.p95), numeric: true },
    { label: 'per task', value: (d) => money(d.perTask), numeric: true },
  ], { caption: 'On the frontier (nothing is both cheaper per task and faster)' });
  return section(
    'frontier',
    'Cost per task against latency (the frontier)',
    figure('frontier', plot, side, `Each dot is one deployment at one simulated point; the dashed line joins the frontier (machines you own, "local", left out of it).${target !== undefined ? ' Red: the latency target.' : ''}`),
  );
}
