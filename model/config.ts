// The resolved scenario: what the fleet model runs. The scenario loader turns a YAML file
// (units in the text, defaults from data files, one sweep point chosen) into this shape.
// Every quantity is a plain number in SI base units: seconds, bytes, bytes per second,
// events per second, tokens, US dollars. Fields may be added; none is ever renamed silently.

import type { DistributionSpec } from '../sim/index.js';

/** A distribution as the kernel's `distribution()` factory takes it. */
export type { DistributionSpec };

export type Tier = 'trivial' | 'standard' | 'complex';

export type ArrivalConfig =
  /** Open arrivals for the whole fleet, tasks per second. */
  | { type: 'poisson'; rate: number }
  /** Piecewise-constant rate over a repeating day: at `at` seconds after midnight the rate becomes `rate`. */
  | { type: 'profile'; points: { at: number; rate: number }[] }
  /** Closed loop: each agent starts its next task after a think time. */
  | { type: 'closed'; think: DistributionSpec }
  /** A recorded trace: a task at each `at` (seconds from the start); a given `toolTime` or `outputTokens` replaces the sampled one for its steps. */
  | { type: 'trace'; tasks: TraceTask[] };

export interface TraceTask {
  at: number;
  toolTime?: number;
  /** Output tokens of each of its LLM calls. */
  outputTokens?: number;
}

/** What a trace records of a task besides its arrival. */
export type RecordedTask = Omit<TraceTask, 'at'>;

export interface TaskConfig {
  /** LLM-call-then-tool-run steps per task (rounded to ≥ 1). */
  steps: DistributionSpec;
  /** Input tokens per LLM call (the whole context sent). */
  inputTokens: DistributionSpec;
  /** Output tokens per LLM call. */
  outputTokens: DistributionSpec;
  /** CPU work per tool run, in core-seconds on an idle core of the agent's machine. */
  toolTime: DistributionSpec;
  /** Terminal output while the agent works, bytes per second, streamed to every watcher. */
  terminalOutput: number;
  /** Bytes of one task_progress frame to the hub. */
  progressBytes: number;
  /** Fraction of input tokens served from the prompt cache (Claude), 0–1. */
  cacheReadFraction: number;
  /** Fraction of input tokens written to the prompt cache (Claude), 0–1. */
  cacheWriteFraction: number;
}

export interface WorkloadConfig {
  arrival: ArrivalConfig;
  /** Tier mix; sums to 1. trivial → shell on the agent, standard → Ollama (or Claude), complex → Claude. */
  tiers: Record<Tier, number>;
  task: TaskConfig;
}

export interface OllamaConfig {
  /** OLLAMA_NUM_PARALLEL: concurrent requests per loaded model. */
  numParallel: number;
  /** OLLAMA_MAX_QUEUE: requests needing a load beyond this get 503. */
  maxQueue: number;
  /** OLLAMA_MAX_LOADED_MODELS. */
  maxLoadedModels: number;
  /** keep_alive: idle time before a model is unloaded, seconds (Infinity = never). */
  keepAlive: number;
  /** Models this endpoint serves (keys of ScenarioConfig.models). */
  models: string[];
  /** Context length per slot, tokens (num_ctx); KV memory = kvBytesPerToken × numCtx × numParallel. */
  numCtx: number;
}

export interface GpuConfig {
  /** Key of ScenarioConfig.gpus (speeds per GPU model). */
  model: string;
  vram: number;
}

export interface MachineGroupConfig {
  name: string;
  count: number;
  cpus: number;
  ram: number;
  /** Agents per machine. */
  agents: number;
  /** Resident memory per agent process (Claude Code CLI and its tools), bytes. */
  agentMemory: number;
  gpu?: GpuConfig;
  ollama?: OllamaConfig;
}

export interface HubConfig {
  /** Scheduler cores of one hub node. */
  cpus: number;
  /** CPU seconds per WebSocket frame handled (in or out). */
  perMessageCpu: number;
  /** CPU seconds per queued task examined by a scheduler scan (the full-table fold). */
  scanCpuPerTask: number;
  store: {
    /** 'fsync': every write synced (AgentCom); 'group': writes batched per sync; 'none'. */
    mode: 'fsync' | 'group' | 'none';
    /** Time of one synced write, seconds. */
    syncWrite: DistributionSpec;
    /** Synced writes per task besides progress (submit, routing, assign, complete). */
    writesPerTask: number;
    /** Max writes covered by one sync in group mode. */
    groupSize: number;
  };
  /** Seconds between a sidecar's progress frames while a task runs. */
  progressInterval: number;
  /** Hub memory per open connection, bytes. */
  memoryPerConnection: number;
  shards: number;
  /** Extra CPU seconds per message routed across shards. */
  crossShardCpu: number;
  /** Queued tasks older than this are dead-lettered, seconds (AgentCom: 600; default 600; Infinity = never). */
  queueTimeout?: number;
}

