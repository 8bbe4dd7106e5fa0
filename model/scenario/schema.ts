// The scenario file's schema. One definition serves three uses:
//  - 'partial': a scenario file or a data file as written (every field may be left out, since the
//    data files in scenarios/data/ supply defaults); this is also what scenarios/schema.json holds;
//  - 'complete': the scenario after defaults are merged in (every field required), whose parsed
//    output is the resolved ScenarioConfig (SI units) minus `sources`.
// Field names follow ScenarioConfig (model/config.ts) one for one.

import { z } from 'zod';
import { formatDuration } from '../../lib/index.js';
import type { ArrivalConfig } from '../config.js';
import { distributionField } from './distributions.js';
import { bandwidth, choice, duration, flag, fraction, keepAlive, num, perSecond, rate, size, text, whole } from './leaves.js';
import { tagged } from './tagged.js';
import { validationSchema } from './validation-schema.js';

export type SchemaMode = 'partial' | 'complete';

function maker(mode: SchemaMode) {
  // In 'partial' mode every field may be left out; optional-by-nature fields are optional in both.
  return <T extends z.ZodType>(schema: T) => (mode === 'partial' ? schema.optional() : schema) as T;
}

function arrival(): z.ZodType<ArrivalConfig, unknown> {
  return tagged<ArrivalConfig>({
    tag: 'type',
    description: 'how tasks arrive: open Poisson arrivals, a daily profile, a recorded trace, or a closed loop per agent',
    variants: {
      poisson: z.strictObject({ type: z.literal('poisson'), rate: rate('tasks per unit time for the whole fleet: 12/h') }).transform(({ rate }) => ({ type: 'poisson' as const, rate })),
      profile: z
        .strictObject({
          type: z.literal('profile'),
          points: z.array(z.strictObject({ at: duration('time after midnight: 9h, 13h30m'), rate: rate('fleet arrival rate from then on') })).min(1),
        })
        .transform(({ points }, ctx) => {
          points.forEach((p, i) => {
            if (p.at >= 86400) ctx.issues.push({ code: 'custom', path: ['points', i, 'at'], message: `expected a time of day before 24h, found ${formatDuration(p.at)}`, input: p.at });
            if (i > 0 && p.at <= points[i - 1]!.at) ctx.issues.push({ code: 'custom', path: ['points', i, 'at'], message: `expected times in increasing order, found ${formatDuration(p.at)} after ${formatDuration(points[i - 1]!.at)}`, input: p.at });
          });
          return { type: 'profile' as const, points };
        }),
      closed: z
        .strictObject({ type: z.literal('closed'), think: distributionField('duration', 'think time of each agent between tasks') })
        .transform(({ think }) => ({ type: 'closed' as const, think })),
      trace: z
        .strictObject({
          type: z.literal('trace'),
          tasks: z
            .array(
              z.strictObject({
                at: duration('when the task arrives, from the start: 1.5s'),
                toolTime: duration('its tool time, replacing the sampled one: 200ms').optional(),
                outputTokens: whole(0, 'output tokens of each of its LLM calls, replacing the sampled ones: 180').optional(),
              }),
            )
            .min(1),
        })
        .transform(({ tasks }) => ({
          type: 'trace' as const,
          tasks: tasks.map(({ at, toolTime, outputTokens }) => ({ at, ...(toolTime === undefined ? {} : { toolTime }), ...(outputTokens === undefined ? {} : { outputTokens }) })),
        })),
    },
  });
}

