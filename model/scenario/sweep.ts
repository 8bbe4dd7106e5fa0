// The `sweep` block: fields to vary over a grid. Keys are field paths (`fleet[0].agents`,
// `deployment.kind`, `gpus[rtx-4090][qwen2.5-coder-7b].prefillRate`, `fleet[gpu-box].count`)
// or friendly aliases that name several fields at once (`agentsPerMachine`, `gpuMachines`...).

import type { PathSegment } from './describe.js';
import { didYouMean, formatPath } from './describe.js';
import { isMap, type RawMap } from './merge.js';
import { walk } from './schema-walk.js';
import { scenarioSchema } from './schema.js';

export type SweepValue = number | string | boolean;

export interface SweepDimension {
  key: string;
  values: SweepValue[];
  /** The concrete fields each value is written to. */
  targets: PathSegment[][];
}

type Targets = (merged: RawMap) => PathSegment[][] | string;

function groups(merged: RawMap, field: PathSegment[], keep: (g: RawMap) => boolean, what: string): PathSegment[][] | string {
  const fleet = Array.isArray(merged.fleet) ? merged.fleet : [];
  const out: PathSegment[][] = [];
  fleet.forEach((g, i) => {
    if (isMap(g) && keep(g)) out.push(['fleet', i, ...field]);
  });
  return out.length > 0 ? out : `expected a fleet with ${what}, found none`;
}

const field = (p: PathSegment[]): Targets => () => [p];

/** Friendly names for the fields a capacity planner varies most. */
export const SWEEP_ALIASES: Record<string, { description: string; targets: Targets }> = {
  agentsPerMachine: { description: 'agents of every fleet group', targets: (m) => groups(m, ['agents'], () => true, 'machine groups') },
  machines: { description: 'count of every fleet group without a GPU', targets: (m) => groups(m, ['count'], (g) => g.gpu === undefined, 'a group without a GPU') },
  gpuMachines: { description: 'count of every fleet group with a GPU', targets: (m) => groups(m, ['count'], (g) => g.gpu !== undefined, 'a group with a GPU') },
  numParallel: { description: 'ollama.numParallel of every group serving Ollama', targets: (m) => groups(m, ['ollama', 'numParallel'], (g) => g.ollama !== undefined, 'a group serving Ollama') },
  arrivalRate: {
    description: 'workload.arrival.rate (Poisson arrivals)',
    targets: (m) =>
      isMap(m.workload) && isMap(m.workload.arrival) && m.workload.arrival.type === 'poisson'
        ? [['workload', 'arrival', 'rate']]
        : 'expected workload.arrival of type poisson for arrivalRate, found another arrival type',
  },
  hubShards: { description: 'hub.shards', targets: field(['hub', 'shards']) },
  hubCpus: { description: 'hub.cpus', targets: field(['hub', 'cpus']) },
  deployment: { description: 'deployment.kind', targets: field(['deployment', 'kind']) },
  dashboards: { description: 'deployment.dashboards', targets: field(['deployment', 'dashboards']) },
  storeMode: { description: 'hub.store.mode', targets: field(['hub', 'store', 'mode']) },
  standardRouting: { description: 'routing.standard', targets: field(['routing', 'standard']) },
  uplink: { description: 'network.uplink.bandwidth', targets: field(['network', 'uplink', 'bandwidth']) },
};

/** `fleet[0].ollama.numParallel` → ['fleet', 0, 'ollama', 'numParallel']; bracketed words are keys or group names. */
export function parseFieldPath(text: string, merged: RawMap): PathSegment[] | string {
  const out: PathSegment[] = [];
  const re = /([A-Za-z_][\w-]*)|\[([^\]]+)\]|(\.)/g;
  let pos = 0;
  let expectName = true;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index !== pos) return `expected a field path such as fleet[0].agents, found "${text}"`;
    pos = re.lastIndex;
    if (m[3]) {
      expectName = true;
      continue;
    }
    if (m[1] !== undefined) {
      if (!expectName) return `expected a "." before "${m[1]}" in "${text}"`;
      out.push(m[1]);
      expectName = false;
    } else {
      const inside = m[2]!.trim();
      if (/^\d+$/.test(inside)) out.push(Number(inside));
      else if (out.length === 1 && out[0] === 'fleet') {
        const fleet = Array.isArray(merged.fleet) ? merged.fleet : [];
        const index = fleet.findIndex((g) => isMap(g) && g.name === inside);
        if (index < 0) return `expected a fleet group name (${fleet.map((g) => (isMap(g) ? String(g.name) : '?')).join(', ')}), found "${inside}"`;
        out.push(index);
      } else out.push(inside);
      expectName = false;
    }
  }
  if (pos !== text.length || out.length === 0) return `expected a field path such as fleet[0].agents, found "${text}"`;
  return out;
}

const partial = scenarioSchema('partial');

/** The fields a sweep key names, or what is wrong with it. */
export function sweepTargets(key: string, merged: RawMap): PathSegment[][] | string {
  const alias = SWEEP_ALIASES[key];
  if (alias) return alias.targets(merged);
  const p = parseFieldPath(key, merged);
  if (typeof p === 'string') return p;
  if (p[0] === 'sweep' || p[0] === 'data') return `expected a scenario field, found "${key}"`;
  const found = walk(partial, p);
  if (found.kind === 'missing') {
    const name = found.at[found.at.length - 1];
    const candidates = found.at.length === 1 ? [...found.allowed.filter((k) => k !== 'sweep' && k !== 'data'), ...Object.keys(SWEEP_ALIASES)] : found.allowed;
    const guess = typeof name === 'string' ? didYouMean(name, candidates) : undefined;
    return `unknown field ${formatPath(found.at)}${guess ? `; did you mean "${guess}"?` : ''}`;
  }
  if (found.kind === 'field') {
    const type = (found.schema as unknown as { _zod: { def: { type: string } } })._zod.def.type;
    if (type !== 'pipe') return `expected a path to a single number or choice, found ${formatPath(p)} (a ${type === 'array' ? 'list' : 'group of fields'})`;
  }
  if (p[0] === 'fleet' && typeof p[1] === 'number') {
    const n = Array.isArray(merged.fleet) ? merged.fleet.length : 0;
    if (p[1] >= n) return `expected a fleet group index below ${n}, found ${p[1]}`;
  }
  return [p];
}

/** All combinations, first key outermost, in the file's order. */
export function grid(dims: readonly SweepDimension[]): { values: SweepValue[] }[] {
  let out: SweepValue[][] = [[]];
  for (const dim of dims) out = out.flatMap((prefix) => dim.values.map((v) => [...prefix, v]));
  return out.map((values) => ({ values }));
}

export function pointId(dims: readonly SweepDimension[], values: readonly SweepValue[]): string {
  return dims.length === 0 ? 'base' : dims.map((d, i) => `${d.key}=${String(values[i])}`).join(',');
}
