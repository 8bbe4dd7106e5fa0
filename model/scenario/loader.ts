// Loading a scenario file: parse the YAML keeping positions, merge the data files' defaults,
// resolve every field to SI units, expand the sweep, and report every problem at once with the
// file, line and column, field path, what was expected and what was found.

import path from 'node:path';
import type { ScenarioConfig } from '../config.js';
import { EXIT, UserError } from '../../lib/index.js';
import { bundledDataFiles, loadDefaults, type Defaults } from './data-files.js';
import { describeFound, formatPath } from './describe.js';
import { problemsFromIssues } from './issues.js';
import { clone, isMap, setIn, type RawMap } from './merge.js';
import { packageRoot } from './paths.js';
import { locateProblem, resolveWritten } from './resolve.js';
import { scenarioSchema } from './schema.js';
import { grid, pointId, sweepTargets, type SweepDimension, type SweepValue } from './sweep.js';
import { formatProblem, locate, problemsError, readSource, type Problem, type SourceFile } from './yaml-source.js';
import { checkModelConfig } from '../simulate.js';
import { ModelConfigError } from '../components/context.js';

export interface ScenarioPoint {
  /** Stable id: 'base' without a sweep, else 'machines=4,agentsPerMachine=8'. */
  id: string;
  parameters: Record<string, SweepValue>;
  config: ScenarioConfig;
}

export interface LoadedScenario {
  file: string;
  name: string;
  /** The scenario without its sweep. */
  base: ScenarioConfig;
  sweep: { key: string; values: SweepValue[] }[];
  points: ScenarioPoint[];
  /** Data files of defaults used, in order. */
  dataFiles: string[];
}

export interface LoadOptions {
  /** Override the scenario's seed and replications (command-line options). */
  seed?: number;
  replications?: number;
  /** Data files of defaults to use instead of the bundled ones (tests). */
  dataFiles?: string[];
  /** Largest grid accepted. */
  maxPoints?: number;
}

const partial = scenarioSchema('partial');

function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dataFilesOf(user: SourceFile, written: RawMap, scenarioFile: string, options: LoadOptions, problems: Problem[]): { file: string; shown: string }[] {
  // Bundled files are cited by their place in the package, wherever agentscale runs from.
  const bundled = options.dataFiles
    ? options.dataFiles.map((f) => ({ file: f, shown: shownPath(f) }))
    : bundledDataFiles().map((f) => ({ file: f, shown: path.relative(packageRoot(), f).split(path.sep).join('/') }));
  const extra = written.data;
  if (extra === undefined) return bundled;
  if (!Array.isArray(extra)) {
    problems.push({ ...locate(user, ['data']), message: `expected a list of data files, found ${describeFound(extra)}` });
    return bundled;
  }
  const own: { file: string; shown: string }[] = [];
  extra.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry.trim() === '') problems.push({ ...locate(user, ['data', i]), message: `expected a file name, found ${describeFound(entry)}` });
    else {
      const file = path.resolve(path.dirname(scenarioFile), entry);
      own.push({ file, shown: shownPath(file) });
    }
  });
  return [...bundled, ...own];
}

function readSweep(user: SourceFile, written: RawMap, merged: RawMap, problems: Problem[]): SweepDimension[] {
  const sweep = written.sweep;
  if (sweep === undefined) return [];
  if (!isMap(sweep)) {
    problems.push({ ...locate(user, ['sweep']), message: `expected a mapping of field → list of values, found ${describeFound(sweep)}` });
    return [];
  }
  const dims: SweepDimension[] = [];
  for (const [key, values] of Object.entries(sweep)) {
    // Sweep keys are shown as written (`sweep.fleet[0].agents`), not as a bracketed key.
    const shown = `sweep.${key}`;
    const targets = sweepTargets(key, merged);
    if (typeof targets === 'string') {
      problems.push({ ...locate(user, ['sweep', key], { atKey: true }), path: shown, message: targets });
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      problems.push({ ...locate(user, ['sweep', key]), path: shown, message: `expected a non-empty list of values, found ${describeFound(values)}` });
      continue;
    }
    const bad = values.findIndex((v) => !['number', 'string', 'boolean'].includes(typeof v));
    if (bad >= 0) {
      problems.push({ ...locate(user, ['sweep', key, bad]), path: `${shown}[${bad}]`, message: `expected a single value (number, text or true/false), found ${describeFound(values[bad])}` });
      continue;
    }
    dims.push({ key, values: values as SweepValue[], targets });
  }
  return dims;
}