export interface LinkConfig {
  bandwidth: number;
  /** Round-trip propagation delay, seconds. */
  rtt: number;
}

export interface NetworkConfig {
  /** The site's internet uplink, shared by Claude API traffic and remote dashboards. */
  uplink: LinkConfig;
  mesh: {
    kind: 'tailscale' | 'lan';
    /** Fraction of machine↔hub paths going through a relay (DERP). */
    relayedFraction: number;
    direct: LinkConfig;
    relayed: LinkConfig;
    /** Bytes added per packet (IPv6 40 + UDP 8 + WireGuard 32 = 80 for Tailscale). */
    overheadPerPacket: number;
    mtu: number;
  };
}

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff, seconds (SDK: 0.5 s), doubled each retry. */
  baseDelay: number;
  maxDelay: number;
  /** Fraction of the delay removed at random (SDK: up to 25 %). */
  jitter: number;
}

export interface ClaudeConfig {
  model: string;
  limits: { rpm: number; itpm: number; otpm: number };
  /** Max tokens reserved at request start against the output-token bucket. */
  maxTokens: number;
  timeToFirstToken: DistributionSpec;
  /** Output tokens per second while streaming. */
  outputRate: number;
  /** Probability a request meets a 529 overload. */
  overloadProbability: number;
  retry: RetryPolicy;
  /** Bytes on the wire per input token and per output token (request JSON, SSE framing). */
  bytesPerInputToken: number;
  bytesPerOutputToken: number;
}

/** Speeds of a local model on a GPU model. */
export interface ModelOnGpu {
  /** Prompt processing, tokens per second. */
  prefillRate: number;
  /** Aggregate decode tokens per second against concurrent streams, e.g. [[1, 98], [2, 180], [4, 269]]. */
  decodeCurve: [streams: number, tokensPerSecond: number][];
  /** Cold load time, seconds. */
  loadTime: number;
}

export interface LocalModelConfig {
  weights: number;
  kvBytesPerToken: number;
}

export interface TerminalServerConfig {
  /** Dashboards (browser tabs) watching each agent's terminal. */
  watchersPerAgent: number;
  /** CPU seconds per frame delivered to one watcher. */
  cpuPerFrame: number;
  /** CPU seconds per byte delivered. */
  cpuPerByte: number;
  /** Bytes per output frame (PTY read size). */
  frameBytes: number;
  /**
   * Time from an agent writing to its terminal until the server reads it from the PTY (tmux's
   * redraw and the PTY path), seconds; added to every delivery. Optional: 0 when absent.
   */
  echoLatency?: DistributionSpec;
  /**
   * The same echo as a watcher reads it, timed among a few watchers at light load: the writer's
   * echo, then the sends and the reading client's work ahead of the first watcher's frame, seconds.
   * Optional: when absent a watcher's delivery is the echo plus its place in the fan-out.
   */
  watcherEchoLatency?: DistributionSpec;
  /**
   * CPU-seconds per second the terminal server spends on a watched session whatever its
   * watchers (PTY reads, timers), on the machine that fans out. Optional: 0 when absent.
   */
  cpuAtRestPerSession?: number;
  /**
   * CPU-seconds per second tmux and the agent's own process take for a working session besides
   * its output (timers, the idle redraw loop), on the agent's machine. Optional: 0 when absent.
   */
  tmuxCpuAtRestPerSession?: number;
  /**
   * CPU-seconds tmux and the agent's process take per byte of terminal output
   * (`workload.task.terminalOutput`), on the agent's machine. Optional: 0 when absent.
   */
  tmuxCpuPerByte?: number;
  /**
   * Working sessions one terminal server process fans out. Its event loop sends one frame to all
   * its watchers before the next frame, of any of its sessions. Optional: 1 when absent (one
   * server per agent, the agent-server pattern).
   */
  sessionsPerServer?: number;
  /**
   * Seconds per frame along a fan-out when one process reads every client of the server's
   * sessions (a load generator standing in for the dashboards): a second event loop after the
   * server's, the pace measured end to end being the slower loop's. It sets the pace and the
   * fan-out's time in place of the server's CPU per frame. Optional: absent when each watcher
   * reads its own.
   */
  readerTimePerFrame?: number;
}

