// Checks that span several fields of a resolved scenario (each field alone already parsed).

import type { ScenarioConfig } from '../config.js';
import type { FieldProblem } from './issues.js';

type Parsed = Omit<ScenarioConfig, 'sources'>;

export function crossChecks(c: Parsed): FieldProblem[] {
  const out: FieldProblem[] = [];
  const tiers = c.workload.tiers;

  const names = new Map<string, number>();
  c.fleet.forEach((group, i) => {
    const first = names.get(group.name);
    if (first !== undefined) out.push({ path: ['fleet', i, 'name'], message: `expected a name not used by another group, found "${group.name}" (also fleet[${first}])` });
    else names.set(group.name, i);
    if (group.gpu && !c.gpus[group.gpu.model]) {
      out.push({ path: ['fleet', i, 'gpu', 'model'], message: `expected a GPU model listed in gpus (${Object.keys(c.gpus).join(', ')}), found "${group.gpu.model}"` });
    }
    if (group.ollama && !group.gpu) out.push({ path: ['fleet', i, 'ollama'], message: 'expected a gpu on a machine group that serves Ollama, found none' });
    if (group.ollama && group.gpu && c.gpus[group.gpu.model]) {
      const speeds = c.gpus[group.gpu.model]!;
      group.ollama.models.forEach((model, j) => {
        if (!c.models[model]) out.push({ path: ['fleet', i, 'ollama', 'models', j], message: `expected a model listed in models (${Object.keys(c.models).join(', ')}), found "${model}"` });
        else if (!speeds[model]) {
          out.push({ path: ['fleet', i, 'ollama', 'models', j], message: `expected a model with speeds on ${group.gpu!.model} in gpus.${group.gpu!.model} (${Object.keys(speeds).join(', ') || 'none'}), found "${model}"` });
        }
      });
    }
  });
  if (c.fleet.every((g) => g.count * g.agents === 0)) out.push({ path: ['fleet'], message: 'expected at least one agent in the fleet, found none (count × agents is 0 in every group)' });

  const endpoints = c.fleet.some((g) => g.ollama && g.count > 0);
  if (c.routing.standard === 'ollama' && tiers.standard > 0 && !endpoints && !c.routing.fallbackToClaude) {
    out.push({ path: ['routing', 'fallbackToClaude'], message: 'expected true (or an Ollama machine group): standard-tier tasks have no Ollama endpoint, found false' });
  }

  for (const [gpu, models] of Object.entries(c.gpus)) {
    for (const [model, speed] of Object.entries(models)) {
      speed.decodeCurve.forEach(([streams], k) => {
        if (k > 0 && streams <= speed.decodeCurve[k - 1]![0]) {
          out.push({ path: ['gpus', gpu, model, 'decodeCurve', k], message: 'expected stream counts in increasing order' });
        }
      });
    }
  }
  if (c.claude.retry.maxDelay < c.claude.retry.baseDelay) out.push({ path: ['claude', 'retry', 'maxDelay'], message: 'expected maxDelay ≥ baseDelay' });
  if (!(c.horizon > 0)) out.push({ path: ['horizon'], message: 'expected a duration above 0, found 0' });
  return out;
}
