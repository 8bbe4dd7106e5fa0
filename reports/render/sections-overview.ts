// The parts of the report around the plots: the header, the headline answers, the seed note's
// table, every assumption with its source, and the CSV files.

import path from 'node:path';
import { seedTenAgentTable } from '../../model/index.js';
import { SATURATION, type Headline } from '../analysis/headlines.js';
import type { ReportContext } from './context.js';
import { esc, fmtNumber, section, table } from './html.js';

export function header(ctx: ReportContext, title: string, sections: { id: string; title: string }[]): string {
  const docs = [...ctx.input.simulated, ...(ctx.input.measured ?? [])];
  const list = table(docs, [
    { label: 'document', value: (d) => d.source.name },
    { label: 'kind', value: (d) => d.kind },
    { label: 'points', value: (d) => d.points.length, numeric: true },
    { label: 'created', value: (d) => d.createdAt },
    { label: 'seed', value: (d) => d.source.seed },
    { label: 'input hash', value: (d) => d.source.hash.slice(0, 12) },
    { label: 'tool', value: (d) => `agentscale ${d.tool.version}` },
    { label: 'machine', value: (d) => `${d.machine.cpus} × ${d.machine.cpuModel}, ${d.machine.node}` },
  ]);
  const warnings = docs.flatMap((d) => [
    ...(d.untrustworthy ? [`${d.source.name}: the load generator fell behind its schedule; its figures understate latency.`] : []),
    ...(d.notes ?? []).map((n) => `${d.source.name}: ${n}`),
    ...d.points.flatMap((p) => (p.warnings ?? []).map((w) => `${d.source.name} ${p.id}: ${w}`)),
  ]);
  const warn = warnings.length ? `<ul class="warn">${warnings.slice(0, 30).map((w) => `<li>${esc(w)}</li>`).join('')}${warnings.length > 30 ? `<li>… and ${warnings.length - 30} more</li>` : ''}</ul>` : '';
  const toc = `<nav class="toc">${sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('')}</nav>`;
  return `<header><h1>${esc(title)}</h1><p class="meta">Scaling report by agentscale. Every figure below comes from the documents listed here${ctx.input.pricing ? ` and the pricing file ${esc(ctx.input.pricing.name)}` : ''}.</p>${list}${warn}${toc}</header>`;
}

export function headlineSection(list: Headline[], recommendation: string): string {
  const cards = list
    .map(
      (h) =>
        `<div class="answer${h.answered ? '' : ' unanswered'}" data-headline="${esc(h.id)}"><h3>${esc(h.question)}</h3><p>${esc(h.answer)}</p>${
          h.numbers.length ? `<dl>${h.numbers.map((n) => `<dt>${esc(n.label)}</dt><dd>${esc(n.value)}</dd>`).join('')}</dl>` : ''
        }</div>`,
    )
    .join('');
  return section('answers', 'Headline answers and recommendation', `<p class="recommendation"><strong>Recommendation.</strong> ${esc(recommendation)}</p><div class="answers">${cards}</div>`);
}

export function seedSection(ctx: ReportContext): string | undefined {
  if (!ctx.input.seedTable || !ctx.input.pricing) return undefined;
  const t = seedTenAgentTable(ctx.input.pricing);
  const money = (v: number | undefined) => (v === undefined ? '—' : `$${v.toFixed(2)}`);
  const rows = table(t.rows, [
    { label: 'item', value: (r) => r.item },
    { label: 'the note', value: (r) => money(r.seedUsd), numeric: true },
    { label: 'now', value: (r) => money(r.currentUsd), numeric: true },
    { label: 'holds?', value: (r) => (r.seedUsd === undefined ? 'missing' : r.holds ? 'yes' : 'no') },
    { label: 'note', value: (r) => r.note },
  ]).replace(/<td>no<\/td>/g, '<td class="holds-no">no</td>').replace(/<td>yes<\/td>/g, '<td class="holds-yes">yes</td>');
  const totals = table(t.deployments, [
    { label: 'deployment, 10 agents', value: (d) => d.name },
    { label: 'the note', value: (d) => money(d.seedUsd), numeric: true },
    { label: 'now', value: (d) => money(d.currentUsd), numeric: true },
    { label: 'difference', value: (d) => `${d.currentUsd >= d.seedUsd ? '+' : ''}${money(d.currentUsd - d.seedUsd)}`, numeric: true },
  ]);
  return section(
    'seed-table',
    'The ten-agent cost table, recomputed',
    `${rows}<h3>Totals a month</h3>${totals}<p class="intro">Assumptions: ${esc(t.assumptions.join('; '))}.</p>`,
    'The WebSocket-first design note priced ten agents three ways. Each of its figures next to the same item priced from the current pricing file, through the cost model.',
  );
}

