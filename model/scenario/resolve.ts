// From a scenario as written (plus its defaults) to the resolved ScenarioConfig: merge the data
// files' defaults and templates in, parse every field with the complete schema, run the
// cross-field checks, and record where each defaulted figure came from.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioConfig } from '../config.js';
import { parseSize } from '../../lib/index.js';
import type { PathSegment } from './describe.js';
import { formatPath } from './describe.js';
import { figureAt, figureText, locateFigure, pathKey, type Defaults, type Figure } from './data-files.js';
import { problemsFromIssues, type FieldProblem } from './issues.js';
import { clone, covers, getIn, isMap, mergeRaw, type RawMap } from './merge.js';
import { crossChecks } from './checks.js';
import { resolveScenarioPath, DEFAULT_PRICING } from './paths.js';
import { scenarioSchema } from './schema.js';
import { hasNode, locate, type Problem, type SourceFile } from './yaml-source.js';

const complete = scenarioSchema('complete');

type Source = ScenarioConfig['sources'][number];

interface Merged {
  merged: RawMap;
  /** Values the templates filled into fleet groups: merged path → the figure behind it. */
  templated: { path: PathSegment[]; figure: Figure; value: unknown }[];
}

function templateFigure(defaults: Defaults, dataPath: PathSegment[]): Figure | undefined {
  return figureAt(defaults.figures, dataPath)?.figure;
}

/** Fills each fleet group from the templates: machine fields, Ollama on GPU machines, VRAM, num_ctx. */
function applyTemplates(fleet: unknown[], defaults: Defaults, templated: Merged['templated']): unknown[] {
  const t = defaults.raw.templates;
  const machineTemplate = isMap(t.machineGroup) ? t.machineGroup : {};
  const ollamaTemplate = isMap(t.ollama) ? t.ollama : {};
  const gpuMemory = isMap(t.gpuMemory) ? t.gpuMemory : {};
  const byVram = Array.isArray(t.numCtxByVram) ? (t.numCtxByVram as unknown[]) : [];
  return fleet.map((written, i) => {
    if (!isMap(written)) return written;
    const group = mergeRaw(machineTemplate, written) as RawMap;
    for (const key of Object.keys(machineTemplate)) {
      if (!covers(written, [key])) {
        const figure = templateFigure(defaults, ['templates', 'machineGroup', key]);
        if (figure) templated.push({ path: ['fleet', i, key], figure, value: group[key] });
      }
    }
    if (group.name === undefined) group.name = `group-${i + 1}`;
    const gpu = group.gpu;
    if (isMap(gpu) && gpu.vram === undefined && typeof gpu.model === 'string' && gpuMemory[gpu.model] !== undefined) {
      gpu.vram = clone(gpuMemory[gpu.model]);
      const figure = templateFigure(defaults, ['templates', 'gpuMemory', gpu.model]);
      if (figure) templated.push({ path: ['fleet', i, 'gpu', 'vram'], figure, value: gpu.vram });
    }
    if (isMap(gpu) || group.ollama !== undefined) {
      const writtenOllama = isMap(written.ollama) ? written.ollama : {};
      const ollama = (group.ollama = isMap(group.ollama) || group.ollama === undefined ? mergeRaw(ollamaTemplate, group.ollama ?? {}) : group.ollama);
      for (const key of Object.keys(ollamaTemplate)) {
        if (!covers(writtenOllama, [key])) {
          const figure = templateFigure(defaults, ['templates', 'ollama', key]);
          if (figure && isMap(ollama)) templated.push({ path: ['fleet', i, 'ollama', key], figure, value: ollama[key] });
        }
      }
      if (isMap(ollama) && ollama.numCtx === undefined) {
        let vram: number | undefined;
        try {
          vram = isMap(gpu) ? parseSize(gpu.vram as string) : undefined;
        } catch {
          vram = undefined; // reported when the field is parsed
        }
        const rule = vram === undefined ? undefined : byVram.find((r) => isMap(r) && (r.below === undefined || vram! < parseSize(r.below as string)));
        // Without a readable VRAM size (reported on its own) take the smallest context, not a second error.
        const fallback = vram === undefined ? byVram[0] : undefined;
        if (isMap(rule) || isMap(fallback)) {
          const chosen = (isMap(rule) ? rule : fallback) as RawMap;
          ollama.numCtx = chosen.numCtx;
          const figure = templateFigure(defaults, ['templates', 'numCtxByVram']);
          if (figure) templated.push({ path: ['fleet', i, 'ollama', 'numCtx'], figure, value: chosen.numCtx });
        }
      }
    }
    return group;
  });
}

