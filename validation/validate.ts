// `agentscale validate`: start the live stack level by level (servers on one core, the load
// generator on the other), measure, stop everything, simulate the same levels with the
// calibration profile, and set predicted against measured.

import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXIT, UserError, info, machineInfo, writeFileAtomic } from '../lib/index.js';
import { loadScenario, simulateReplication, type ReplicationResult, type ScenarioConfig, type TraceTask, type ValidationConfig } from '../model/index.js';
import { compare, predictedFrom, saturationAgrees, saturationLevel, TARGETS, type Comparison } from './compare.js';
import { levelConfig, levelValues, type LevelValues } from './mapping.js';
import { firstPoint, metricsFor, saturationMetric } from './metrics.js';
import { choosePinning } from './processes.js';
import { FIGURES, readProfile, type CalibrationProfile } from './profile.js';
import { paceFigure } from './pace.js';
import { ECHO_READERS, ECHO_SHAPE, echoFigure } from './echo.js';
import { measureTerminalLevels, type TerminalMeasurement } from './terminal-levels.js';
import type { PooledLevel } from './rounds.js';
import { measureTaskLevels } from './task-levels.js';
import { hubOverProbeOf, probeMethod, SYNC_PROBE, syncWriteFigure } from './sync-probe.js';
import type { LevelReport, ValidationReport } from './report-types.js';
import { STEAL_LIMIT, type RemeasuredRun } from './steal.js';
import { writeValidationHtml } from './html.js';

export interface ValidateOptions {
  scenario: string;
  outDir: string;
  /** Calibration profile; default: the scenario's `calibration`. */
  calibration?: string;
  pin?: boolean;
  seed?: number;
  progress?: (line: string) => void;
}

export interface ValidateOutcome {
  report: ValidationReport;
  files: { json: string; html: string };
}

