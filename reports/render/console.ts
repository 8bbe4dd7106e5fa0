// Plain-text summaries for the terminal: the headline answers and each deployment's costs.

import type { CostLine } from '../../lib/index.js';
import { summarizeCosts } from '../../model/index.js';
import type { Headline } from '../analysis/headlines.js';

export function textTable(header: string[], rows: string[][], numeric: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

export function headlineText(list: Headline[], recommendation: string): string {
  const lines = [`Recommendation: ${recommendation}`, ''];
  for (const h of list) {
    lines.push(`${h.question}`, `  ${h.answer}`);
    for (const n of h.numbers) lines.push(`    ${n.label}: ${n.value}`);
  }
  return lines.join('\n');
}

export function costText(costs: Record<string, CostLine[]>, usage: { tasksPerHour?: number; agents?: number }, hoursPerMonth = 730): string {
  const money = (v: number | undefined) => (v === undefined ? '—' : `$${v.toFixed(2)}`);
  const rows = Object.entries(costs).map(([kind, lines]) => {
    const s = summarizeCosts(lines, usage, hoursPerMonth);
    return [kind, money(s.fixedUsd), money(s.usageUsd), money(s.monthlyUsd), money(s.perTaskUsd), money(s.perAgentMonthUsd)];
  });
  return textTable(['deployment', 'fixed/month', 'usage/month', 'total/month', 'per task', 'per agent-month'], rows, [false, true, true, true, true, true]);
}
