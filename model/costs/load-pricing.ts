// Reads a pricing file and the files it includes, merges them (later files add to or override
// earlier lines by key) and checks that every figure the cost model needs is there, in its unit.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EXIT, UserError } from '../../lib/index.js';
import {
  PricingDefaults,
  PricingFile,
  REQUIRED_RATES,
  type Pricing,
  type RateKey,
  type RateLine,
} from './pricing-schema.js';

const MAX_INCLUDE_DEPTH = 8;

/** Loads and validates a pricing file; errors name the file and the field. */
export function loadPricing(file: string): Pricing {
  const parts: { file: string; data: PricingFile }[] = [];
  readInto(path.resolve(file), parts, [], 0);
  return mergePricing(parts);
}

/** Parses one file's text (exported for tests that need no disk). */
export function parsePricingText(text: string, file: string): PricingFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UserError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = PricingFile.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new UserError(`${file}: not a valid pricing file`, EXIT.usage, details);
  }
  return parsed.data;
}

function readInto(file: string, parts: { file: string; data: PricingFile }[], stack: string[], depth: number): void {
  if (stack.includes(file)) throw new UserError(`${file}: includes itself (${[...stack, file].join(' → ')})`);
  if (depth > MAX_INCLUDE_DEPTH) throw new UserError(`${file}: includes nest deeper than ${MAX_INCLUDE_DEPTH}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const where = stack.length ? ` (included from ${stack[stack.length - 1]})` : '';
    throw new UserError(`${file}: cannot read pricing file${where} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const data = parsePricingText(text, file);
  // Included files come first so the including file's own lines win.
  for (const inc of data.include ?? []) readInto(path.resolve(path.dirname(file), inc), parts, [...stack, file], depth + 1);
  parts.push({ file, data });
}

export function mergePricing(parts: { file: string; data: PricingFile }[]): Pricing {
  const main = parts[parts.length - 1]!;
  const merged = {
    rates: {} as Record<string, RateLine>,
    instances: {} as NonNullable<PricingFile['instances']>,
    tokens: {} as NonNullable<PricingFile['tokens']>,
    egress: undefined as PricingFile['egress'],
    alb: undefined as PricingFile['alb'],
    hoursPerMonth: undefined as number | undefined,
    bytesPerGB: undefined as number | undefined,
    defaults: {} as NonNullable<PricingFile['defaults']>,
  };
  for (const { data } of parts) {
    Object.assign(merged.rates, data.rates ?? {});
    Object.assign(merged.instances, data.instances ?? {});
    Object.assign(merged.tokens, data.tokens ?? {});
    Object.assign(merged.defaults, data.defaults ?? {});
    merged.egress = data.egress ?? merged.egress;
    merged.alb = data.alb ?? merged.alb;
    merged.hoursPerMonth = data.hoursPerMonth ?? merged.hoursPerMonth;
    merged.bytesPerGB = data.bytesPerGB ?? merged.bytesPerGB;
  }
  const problems: string[] = [];
  const where = main.file;
  for (const [key, unit] of Object.entries(REQUIRED_RATES)) {
    const line = merged.rates[key];
    if (!line) problems.push(`${where}: rates.${key}: missing (a price in ${unit})`);
    else if (line.unit !== unit) problems.push(`${where}: rates.${key}.unit: expected ${unit}, found ${line.unit}`);
  }
  if (!merged.egress) problems.push(`${where}: egress: missing (tiers of internet egress in USD/GB)`);
  if (!merged.alb) problems.push(`${where}: alb: missing (what one LCU includes)`);
  if (Object.keys(merged.instances).length === 0) problems.push(`${where}: instances: none listed`);
  if (problems.length) throw new UserError(`${where}: pricing is incomplete`, EXIT.usage, problems);
  return {
    name: main.data.name,
    files: [main.file, ...parts.slice(0, -1).map((p) => p.file)],
    currency: 'USD',
    hoursPerMonth: merged.hoursPerMonth ?? 730,
    bytesPerGB: merged.bytesPerGB ?? 2 ** 30,
    rates: merged.rates as Pricing['rates'],
    instances: merged.instances,
    egress: merged.egress!,
    alb: merged.alb!,
    tokens: merged.tokens,
    defaults: PricingDefaults.parse(merged.defaults),
  };
}

export function rate(pricing: Pricing, key: RateKey): { price: number; source: string } {
  const line = pricing.rates[key];
  return { price: line.price, source: `${line.source}, ${line.date}` };
}
