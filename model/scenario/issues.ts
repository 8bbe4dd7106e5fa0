// Turning zod issues into the wording a scenario author reads: "expected …, found …".

import type { z } from 'zod';
import { describeFound, unknownFieldMessage, type PathSegment } from './describe.js';
import { allowedKeysAt } from './schema-walk.js';

/** One problem at one field path; `keyOf` marks a problem with a key itself (an unknown field). */
export interface FieldProblem {
  path: PathSegment[];
  message: string;
  /** True when the problem is the key at `path` (point at the key, not its value). */
  atKey?: boolean;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping of fields',
  array: 'a list',
  string: 'a text',
  number: 'a number',
  boolean: 'true or false',
};

/** One FieldProblem per issue (one per key for unknown fields). */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input: unknown): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const found = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(schema, path);
        for (const key of issue.keys) out.push({ path: [...path, key], message: unknownFieldMessage(key, allowed), atKey: true });
        break;
      }
      case 'invalid_type':
        out.push({ path, message: `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, found ${describeFound(found)}` });
        break;
      case 'too_small':
        out.push({
          path,
          message: Array.isArray(found)
            ? `expected at least ${String(issue.minimum)} item(s), found ${describeFound(found)}`
            : `expected at least ${String(issue.minimum)}, found ${describeFound(found)}`,
        });
        break;
      case 'too_big':
        out.push({
          path,
          message: Array.isArray(found)
            ? `expected at most ${String(issue.maximum)} item(s), found ${describeFound(found)}`
            : `expected at most ${String(issue.maximum)}, found ${describeFound(found)}`,
        });
        break;
      default: {
        const params = (issue as { params?: { atKey?: boolean } }).params;
        out.push({ path, message: issue.message, ...(params?.atKey ? { atKey: true } : {}) });
      }
    }
  }
  return out;
}