function substitute(written: RawMap, merged: RawMap, dims: readonly SweepDimension[], values: readonly SweepValue[]): RawMap {
  const out = clone(written);
  delete out.sweep;
  dims.forEach((dim, i) => {
    for (const target of dim.targets) setIn(out, target, values[i], merged);
  });
  return out;
}

function modelConfigProblem(config: ScenarioConfig): string | undefined {
  try {
    checkModelConfig(config);
    return undefined;
  } catch (err) {
    if (err instanceof ModelConfigError) return err.message;
    throw err;
  }
}

/** Loads, validates and expands a scenario file. Throws a UserError (exit 2) listing every problem. */
export async function loadScenario(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const shown = shownPath(file);
  const read = await readSource(file);
  if (!read.source) throw problemsError(read.problems.map((p) => ({ ...p, file: shown })), shown);
  const user: SourceFile = { ...read.source, file: shown };
  const written = user.data;
  if (!isMap(written)) throw problemsError([{ ...locate(user, []), message: `expected a mapping of scenario fields, found ${describeFound(written)}` }], shown);

  const problems: Problem[] = [];
  // The file alone first: unknown fields and malformed values, located exactly where written.
  const { sweep: _sweep, ...withoutSweep } = written;
  const alone = partial.safeParse(withoutSweep);
  if (!alone.success) {
    for (const p of problemsFromIssues(alone.error.issues, partial, withoutSweep)) problems.push({ ...locate(user, p.path, { atKey: p.atKey === true }), message: p.message });
  }

  const loaded = loadDefaults(dataFilesOf(user, written, path.resolve(file), options, problems));
  problems.push(...loaded.problems);
  const defaults: Defaults = loaded.defaults;
  const withoutSweepMap = withoutSweep as RawMap;
  const base = resolveWritten(withoutSweepMap, defaults, file);
  problems.push(...base.problems.map((p) => locateProblem(p, withoutSweepMap, user, defaults)));

  // Each sweep value is checked on its own against the field it replaces.
  const dims = readSweep(user, written, base.merged, problems);
  const baseMessages = new Set(base.problems.map((p) => `${formatPath(p.path)}: ${p.message}`));
  for (const dim of dims) {
    dim.values.forEach((value, j) => {
      const trial = substitute(withoutSweepMap, base.merged, [dim], [value]);
      for (const p of resolveWritten(trial, defaults, file).problems) {
        if (baseMessages.has(`${formatPath(p.path)}: ${p.message}`)) continue;
        problems.push({ ...locate(user, ['sweep', dim.key, j]), path: formatPath(p.path), message: `${p.message} (sweep ${dim.key})` });
      }
    });
  }
  if (problems.length > 0) throw problemsError(dedupe(problems), shown);

  const combos = grid(dims);
  const maxPoints = options.maxPoints ?? 10_000;
  if (combos.length > maxPoints) {
    throw new UserError(`${shown}: the sweep makes ${combos.length} points; at most ${maxPoints} are run`, EXIT.usage, [formatProblem({ ...locate(user, ['sweep']), message: 'make the grid smaller' })]);
  }
  const apply = (config: ScenarioConfig): ScenarioConfig => ({
    ...config,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.replications === undefined ? {} : { replications: options.replications }),
  });
  const points: ScenarioPoint[] = [];
  for (const combo of combos) {
    const id = pointId(dims, combo.values);
    const resolved = dims.length === 0 ? base : resolveWritten(substitute(withoutSweepMap, base.merged, dims, combo.values), defaults, file);
    if (!resolved.config) {
      for (const p of resolved.problems) problems.push({ ...locate(user, ['sweep']), path: formatPath(p.path), message: `${p.message} (sweep point ${id})` });
      continue;
    }
    const parameters: Record<string, SweepValue> = {};
    dims.forEach((dim, i) => (parameters[dim.key] = combo.values[i]!));
    // The model's own checks (VRAM fit, capacities) belong to `check` too, so nothing runs that cannot.
    const modelProblem = modelConfigProblem(resolved.config);
    if (modelProblem) problems.push({ ...locate(user, dims.length === 0 ? [] : ['sweep']), message: dims.length === 0 ? modelProblem : `${modelProblem} (sweep point ${id})` });
    points.push({ id, parameters, config: apply(resolved.config) });
  }
  if (problems.length > 0) throw problemsError(dedupe(problems), shown);
  const baseConfig = apply(base.config!);
  return {
    file: shown,
    name: baseConfig.name,
    base: baseConfig,
    sweep: dims.map((d) => ({ key: d.key, values: d.values })),
    points,
    dataFiles: defaults.files,
  };
}
