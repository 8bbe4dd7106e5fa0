// A whole load run as the CLI runs it: preflight, the run itself (in this process or in
// --workers child processes), or a find-max search over steps; then the results document,
// thresholds and the exit code.
//
// Exit codes, first match wins: 1 the target could not be reached or nothing at all was
// answered; 3 a --threshold was breached; 4 the generator fell behind (untrustworthy); 0.

import { EXIT, formatDuration, type ExitCode, type PointResult, type ResultsDocument } from '../lib/index.js';
import type { LoadOptions } from './options.js';
import { preflight } from './preflight.js';
import { COUNTERS, type Share } from './recorder.js';
import { buildDocument, loadParameters, pointFromShare } from './results.js';
import { runShare, type ShareHooks } from './run.js';
import { evaluate, parseThreshold, type Threshold, type ThresholdResult } from './thresholds.js';
import { runWorkers } from './workers.js';

export interface LoadResult {
  document: ResultsDocument;
  thresholds: ThresholdResult[];
  exitCode: ExitCode;
  /** Lines for the person running it: find-max outcome, breaches, trust problems. */
  summary: string[];
}

export interface LoadHooks extends ShareHooks {
  /** The profile file the options came from, recorded in the document. */
  file?: string;
  /** Called when a find-max step starts. */
  onStep?(step: number, parameter: string, level: number): void;
}

/** Runs one load level with the configured number of processes. */
export function measure(options: LoadOptions, hooks: ShareHooks = {}): Promise<Share> {
  return options.workers > 1 ? runWorkers(options, options.workers, hooks) : runShare(options, undefined, hooks);
}

export async function runLoad(options: LoadOptions, hooks: LoadHooks = {}): Promise<LoadResult> {
  const thresholds = options.thresholds.map((t) => parseThreshold(t));
  const limits = (options.findMax?.limits ?? []).map((t) => parseThreshold(t, '--limit'));
  await preflight(options);
  const summary: string[] = [];
  const notes: string[] = [];
  let points: PointResult[];
  let judged: PointResult | undefined;
  if (options.findMax) {
    const found = await findMax(options, limits, hooks);
    points = found.points;
    judged = found.best;
    summary.push(...found.summary);
    notes.push(...found.summary);
  } else {
    const share = await measure(options, hooks);
    notes.push(...share.notes);
    const point = pointFromShare('load', loadParameters(options), share, options);
    points = [point];
    judged = point;
  }
  const document = buildDocument(options, points, notes, hooks.file);
  const results = judged ? evaluate(thresholds, judged.metrics) : thresholds.map((t) => ({ ...t, value: undefined, ok: false }));
  for (const r of results.filter((x) => !x.ok)) summary.push(`threshold breached: ${r.text} (measured ${describeValue(r)})`);
  for (const p of points) for (const w of p.warnings ?? []) summary.push(`${p.id}: ${w}`);

  const all = points.map((p) => p.metrics[COUNTERS.completed]?.value ?? 0).reduce((a, b) => a + b, 0);
  let exitCode: ExitCode = EXIT.ok;
  if (all === 0) {
    exitCode = EXIT.failure;
    summary.push('nothing was answered: every operation failed (see errors)');
  } else if (results.some((r) => !r.ok)) exitCode = EXIT.thresholdBreached;
  else if (options.findMax && !judged) exitCode = EXIT.thresholdBreached;
  else if (document.untrustworthy) exitCode = EXIT.untrustworthy;
  return { document, thresholds: results, exitCode, summary };
}

function describeValue(r: ThresholdResult): string {
  if (r.value === undefined) return 'nothing';
  if (r.metric.startsWith('latency.')) return formatDuration(r.value);
  if (r.metric === 'errors.rate') return `${(r.value * 100).toFixed(3)}%`;
  return String(Number(r.value.toPrecision(4)));
}

async function findMax(
  options: LoadOptions,
  limits: Threshold[],
  hooks: LoadHooks,
): Promise<{ points: PointResult[]; best?: PointResult; summary: string[] }> {
  const fm = options.findMax!;
  const byConnections = options.protocol === 'echo' || options.protocol === 'maestro';
  const parameter = byConnections ? 'connections' : 'rate';
  const start = byConnections ? options.connections : options.rate;
  const points: PointResult[] = [];
  let best: PointResult | undefined;
  let bestLevel: number | undefined;
  let reason = `reached --max-steps ${fm.maxSteps}`;
  for (let k = 0; k < fm.maxSteps; k++) {
    if (hooks.signal?.aborted) {
      reason = 'interrupted';
      break;
    }
    const level = start + k * fm.step;
    if (byConnections && level * (1 + options.watchers) > options.maxConnections) {
      reason = `reached --max-connections ${options.maxConnections}`;
      break;
    }
    const stepOptions: LoadOptions = {
      ...options,
      [parameter]: level,
      duration: fm.stepDuration,
      messages: undefined,
      findMax: undefined,
      workers: byConnections ? Math.min(options.workers, level) : options.workers,
    };
    hooks.onStep?.(k + 1, parameter, level);
    const share = await measure(stepOptions, hooks);
    const point = pointFromShare(`step-${k + 1}`, loadParameters(stepOptions), share, stepOptions);
    points.push(point);
    const results = evaluate(limits, point.metrics);
    const broken = results.filter((r) => !r.ok);
    const untrusted = (point.warnings ?? []).some((w) => w.startsWith('the generator'));
    if (broken.length > 0) {
      reason = `step ${k + 1} (${parameter} ${level}) broke ${broken.map((r) => `${r.text}: ${describeValue(r)}`).join(', ')}`;
      break;
    }
    if (untrusted) {
      reason = `step ${k + 1} (${parameter} ${level}): the generator could not keep up, so larger loads cannot be measured from here`;
      break;
    }
    best = point;
    bestLevel = level;
  }
  const unit = parameter === 'rate' ? (options.protocol === 'agentcom' ? ' tasks/s' : ' requests/s') : '';
  const summary =
    bestLevel === undefined
      ? [`find-max: no load held; ${reason}`]
      : [`find-max: largest load that held: ${parameter} ${Number(bestLevel.toPrecision(6))}${unit}; ${reason}`];
  return { points, best, summary };
}
