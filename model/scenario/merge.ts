// Merging a scenario over its defaults. Mappings merge field by field; a few values replace
// the default whole, because mixing their fields with the default's would make nonsense:
// lists (the fleet, a decode curve), distributions (`dist:`), arrivals (`type:`) and tiers.

import type { PathSegment } from './describe.js';

export type Raw = unknown;
export type RawMap = Record<string, unknown>;

export function isMap(value: unknown): value is RawMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether a value written in a scenario replaces the default whole. */
export function isAtomic(key: PathSegment | undefined, value: unknown): boolean {
  if (!isMap(value)) return true;
  return 'dist' in value || 'type' in value || key === 'tiers';
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** `over` merged onto `base` (neither is modified). `onReplace` hears every path `over` decided. */
export function mergeRaw(base: unknown, over: unknown, path: PathSegment[] = [], onReplace?: (path: PathSegment[]) => void): unknown {
  // Merge sharing the inputs' subtrees, then copy once, so the result owns all of itself.
  return clone(mergeShared(base, over, path, onReplace));
}

function mergeShared(base: unknown, over: unknown, path: PathSegment[], onReplace?: (path: PathSegment[]) => void): unknown {
  if (over === undefined) return base;
  const key = path[path.length - 1];
  if (!isMap(base) || isAtomic(key, over)) {
    onReplace?.(path);
    return over;
  }
  const out: RawMap = { ...base };
  for (const [k, v] of Object.entries(over as RawMap)) out[k] = mergeShared(base[k], v, [...path, k], onReplace);
  return out;
}

export function getIn(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * Whether the scenario as written decides the value at `path`: it writes that field, or it
 * writes an enclosing value that replaces the default whole.
 */
export function covers(written: unknown, path: readonly PathSegment[]): boolean {
  let node = written;
  for (let i = 0; i < path.length; i++) {
    if (node === undefined) return false;
    if (i > 0 && isAtomic(path[i - 1], node)) return true;
    if (i === 0 && !isMap(node)) return false;
    node = (node as Record<string | number, unknown>)[path[i]!];
  }
  return node !== undefined;
}

/**
 * Sets `value` at `path` in `root` (modified), creating mappings on the way; where a container
 * is missing but `fill` has one that replaces whole (a list, a distribution), a copy of `fill`'s
 * is used so the rest of it stays as it was.
 */
export function setIn(root: RawMap, path: readonly PathSegment[], value: unknown, fill: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    let next = node[segment];
    if (next === null || typeof next !== 'object') {
      const filler = getIn(fill, path.slice(0, i + 1));
      next = filler !== undefined && isAtomic(segment, filler) && typeof filler === 'object' ? clone(filler) : typeof path[i + 1] === 'number' ? [] : {};
      node[segment] = next;
    }
    node = next as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
