// Leaf fields of a scenario file: quantities written with their units, numbers, names and
// choices. Each parses strictly inside a zod transform, so a bad value is reported at its own
// field path with what was expected and what was found. Each also carries the JSON Schema
// fragment that editors use to complete and check the field.

import { z } from 'zod';
import { parseBandwidth, parseDuration, parseFraction, parseMoney, parseRate, parseSize, UnitError } from '../../lib/index.js';
import { describeFound } from './describe.js';

/** A JSON Schema fragment (draft 2020-12) describing what a field accepts. */
export type JsonFragment = Record<string, unknown>;

export class LeafError extends Error {
  constructor(readonly expected: string) {
    super(expected);
  }
}

/** A field parsed by `parse`; `parse` throws a LeafError (or a UnitError) naming what it expected. */
export function leaf<T>(json: JsonFragment, parse: (value: unknown) => T): z.ZodType<T, unknown> {
  return z
    .unknown()
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (err) {
        if (err instanceof LeafError || err instanceof UnitError) {
          ctx.issues.push({ code: 'custom', message: `expected ${err.expected}, found ${describeFound(value)}`, input: value });
          return z.NEVER;
        }
        throw err;
      }
    })
    .meta(json) as unknown as z.ZodType<T, unknown>;
}

function unitText(value: unknown, expected: string, allowZero: boolean): string | number {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && allowZero && value === 0) return 0;
  throw new LeafError(expected);
}

const DURATION = 'a duration such as 250us, 30ms, 2s, 5m, 8h or 1h30m';
const SIZE = 'a size such as 512 B, 4 KB, 1.5 MB or 24 GiB';
const BANDWIDTH = 'a bandwidth such as 100 Mbit/s, 1 Gbit/s or 12.5 MB/s';
const RATE = 'a rate such as 12/h, 50/min or 3/s';

// Patterns for editors (the parsers in lib/units.ts are the authority).
const NUM = String.raw`\s*(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*`;
export const UNIT_PATTERNS = {
  duration: `^(?:${NUM}(?:ns|us|µs|ms|s|m|min|h|d))+\\s*$`,
  size: `^${NUM}(?:B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\\s*$`,
  bandwidth: `^${NUM}(?:bit/s|[kKMG]bit/s|bps|[kMG]bps|B/s|[kKMG]B/s|[KMG]iB/s)\\s*$`,
  rate: `^${NUM}/\\s*(?:s|sec|m|min|h|d)\\s*$`,
} as const;

function unitField(
  description: string,
  examples: string[],
  parser: (v: string | number) => number,
  expected: string,
  pattern: string,
  allowZero = true,
) {
  const text = { type: 'string', pattern };
  const json = allowZero ? { anyOf: [text, { const: 0 }], description, examples } : { ...text, description, examples };
  return leaf(json, (v) => {
    try {
      return parser(unitText(v, expected, allowZero));
    } catch (err) {
      if (err instanceof UnitError) throw new LeafError(err.expected);
      throw err;
    }
  });
}

/** Seconds, from `250us`, `30ms`, `2s`, `5m`, `8h`, `1h30m` (a bare 0 is allowed). */
export const duration = (description = 'a duration: 250us, 30ms, 2s, 5m, 8h, 1h30m') =>
  unitField(description, ['30ms', '2s', '5m', '8h'], parseDuration, DURATION, UNIT_PATTERNS.duration);
/** Bytes, from `512 B`, `4 KB`, `24 GiB`. */
export const size = (description = 'a size: 512 B, 4 KB, 1.5 MB, 24 GiB') =>
  unitField(description, ['4 KB', '24 GiB'], parseSize, SIZE, UNIT_PATTERNS.size);
/** Bytes per second, from `100 Mbit/s`, `12.5 MB/s`. */
export const bandwidth = (description = 'a bandwidth: 100 Mbit/s, 1 Gbit/s, 12.5 MB/s') =>
  unitField(description, ['100 Mbit/s', '12.5 MB/s'], parseBandwidth, BANDWIDTH, UNIT_PATTERNS.bandwidth, false);
