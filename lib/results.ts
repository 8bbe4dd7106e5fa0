// The results document: what `agentscale run` (kind "simulated") and `agentscale loadgen`
// (kind "measured") both write, and what `agentscale report` and `agentscale merge` read.
// A report puts prediction and measurement side by side without knowing who produced which,
// so both sides name their metrics the same way (see METRIC_NAMES).

import { z } from 'zod';

export const RESULTS_SCHEMA = 'agentscale/results';
export const RESULTS_VERSION = 1;

/** A statistic over replications (simulated) or over one run (measured). */
export const Estimate = z
  .object({
    /** Point estimate: the mean over replications, or the measured value. */
    value: z.number(),
    /** Half-width of the confidence interval (Student-t over replications); absent when measured once. */
    halfWidth: z.number().nonnegative().optional(),
    /** Confidence level of halfWidth, e.g. 0.95. */
    confidence: z.number().min(0).max(1).optional(),
    /** Number of replications (or samples) behind the value. */
    n: z.number().int().nonnegative().optional(),
    /** Unit of value: 's', 'B', 'B/s', '1/s', '1/h', 'fraction', 'count', 'USD', 'tokens/min'... */
    unit: z.string(),
  })
  .strict();
export type Estimate = z.infer<typeof Estimate>;

/** A lossless, mergeable latency histogram (HDR, compressed base64; values in microseconds). */
export const EncodedHistogram = z
  .object({
    encoding: z.literal('hdr-base64'),
    unit: z.literal('us'),
    data: z.string(),
    count: z.number().int().nonnegative(),
  })
  .strict();
export type EncodedHistogram = z.infer<typeof EncodedHistogram>;

export const ResourceResult = z
  .object({
    /** Stable identifier, e.g. 'hub.cpu', 'hub.store', 'uplink', 'machine[gpu-box#0].cpu', 'ollama[gpu-box#0]', 'claude.rpm'. */
    name: z.string(),
    /** What kind of thing it is, for grouping in reports. */
    kind: z.enum(['cpu', 'disk', 'link', 'gpu', 'memory', 'rate-limit', 'connections', 'other']),
    utilization: Estimate,
    /** Mean wait before service, seconds, where the resource queues. */
    queueWait: Estimate.optional(),
    /** Mean number waiting. */
    queueLength: Estimate.optional(),
    /** Capacity in the unit the resource is measured in (cores, B/s, requests/min...). */
    capacity: z.number().optional(),
    capacityUnit: z.string().optional(),
  })
  .strict();
export type ResourceResult = z.infer<typeof ResourceResult>;

/**
 * The quantities the cost model needs, as rates per hour of the simulated (or measured) period,
 * so a month is rate × 730. Every field is optional: a measured document has fewer.
 */
export const Usage = z
  .object({
    agents: z.number().optional(),
    machines: z.number().optional(),
    gpuMachines: z.number().optional(),
    tasksPerHour: z.number().optional(),
    /** Mean concurrent connections and new connections per second through each hop. */
    connections: z
      .record(z.string(), z.object({ open: z.number(), newPerSecond: z.number() }).strict())
      .optional(),
    /** Bytes per hour through each hop: 'loadBalancer', 'internetEgress', 'internetIngress', 'uplink', 'mesh', 'sshRelay'... */
    bytesPerHour: z.record(z.string(), z.number()).optional(),
    /** Requests per second through the load balancer (each evaluates its listener rules). */
    loadBalancerRequestsPerSecond: z.number().optional(),
    /** Claude tokens per hour by model and kind. */
    tokensPerHour: z
      .record(
        z.string(),
        z.object({ input: z.number(), output: z.number(), cacheWrite: z.number(), cacheRead: z.number() }).strict(),
      )
      .optional(),
    claudeRequestsPerHour: z.number().optional(),
    ollamaRequestsPerHour: z.number().optional(),
  })
  .strict();
export type Usage = z.infer<typeof Usage>;

export const CostLine = z
  .object({
    item: z.string(),
    kind: z.enum(['fixed', 'usage']),
    quantity: z.number(),
    unit: z.string(),
    unitPrice: z.number(),
    monthlyUsd: z.number(),
    source: z.string().optional(),
  })
  .strict();
