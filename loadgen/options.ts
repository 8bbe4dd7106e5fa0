// The options of a load run: one zod schema for what a person writes (flags or a profile file,
// quantities with their units) and the resolved form in SI units that the generator runs on.

import { z } from 'zod';
import { EXIT, UserError, UnitError, parseDuration, parseRate, parseSize } from '../lib/index.js';
import { distribution, type DistributionSpec } from '../sim/index.js';
import type { Arrival, Stage } from './timeline.js';

export const PROTOCOLS = ['maestro', 'agentcom', 'echo', 'http'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Default cap on open sockets per run (all processes together). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

const quantity = z.union([z.string(), z.number()]);

/** What flags and profile files say, before units are parsed. Keys are the long flag names in camelCase. */
export const RawOptions = z
  .object({
    url: z.string().min(1),
    protocol: z.enum(PROTOCOLS),
    mode: z.enum(['open', 'closed']).optional(),
    duration: quantity.optional(),
    messages: z.number().int().positive().optional(),
    connections: z.number().int().positive().optional(),
    connectRate: quantity.optional(),
    rate: quantity.optional(),
    arrival: z.enum(['constant', 'poisson']).optional(),
    stages: z
      .array(
        z
          .object({ duration: quantity, connections: z.number().int().nonnegative().optional(), rate: quantity.optional() })
          .strict(),
      )
      .min(1)
      .optional(),
    watchers: z.number().int().nonnegative().optional(),
    size: quantity.optional(),
    timeout: quantity.optional(),
    connectTimeout: quantity.optional(),
    maxConnections: z.number().int().positive().optional(),
    maxBacklog: z.number().int().positive().optional(),
    maxInflight: z.number().int().positive().optional(),
    maxLag: quantity.optional(),
    spin: quantity.optional(),
    workers: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
    threshold: z.union([z.string(), z.array(z.string())]).optional(),
    token: z.string().optional(),
    serviceTime: z.union([quantity, z.looseObject({ kind: z.string() })]).optional(),
    progressInterval: quantity.optional(),
    inputSuffix: z.string().optional(),
    think: quantity.optional(),
    findMax: z.boolean().optional(),
    limit: z.union([z.string(), z.array(z.string())]).optional(),
    step: z.number().int().positive().optional(),
    stepDuration: quantity.optional(),
    maxSteps: z.number().int().positive().optional(),
    insecure: z.boolean().optional(),
    name: z.string().optional(),
  })
  .strict();
export type RawOptions = z.infer<typeof RawOptions>;

export interface FindMaxOptions {
  limits: string[];
  /** Connections (echo, maestro) or rate (http, agentcom, per second) added at each step. */
  step: number;
  /** Seconds each step runs. */
  stepDuration: number;
  maxSteps: number;
}

export interface LoadOptions {
  url: string;
  protocol: Protocol;
  mode: 'open' | 'closed';
  /** Seconds of load (from the stages when given). */
  duration: number;
  /** Cap on operations (messages, requests, tasks) over the run; undefined when only the duration bounds it. */
  messages?: number;
  /** Connections (echo), sessions (maestro), sidecars (agentcom) or sockets (http). */
  connections: number;
  /** New connections per second; Infinity opens them all at once. */
  connectRate: number;
  /** Messages per second per connection (echo, maestro); requests or tasks per second in all (http, agentcom). */
  rate: number;
  arrival: Arrival;
  stages?: Stage[];
  /** Extra watcher connections per maestro session (fan-out). */
  watchers: number;
  /** Bytes per echo message or HTTP request body. */
  size: number;
  /** Seconds an operation may wait for its answer before it counts as a timeout. */
  timeout: number;
  connectTimeout: number;
  maxConnections: number;
  /** Overdue sends a connection may send at once when it falls behind; the rest are dropped. */
  maxBacklog: number;
  /** Unanswered messages a connection may have; further sends wait (and are timed from their intended time). */
  maxInflight: number;
  /** The run is untrustworthy when the p99 send lag exceeds this (seconds). */
  maxLag: number;
  /** How close to a send (seconds) the scheduler stops sleeping on a timer and turns the event loop. */
  spin: number;
  workers: number;
  seed: number;
  thresholds: string[];
  token?: string;
  /** agentcom: a sidecar's time per task (seconds), any distribution of the simulation kernel. */
  serviceTime: DistributionSpec;
  /** Seconds between a sidecar's task_progress frames. */
  progressInterval: number;
  inputSuffix: string;
  /** Closed mode: pause between an answer and the next send, seconds. */
  think: number;
  findMax?: FindMaxOptions;
  insecure: boolean;
  name: string;
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** `2s` (constant), `exp:2s`, `uniform:1s-3s`, `lognormal:2s:1.5` (mean, cv). */
export function parseServiceTime(input: string | number): DistributionSpec {
  const text = String(input).trim();
  const [kind, ...rest] = text.includes(':') ? text.split(':') : ['constant', text];
  const arg = rest.join(':');
  switch (kind) {
    case 'constant':
    case 'const':
      return { kind: 'constant', value: parseDuration(arg) };
    case 'exp':
    case 'exponential':
      return { kind: 'exponential', mean: parseDuration(arg) };
    case 'uniform': {
      const [a, b] = arg.split('-');
      if (!a || !b) throw new UnitError(text, 'uniform:MIN-MAX such as uniform:1s-3s');
      return { kind: 'uniform', min: parseDuration(a), max: parseDuration(b) };
    }
    case 'lognormal': {
      const [mean, cv] = arg.split(':');
      const c = Number(cv);
      if (!mean || !(c > 0)) throw new UnitError(text, 'lognormal:MEAN:CV such as lognormal:2s:1.5');
      return { kind: 'lognormal', mean: parseDuration(mean), cv: c };
    }
    default:
      throw new UnitError(text, 'a service time such as 2s, exp:2s, uniform:1s-3s or lognormal:2s:1.5');
  }
}

/** `20/s`, `300/min`, or a bare number meaning per second. */
/** A service time as text (see parseServiceTime) or a distribution spec from a profile, checked by the kernel. */
function serviceTimeOf(v: string | number | { kind: string }): DistributionSpec {
  const spec = typeof v === 'object' ? (v as unknown as DistributionSpec) : parseServiceTime(v);
  try {
    distribution(spec);
  } catch (err) {
    throw new UnitError(JSON.stringify(v), `a valid distribution (${(err as Error).message})`);
  }
  return spec;
}

function rateOf(v: string | number): number {
  if (typeof v === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return parseRate(v);
}

/** The field names as flags spell them, for error messages. */
export function flagName(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Validates raw options (flags merged over a profile) and resolves units; errors name the field. */
export function resolveOptions(input: unknown, where = 'options'): LoadOptions {
  const parsed = RawOptions.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => {
      const path = i.path.map(String);
      const field = path.length > 0 ? `${flagName(path[0]!)}${path.slice(1).map((p) => `.${p}`).join('')}` : '(options)';
      return `${field}: ${i.message}`;
    });
    throw new UserError(`${where}: invalid load options`, EXIT.usage, details);
  }
  const raw = parsed.data;
  const field = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof UnitError) throw new UserError(`${where}: ${flagName(name)}: ${err.message}`);
      throw err;
    }
  };
  const protocol = raw.protocol;
  const mode = raw.mode ?? 'open';
  if (mode === 'closed' && protocol === 'agentcom') throw new UserError(`${where}: --mode closed is not available for agentcom (tasks arrive at a rate)`);
  let url: URL;
  try {
    url = new URL(raw.url);
  } catch {
    throw new UserError(`${where}: url: not a URL: ${JSON.stringify(raw.url)}`);
  }
  const wsProtocols = ['ws:', 'wss:'];
  const httpProtocols = ['http:', 'https:'];
  const expected = protocol === 'http' || protocol === 'agentcom' ? httpProtocols : wsProtocols;
  if (!expected.includes(url.protocol) && !(protocol === 'agentcom' && wsProtocols.includes(url.protocol)))
    throw new UserError(`${where}: url: ${protocol} needs a ${expected.map((p) => p.replace(':', '://')).join(' or ')} URL, got ${raw.url}`);

  const stages = raw.stages?.map((s, i) =>
    field(`stages.${i}`, () => ({
      duration: parseDuration(s.duration),
      connections: s.connections,
      rate: s.rate === undefined ? undefined : rateOf(s.rate),
    })),
  );
  const stagesDuration = stages?.reduce((a, s) => a + s.duration, 0);
  const duration = stagesDuration ?? (raw.duration === undefined ? undefined : field('duration', () => parseDuration(raw.duration!)));
  if (raw.findMax === undefined || !raw.findMax) {
    if ((duration === undefined || duration <= 0) && raw.messages === undefined)
      throw new UserError(`${where}: every run is bounded: give --duration (e.g. 30s), --messages N, or stages`);
  }
  const connections = raw.connections ?? (protocol === 'http' ? 10 : 1);
  const watchers = raw.watchers ?? 0;
  if (watchers > 0 && protocol !== 'maestro') throw new UserError(`${where}: --watchers applies to the maestro protocol only`);
  const maxConnections = raw.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const peakConnections = Math.max(connections, ...(stages ?? []).map((s) => s.connections ?? 0));
  const sockets = peakConnections * (1 + watchers);
  if (sockets > maxConnections)
    throw new UserError(`${where}: ${sockets} connections exceed --max-connections ${maxConnections}; raise the cap if you mean it`);
  const workers = raw.workers ?? 1;
  if (workers > 1 && protocol === 'agentcom')
    throw new UserError(`${where}: --workers applies to echo, maestro and http; one process drives the agentcom sidecars`);
  if (workers > peakConnections && protocol !== 'http')
    throw new UserError(`${where}: --workers ${workers} is more than the ${peakConnections} connections to share out`);
  const limits = toList(raw.limit);
  let findMax: FindMaxOptions | undefined;
  if (raw.findMax) {
    if (limits.length === 0) throw new UserError(`${where}: --find-max needs at least one --limit, e.g. --limit 'rtt.p95<100ms'`);
    if (stages) throw new UserError(`${where}: --find-max sets the load itself; leave out stages`);
    const stepDuration = field('stepDuration', () =>
      raw.stepDuration !== undefined ? parseDuration(raw.stepDuration) : (duration ?? 10),
    );
    if (!(stepDuration > 0)) throw new UserError(`${where}: --find-max needs --step-duration (or --duration) above zero`);
    const defaultStep = protocol === 'http' || protocol === 'agentcom' ? field('rate', () => rateOf(raw.rate ?? '10/s')) : connections;
    findMax = { limits, step: raw.step ?? defaultStep, stepDuration, maxSteps: raw.maxSteps ?? 20 };
  } else if (limits.length > 0) throw new UserError(`${where}: --limit is used with --find-max`);

  const options: LoadOptions = {
    url: raw.url,
    protocol,
    mode,
    duration: duration ?? Infinity,
    messages: raw.messages,
    connections,
    connectRate: field('connectRate', () => (raw.connectRate === undefined ? 100 : raw.connectRate === 'all' ? Infinity : rateOf(raw.connectRate))),
    rate: field('rate', () => rateOf(raw.rate ?? (protocol === 'http' || protocol === 'agentcom' ? '10/s' : '1/s'))),
    arrival: raw.arrival ?? 'constant',
    stages,
    watchers,
    size: field('size', () => (raw.size === undefined ? 64 : typeof raw.size === 'number' ? raw.size : parseSize(raw.size))),
    timeout: field('timeout', () => parseDuration(raw.timeout ?? '10s')),
    connectTimeout: field('connectTimeout', () => parseDuration(raw.connectTimeout ?? '10s')),
    maxConnections,
    maxBacklog: raw.maxBacklog ?? 1000,
    maxInflight: raw.maxInflight ?? Infinity,
    maxLag: field('maxLag', () => parseDuration(raw.maxLag ?? '5ms')),
    spin: field('spin', () => parseDuration(raw.spin ?? '1.5ms')),
    workers,
    seed: raw.seed ?? 1,
    thresholds: toList(raw.threshold),
    token: raw.token,
    serviceTime: field('serviceTime', () => serviceTimeOf(raw.serviceTime ?? 'exp:1s')),
    progressInterval: field('progressInterval', () => parseDuration(raw.progressInterval ?? '1s')),
    inputSuffix: raw.inputSuffix ?? '\r',
    think: field('think', () => parseDuration(raw.think ?? 0)),
    findMax,
    insecure: raw.insecure ?? false,
    name: raw.name ?? `${protocol} ${raw.url}`,
  };
  if (options.timeout <= 0) throw new UserError(`${where}: --timeout must be above zero`);
  if (options.progressInterval <= 0) throw new UserError(`${where}: --progress-interval must be above zero`);
  if (protocol === 'agentcom' && !options.token)
    throw new UserError(`${where}: agentcom needs --token (a hub token allowed to POST /admin/tokens and /api/tasks)`);
  return options;
}