/** Events per second, from `12/h`, `50/min`, `3/s`. */
export const rate = (description = 'a rate: 12/h, 50/min, 3/s') => unitField(description, ['12/h', '3/s'], parseRate, RATE, UNIT_PATTERNS.rate, false);
/** US dollars, from `$16.43`, `0.0225 USD` or a number. */
export const money = (description = 'an amount of money: $16.43, 0.0225 USD') =>
  leaf({ type: ['string', 'number'], description }, (v) => {
    if (typeof v !== 'string' && typeof v !== 'number') throw new LeafError('an amount of money such as $16.43 or 0.0225 USD');
    return parseMoney(v);
  });

/** A fraction 0–1, from `0.25` or `25%`. */
export const fraction = (description = 'a fraction: 0.25 or 25%') =>
  leaf({ type: ['number', 'string'], description, examples: [0.25, '25%'] }, (v) => {
    if (typeof v !== 'string' && typeof v !== 'number') throw new LeafError('a fraction such as 0.25 or 25%');
    return parseFraction(v);
  });

/** Per second, from a plain number (per second) or a rate such as `55/s`: tokens per second. */
export const perSecond = (description: string) =>
  leaf({ type: ['number', 'string'], description, examples: [55, '55/s'] }, (v) => {
    const expected = 'a number per second or a rate such as 55/s';
    if (typeof v === 'number') {
      if (Number.isFinite(v) && v >= 0) return v;
      throw new LeafError(expected);
    }
    if (typeof v !== 'string') throw new LeafError(expected);
    try {
      return parseRate(v);
    } catch {
      throw new LeafError(expected);
    }
  });

/** A whole number ≥ min (a count: agents, machines, replications...). */
export const whole = (min: number, description: string, max?: number) =>
  leaf({ type: 'integer', minimum: min, ...(max === undefined ? {} : { maximum: max }), description }, (v) => {
    const expected = max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || (max !== undefined && v > max)) throw new LeafError(expected);
    return v;
  });

/** A plain number in a range (exclusive bounds written as `>`). */
export const num = (description: string, bounds: { min?: number; exclusiveMin?: number; max?: number } = {}) => {
  const parts: string[] = [];
  if (bounds.min !== undefined) parts.push(`≥ ${bounds.min}`);
  if (bounds.exclusiveMin !== undefined) parts.push(`> ${bounds.exclusiveMin}`);
  if (bounds.max !== undefined) parts.push(`≤ ${bounds.max}`);
  const expected = `a number${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}`;
  const json: JsonFragment = { type: 'number', description };
  if (bounds.min !== undefined) json.minimum = bounds.min;
  if (bounds.exclusiveMin !== undefined) json.exclusiveMinimum = bounds.exclusiveMin;
  if (bounds.max !== undefined) json.maximum = bounds.max;
  return leaf(json, (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new LeafError(expected);
    if (bounds.min !== undefined && v < bounds.min) throw new LeafError(expected);
    if (bounds.exclusiveMin !== undefined && v <= bounds.exclusiveMin) throw new LeafError(expected);
    if (bounds.max !== undefined && v > bounds.max) throw new LeafError(expected);
    return v;
  });
};

/** One of a fixed set of words. */
export function choice<const T extends string>(values: readonly T[], description: string): z.ZodType<T, unknown> {
  return leaf({ type: 'string', enum: [...values], description }, (v) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new LeafError(`one of ${values.join(', ')}`);
    return v as T;
  });
}

export const text = (description: string) =>
  leaf({ type: 'string', minLength: 1, description }, (v) => {
    if (typeof v !== 'string' || v.trim() === '') throw new LeafError('a non-empty text');
    return v;
  });

export const flag = (description: string) =>
  leaf({ type: 'boolean', description }, (v) => {
    if (typeof v !== 'boolean') throw new LeafError('true or false');
    return v;
  });

/** keep_alive: a duration, or `never` (the model stays loaded). */
export const keepAlive = () =>
  leaf({ type: ['string', 'number'], description: 'idle time before a model is unloaded (5m), 0 to unload at once, or never' }, (v) => {
    if (v === 'never') return Infinity;
    const expected = 'a duration such as 5m, 0, or never';
    if (typeof v !== 'string' && v !== 0) throw new LeafError(expected);
    try {
      return parseDuration(v as string | number);
    } catch {
      throw new LeafError(expected);
    }
  });
