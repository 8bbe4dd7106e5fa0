// The hub's data: tasks as AgentCom keeps them in its task table, and the options the hub runs with.

export type TaskStatus = 'queued' | 'assigned' | 'completed' | 'dead_letter';
export type Tier = 'trivial' | 'standard' | 'complex';
export type SyncMode = 'fsync' | 'group' | 'none';

/** AgentCom stores priority as an integer lane: 0 urgent, 1 high, 2 normal, 3 low. */
export const PRIORITY_LANES: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export interface HistoryEntry {
  event: string;
  timestamp: number;
  details: unknown;
}

export interface Complexity {
  effective_tier: Tier;
  explicit_tier: Tier | null;
  source: 'explicit' | 'inferred';
  inferred: { tier: Tier; confidence: number; signals: Record<string, number | boolean> };
}

export interface RoutingDecision {
  effective_tier: Tier;
  target_type: 'sidecar' | 'ollama' | 'claude';
  selected_endpoint: string | null;
  selected_model: string | null;
  fallback_used: boolean;
  fallback_from_tier: Tier | null;
  fallback_reason: string | null;
  candidate_count: number;
  classification_reason: string;
  estimated_cost_tier: 'free' | 'local' | 'api';
  decided_at: number;
}

export interface Task {
  id: string;
  description: string;
  metadata: Record<string, unknown>;
  priority: number;
  status: TaskStatus;
  assigned_to: string | null;
  assigned_at: number | null;
  /** Bumped on every assignment, reclaim and retry: a completion must quote the current one. */
  generation: number;
  retry_count: number;
  max_retries: number;
  needed_capabilities: string[];
  last_error: string | null;
  complete_by: number | null;
  result: unknown;
  tokens_used: number | null;
  submitted_by: string;
  created_at: number;
  updated_at: number;
  history: HistoryEntry[];
  file_hints: string[];
  complexity: Complexity;
  routing_decision: RoutingDecision | null;
}

/** Rate-limit tiers as AgentCom classifies actions; capacity per minute, refilled evenly. */
export interface RateLimitConfig {
  enabled: boolean;
  perMinute: { light: number; normal: number; heavy: number };
}

export interface HubOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder for the log and snapshots. */
  dataDir: string;
  sync: SyncMode;
  /** Compact (snapshot + new log) once the log passes this many bytes. */
  compactBytes: number;
  /** Token guarding /admin/tokens; generated when absent on loopback. */
  adminToken?: string;
  rateLimits: RateLimitConfig;
  /** Seconds an agent has to send task_accepted after task_assign. */
  acceptTimeout: number;
  /** Seconds between stuck-assignment sweeps. */
  sweepInterval: number;
  /** Seconds without progress after which an assigned task is reclaimed. */
  stuckThreshold: number;
  /** Seconds a non-trivial task may stay queued before it is dead-lettered. */
  queuedTtl: number;
  /** Seconds between queued-TTL sweeps. */
  ttlSweepInterval: number;
  /** Seconds without any frame before a WebSocket is closed. */
  idleTimeout: number;
  /** Largest WebSocket frame or HTTP body, bytes. */
  maxFrameBytes: number;
  violationLimit: number;
  /** Seconds of the violation window. */
  violationWindow: number;
  /** Model named in routing decisions for the complex tier. */
  claudeModel: string;
  /** Model named in routing decisions for the standard tier. */
  ollamaModel: string;
  /** Ollama endpoints known to the hub besides those sidecars report. */
  ollamaEndpoints: string[];
}

export const DEFAULT_HUB_OPTIONS: HubOptions = {
  host: '127.0.0.1',
  port: 4000,
  dataDir: './hub-data',
  sync: 'fsync',
  compactBytes: 64 * 1024 * 1024,
  rateLimits: { enabled: true, perMinute: { light: 120, normal: 60, heavy: 10 } },
  acceptTimeout: 60,
  sweepInterval: 30,
  stuckThreshold: 300,
  queuedTtl: 600,
  ttlSweepInterval: 60,
  idleTimeout: 60,
  maxFrameBytes: 1024 * 1024,
  violationLimit: 10,
  violationWindow: 60,
  claudeModel: 'claude-sonnet-4-5',
  ollamaModel: 'qwen2.5-coder:7b',
  ollamaEndpoints: [],
};
