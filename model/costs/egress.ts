// Internet egress priced by cumulative monthly tiers: each GB is charged at the rate of the tier
// it falls in, counting from the first GB of the month.

import type { EgressTiers } from './pricing-schema.js';

export interface TierCharge {
  fromGB: number;
  toGB: number | undefined;
  gb: number;
  price: number;
  usd: number;
}

export function egressCharges(gbPerMonth: number, egress: EgressTiers): TierCharge[] {
  const out: TierCharge[] = [];
  let lower = 0;
  for (const tier of egress.tiers) {
    if (gbPerMonth <= lower) break;
    const upper = tier.upTo ?? Infinity;
    const gb = Math.min(gbPerMonth, upper) - lower;
    out.push({ fromGB: lower, toGB: tier.upTo, gb, price: tier.price, usd: gb * tier.price });
    lower = upper;
  }
  return out;
}