export type CostLine = z.infer<typeof CostLine>;

export const PointResult = z
  .object({
    /** Stable id of the point, e.g. 'machines=4,agentsPerMachine=8' or 'level-3'. */
    id: z.string(),
    /** The sweep coordinates or load-level parameters of this point. */
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
    /** Replications (simulated) or 1 (measured). */
    replications: z.number().int().positive(),
    /** Named metrics; see METRIC_NAMES for the shared vocabulary. */
    metrics: z.record(z.string(), Estimate),
    /** Mergeable histograms by metric name (measured documents; optional in simulated ones). */
    histograms: z.record(z.string(), EncodedHistogram).optional(),
    resources: z.array(ResourceResult).optional(),
    /** Resources ordered by utilisation, highest first: the first is the bottleneck. */
    bottlenecks: z.array(z.object({ resource: z.string(), utilization: z.number() }).strict()).optional(),
    usage: Usage.optional(),
    /** Cost by deployment kind, each a list of lines (filled in by the cost model). */
    costs: z.record(z.string(), z.array(CostLine)).optional(),
    /** Free-form warnings about this point (over-committed RAM, untrustworthy generator...). */
    warnings: z.array(z.string()).optional(),
  })
  .strict();
export type PointResult = z.infer<typeof PointResult>;

export const Assumption = z
  .object({
    name: z.string(),
    value: z.union([z.string(), z.number(), z.boolean()]),
    unit: z.string().optional(),
    source: z.string(),
  })
  .strict();
export type Assumption = z.infer<typeof Assumption>;

export const MachineInfo = z
  .object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    memoryBytes: z.number(),
    node: z.string(),
  })
  .strict();
export type MachineInfo = z.infer<typeof MachineInfo>;

export const ResultsDocument = z
  .object({
    schema: z.literal(RESULTS_SCHEMA),
    version: z.literal(RESULTS_VERSION),
    kind: z.enum(['simulated', 'measured']),
    tool: z.object({ name: z.literal('agentscale'), version: z.string() }).strict(),
    createdAt: z.string(),
    machine: MachineInfo,
    /** What was run: the scenario (simulated, validate) or the load profile (measured). */
    source: z
      .object({
        name: z.string(),
        file: z.string().optional(),
        /** sha256 of the canonical (resolved) input, so two documents can be matched. */
        hash: z.string(),
        seed: z.number().optional(),
      })
      .strict(),
    points: z.array(PointResult),
    assumptions: z.array(Assumption).optional(),
    /** True when the producer could not keep its own schedule (load generator fell behind). */
    untrustworthy: z.boolean().optional(),
    notes: z.array(z.string()).optional(),
  })
  .strict();
export type ResultsDocument = z.infer<typeof ResultsDocument>;

/**
 * The shared metric vocabulary. Simulated and measured documents use these names so a report
 * can pair them. Latencies are in seconds, rates per second unless the name says otherwise.
 */
export const METRIC_NAMES = {
  throughputTasks: 'throughput.tasks', // tasks completed per second
  throughputMessages: 'throughput.messages', // messages (frames) per second
  taskLatency: 'latency.task', // submit → complete, mean; with .p50 .p95 .p99 suffixes
  taskAssign: 'latency.assign', // submit → assigned
  terminalRtt: 'latency.rtt', // keystroke → echo seen by the sender
  fanout: 'latency.fanout', // output written → delivered to a watcher
  connect: 'latency.connect',
  snapshot: 'latency.snapshot',
  errors: 'errors.rate', // fraction of operations that failed
  http429: 'claude.429', // per second
  http529: 'claude.529',
  ollama503: 'ollama.503',
} as const;

/** Percentile suffixes a latency metric may carry: 'latency.task.p95'. */
export const PERCENTILES = [50, 90, 95, 99, 99.9, 99.99] as const;
export function percentileKey(metric: string, p: number): string {
  return `${metric}.p${String(p).replace('.', '_')}`;
}
