// The validation report as one self-contained HTML page: no script, no network, tables only.

import { writeFileAtomic } from '../lib/index.js';
import type { Comparison, Predicted } from './compare.js';
import type { ValidationReport } from './report-types.js';
import { listRemeasured } from './steal.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 's') {
    if (Math.abs(v) < 1e-3) return `${(v * 1e6).toFixed(0)} µs`;
    if (Math.abs(v) < 1) return `${(v * 1e3).toPrecision(3)} ms`;
    return `${v.toPrecision(3)} s`;
  }
  if (unit === 'fraction') return `${(v * 100).toFixed(1)} %`;
  return `${Number(v.toPrecision(4))} ${unit}`;
}

export function formatError(c: Comparison): string {
  return c.error === null ? '–' : `${c.error >= 0 ? '+' : ''}${(c.error * 100).toFixed(1)} %`;
}

const yesNo = (x: boolean | null | undefined) => (x === null || x === undefined ? '–' : x ? 'yes' : 'no');

/** The smallest and largest of the repeats' values. */
export function formatRuns(values: readonly number[], unit: string): string {
  return `${formatValue(Math.min(...values), unit)} – ${formatValue(Math.max(...values), unit)}`;
}

export function formatBand(p: Predicted | null | undefined, unit: string): string {
  return p ? `${formatValue(p.lo, unit)} – ${formatValue(p.hi, unit)}` : '–';
}

function row(c: Comparison, forecasts: boolean): string {
  const target = c.target === undefined ? '' : `±${(c.target * 100).toFixed(0)} %`;
  const verdict = c.meets === undefined ? '' : c.meets ? 'met' : '<strong>missed</strong>';
  const forecast = forecasts ? `<td>${formatValue(c.forecast?.mean, c.unit)}</td><td>${formatBand(c.forecast, c.unit)}</td><td>${yesNo(c.forecastInside)}</td>` : '';
  return `<tr><td>${esc(c.metric)}</td><td>${formatValue(c.predicted?.mean, c.unit)}</td><td>${formatBand(c.predicted, c.unit)}</td><td>${formatValue(c.measured, c.unit)}${c.measuredRuns ? `<br><small>runs ${formatRuns(c.measuredRuns, c.unit)}</small>` : ''}</td><td>${formatError(c)}</td><td>${yesNo(c.inside)}</td><td>${target}</td><td>${verdict}</td>${forecast}</tr>`;
}

