// `npm run validate`: calibrate this machine, validate every bundled validation scenario, and
// print the error table (Markdown) the README quotes. Writes under out/validate/.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { info, writeFileAtomic } from '../lib/index.js';
import { calibrate } from './calibrate.js';
import { formatBand, formatError, formatRuns, formatValue } from './html.js';
import { writeProfile } from './profile.js';
import type { ValidationReport } from './report-types.js';
import { listRemeasured } from './steal.js';
import type { Comparison } from './compare.js';
import { validate } from './validate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCENARIOS = ['validate-terminal.yaml', 'validate-hub.yaml', 'validate-llm.yaml'];

export function errorTable(reports: ValidationReport[]): string {
  const lines = ['| scenario | level | metric | predicted | measured | error | inside 95 % | target | forecast (own draws): 95 % of windows, inside |', '|---|---|---|---:|---:|---:|:-:|:-:|---|'];
  for (const r of reports) {
    for (const l of r.levels) {
      for (const c of l.comparisons) {
        if (c.metric.startsWith('errors.') || c.metric === 'throughput.roundTrips') continue;
        const target = c.target === undefined ? '' : `±${(c.target * 100).toFixed(0)} % ${c.meets ? 'met' : '**missed**'}`;
        const forecast = c.forecast ? `${formatBand(c.forecast, c.unit)}, ${c.forecastInside ? 'yes' : 'no'}` : '';
        const runs = c.measuredRuns ? ` (runs ${formatRuns(c.measuredRuns, c.unit)})` : '';
        lines.push(`| ${r.scenario.name} | ${l.index + 1}: ${l.label} | ${c.metric} | ${formatValue(c.predicted?.mean, c.unit)} | ${formatValue(c.measured, c.unit)}${runs} | ${formatError(c)} | ${c.inside === null ? '–' : c.inside ? 'yes' : 'no'} | ${target} | ${forecast} |`);
      }
    }
    const s = r.saturation;
    const at = (x: number | null) => (x === null ? 'none' : `level ${x + 1}`);
    lines.push(`| ${r.scenario.name} | saturation | ${s.metric} > 2× level 1 | ${at(s.predicted)} | ${at(s.measured)} | | | within one level ${s.agrees ? 'met' : '**missed**'} | |`);
  }
  return lines.join('\n');
}

/** One row per scenario and level: the error of each targeted metric (✓ met, ✗ missed, – no target at this level). */
export function compactTable(reports: ValidationReport[]): string {
  const lines = ['| scenario | level | throughput | p50 | p95 | p99 (no target) | saturation level: measured / predicted |', '|---|---|---:|---:|---:|---:|---|'];
  const cell = (c: Comparison | undefined) => (c ? `${formatError(c)}${c.meets === undefined ? '' : c.meets ? ' ✓' : ' ✗'}` : '–');
  for (const r of reports) {
    const main = r.scenario.kind === 'terminal' ? 'latency.rtt' : 'latency.task';
    const at = (x: number | null) => (x === null ? 'none' : String(x + 1));
    for (const l of r.levels) {
      const get = (k: string) => l.comparisons.find((c) => c.metric === k);
      const first = l.index === 0;
      lines.push(
        `| ${first ? r.scenario.name : ''} | ${l.index + 1}: ${l.label} | ${cell(get(r.scenario.kind === 'terminal' ? 'throughput.delivered' : 'throughput.tasks'))} | ${cell(get(`${main}.p50`))} | ${cell(get(`${main}.p95`))} | ${cell(get(`${main}.p99`))} | ${first ? `${at(r.saturation.measured)} / ${at(r.saturation.predicted)} ${r.saturation.agrees ? '✓' : '✗'}` : ''} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const out = path.join(root, 'out', 'validate');
  const profileFile = path.join(out, 'calibration.yaml');
  info('npm run validate: calibrating this machine');
  const profile = await calibrate({ workDir: path.join(out, '.calibrate') });
  await writeProfile(profileFile, profile);
  const reports: ValidationReport[] = [];
  for (const file of SCENARIOS) {
    const name = file.replace(/\.yaml$/, '');
    const { report } = await validate({ scenario: path.join(root, 'scenarios', file), outDir: path.join(out, name), calibration: profileFile });
    reports.push(report);
  }
  const table = `${compactTable(reports)}\n\n${errorTable(reports)}`;
  const remeasured = (r: ValidationReport) => (r.remeasured.runs.length > 0 ? `, measured again for steal: ${listRemeasured(r.remeasured.runs)}` : '');
  const conditions = reports.map((r) => `${r.scenario.name}: load average ${r.loadAverage.before.join('/')} → ${r.loadAverage.after.join('/')}, ${r.pinning}${remeasured(r)}`).join('\n');
  await writeFileAtomic(path.join(out, 'errors.md'), `${table}\n\n${conditions}\n`);
  process.stdout.write(`${table}\n\n${conditions}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    const details = (err as { details?: string[] }).details;
    if (details) process.stderr.write(details.map((d) => `  ${d}`).join('\n') + '\n');
    process.exit(1);
  });
}