export function scenarioSchema(mode: SchemaMode) {
  const f = maker(mode);
  const link = (what: string) =>
    z.strictObject({ bandwidth: f(bandwidth(`${what} bandwidth: 100 Mbit/s`)), rtt: f(duration(`${what} round-trip delay: 30ms`)) });
  const tierShare = (tier: string) => fraction(`share of ${tier} tasks (0–1); missing tiers count as 0`).optional();

  const task = z.strictObject({
    steps: f(distributionField('count', 'LLM-call-then-tool-run steps per task')),
    inputTokens: f(distributionField('count', 'input tokens per LLM call (the whole context sent)')),
    outputTokens: f(distributionField('count', 'output tokens per LLM call')),
    toolTime: f(distributionField('duration', 'CPU time per tool run on an idle core')),
    terminalOutput: f(bandwidth('terminal output while the agent works, streamed to every watcher: 4 KB/s')),
    progressBytes: f(size('bytes of one task_progress frame to the hub')),
    cacheReadFraction: f(fraction('fraction of input tokens read from the prompt cache')),
    cacheWriteFraction: f(fraction('fraction of input tokens written to the prompt cache')),
  });

  const workload = z.strictObject({
    arrival: f(arrival()),
    tiers: f(
      z
        .strictObject({ trivial: tierShare('trivial (shell)'), standard: tierShare('standard (Ollama)'), complex: tierShare('complex (Claude)') })
        .transform((t, ctx) => {
          const tiers = { trivial: t.trivial ?? 0, standard: t.standard ?? 0, complex: t.complex ?? 0 };
          const sum = tiers.trivial + tiers.standard + tiers.complex;
          if (Math.abs(sum - 1) > 1e-6) ctx.issues.push({ code: 'custom', message: `expected tier shares that sum to 1, found ${Number(sum.toFixed(6))}`, input: t });
          return tiers;
        }),
    ),
    task: f(task),
  });

  const ollama = z.strictObject({
    numParallel: f(whole(1, 'OLLAMA_NUM_PARALLEL: concurrent requests per loaded model')),
    maxQueue: f(whole(0, 'OLLAMA_MAX_QUEUE: requests beyond it get 503')),
    maxLoadedModels: f(whole(1, 'OLLAMA_MAX_LOADED_MODELS')),
    keepAlive: f(keepAlive()),
    models: f(z.array(text('a model name (a key of models)')).min(1)),
    numCtx: f(whole(1, 'context length per slot, tokens (num_ctx)')),
  });

  const machineGroup = z.strictObject({
    name: f(text('name of this group of identical machines')),
    count: f(whole(0, 'machines in the group')),
    cpus: f(num('CPU cores per machine', { exclusiveMin: 0 })),
    ram: f(size('RAM per machine: 16 GiB')),
    agents: f(whole(0, 'agents per machine')),
    agentMemory: f(size('resident memory per agent process: 1 GiB')),
    gpu: z.strictObject({ model: f(text('GPU model (a key of gpus): rtx-4090')), vram: f(size('GPU memory: 24 GiB')) }).optional(),
    ollama: ollama.optional(),
  });

  const hub = z.strictObject({
    cpus: f(num('scheduler cores of one hub node', { exclusiveMin: 0 })),
    perMessageCpu: f(duration('CPU time per WebSocket frame handled: 50us')),
    scanCpuPerTask: f(duration('CPU time per queued task examined by a scheduler scan: 2us')),
    store: f(
      z.strictObject({
        mode: f(choice(['fsync', 'group', 'none'] as const, 'fsync: every write synced; group: writes batched per sync; none')),
        syncWrite: f(distributionField('duration', 'time of one synced write')),
        writesPerTask: f(num('synced writes per task besides progress', { min: 0 })),
        groupSize: f(whole(1, 'writes covered by one sync in group mode')),
      }),
    ),
    progressInterval: f(duration('time between progress frames while a task runs; 0 sends one per step: 0s')),
    memoryPerConnection: f(size('hub memory per open connection')),
    shards: f(whole(1, 'hub nodes sharing the agents')),
    crossShardCpu: f(duration('extra CPU time per message routed across shards')),
  });

  const network = z.strictObject({
    uplink: f(link('the site uplink')),
    mesh: f(
      z.strictObject({
        kind: f(choice(['tailscale', 'lan'] as const, 'the network between machines and hub')),
        relayedFraction: f(fraction('fraction of machine↔hub paths through a relay (DERP)')),
        direct: f(link('a direct mesh path')),
        relayed: f(link('a relayed mesh path')),
        overheadPerPacket: f(size('bytes added per packet: 80 B for Tailscale')),
        mtu: f(size('packet size: 1280 B')),
      }),
    ),
  });

  const claude = z.strictObject({
    model: f(text('Claude model name: sonnet-5.5')),
    limits: f(
      z.strictObject({
        rpm: f(num('requests per minute', { exclusiveMin: 0 })),
        itpm: f(num('input tokens per minute', { exclusiveMin: 0 })),
        otpm: f(num('output tokens per minute', { exclusiveMin: 0 })),
      }),
    ),
    maxTokens: f(whole(1, 'max_tokens reserved at request start')),
    timeToFirstToken: f(distributionField('duration', 'time to first token')),
    outputRate: f(perSecond('output tokens per second while streaming')),
    overloadProbability: f(fraction('probability a request meets a 529 overload')),
    retry: f(
      z.strictObject({
        maxRetries: f(whole(0, 'retries after the first attempt')),
        baseDelay: f(duration('first backoff: 0.5s, doubled each retry')),
        maxDelay: f(duration('backoff cap: 8s')),
        jitter: f(fraction('fraction of the delay removed at random')),
      }),
    ),
    bytesPerInputToken: f(size('bytes on the wire per input token')),
    bytesPerOutputToken: f(size('bytes on the wire per output token')),
  });

  const modelOnGpu = z.strictObject({
    prefillRate: f(perSecond('prompt processing, tokens per second')),
    decodeCurve: f(
      z
        .array(z.tuple([whole(1, 'concurrent streams'), perSecond('aggregate decode tokens per second')]))
        .min(1)
        .meta({ description: 'aggregate decode speed against concurrent streams: [[1, 98], [2, 180], [4, 269]]' }),
    ),
    loadTime: f(duration('cold load time')),
  });

  return z.strictObject({
    name: f(text('scenario name (used for the output folder)')),
    description: text('what this scenario asks').optional(),
    horizon: f(duration('simulated time per replication after warm-up: 8h')),
    warmup: f(duration('simulated time discarded at the start: 30m')),
    replications: f(whole(1, 'independent replications per sweep point')),
    seed: f(whole(0, 'random seed', 2 ** 32 - 1)),
    confidence: f(num('confidence level of the intervals', { exclusiveMin: 0, max: 0.999 })),
    latencyTarget: f(duration('task latency target at p95: 30m')),
    workload: f(workload),
    fleet: f(z.array(machineGroup).min(1)),
    hub: f(hub),
    network: f(network),
    claude: f(claude),
    routing: f(
      z.strictObject({
        standard: f(choice(['ollama', 'claude'] as const, 'where standard-tier calls go')),
        endpointPolicy: f(choice(['first-healthy', 'least-loaded', 'round-robin', 'local-first'] as const, 'how an Ollama endpoint is chosen')),
        fallbackToClaude: f(flag('send to Claude when no Ollama endpoint can take the request')),
      }),
    ),
    terminal: f(
      z.strictObject({
        watchersPerAgent: f(num('dashboards watching each agent terminal', { min: 0 })),
        cpuPerFrame: f(duration('CPU time per frame delivered to one watcher')),
        cpuPerByte: f(duration('CPU time per byte delivered')),
        frameBytes: f(size('bytes per output frame')),
        echoLatency: distributionField('duration', "time from the agent's write to the server reading it from the PTY (tmux redraw); absent: 0").optional(),
        watcherEchoLatency: distributionField('duration', "the echo as a watcher reads it at light load, up to the first watcher's place; absent: the echo, then the sends up to the watcher's place").optional(),
        sessionsPerServer: whole(1, 'working sessions one terminal server process fans out, one frame at a time; absent: 1 (one server per agent)').optional(),
      }),
    ),
    deployment: f(
      z.strictObject({
        kind: f(choice(['local', 'ssh-tunnel', 'alb-wss', 'fargate'] as const, 'how dashboards reach the agents')),
        dashboards: f(whole(0, 'people watching dashboards')),
        remoteDashboards: f(flag('dashboards outside the site, so their streams cross the uplink')),
        albHopLatency: f(duration('one-way latency of the load balancer hop')),
        targetGroupsPerAlb: f(whole(1, 'target groups one ALB can hold')),
        sshRelayCpuPerByte: f(duration('SSH relay CPU time per byte relayed')),
        sshRelayCpus: f(num('SSH relay host cores', { exclusiveMin: 0 })),
        fargate: f(
          z.strictObject({
            vcpu: f(num('vCPUs per Fargate task', { exclusiveMin: 0 })),
            memory: f(size('memory per Fargate task: 2 GB')),
            arch: f(choice(['x86', 'arm'] as const, 'CPU architecture')),
          }),
        ),
        reconnectsPerHour: f(rate('dashboard reconnects per connection: 2/h').transform((perSecond) => perSecond * 3600)),
      }),
    ),
    gpus: f(z.record(z.string(), z.record(z.string(), modelOnGpu)).meta({ description: 'speeds of each local model on each GPU model: gpus.<gpu>.<model>' })),
    models: f(
      z
        .record(z.string(), z.strictObject({ weights: f(size('model weights in VRAM')), kvBytesPerToken: f(size('KV cache per token of context')) }))
        .meta({ description: 'local models: weights and KV cache size' }),
    ),
    overcommitSlowdown: f(num('slowdown of work on a machine whose agents need more RAM than it has', { min: 1 })),
    pricing: f(text('pricing data file for the cost model')),
    data: z.array(text('a data file of defaults (YAML), relative to this scenario file')).optional().meta({
      description: 'extra data files of defaults, applied after the bundled ones in scenarios/data/ and before this file',
    }),
    validation: validationSchema().optional(),
    calibration: text('calibration profile (YAML from agentscale calibrate), relative to this file').optional(),
    sweep: z
      .record(z.string(), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1))
      .optional()
      .meta({
        description:
          'fields to vary over a grid (cartesian product): a field path such as fleet[0].agents or deployment.kind, or an alias: ' +
          'agentsPerMachine, machines, gpuMachines, numParallel, arrivalRate, hubShards, hubCpus, deployment, dashboards, storeMode, standardRouting, uplink',
      }),
  });
}

export type CompleteScenario = z.output<ReturnType<typeof scenarioSchema>>;
