// The pricing file format: every figure with its unit, source and date, so a report can say
// where each cost line came from. One file may include others (a Claude token table, say).

import { z } from 'zod';

const Source = {
  source: z.string().min(1, 'say where the figure came from'),
  date: z.string().min(1, 'say when the figure was read (YYYY-MM-DD)'),
};

const price = z.number().nonnegative();

export const RateLine = z.object({ price, unit: z.string().min(1), ...Source }).strict();

export const InstancePrice = z
  .object({
    price,
    unit: z.literal('USD/hour'),
    vcpu: z.number().positive(),
    /** GB (of `bytesPerGB` bytes). */
    memory: z.number().positive(),
    arch: z.enum(['x86', 'arm']),
    gpu: z.object({ model: z.string(), vram: z.number().positive(), count: z.number().int().positive().optional() }).strict().optional(),
    ...Source,
  })
  .strict();

export const TokenPrice = z
  .object({
    input: price,
    output: price,
    cacheWrite: price,
    cacheRead: price,
    unit: z.literal('USD/million-tokens'),
    ...Source,
  })
  .strict();

export const EgressTiers = z
  .object({
    unit: z.literal('USD/GB'),
    tiers: z
      .array(z.object({ upTo: z.number().positive().optional(), price }).strict())
      .min(1)
      .refine((tiers) => tiers.every((t, i) => (i === tiers.length - 1 ? t.upTo === undefined : t.upTo !== undefined)), {
        message: 'every tier but the last needs `upTo` (GB); the last has none',
      })
      .refine((tiers) => tiers.every((t, i) => i === 0 || t.upTo === undefined || t.upTo > (tiers[i - 1]!.upTo ?? 0)), {
        message: 'tier bounds must increase',
      }),
    ...Source,
  })
  .strict();

export const AlbLcu = z
  .object({
    newConnectionsPerSecond: z.number().positive(),
    activeConnectionsPerMinute: z.number().positive(),
    processedGBPerHour: z.number().positive(),
    ruleEvaluationsPerSecond: z.number().positive(),
    freeRules: z.number().int().nonnegative(),
    availabilityZones: z.number().int().positive(),
    ...Source,
  })
  .strict();

export const PricingDefaults = z
  .object({
    ebsGBPerInstance: z.number().nonnegative().default(30),
    privateSubnets: z.boolean().default(false),
    route53Alias: z.boolean().default(false),
  })
  .strict();

/** One pricing file as written. Sections are optional so a file can hold only a token table. */
export const PricingFile = z
  .object({
    name: z.string().min(1),
    currency: z.literal('USD'),
    hoursPerMonth: z.number().positive().optional(),
    bytesPerGB: z.number().positive().optional(),
    include: z.array(z.string()).optional(),
    rates: z.record(z.string(), RateLine).optional(),
    instances: z.record(z.string(), InstancePrice).optional(),
    egress: EgressTiers.optional(),
    alb: AlbLcu.optional(),
    tokens: z.record(z.string(), TokenPrice).optional(),
    defaults: PricingDefaults.partial().optional(),
  })
  .strict();
export type PricingFile = z.infer<typeof PricingFile>;

export type RateLine = z.infer<typeof RateLine>;
export type InstancePrice = z.infer<typeof InstancePrice>;
export type TokenPrice = z.infer<typeof TokenPrice>;
export type EgressTiers = z.infer<typeof EgressTiers>;
export type AlbLcu = z.infer<typeof AlbLcu>;

/** Rates the cost model reads, with the unit each must be written in. */
export const REQUIRED_RATES = {
  'alb.hour': 'USD/hour',
  'alb.lcu': 'USD/LCU-hour',
  'ipv4.hour': 'USD/hour',
  'nat.hour': 'USD/hour',
  'nat.gb': 'USD/GB',
  'route53.zone': 'USD/month',
  'route53.queries': 'USD/million-queries',
  'ebs.gp3': 'USD/GB-month',
  'fargate.x86.vcpu': 'USD/vCPU-hour',
  'fargate.x86.memory': 'USD/GB-hour',
  'fargate.arm.vcpu': 'USD/vCPU-hour',
  'fargate.arm.memory': 'USD/GB-hour',
  'tailscale.seat': 'USD/user-month',
} as const;
export type RateKey = keyof typeof REQUIRED_RATES;

/** A pricing set after includes are merged and every required part checked. */
export interface Pricing {
  name: string;
  /** Files read, the named one first. */
  files: string[];
  currency: 'USD';
  hoursPerMonth: number;
  bytesPerGB: number;
  rates: Record<RateKey, RateLine> & Record<string, RateLine>;
  instances: Record<string, InstancePrice>;
  egress: EgressTiers;
  alb: AlbLcu;
  tokens: Record<string, TokenPrice>;
  defaults: z.infer<typeof PricingDefaults>;
}
