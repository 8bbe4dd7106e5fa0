import { describe, expect, it } from 'vitest';
import { RateLimiter } from './limits.js';

const epoch = () => Date.UTC(2026, 0, 1);

describe('Claude rate limits', () => {
  it('admits while all three buckets hold enough and says how long until they refill', () => {
    const limiter = new RateLimiter({ rpm: 2, itpm: 1000, otpm: 600 }, 60, 0, epoch);
    expect(limiter.admit(100, 200, 0).ok).toBe(true);
    expect(limiter.admit(100, 200, 0).ok).toBe(true);
    const third = limiter.admit(100, 200, 0);
    expect(third.ok).toBe(false);
    if (third.ok) return;
    // Requests refill at 2 per 60 s: one is back after 30 s.
    expect(third.limit).toBe('requests');
    expect(third.retryAfter).toBeCloseTo(30, 9);
    expect(third.headers['anthropic-ratelimit-requests-remaining']).toBe('0');
    expect(third.headers['anthropic-ratelimit-requests-reset']).toBe('2026-01-01T00:01:00Z');
    expect(limiter.admit(100, 200, 30).ok).toBe(true);
  });

  it('charges max_tokens at the start and refunds what was not generated', () => {
    const limiter = new RateLimiter({ rpm: 100, itpm: 10_000, otpm: 1000 }, 60, 0, epoch);
    expect(limiter.admit(10, 800, 0).ok).toBe(true);
    const short = limiter.admit(10, 300, 0);
    expect(short.ok).toBe(false);
    if (!short.ok) {
      expect(short.limit).toBe('output tokens');
      // 100 tokens missing at 1000/60 per second.
      expect(short.retryAfter).toBeCloseTo(6, 9);
    }
    limiter.settle(800, 100, 0);
    expect(limiter.output.available(0)).toBeCloseTo(900, 9);
    expect(limiter.admit(10, 300, 0).ok).toBe(true);
  });

  it('refuses a request bigger than a bucket as exceeding the limit on its own', () => {
    const limiter = new RateLimiter({ rpm: 100, itpm: 1000, otpm: 1000 }, 60, 0, epoch);
    const big = limiter.admit(5000, 10, 0);
    expect(big.ok).toBe(false);
    if (!big.ok) {
      expect(big.limit).toBe('input tokens');
      expect(big.exceedsCapacity).toBe(true);
    }
  });
});
