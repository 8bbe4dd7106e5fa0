// Results documents in, one self-contained HTML report (and its CSV files) out.

import path from 'node:path';
import { EXIT, UserError, writeFileAtomic } from '../lib/index.js';
import { headlines, latencyTargetOf, recommendation, type Headline } from './analysis/headlines.js';
import { reportContext, type ReportInput } from './render/context.js';
import { csvTables, type CsvTables } from './render/csv.js';
import { page } from './render/html.js';
import { costsSection, frontierSection } from './render/sections-costs.js';
import { assumptionsSection, filesSection, header, headlineSection, seedSection } from './render/sections-overview.js';
import { claudeSection, hubSection, ollamaSection, throughputSection, uplinkSection, utilisationSection } from './render/sections-performance.js';
import { predictedSection, uslFits, uslSection } from './render/sections-scaling.js';

export interface BuiltReport {
  html: string;
  /** CSV contents by file name (relative to the HTML file). */
  csv: Record<string, string>;
  headlines: Headline[];
  recommendation: string;
}

const CSV_DESCRIPTIONS: Record<keyof CsvTables, string> = {
  points: 'every point with its parameters and metrics',
  resources: 'utilisation, queue wait and capacity of every resource at every point',
  costs: 'every cost line of every deployment at every point',
  usl: 'the Universal Scalability Law fits',
};

/** Builds the report; `csvStem` names the CSV files (`<stem>.points.csv`...), linked from the page. */
export function buildReport(input: ReportInput, csvStem = 'report'): BuiltReport {
  if (input.simulated.length + (input.measured?.length ?? 0) === 0) throw new UserError('no results documents to report on', EXIT.usage);
  const latencyTarget = latencyTargetOf({ rows: [], latencyTarget: input.latencyTarget }) ?? latencyTargetOf({ rows: reportContext(input, {}).rows });
  // The ten-agent comparison scenario brings the seed note's table along unless told otherwise.
  const seedTable = input.seedTable ?? [...input.simulated, ...(input.measured ?? [])].some((d) => /ten-agent/i.test(d.source.name));
  const resolved: ReportInput = { ...input, latencyTarget, seedTable };
  const names = Object.fromEntries((Object.keys(CSV_DESCRIPTIONS) as (keyof CsvTables)[]).map((k) => [k, `${csvStem}.${k}.csv`])) as Record<keyof CsvTables, string>;
  const links = Object.fromEntries((Object.keys(names) as (keyof CsvTables)[]).map((k) => [CSV_DESCRIPTIONS[k], names[k]]));
  const ctx = reportContext(resolved, links);
  const list = headlines({ rows: ctx.rows, pricing: input.pricing, latencyTarget });
  const rec = recommendation(list);
  const fits = uslFits(ctx);
  const parts: { id: string; title: string; html: string | undefined }[] = [
    { id: 'answers', title: 'Headline answers', html: headlineSection(list, rec) },
    { id: 'throughput', title: 'Throughput and latency', html: throughputSection(ctx) },
    { id: 'utilisation', title: 'Utilisation', html: utilisationSection(ctx) },
    { id: 'hub', title: 'Hub', html: hubSection(ctx) },
    { id: 'claude', title: 'Claude API', html: claudeSection(ctx) },
    { id: 'ollama', title: 'Ollama and GPUs', html: ollamaSection(ctx) },
    { id: 'uplink', title: 'Uplink', html: uplinkSection(ctx) },
    { id: 'costs', title: 'Cost per month', html: costsSection(ctx) },
    { id: 'frontier', title: 'Cost per task against latency', html: frontierSection(ctx) },
    { id: 'usl', title: 'Scalability (USL)', html: uslSection(ctx, fits) },
    { id: 'predicted', title: 'Predicted against measured', html: predictedSection(ctx) },
    { id: 'seed-table', title: 'Ten-agent table, recomputed', html: seedSection(ctx) },
    { id: 'assumptions', title: 'Assumptions', html: assumptionsSection(ctx, latencyTarget) },
    { id: 'files', title: 'Data files', html: filesSection(ctx) },
  ];
  const present = parts.filter((p): p is { id: string; title: string; html: string } => Boolean(p.html));
  const title = input.title ?? `Scaling report: ${[...new Set([...input.simulated, ...(input.measured ?? [])].map((d) => d.source.name))].join(', ')}`;
  const html = page(title, header(ctx, title, present) + present.map((p) => p.html).join('\n'));
  const tables = csvTables(ctx, fits);
  const csv = Object.fromEntries((Object.keys(tables) as (keyof CsvTables)[]).map((k) => [names[k], tables[k]]));
  return { html, csv, headlines: list, recommendation: rec };
}

/** The report as one HTML string. */
export function renderReport(input: ReportInput): string {
  return buildReport(input).html;
}

/** Writes the HTML report and its CSV files beside it (each written whole or not at all). */
export async function writeReport(file: string, input: ReportInput): Promise<BuiltReport & { files: string[] }> {
  const stem = path.basename(file).replace(/\.html?$/i, '');
  const built = buildReport(input, stem);
  const dir = path.dirname(file);
  const files: string[] = [];
  // CSV first, so the page never links to a file that is not there yet.
  for (const [name, content] of Object.entries(built.csv)) {
    const target = path.join(dir, name);
    await writeFileAtomic(target, content);
    files.push(target);
  }
  await writeFileAtomic(file, built.html);
  files.push(file);
  return { ...built, files };
}
