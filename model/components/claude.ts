// The Claude Messages API as the fleet meets it: three token buckets per organisation and model
// (requests, input tokens and output tokens per minute; each refills continuously up to its
// per-minute limit), a 429 with retry-after when one is short, 529 overloads at a stated
// probability, and the SDK's retry policy. Output tokens are reserved at max_tokens when the
// request is admitted and the unused part is given back when the response ends. Cache reads do
// not count toward the input-token limit.
//
// Latency of an attempt = request upload over the site uplink (shared) + one round trip +
// time to first token + output tokens at the streaming rate. Responses come down the uplink's
// other direction, which is counted in bytes but not modelled as a queue.

import { TokenBucket, type Distribution, type Rng } from '../../sim/index.js';
import type { ClaudeConfig, RetryPolicy } from '../config.js';
import type { ModelContext } from './context.js';
import type { Link } from './network.js';

/** Retry-after values the SDK honours; longer ones fall back to its own backoff. */
const MAX_HONOURED_RETRY_AFTER = 60;

/** The SDK's delay before retry number `attempt` (0-based) without a usable retry-after. */
export function backoffDelay(policy: RetryPolicy, attempt: number, u: number): number {
  const delay = Math.min(policy.baseDelay * 2 ** attempt, policy.maxDelay);
  return delay * (1 - policy.jitter * u);
}

export interface ClaudeCall {
  inputTokens: number;
  outputTokens: number;
  /** Fractions of input tokens read from and written to the prompt cache. */
  cacheRead: number;
  cacheWrite: number;
}

export type CallOutcome = 'ok' | 'failed';

export class ClaudeApi {
  /** The three buckets; undefined where the limit is not finite (no limit). */
  readonly rpm: TokenBucket | undefined;
  readonly itpm: TokenBucket | undefined;
  readonly otpm: TokenBucket | undefined;
  private readonly rng: Rng;
  private readonly ttft: Distribution;

  constructor(
    private readonly ctx: ModelContext,
    private readonly config: ClaudeConfig,
    private readonly uplink: Link,
    ttft: Distribution,
  ) {
    const { sim } = ctx;
    const { rpm, itpm, otpm } = config.limits;
    const bucket = (limit: number): TokenBucket | undefined =>
      Number.isFinite(limit) && limit > 0 ? new TokenBucket(sim, { rate: limit / 60, burst: limit }) : undefined;
    this.rpm = bucket(rpm);
    this.itpm = bucket(itpm);
    this.otpm = bucket(otpm);
    this.rng = ctx.rng('claude');
    this.ttft = ttft;
    if (config.maxTokens > otpm) {
      ctx.warn(`claude: max_tokens ${config.maxTokens} exceeds the output-token limit ${otpm}/min: every request gets 429`);
    }
  }

  /** Make one call, retrying as the SDK does; `done` gets 'failed' once retries are exhausted. */
  call(request: ClaudeCall, done: (outcome: CallOutcome) => void): void {
    const c = this.config;
    const output = Math.min(Math.max(0, Math.round(request.outputTokens)), c.maxTokens);
    const input = Math.max(0, Math.round(request.inputTokens));
    const cacheRead = Math.round(input * request.cacheRead);
    const cacheWrite = Math.round(input * request.cacheWrite);
    const counted = input - cacheRead; // uncached input and cache writes count toward ITPM
    const requestBytes = input * c.bytesPerInputToken;
    const counters = this.ctx.counters;
    const sim = this.ctx.sim;
    const halfRtt = this.uplink.config.rtt / 2;
    const started = sim.now;
    let attempt = 0;

    const retryOrFail = (retryAfter: number | undefined): void => {
      if (attempt >= c.retry.maxRetries) {
        counters.add('claude.failures');
        done('failed');
        return;
      }
      const usable = retryAfter !== undefined && retryAfter > 0 && retryAfter <= MAX_HONOURED_RETRY_AFTER;
      const delay = usable ? retryAfter : backoffDelay(c.retry, attempt, this.rng.next());
      attempt++;
      counters.add('claude.retries');
      sim.schedule(delay, send);
    };

    const arrive = (): void => {
      counters.add('claude.attempts');
      if (c.overloadProbability > 0 && this.rng.next() < c.overloadProbability) {
        counters.add('claude.529');
        sim.schedule(halfRtt, () => retryOrFail(undefined));
        return;
      }
      const wait = this.admit(counted, c.maxTokens);
      if (wait > 0) {
        counters.add('claude.429');
        // retry-after is whole seconds
        const retryAfter = Number.isFinite(wait) ? Math.ceil(wait) : undefined;
        sim.schedule(halfRtt, () => retryOrFail(retryAfter));
        return;
      }
      counters.add('claude.admitted');
      counters.add('claude.tokens.itpm', counted);
      const streaming = this.ttft.sample(this.rng) + output / c.outputRate;
      sim.schedule(streaming + halfRtt, () => {
        if (this.otpm && c.maxTokens > output) this.otpm.refund(c.maxTokens - output);
        counters.add('claude.requests');
        counters.add('claude.tokens.input', input - cacheRead - cacheWrite);
        counters.add('claude.tokens.cacheRead', cacheRead);
        counters.add('claude.tokens.cacheWrite', cacheWrite);
        counters.add('claude.tokens.output', output);
        counters.add('claude.bytes.down', output * c.bytesPerOutputToken);
        counters.add('claude.latency.sum', sim.now - started);
        counters.add('claude.latency.count');
        done('ok');
      });
    };

    const send = (): void => {
      counters.add('claude.bytes.up', requestBytes);
      this.uplink.transfer(requestBytes, arrive);
    };

    send();
  }

  /**
   * Take the tokens if every bucket has them and return 0; otherwise take nothing and return
   * seconds until all would (Infinity when a request exceeds a bucket's size).
   */
  private admit(inputTokens: number, reserve: number): number {
    const { rpm, itpm, otpm } = this;
    if ((itpm && inputTokens > itpm.burst) || (otpm && reserve > otpm.burst) || (rpm && rpm.burst < 1)) {
      this.ctx.warn(
        `claude: a request of ${inputTokens} input tokens (max_tokens ${reserve}) exceeds a per-minute limit and can never be admitted`,
      );
      return Infinity;
    }
    const wait = Math.max(rpm ? rpm.timeUntil(1) : 0, itpm ? itpm.timeUntil(inputTokens) : 0, otpm ? otpm.timeUntil(reserve) : 0);
    if (wait > 0) return wait;
    rpm?.tryTake(1);
    itpm?.tryTake(inputTokens);
    otpm?.tryTake(reserve);
    return 0;
  }
}
