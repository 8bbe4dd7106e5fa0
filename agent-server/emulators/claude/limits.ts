// The three rate limits of the Messages API (requests, input tokens, output tokens per minute)
// as continuously refilled token buckets, and the anthropic-ratelimit-* headers describing them.
// Output tokens are charged at max_tokens when a request is admitted and the unused part is
// refunded when it ends, as the API documents.

import { WallTokenBucket } from '../token-bucket.js';

export interface Limits {
  rpm: number;
  itpm: number;
  otpm: number;
}

export type LimitName = 'requests' | 'input tokens' | 'output tokens';

export type Admission =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; retryAfter: number; limit: LimitName; exceedsCapacity: boolean; headers: Record<string, string> };

export class RateLimiter {
  readonly requests: WallTokenBucket;
  readonly input: WallTokenBucket;
  readonly output: WallTokenBucket;

  constructor(
    readonly limits: Limits,
    /** Seconds the limits are counted over (60 for per-minute). */
    readonly window: number,
    now: number,
    /** Wall-clock milliseconds, for the reset timestamps. */
    private readonly epochMs: () => number = Date.now,
  ) {
    this.requests = new WallTokenBucket(limits.rpm, limits.rpm / window, now);
    this.input = new WallTokenBucket(limits.itpm, limits.itpm / window, now);
    this.output = new WallTokenBucket(limits.otpm, limits.otpm / window, now);
  }

  /** Admits a request (charging all three buckets) or says how long until it would fit. */
  admit(inputTokens: number, maxTokens: number, now: number): Admission {
    const waits: [LimitName, number, boolean][] = [
      ['requests', this.requests.timeUntil(1, now), 1 > this.requests.capacity],
      ['input tokens', this.input.timeUntil(inputTokens, now), inputTokens > this.input.capacity],
      ['output tokens', this.output.timeUntil(maxTokens, now), maxTokens > this.output.capacity],
    ];
    let worst = waits[0]!;
    for (const w of waits) if (w[1] > worst[1]) worst = w;
    if (worst[1] > 0) {
      // A request larger than a bucket can never fit; a client is told to come back when the
      // bucket is full, and is refused again then, as the API refuses such requests.
      const retryAfter = Number.isFinite(worst[1]) ? worst[1] : this.window;
      return { ok: false, retryAfter, limit: worst[0], exceedsCapacity: worst[2], headers: this.headers(now) };
    }
    this.requests.take(1, now);
    this.input.take(inputTokens, now);
    this.output.take(maxTokens, now);
    return { ok: true, headers: this.headers(now) };
  }

  /** Gives back the part of the max_tokens reservation that was not generated. */
  settle(reserved: number, used: number, now: number): void {
    if (reserved > used) this.output.refund(reserved - used, now);
  }

  headers(now: number): Record<string, string> {
    const at = (bucket: WallTokenBucket) => new Date(this.epochMs() + bucket.timeUntilFull(now) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const remaining = (bucket: WallTokenBucket) => String(Math.max(0, Math.floor(bucket.available(now))));
    const inputLeft = Math.max(0, Math.floor(this.input.available(now)));
    const outputLeft = Math.max(0, Math.floor(this.output.available(now)));
    // The combined tokens-* headers report the most restrictive of the two token limits.
    const tightest = inputLeft / this.input.capacity <= outputLeft / this.output.capacity ? this.input : this.output;
    return {
      'anthropic-ratelimit-requests-limit': String(this.limits.rpm),
      'anthropic-ratelimit-requests-remaining': remaining(this.requests),
      'anthropic-ratelimit-requests-reset': at(this.requests),
      'anthropic-ratelimit-input-tokens-limit': String(this.limits.itpm),
      'anthropic-ratelimit-input-tokens-remaining': String(inputLeft),
      'anthropic-ratelimit-input-tokens-reset': at(this.input),
      'anthropic-ratelimit-output-tokens-limit': String(this.limits.otpm),
      'anthropic-ratelimit-output-tokens-remaining': String(outputLeft),
      'anthropic-ratelimit-output-tokens-reset': at(this.output),
      'anthropic-ratelimit-tokens-limit': String(tightest === this.input ? this.limits.itpm : this.limits.otpm),
      'anthropic-ratelimit-tokens-remaining': String(tightest === this.input ? inputLeft : outputLeft),
      'anthropic-ratelimit-tokens-reset': at(tightest),
    };
  }
}
