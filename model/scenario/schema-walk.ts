// Walking a zod schema along a field path: which keys an object allows (for did-you-mean) and
// whether a sweep path names a real field. Relies on zod 4's `_zod.def` shapes.

import type { z } from 'zod';
import type { PathSegment } from './describe.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  items?: z.ZodType[];
}

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Unwraps optional, nullable and default wrappers. */
function bare(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const d = def(s);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default') && d.innerType) s = d.innerType;
    // A structure followed by a transform (tiers, distribution variants): walk the structure.
    else if (d.type === 'pipe' && d.in && def(d.in).type !== 'unknown') s = d.in;
    else return s;
  }
}

export type WalkResult =
  | { kind: 'field'; schema: z.ZodType }
  /** The path reaches a leaf that parses its own structure (a distribution, an arrival); the rest is checked by parsing. */
  | { kind: 'inside-leaf'; schema: z.ZodType; rest: PathSegment[] }
  | { kind: 'missing'; at: PathSegment[]; allowed: string[] };

export function walk(schema: z.ZodType, path: readonly PathSegment[]): WalkResult {
  let s = bare(schema);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const d = def(s);
    if (d.type === 'object' && d.shape) {
      const next = typeof segment === 'string' ? d.shape[segment] : undefined;
      if (!next) return { kind: 'missing', at: path.slice(0, i + 1), allowed: Object.keys(d.shape) };
      s = bare(next);
    } else if (d.type === 'array' && d.element) {
      if (typeof segment !== 'number') return { kind: 'missing', at: path.slice(0, i + 1), allowed: [] };
      s = bare(d.element);
    } else if (d.type === 'tuple' && d.items) {
      const next = typeof segment === 'number' ? d.items[segment] : undefined;
      if (!next) return { kind: 'missing', at: path.slice(0, i + 1), allowed: [] };
      s = bare(next);
    } else if (d.type === 'record' && d.valueType) {
      s = bare(d.valueType);
    } else if (d.type === 'pipe') {
      return { kind: 'inside-leaf', schema: s, rest: path.slice(i) };
    } else {
      return { kind: 'missing', at: path.slice(0, i + 1), allowed: [] };
    }
  }
  return { kind: 'field', schema: s };
}

/** The keys the object at `path` allows, or [] when unknown. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const found = walk(schema, path);
  if (found.kind !== 'field') return [];
  const d = def(found.schema);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}
