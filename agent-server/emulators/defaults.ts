// Default parameters of the emulators, each with where it comes from. The CLI prints the
// sources in --help; a scenario or a --config file overrides any of them.

export interface Sourced<T> {
  value: T;
  /** What the value is written as on the command line or in a config file. */
  text: string;
  source: string;
}

function s<T>(value: T, text: string, source: string): Sourced<T> {
  return { value, text, source };
}

export const CLAUDE_DEFAULTS = {
  model: s('claude-sonnet-4-5', 'claude-sonnet-4-5', 'any name is accepted; echoed back'),
  rpm: s(50, '50', 'Anthropic rate limits, tier 1 requests/min (limits are configuration: tiers change)'),
  itpm: s(30_000, '30000', 'Anthropic rate limits, tier 1 input tokens/min'),
  otpm: s(8_000, '8000', 'Anthropic rate limits, tier 1 output tokens/min'),
  ttft: s(2.2, '2.2s', 'third-party measurements: time to first token 1.8-2.7 s'),
  ttftCv: s(0.15, '0.15', 'spread chosen so ~95 % of draws fall in the measured 1.8-2.7 s'),
  outputRate: s(55, '55/s', 'third-party measurements: 45-65 output tokens/s'),
  overload: s(0.01, '0.01', 'assumed; 529 overloads are service-wide and unpublished'),
  maxTokens: s(64_000, '64000', 'largest max_tokens of current Sonnet models'),
  outputMean: s(400, '400', 'assumed mean reply length, tokens (lognormal, cv 1)'),
  limitWindow: s(60, '60s', 'limits are per minute'),
  maxBody: s(32_000_000, '32MB', 'Messages API request size limit, 32 MB'),
} as const;

export const OLLAMA_DEFAULTS = {
  numParallel: s(1, '1', 'Ollama OLLAMA_NUM_PARALLEL default 1 (since v0.9.7)'),
  maxQueue: s(512, '512', 'Ollama OLLAMA_MAX_QUEUE default 512'),
  maxLoadedModels: s(3, '3', 'Ollama OLLAMA_MAX_LOADED_MODELS default 3 x GPU count (one GPU)'),
  vram: s(24 * 1024 ** 3, '24GiB', 'a 24 GiB card (RTX 4090 class)'),
  keepAlive: s(300, '5m', 'Ollama keep_alive default 5 min'),
  loadTime: s(6, '6s', 'Ollama API docs example: cold load ~6 s'),
  prefillRate: s(4000, '4000/s', '8B at 4-bit on RTX 4090 class: prompt processing 3,800-8,000 t/s'),
  decodeCurve: s(
    [
      [1, 98],
      [2, 180],
      [4, 269],
    ] as [number, number][],
    '1:98,2:180,4:269',
    'llama.cpp batched bench, gemma-3-4b on M2 Ultra: 98/180/269 t/s at 1/2/4 streams',
  ),
  model: s(
    { name: 'llama3.1:8b', weights: 4.9e9, kvBytesPerToken: 128 * 1024 },
    'llama3.1:8b=4.9GB,128KiB',
    'Llama-3-8B Q4_K_M file ~4.9 GB; KV f16 = 2 x 2 B x 128 x 8 x 32 = 128 KiB/token',
  ),
  outputMean: s(300, '300', 'assumed mean reply length, tokens (lognormal, cv 1)'),
  maxBody: s(32 * 1024 ** 2, '32MiB', 'chosen cap on request bodies'),
} as const;

/** Ollama's default context by VRAM: 4k below 24 GiB, 32k for 24-48 GiB, 256k at 48 GiB or more. */
export function defaultNumCtx(vram: number): number {
  const gib = 1024 ** 3;
  if (vram < 24 * gib) return 4096;
  if (vram < 48 * gib) return 32_768;
  return 262_144;
}
