// Data files of defaults (scenarios/data/*.yaml and any a scenario names). Each holds
//   source: where its figures come from (used where a figure names none)
//   date:   when they were gathered
//   defaults:  a partial scenario, written like a scenario file
//   templates: machineGroup / ollama (fields every fleet group gets unless it sets them),
//              gpuMemory (VRAM per GPU model), numCtxByVram (Ollama's default context by VRAM)
// and any figure may carry its own source as { value: …, source: …, date: … }.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { statSync } from 'node:fs';
import type { PathSegment } from './describe.js';
import { unknownFieldMessage } from './describe.js';
import { isMap, mergeRaw, type RawMap } from './merge.js';
import { bundledDataDir } from './paths.js';
import { readSourceSync, locate, type Problem, type SourceFile } from './yaml-source.js';

export interface Figure {
  source: SourceFile;
  /** Where the value sits among the combined defaults ('defaults' or 'templates' first). */
  dataPath: PathSegment[];
  /** Where the value sits in its data file. */
  docPath: PathSegment[];
  /** The value as written (units in the text). */
  value: unknown;
  /** Where the figure came from, with its date. */
  origin: string;
}

export interface Defaults {
  /** { defaults: partial scenario, templates: { machineGroup, ollama, gpuMemory, numCtxByVram } }, annotations removed. */
  raw: { defaults: RawMap; templates: RawMap };
  /** Figure behind each value, by JSON path from the data root ('defaults' or 'templates' first). */
  figures: Map<string, Figure>;
  files: string[];
}

const TOP_KEYS = ['source', 'date', 'description', 'defaults', 'templates'];
const TEMPLATE_KEYS = ['machineGroup', 'ollama', 'gpuMemory', 'numCtxByVram'];
const FIGURE_KEYS = new Set(['value', 'source', 'date', 'note']);

export const pathKey = (p: readonly PathSegment[]): string => JSON.stringify(p);

function isFigure(node: unknown): node is { value: unknown; source: unknown; date?: unknown } {
  return isMap(node) && 'value' in node && 'source' in node && Object.keys(node).every((k) => FIGURE_KEYS.has(k));
}

/** The value written for a figure, as text for the assumptions table: `{ dist: lognormal, mean: 20s }`. */
export function figureText(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  const flow = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
    if (isMap(v)) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')} }`;
    return String(v);
  };
  return flow(value);
}

function strip(node: unknown, docPath: PathSegment[], dataPath: PathSegment[], file: SourceFile, fileOrigin: string, figures: Map<string, Figure>, fileDate?: unknown): unknown {
  if (isFigure(node)) {
    const when = node.date ?? fileDate;
    const date = when === undefined ? '' : `, ${String(when)}`;
    figures.set(pathKey(dataPath), { source: file, dataPath, docPath: [...docPath, 'value'], value: node.value, origin: `${String(node.source)}${date}` });
    return node.value;
  }
  if (isMap(node)) {
    const out: RawMap = {};
    for (const [k, v] of Object.entries(node)) out[k] = strip(v, [...docPath, k], [...dataPath, k], file, fileOrigin, figures, fileDate);
    return out;
  }
  figures.set(pathKey(dataPath), { source: file, dataPath, docPath, value: node, origin: fileOrigin });
  return node;
}

type DataFileRead = { raw?: Defaults['raw']; figures: Map<string, Figure>; problems: Problem[] };

// Data files are read once per process while unchanged (a sweep resolves many points).
const cache = new Map<string, { stamp: string; read: DataFileRead }>();

/** Reads one data file: its defaults, templates and figures, or its problems. */
export function readDataFile(file: string, shownName = file): DataFileRead {
  let stamp = '';
  try {
    const st = statSync(file);
    stamp = `${st.mtimeMs}:${st.size}:${shownName}`;
  } catch {
    return readDataFileUncached(file, shownName);
  }
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.read;
  const read = readDataFileUncached(file, shownName);
  cache.set(file, { stamp, read });
  return read;
}

