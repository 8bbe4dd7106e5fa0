// Options of the emulators. The parameter types are structurally identical to those in
// model/config.ts (ClaudeConfig, OllamaConfig, ModelOnGpu, LocalModelConfig), so a resolved
// scenario's fields can be handed to an emulator as they are. agent-server/ may not import
// model/, hence the copies; keep them in step with model/config.ts. Distributions are the
// kernel's own (sim/), as the emulators sample them with it.

import type { DistributionSpec } from '../../sim/index.js';

export type { DistributionSpec };

/** The rate-limit and speed part of model/config.ts ClaudeConfig (SI units). */
export interface ClaudeParameters {
  model: string;
  limits: { rpm: number; itpm: number; otpm: number };
  /**
   * The max_tokens the model assumes each request reserves. The emulator charges every request's
   * own max_tokens instead, so it does not read this; it is here so a ClaudeConfig fits as is.
   */
  maxTokens?: number;
  /** Seconds from accepting a request to its first output token. */
  timeToFirstToken: DistributionSpec;
  /** Output tokens per second while streaming. */
  outputRate: number;
  /** Probability a request meets a 529 overload. */
  overloadProbability: number;
}

export interface ClaudeEmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  seed?: number;
  /** When set, x-api-key must equal it; when unset any non-empty key is accepted (loopback only). */
  apiKey?: string;
  claude: ClaudeParameters;
  /** Largest max_tokens a request may ask for (400 beyond), as the API caps it per model. */
  maxTokensAccepted?: number;
  /** Output tokens of a reply before max_tokens caps it; sampled per request. */
  outputTokens?: DistributionSpec;
  /** The period the limits refer to, seconds (60: per minute). Shrink it to compress time in tests. */
  limitWindow?: number;
  /** Largest request body accepted, bytes (the API's own cap is 32 MB). */
  maxBodyBytes?: number;
}

/** model/config.ts OllamaConfig. */
export interface OllamaConfig {
  numParallel: number;
  maxQueue: number;
  maxLoadedModels: number;
  /** Idle seconds before a model is unloaded (Infinity: never). */
  keepAlive: number;
  models: string[];
  /** Context per slot, tokens. */
  numCtx: number;
}

/** model/config.ts ModelOnGpu. */
export interface ModelOnGpu {
  prefillRate: number;
  decodeCurve: [streams: number, tokensPerSecond: number][];
  loadTime: number;
}

/** model/config.ts LocalModelConfig. */
export interface LocalModelConfig {
  weights: number;
  kvBytesPerToken: number;
}

export interface OllamaEmulatorOptions {
  host?: string;
  port?: number;
  seed?: number;
  /** When set, requests must carry `Authorization: Bearer <token>`. Required off loopback. */
  token?: string;
  ollama: OllamaConfig;
  /** The GPU's memory, bytes (GpuConfig.vram). */
  vram: number;
  /** Sizes of the served models (ScenarioConfig.models). */
  models: Record<string, LocalModelConfig>;
  /** Speeds of the served models on this GPU (ScenarioConfig.gpus[gpu.model]). */
  speeds: Record<string, ModelOnGpu>;
  /** Tokens generated when a request sets no num_predict; sampled per request. */
  outputTokens?: DistributionSpec;
  maxBodyBytes?: number;
}

export interface EmulatorHandle<Stats> {
  port: number;
  url: string;
  close(): Promise<void>;
  stats(): Stats;
}