export async function validate(options: ValidateOptions): Promise<ValidateOutcome> {
  const say = options.progress ?? info;
  const loaded = await loadScenario(options.scenario);
  const base = loaded.base;
  const v = base.validation;
  if (!v) throw new UserError(`${loaded.file}: has no validation block`, EXIT.usage, ['add validation: { kind: terminal|hub, levels: [...] } (see the README, "Validating the model")']);
  const profileFile = options.calibration ?? (base.calibration ? path.resolve(path.dirname(options.scenario), base.calibration) : undefined);
  if (!profileFile) throw new UserError(`${loaded.file}: no calibration profile`, EXIT.usage, ['run agentscale calibrate --out calibration.yaml, then give --calibration calibration.yaml or set calibration: in the scenario']);
  const calibration = await readProfile(profileFile);
  const pinning = choosePinning(options.pin === false);
  const seed = options.seed ?? base.seed;
  await mkdir(path.join(options.outDir, 'levels'), { recursive: true });
  say(`validate ${loaded.name}: ${v.levels.length} levels of ${v.duration} s (${pinning.note})`);

  const loadBefore = os.loadavg();
  const measured: { values: LevelValues; run: PooledLevel & { trace?: TraceTask[] } }[] = [];
  let profile = calibration;
  let remeasured: RemeasuredRun[] = [];
  if (v.kind === 'terminal') {
    const values = v.levels.map((level) => levelValues(v, level));
    const terminal = await measureTerminalLevels(v, values, options.outDir, pinning, seed, say);
    terminal.levels.forEach((run, i) => measured.push({ values: values[i]!, run }));
    profile = lightLoadAmongLevels(calibration, terminal, v);
    remeasured = terminal.remeasured;
  } else {
    const values = v.levels.map((level) => levelValues(v, level));
    const tasks = await measureTaskLevels(v, values, { base, scenarioFile: options.scenario, outDir: options.outDir, pinning, seed }, say);
    tasks.levels.forEach((run, i) => measured.push({ values: values[i]!, run }));
    profile = syncAmongLevels(calibration, tasks.syncs, v);
  }
  const loadAfter = os.loadavg();

  say('simulating the same levels');
  const defs = metricsFor(v.kind);
  const levels: LevelReport[] = [];
  let calibrated: Record<string, string> = {};
  let structural: string[] = [];
  const predictedSat: (number | null)[] = [];
  const measuredSat: (number | null)[] = [];
  const satKey = saturationMetric(v.kind);
  for (const [i, level] of v.levels.entries()) {
    const { values, run } = measured[i]!;
    const point = firstPoint(run.document);
    // The model replays one run's tasks, so its rates are over one run's time, not the rounds' total.
    // A terminal level's model draws no trace: each run typed at its own Poisson times, so the
    // load offered is the rounds' pooled one, as the round trips answered are.
    const onePoint = v.kind === 'terminal' ? point : (run.repeats?.[0] ?? point);
    const trace = run.trace;
    const mapped = levelConfig(base, v, level, profile, seed, { trace });
    calibrated = mapped.calibrated;
    structural = mapped.structural;
    const warnings = new Set<string>();
    const simulate = (config: ScenarioConfig): ReplicationResult[] =>
      Array.from({ length: v.replications }, (_, r) => {
        const res = simulateReplication(config, r);
        res.warnings.forEach((w) => warnings.add(w));
        return res;
      });
    const reps = simulate(mapped.config);
    // Beside the trace-driven prediction, the forecast from the model's own draws at the rate offered.
    const forecastReps = trace ? simulate(levelConfig(base, v, level, profile, seed, { offered: trace.length / v.duration }).config) : undefined;
    const comparisons: Comparison[] = defs.map((d) => {
      const predict = (rs: ReplicationResult[]) => {
        const xs = rs.map((r) => d.predicted(r, values, mapped.config, onePoint)).filter((x): x is number => x !== null);
        return xs.length > 0 ? predictedFrom(xs) : null;
      };
      const target = d.target ? TARGETS[d.target] : undefined;
      const c = compare(d.key, d.unit, predict(reps), d.measured(point, run.servers), target, forecastReps ? predict(forecastReps) : undefined);
      // Each repeat's own value: how much the measurement itself moves from one start to the next.
      const each = run.repeats?.map((p, k) => d.measured(p, run.repeatServers?.[k] ?? {})).filter((x): x is number => x !== null && Number.isFinite(x));
      if (each && each.length > 1) c.measuredRuns = each;
      return c;
    });
    measuredSat.push(comparisons.find((c) => c.metric === satKey)?.measured ?? null);
    predictedSat.push(comparisons.find((c) => c.metric === satKey)?.predicted?.mean ?? null);
    levels.push({
      index: i,
      label: describeLevel(v, values),
      values,
      measuredFile: path.relative(options.outDir, run.file),
      loadgenExit: run.exitCode,
      untrustworthy: run.document.untrustworthy === true,
      warnings: [...warnings],
      comparisons,
    });
  }
  const satMeasured = saturationLevel(measuredSat);
  const satPredicted = saturationLevel(predictedSat);
  // Latency targets hold below saturation (as measured).
  for (const l of levels) {
    if (satMeasured !== null && l.index >= satMeasured) for (const c of l.comparisons) if (c.metric.startsWith('latency.')) delete c.target, delete c.meets;
  }
  const report: ValidationReport = {
    kind: 'agentscale/validation',
    version: 1,
    createdAt: new Date().toISOString(),
    scenario: { file: loaded.file, name: loaded.name, kind: v.kind, levels: v.levels.length, duration: v.duration, replications: v.replications, seed },
    machine: machineInfo(),
    loadAverage: { before: loadBefore.map(round2), after: loadAfter.map(round2) },
    pinning: pinning.note,
    remeasured: { limit: STEAL_LIMIT, runs: remeasured },
    calibration: {
      file: profileFile,
      date: profile.date,
      host: profile.machine.hostname,
      loadAverage: profile.loadAverage,
      figures: Object.entries(profile.figures).map(([name, f]) => ({ name, value: typeof f.value === 'number' ? f.value : (f.summary?.mean ?? Number.NaN), unit: f.unit, method: f.method, n: f.n })),
    },
    calibrated: Object.entries(calibrated).map(([field, figure]) => ({ field, figure })),
    structural,
    fromDataFiles: relevantSources(base, v),
    levels,
    saturation: { metric: satKey, measured: satMeasured, predicted: satPredicted, agrees: saturationAgrees(satMeasured, satPredicted, v.levels.length) },
    misses: misses(v, levels),
  };
  const json = path.join(options.outDir, 'validation.json');
  const html = path.join(options.outDir, 'validation.html');
  await writeFileAtomic(json, JSON.stringify(report, null, 2) + '\n');
  await writeValidationHtml(html, report);
  return { report, files: { json, html } };
}