export function assumptionsSection(ctx: ReportContext, latencyTarget: number | undefined): string {
  const rows: { name: string; value: string; source: string }[] = [];
  for (const d of [...ctx.input.simulated, ...(ctx.input.measured ?? [])]) {
    for (const a of d.assumptions ?? []) rows.push({ name: a.name, value: `${String(a.value)}${a.unit ? ` ${a.unit}` : ''}`, source: `${a.source} (${d.source.name})` });
  }
  rows.push({ name: 'saturation level', value: `${SATURATION * 100} % utilisation`, source: 'report: where queues reach about ten times their light-load length' });
  if (latencyTarget !== undefined) rows.push({ name: 'latency target', value: `${fmtNumber(latencyTarget)} s at p95`, source: 'scenario or --latency-target' });
  const p = ctx.input.pricing;
  if (p) {
    rows.push({ name: 'hours per month', value: String(p.hoursPerMonth), source: shown(p.files[0]!) });
    rows.push({ name: 'bytes per GB', value: String(p.bytesPerGB), source: shown(p.files[0]!) });
    rows.push({
      name: 'ALB LCU',
      value: `max(new conn/s ÷ ${p.alb.newConnectionsPerSecond}, active conn ÷ ${p.alb.activeConnectionsPerMinute}, GB/h ÷ ${p.alb.processedGBPerHour}, rule evals/s ÷ ${p.alb.ruleEvaluationsPerSecond}); ${p.alb.freeRules} rules free; all rules on an ALB counted as processed`,
      source: `${p.alb.source}, ${p.alb.date}`,
    });
    rows.push({ name: 'egress tiers (GB/month: USD/GB)', value: p.egress.tiers.map((t) => `${t.upTo === undefined ? 'beyond' : `to ${t.upTo}`}: ${t.price}`).join('; '), source: `${p.egress.source}, ${p.egress.date}` });
    for (const [k, r] of Object.entries(p.rates)) rows.push({ name: k, value: `${r.price} ${r.unit}`, source: `${r.source}, ${r.date}` });
    for (const [k, r] of Object.entries(p.instances)) rows.push({ name: `EC2 ${k}`, value: `${r.price} ${r.unit} (${r.vcpu} vCPU, ${r.memory} GB${r.gpu ? `, ${r.gpu.model} ${r.gpu.vram} GB` : ''}, ${r.arch})`, source: `${r.source}, ${r.date}` });
    for (const [k, r] of Object.entries(p.tokens)) rows.push({ name: `Claude ${k}`, value: `${r.input} / ${r.output} / ${r.cacheWrite} / ${r.cacheRead} ${r.unit} (input / output / cache write / cache read)`, source: `${r.source}, ${r.date}` });
    for (const [k, v] of Object.entries(p.defaults)) rows.push({ name: `cost model: ${k}`, value: String(v), source: shown(p.files[0]!) });
  }
  return section('assumptions', 'Every assumption, with its value and source', table(rows, [
    { label: 'assumption', value: (r) => r.name },
    { label: 'value', value: (r) => r.value },
    { label: 'source', value: (r) => r.source },
  ]));
}

export function filesSection(ctx: ReportContext): string {
  const entries = Object.entries(ctx.csv);
  if (entries.length === 0) return '';
  return section('files', 'Data files', `<ul class="files">${entries.map(([what, file]) => `<li><a href="${esc(encodeURI(file))}">${esc(file)}</a>: ${esc(what)}</li>`).join('')}</ul>`, 'The tables behind the plots, as CSV beside this file.');
}

/** A file as a reader should see it: relative to where the report was built when that is shorter. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
