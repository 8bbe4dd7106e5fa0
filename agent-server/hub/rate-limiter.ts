// Token buckets per agent, channel and tier, as AgentCom's RateLimiter: capacity = the per-minute
// limit, refilled evenly over a minute. A denial says how long until one token is back.

import type { RateLimitConfig } from './types.js';

export type RateTier = 'light' | 'normal' | 'heavy';

const LIGHT_WS = new Set(['ping', 'list_agents', 'list_channels', 'status', 'channel_history']);
const HEAVY_WS = new Set(['identify']);

/** AgentCom's classification of WebSocket message types; unknown types are normal. */
export function wsTier(type: string): RateTier {
  if (LIGHT_WS.has(type)) return 'light';
  if (HEAVY_WS.has(type)) return 'heavy';
  return 'normal';
}

interface Bucket {
  tokens: number;
  at: number;
}

export type RateVerdict = { allow: true } | { allow: false; retryAfterMs: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = () => performance.now(),
  ) {}

  check(key: string, channel: 'ws' | 'http', tier: RateTier): RateVerdict {
    if (!this.config.enabled) return { allow: true };
    const capacity = this.config.perMinute[tier];
    const perMs = capacity / 60_000;
    const id = `${channel}:${tier}:${key}`;
    const t = this.now();
    const b = this.buckets.get(id) ?? { tokens: capacity, at: t };
    b.tokens = Math.min(capacity, b.tokens + (t - b.at) * perMs);
    b.at = t;
    this.buckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allow: true };
    }
    return { allow: false, retryAfterMs: Math.max(1, Math.ceil((1 - b.tokens) / perMs)) };
  }
}
