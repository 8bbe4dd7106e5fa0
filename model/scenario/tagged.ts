// Fields whose shape depends on one key: distributions (`dist: lognormal`) and arrivals
// (`type: poisson`). Parsed by picking the variant named by the key, so errors speak of that
// variant's fields instead of zod's generic "no union member matched".

import { z } from 'zod';
import { describeFound } from './describe.js';
import { LeafError, type JsonFragment } from './leaves.js';
import { problemsFromIssues } from './issues.js';

function variantJson(schema: z.ZodType): JsonFragment {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonFragment;
  delete json.$schema;
  return json;
}

export function tagged<T>(options: {
  tag: string;
  variants: Record<string, z.ZodType<T, unknown>>;
  description: string;
  /** A bare scalar (`20s`) stands for this variant, parsed by this function. */
  bare?: { parse: (value: string | number) => T; json: JsonFragment };
}): z.ZodType<T, unknown> {
  const { tag, variants } = options;
  const names = Object.keys(variants);
  const oneOf = names.map((name) => variantJson(variants[name]!));
  if (options.bare) oneOf.unshift(options.bare.json);
  return z
    .unknown()
    .transform((value, ctx) => {
      if (options.bare && (typeof value === 'string' || typeof value === 'number')) {
        try {
          return options.bare.parse(value);
        } catch (err) {
          if (err instanceof LeafError) {
            ctx.issues.push({ code: 'custom', message: `expected ${err.expected}, found ${describeFound(value)}`, input: value });
            return z.NEVER;
          }
          throw err;
        }
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const bareWords = options.bare ? 'a single value or ' : '';
        ctx.issues.push({
          code: 'custom',
          message: `expected ${bareWords}a mapping with ${tag}: one of ${names.join(', ')}, found ${describeFound(value)}`,
          input: value,
        });
        return z.NEVER;
      }
      const kind = (value as Record<string, unknown>)[tag];
      const variant = typeof kind === 'string' ? variants[kind] : undefined;
      if (!variant) {
        ctx.issues.push({ code: 'custom', path: [tag], message: `expected one of ${names.join(', ')}, found ${describeFound(kind)}`, input: kind });
        return z.NEVER;
      }
      const parsed = variant.safeParse(value);
      if (parsed.success) return parsed.data;
      for (const problem of problemsFromIssues(parsed.error.issues, variant, value)) {
        ctx.issues.push({ code: 'custom', path: problem.path, message: problem.message, input: value, params: { atKey: problem.atKey === true } });
      }
      return z.NEVER;
    })
    .meta({ description: options.description, oneOf }) as unknown as z.ZodType<T, unknown>;
}