export type DeploymentKind = 'local' | 'ssh-tunnel' | 'alb-wss' | 'fargate';

export interface DeploymentConfig {
  kind: DeploymentKind;
  /** Dashboards (people) watching; each watches watchersPerAgent agents' worth of terminals. */
  dashboards: number;
  /** Whether dashboards sit outside the site, so their streams cross the uplink. */
  remoteDashboards: boolean;
  /** One-way latency added by the load balancer hop, seconds. */
  albHopLatency: number;
  /** Target groups one ALB can hold (100, not adjustable). */
  targetGroupsPerAlb: number;
  /** SSH relay host: CPU seconds per byte relayed and its cores. */
  sshRelayCpuPerByte: number;
  sshRelayCpus: number;
  /** Fargate task size per agent. */
  fargate: { vcpu: number; memory: number; arch: 'x86' | 'arm' };
  /** Dashboard reconnects per hour per connection (new connections for the ALB LCU). */
  reconnectsPerHour: number;
}

export interface ScenarioConfig {
  name: string;
  description?: string;
  /** Simulated time per replication, seconds (after warm-up). */
  horizon: number;
  warmup: number;
  replications: number;
  seed: number;
  /** Confidence level for intervals, e.g. 0.95. */
  confidence: number;
  /** Task latency target for "meets the target" answers, seconds at p95. */
  latencyTarget: number;
  workload: WorkloadConfig;
  fleet: MachineGroupConfig[];
  hub: HubConfig;
  network: NetworkConfig;
  claude: ClaudeConfig;
  routing: {
    /** Where standard-tier calls go. */
    standard: 'ollama' | 'claude';
    /** How an Ollama endpoint is chosen. */
    endpointPolicy: 'first-healthy' | 'least-loaded' | 'round-robin' | 'local-first';
    /** Send to Claude when no endpoint can take the request (503 or none). */
    fallbackToClaude: boolean;
  };
  terminal: TerminalServerConfig;
  deployment: DeploymentConfig;
  /** Speeds of each local model on each GPU model: gpus[gpuModel][modelName]. */
  gpus: Record<string, Record<string, ModelOnGpu>>;
  models: Record<string, LocalModelConfig>;
  /** Memory slowdown: work on a machine whose agents need more RAM than it has is slowed by this factor. */
  overcommitSlowdown: number;
  /** Path of the pricing data file (cost model). */
  pricing: string;
  /** A live stack to check the model against (`agentscale validate`); ignored by `run`. */
  validation?: ValidationConfig;
  /** Calibration profile (YAML from `agentscale calibrate`), relative to the scenario file. */
  calibration?: string;
  /** Where each defaulted figure came from, for the report's assumptions table. */
  sources: { name: string; value: string | number | boolean; unit?: string; source: string }[];
}

/** One load level of a validation run: what changes from the block's base values. */
export interface ValidationLevel {
  /** Terminal sessions (agent servers' tmux sessions), each with a fake agent. */
  sessions?: number;
  /** Read-only watchers per session (dashboards). */
  watchers?: number;
  /** Terminal: input markers per second per session; hub and llm: tasks per second in all. */
  rate?: number;
  /** Fake agents' terminal output, bytes per second. */
  outputRate?: number;
  /** Sidecars (hub and llm). */
  sidecars?: number;
}

/** A live stack on 127.0.0.1 (agentscale validate). SI units. */
export interface ValidationConfig {
  /** terminal: agent servers with fake agents and watchers; hub: task flow through the reference hub; llm: tasks calling the emulated Claude API. */
  kind: 'terminal' | 'hub' | 'llm';
  /** Measured time per level, seconds. */
  duration: number;
  /** Replications of the simulated level (each as long as the measured run). */
  replications: number;
  /** Terminal: measured runs per level, each on a freshly started server, pooled. */
  repeats: number;
  /** Terminal: seconds of typing into every session before each measured run (agents past their start-up). */
  warmup: number;
  sessions: number;
  watchers: number;
  rate: number;
  outputRate: number;
  sidecars: number;
  /** Service time of a task on a sidecar (hub) or its tool run (llm). */
  serviceTime: DistributionSpec;
  /** Seconds between a sidecar's progress frames (0: none). */
  progressInterval: number;
  /** The reference hub's store mode. */
  storeMode: 'fsync' | 'group' | 'none';
  levels: ValidationLevel[];
}