export function renderValidationHtml(r: ValidationReport): string {
  const forecasts = r.levels.some((l) => l.comparisons.some((c) => c.forecast !== undefined));
  const forecastHead = forecasts ? '<th>forecast</th><th>95 % of windows</th><th>inside</th>' : '';
  const levels = r.levels
    .map(
      (l) => `<section><h3>Level ${l.index + 1}: ${esc(l.label)}</h3>
<p>Measured: <code>${esc(l.measuredFile)}</code> (load generator exit ${l.loadgenExit}${l.untrustworthy ? ', <strong>untrustworthy: the generator fell behind</strong>' : ''})${l.warnings.length ? `; model warnings: ${esc(l.warnings.join('; '))}` : ''}</p>
<table><thead><tr><th>metric</th><th>predicted</th><th>95 % of runs</th><th>measured</th><th>error</th><th>inside</th><th>target</th><th></th>${forecastHead}</tr></thead>
<tbody>${l.comparisons.map((c) => row(c, forecasts)).join('\n')}</tbody></table></section>`,
    )
    .join('\n');
  const repeats = r.levels.some((l) => l.comparisons.some((c) => c.measuredRuns !== undefined));
  const repeatsText = repeats ? ' Each level was measured once in each of several rounds (every level and the light-load figures once a round: the terminal\'s echo and pace, the store\'s synced write; the rounds alternating direction), each run on a freshly started server, and its runs pooled as one longer run; "runs" gives the smallest and largest of the single runs\' values, how much the measurement itself moves from one start to the next.' : '';
  const forecastText = forecasts
    ? ` The tasks of each level are the load generator's own, fixed by its seed before the run (submit times${r.scenario.kind === 'hub' ? ' and service times' : ''}): "predicted" replays them through the model (common random numbers), so the error is the model's and not the luck of one window's draw. "Forecast" is the model with its own draws at the same rate, as a user without a trace would run it; "95 % of windows" is how much one ${r.scenario.duration} s window varies by chance.`
    : '';
  const sat = r.saturation;
  const remeasuredText = `Runs measured again because the hypervisor took more than ${r.remeasured.limit * 100} % of a core they ran on (another guest's CPU time, in no model): ${r.remeasured.runs.length === 0 ? 'none' : esc(listRemeasured(r.remeasured.runs))}.`;
  const satText = (x: number | null) => (x === null ? 'none of the levels' : `level ${x + 1}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Validation: ${esc(r.scenario.name)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}td,th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}code{font-size:90%}.box{background:#f4f6f8;padding:.6rem 1rem;border-radius:4px}</style></head><body>
<h1>Predicted against measured: ${esc(r.scenario.name)}</h1>
<p>${esc(r.scenario.file)}, kind <b>${esc(r.scenario.kind)}</b>, ${r.scenario.levels} levels of ${r.scenario.duration} s, ${r.scenario.replications} simulated replications per level, seed ${r.scenario.seed}. Run ${esc(r.createdAt)} on ${esc(r.machine.hostname)} (${r.machine.cpus} × ${esc(r.machine.cpuModel)}, Node ${esc(r.machine.node)}); load average ${r.loadAverage.before.join(' / ')} before, ${r.loadAverage.after.join(' / ')} after. ${esc(r.pinning)}.${r.scenario.kind === 'terminal' ? ` ${remeasuredText}` : ''}</p>
<div class="box"><p><b>Saturation</b> (${esc(sat.metric)} above twice its light-load value): measured at ${satText(sat.measured)}, predicted at ${satText(sat.predicted)}: ${sat.agrees ? 'within one level' : '<strong>more than one level apart</strong>'}.</p>
<p><b>Where the model misses</b>: ${r.misses.length === 0 ? 'nowhere: every target met.' : `</p><ul>${r.misses.map((m) => `<li>${esc(m)}</li>`).join('')}</ul><p>`}</p></div>
<p>The light level (level 1) is never used to fit anything: the service costs come from <code>${esc(r.calibration.file)}</code>, measured alone by <code>agentscale calibrate</code> on ${esc(r.calibration.date)} (${esc(r.calibration.host)}, load average ${r.calibration.loadAverage.join(' / ')}). Every level is out of sample. "95 % of runs": the 2.5–97.5 % range of single simulated replications of the level; "inside": the measured value lies in it.${forecastText}${repeatsText}</p>
<h2>Levels</h2>
${levels}
<h2>How the model was set up</h2>
<h3>Calibrated (from the profile)</h3>
<table><thead><tr><th>model field</th><th>figure</th></tr></thead><tbody>${r.calibrated.map((c) => `<tr><td>${esc(c.field)}</td><td>${esc(c.figure)}</td></tr>`).join('')}</tbody></table>
<table><thead><tr><th>figure</th><th>value</th><th>n</th><th>how it was measured</th></tr></thead><tbody>${r.calibration.figures.map((f) => `<tr><td>${esc(f.name)}</td><td>${formatValue(f.value, f.unit)}</td><td>${f.n}</td><td style="text-align:left">${esc(f.method)}</td></tr>`).join('')}</tbody></table>
<h3>Set by the validation block</h3><ul>${r.structural.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<h3>From data files</h3>
<table><thead><tr><th>field</th><th>value</th><th>source</th></tr></thead><tbody>${r.fromDataFiles.map((s) => `<tr><td>${esc(s.name)}</td><td>${esc(String(s.value))}</td><td style="text-align:left">${esc(s.source)}</td></tr>`).join('')}</tbody></table>
</body></html>
`;
}

export async function writeValidationHtml(file: string, report: ValidationReport): Promise<void> {
  await writeFileAtomic(file, renderValidationHtml(report));
}