/**
 * Terminal: the profile with its echoes (the writer's and the watchers') and the pace of a fan-out
 * replaced by those timed at light load in each round of the levels (ECHO_SHAPE and PACE_SHAPE on
 * a freshly started server, as a level runs), pooled per output rate. On a shared machine the echo
 * path drifts from one minute to the next by more than the latency targets (five runs in a row on
 * one server: medians 0.84–1.34 ms), and a profile timed before the levels saw other minutes than
 * theirs. Still light load, and one figure for every level.
 */
function lightLoadAmongLevels(profile: CalibrationProfile, { echo: runs, spreads }: TerminalMeasurement, v: ValidationConfig): CalibrationProfile {
  const figures = { ...profile.figures };
  for (const reader of ['writer', 'watchers'] as const) {
    const figure = echoFigure(
      runs[reader],
      `${ECHO_READERS[reader].what} at light load (${ECHO_SHAPE.sessions} sessions, each a writer at ${ECHO_SHAPE.rate}/s at Poisson times and ${ECHO_SHAPE.watchers} watchers, ${v.duration} s after ${v.warmup} s of typing, on a freshly started server) once in each round of this validation's levels, pooled per output rate: the 1st–99th percentiles`,
      reader,
    );
    if (figure) figures[ECHO_READERS[reader].figure] = figure;
  }
  const pace = paceFigure(spreads.pace, spreads.echo, `fake agent at the levels' lowest output rate, ${v.duration} s after ${v.warmup} s of typing, on a freshly started server, the pace shape and the echo once in each round of this validation's levels`);
  if (pace) figures[FIGURES.readerTimePerFrame] = pace;
  return { ...profile, figures };
}

/**
 * Hub and llm: the profile's synced write replaced by the probe's, timed at light load once in
 * each round of the levels and pooled, scaled as calibrated to the hub's own fsyncs (sync-probe.ts).
 */
function syncAmongLevels(profile: CalibrationProfile, syncs: readonly number[], v: ValidationConfig): CalibrationProfile {
  if (syncs.length === 0) return profile;
  const figure = syncWriteFigure(syncs, `${probeMethod(syncs.length)}, ${SYNC_PROBE.count} at light load in each round of this validation's levels (${v.repeats})`, hubOverProbeOf(profile.figures[FIGURES.syncWrite]));
  return { ...profile, figures: { ...profile.figures, [FIGURES.syncWrite]: figure } };
}

const round2 = (x: number) => Number(x.toFixed(2));

function describeLevel(v: ValidationConfig, l: LevelValues): string {
  return v.kind === 'terminal'
    ? `${l.sessions} sessions × ${l.watchers} watchers, ${l.rate}/s inputs per session, output ${l.outputRate} B/s`
    : `${l.rate} tasks/s over ${l.sidecars} sidecars${v.kind === 'llm' ? ', each task a Claude call' : ''}`;
}

function relevantSources(base: ScenarioConfig, v: ValidationConfig): { name: string; value: string | number | boolean; source: string }[] {
  const prefixes = v.kind === 'terminal' ? ['terminal.', 'deployment.'] : v.kind === 'llm' ? ['hub.', 'claude.', 'workload.task.'] : ['hub.'];
  return base.sources.filter((s) => prefixes.some((p) => s.name.startsWith(p))).map(({ name, value, source }) => ({ name, value, source }));
}

const COMPONENT: Record<string, string> = {
  'throughput.delivered': 'terminal (model/components/terminal.ts: bytes delivered per watcher)',
  'throughput.roundTrips': 'load (inputs answered)',
  'throughput.tasks': 'fleet and hub (model/components/fleet.ts, hub.ts)',
  'latency.rtt': "terminal delivery to the session's first client (model/components/deployment.ts probe at position 1: echo path + the server's event-loop wait)",
  'latency.fanout': 'terminal delivery to a watcher (model/components/deployment.ts probe: echo path + event-loop wait + the sends before it)',
  'latency.task': 'task flow: queueing for sidecars, hub CPU and store (model/components/fleet.ts, hub.ts, store.ts)',
};

function misses(v: ValidationConfig, levels: LevelReport[]): string[] {
  const out: string[] = [];
  for (const l of levels) {
    for (const c of l.comparisons) {
      if (c.meets !== false) continue;
      const family = Object.keys(COMPONENT).find((k) => c.metric.startsWith(k));
      const err = c.error === null ? 'no comparable value' : `${(c.error * 100).toFixed(1)} %`;
      out.push(`level ${l.index + 1} (${l.label}): ${c.metric} off by ${err}, target ±${(c.target! * 100).toFixed(0)} %: ${family ? COMPONENT[family] : v.kind}`);
    }
  }
  return out;
}