function readDataFileUncached(file: string, shownName: string): DataFileRead {
  const figures = new Map<string, Figure>();
  const read = readSourceSync(file);
  if (!read.source) return { figures, problems: read.problems.map((p) => ({ ...p, file: shownName })) };
  const source = { ...read.source, file: shownName };
  const data = source.data;
  const problems: Problem[] = [];
  const at = (p: PathSegment[], message: string, atKey = false): Problem => ({ ...locate(source, p, { atKey }), message });
  if (!isMap(data)) return { figures, problems: [at([], 'expected a mapping with source, date, defaults, templates')] };
  for (const key of Object.keys(data)) if (!TOP_KEYS.includes(key)) problems.push(at([key], unknownFieldMessage(key, TOP_KEYS), true));
  if (typeof data.source !== 'string' || data.source.trim() === '') problems.push(at(['source'], 'expected the source of this file\'s figures (a text)'));
  if (data.defaults !== undefined && !isMap(data.defaults)) problems.push(at(['defaults'], 'expected a mapping of scenario fields'));
  if (data.templates !== undefined && !isMap(data.templates)) problems.push(at(['templates'], 'expected a mapping'));
  if (isMap(data.templates)) {
    for (const key of Object.keys(data.templates)) if (!TEMPLATE_KEYS.includes(key)) problems.push(at(['templates', key], unknownFieldMessage(key, TEMPLATE_KEYS), true));
  }
  if (problems.length > 0) return { figures, problems };
  const origin = `${String(data.source)}${data.date === undefined ? '' : `, ${String(data.date)}`}`;
  const raw = {
    defaults: (strip(data.defaults ?? {}, ['defaults'], ['defaults'], source, origin, figures, data.date) ?? {}) as RawMap,
    templates: (strip(data.templates ?? {}, ['templates'], ['templates'], source, origin, figures, data.date) ?? {}) as RawMap,
  };
  return { raw, figures, problems };
}

/** The figure that decided the value at `dataPath` (the nearest annotated ancestor). */
export function figureAt(figures: Map<string, Figure>, dataPath: readonly PathSegment[]): { figure: Figure; rest: PathSegment[] } | undefined {
  for (let n = dataPath.length; n > 0; n--) {
    const figure = figures.get(pathKey(dataPath.slice(0, n)));
    if (figure) return { figure, rest: dataPath.slice(n) };
  }
  return undefined;
}

/** Where a value that came from the data files was written. */
export function locateFigure(figures: Map<string, Figure>, dataPath: readonly PathSegment[], shownPath: readonly PathSegment[]): Omit<Problem, 'message'> | undefined {
  const found = figureAt(figures, dataPath);
  if (!found) return undefined;
  return locate(found.figure.source, [...found.figure.docPath, ...found.rest], { shownPath });
}

/** The bundled data files, in name order. */
export function bundledDataFiles(): string[] {
  const dir = bundledDataDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => path.join(dir, f));
}

const combined = new Map<string, { defaults: Defaults; problems: Problem[] }>();

/** Reads and combines data files; later files override earlier ones figure by figure. */
export function loadDefaults(files: readonly { file: string; shown: string }[]): { defaults: Defaults; problems: Problem[] } {
  let key = '';
  for (const f of files) {
    try {
      const st = statSync(f.file);
      key += `${f.file}\0${f.shown}\0${st.mtimeMs}\0${st.size}\n`;
    } catch {
      return combine(files);
    }
  }
  const hit = combined.get(key);
  if (hit) return hit;
  const out = combine(files);
  combined.set(key, out);
  return out;
}

function combine(files: readonly { file: string; shown: string }[]): { defaults: Defaults; problems: Problem[] } {
  let raw: Defaults['raw'] = { defaults: {}, templates: {} };
  const figures = new Map<string, Figure>();
  const problems: Problem[] = [];
  for (const { file, shown } of files) {
    const read = readDataFile(file, shown);
    problems.push(...read.problems);
    if (!read.raw) continue;
    raw = mergeRaw(raw, read.raw, [], (replaced) => {
      // A later file decided this value: forget figures of earlier files beneath it.
      const prefix = pathKey(replaced).slice(0, -1);
      for (const key of [...figures.keys()]) if (key === pathKey(replaced) || key.startsWith(`${prefix},`)) figures.delete(key);
    }) as Defaults['raw'];
    for (const [k, v] of read.figures) figures.set(k, v);
  }
  return { defaults: { raw, figures, files: files.map((f) => f.shown) }, problems };
}