export function mergeScenario(written: RawMap, defaults: Defaults, scenarioFile: string): Merged {
  const templated: Merged['templated'] = [];
  const merged = mergeRaw(defaults.raw.defaults, written) as RawMap;
  delete merged.sweep;
  delete merged.data;
  if (merged.name === undefined) merged.name = path.basename(scenarioFile).replace(/\.ya?ml$/i, '');
  if (merged.pricing === undefined) merged.pricing = DEFAULT_PRICING;
  if (Array.isArray(merged.fleet)) merged.fleet = applyTemplates(merged.fleet, defaults, templated);
  return { merged, templated };
}

/** Where each defaulted figure came from, for the report's assumptions table. */
function sourcesOf(written: RawMap, defaults: Defaults, m: Merged, config: Omit<ScenarioConfig, 'sources'>): Source[] {
  const usedGpus = new Set(config.fleet.flatMap((g) => (g.gpu ? [g.gpu.model] : [])));
  const usedModels = new Set(config.fleet.flatMap((g) => g.ollama?.models ?? []));
  const out: Source[] = [];
  const cite = (f: Figure) => `${f.origin} [${f.source.file}]`;
  for (const figure of defaults.figures.values()) {
    const dataPath = figure.dataPath;
    if (dataPath[0] !== 'defaults' || dataPath.length < 2) continue;
    const p = dataPath.slice(1);
    if (covers(written, p)) continue;
    if (p[0] === 'gpus' && (!usedGpus.has(String(p[1])) || (p.length > 2 && !usedModels.has(String(p[2]))))) continue;
    if (p[0] === 'models' && !usedModels.has(String(p[1]))) continue;
    if (p[0] === 'pricing' || p[0] === 'name') continue;
    out.push({ name: formatPath(p), value: figureText(figure.value), source: cite(figure) });
  }
  for (const t of m.templated) out.push({ name: formatPath(t.path), value: figureText(t.value), source: cite(t.figure) });
  return out;
}

export interface Resolution {
  config?: ScenarioConfig;
  /** Problems with their field paths (in the merged scenario). */
  problems: FieldProblem[];
  merged: RawMap;
}

/** Resolves a scenario as written. Field problems come back unlocated (see locateProblem). */
export function resolveWritten(written: RawMap, defaults: Defaults, scenarioFile: string): Resolution {
  const m = mergeScenario(written, defaults, scenarioFile);
  const parsed = complete.safeParse(m.merged);
  if (!parsed.success) return { problems: problemsFromIssues(parsed.error.issues, complete, m.merged), merged: m.merged };
  const { data: _data, sweep: _sweep, ...fields } = parsed.data;
  const base = { ...fields, pricing: resolveScenarioPath(fields.pricing, scenarioFile) };
  const problems = crossChecks(base);
  if (!existsSync(base.pricing)) {
    problems.push({ path: ['pricing'], message: `expected an existing pricing file, found "${fields.pricing}" (looked beside the scenario and in the agentscale folder)` });
  }
  if (problems.length > 0) return { problems, merged: m.merged };
  const config: ScenarioConfig = { ...base, sources: sourcesOf(written, defaults, m, base) };
  return { config, problems: [], merged: m.merged };
}

/** The line and column behind a field problem: the scenario file, or the data file that supplied the value. */
export function locateProblem(problem: FieldProblem, written: RawMap, user: SourceFile, defaults: Defaults): Problem {
  const p = problem.path;
  const shownPath = p;
  if (hasNode(user, p) || covers(written, p)) return { ...locate(user, p, { atKey: problem.atKey === true }), message: problem.message };
  if (p[0] === 'fleet' && typeof p[1] === 'number' && p.length > 2) {
    const rest = p.slice(2);
    const dataPath = rest[0] === 'ollama' ? ['templates', 'ollama', ...rest.slice(1)] : ['templates', 'machineGroup', ...rest];
    const inTemplate = getIn(defaults.raw.templates, dataPath.slice(1)) !== undefined ? locateFigure(defaults.figures, dataPath, shownPath) : undefined;
    if (inTemplate) return { ...inTemplate, message: problem.message };
  }
  if (getIn(defaults.raw.defaults, p) !== undefined || defaults.figures.has(pathKey(['defaults', ...p]))) {
    const inData = locateFigure(defaults.figures, ['defaults', ...p], shownPath);
    if (inData) return { ...inData, message: problem.message };
  }
  return { ...locate(user, p, { atKey: problem.atKey === true }), message: problem.message };
}
