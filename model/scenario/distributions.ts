// Distributions as a scenario writes them: `{ dist: lognormal, mean: 20s, cv: 1.5 }`, or a bare
// value (`20s`, `12`) for a constant. The parameters take the field's unit (a duration for
// times, a plain number for counts of tokens or steps).

import { z } from 'zod';
import type { DistributionSpec } from '../config.js';
import { duration, LeafError, num, whole } from './leaves.js';
import { tagged } from './tagged.js';
import { parseDuration, UnitError } from '../../lib/index.js';

export type Quantity = 'duration' | 'count';

function quantity(q: Quantity, description: string): z.ZodType<number, unknown> {
  return q === 'duration' ? duration(description) : num(description, { min: 0 });
}

function withCv(kind: 'normal' | 'lognormal' | 'gamma' | 'weibull' | 'hyperexponential', q: Quantity) {
  const cvBound = kind === 'hyperexponential' ? { exclusiveMin: 1 } : kind === 'normal' ? { min: 0 } : { exclusiveMin: 0 };
  return z
    .strictObject({
      dist: z.literal(kind),
      mean: quantity(q, 'mean'),
      cv: num('coefficient of variation: standard deviation ÷ mean', cvBound),
    })
    .transform(({ mean, cv }): DistributionSpec => ({ kind, mean, cv }));
}

function variants(q: Quantity): Record<string, z.ZodType<DistributionSpec, unknown>> {
  return {
    constant: z.strictObject({ dist: z.literal('constant'), value: quantity(q, 'the value') }).transform(({ value }): DistributionSpec => ({ kind: 'constant', value })),
    uniform: z
      .strictObject({ dist: z.literal('uniform'), min: quantity(q, 'lower bound'), max: quantity(q, 'upper bound') })
      .transform(({ min, max }, ctx): DistributionSpec => {
        if (max < min) ctx.issues.push({ code: 'custom', path: ['max'], message: `expected max ≥ min (${min}), found ${max}`, input: max });
        return { kind: 'uniform', min, max };
      }),
    exponential: z.strictObject({ dist: z.literal('exponential'), mean: quantity(q, 'mean') }).transform(({ mean }): DistributionSpec => ({ kind: 'exponential', mean })),
    normal: withCv('normal', q),
    lognormal: withCv('lognormal', q),
    gamma: withCv('gamma', q),
    weibull: withCv('weibull', q),
    hyperexponential: withCv('hyperexponential', q),
    erlang: z
      .strictObject({ dist: z.literal('erlang'), mean: quantity(q, 'mean'), k: whole(1, 'number of phases') })
      .transform(({ mean, k }): DistributionSpec => ({ kind: 'erlang', mean, k })),
    pareto: z
      .strictObject({ dist: z.literal('pareto'), min: quantity(q, 'lower bound (> 0)'), max: quantity(q, 'upper bound'), alpha: num('shape', { exclusiveMin: 0 }) })
      .transform(({ min, max, alpha }, ctx): DistributionSpec => {
        if (!(min > 0)) ctx.issues.push({ code: 'custom', path: ['min'], message: `expected min > 0, found ${min}`, input: min });
        if (!(max > min)) ctx.issues.push({ code: 'custom', path: ['max'], message: `expected max > min (${min}), found ${max}`, input: max });
        return { kind: 'pareto', min, max, alpha };
      }),
    empirical: z
      .strictObject({ dist: z.literal('empirical'), samples: z.array(quantity(q, 'one observed value')).min(1) })
      .transform(({ samples }): DistributionSpec => ({ kind: 'empirical', samples })),
    categorical: z
      .strictObject({
        dist: z.literal('categorical'),
        values: z.array(quantity(q, 'a value')).min(1),
        weights: z.array(num('its weight', { min: 0 })).min(1),
      })
      .transform(({ values, weights }, ctx): DistributionSpec => {
        if (weights.length !== values.length) {
          ctx.issues.push({ code: 'custom', path: ['weights'], message: `expected ${values.length} weights (one per value), found ${weights.length}`, input: weights });
        } else if (!(weights.reduce((a, b) => a + b, 0) > 0)) {
          ctx.issues.push({ code: 'custom', path: ['weights'], message: 'expected weights with a positive sum, found all zero', input: weights });
        }
        return { kind: 'categorical', values, weights };
      }),
  };
}

function bareValue(q: Quantity) {
  return (value: string | number): DistributionSpec => {
    if (q === 'count') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new LeafError('a number ≥ 0 or a mapping with dist: …');
      return { kind: 'constant', value };
    }
    try {
      return { kind: 'constant', value: parseDuration(value) };
    } catch (err) {
      if (err instanceof UnitError) throw new LeafError(`${err.expected}, or a mapping with dist: …`);
      throw err;
    }
  };
}

/** A distribution field whose values are durations or counts. */
export function distributionField(q: Quantity, description: string): z.ZodType<DistributionSpec, unknown> {
  return tagged({
    tag: 'dist',
    variants: variants(q),
    description: `${description}. A single value is a constant; otherwise { dist: lognormal, mean: …, cv: … } and the like.`,
    bare: {
      parse: bareValue(q),
      json: q === 'count' ? { type: 'number', minimum: 0 } : { type: ['string', 'number'], description: 'a constant duration' },
    },
  });
}
