import { describe, expect, it } from 'vitest';
import { distribution, Simulation } from '../../sim/index.js';
import type { ScenarioConfig } from '../config.js';
import { backoffDelay, ClaudeApi, type CallOutcome } from './claude.js';
import { ModelContext } from './context.js';
import { Link } from './network.js';
import { testConfig, type DeepPartial } from './test-config.js';

function setup(overrides: DeepPartial<ScenarioConfig['claude']>): { sim: Simulation; ctx: ModelContext; api: ClaudeApi } {
  const config = testConfig({
    claude: { timeToFirstToken: { kind: 'constant', value: 1 }, overloadProbability: 0, outputRate: 50, ...overrides },
    network: { uplink: { bandwidth: 1e9, rtt: 0 } },
  });
  const sim = new Simulation({ seed: 11 });
  const ctx = new ModelContext(sim, config);
  const uplink = new Link(sim, 'uplink', config.network.uplink);
  return { sim, ctx, api: new ClaudeApi(ctx, config.claude, uplink, distribution(config.claude.timeToFirstToken)) };
}

function fire(sim: Simulation, api: ClaudeApi, n: number, input: number, output: number): { at: number; outcome: CallOutcome }[] {
  const results: { at: number; outcome: CallOutcome }[] = [];
  for (let i = 0; i < n; i++) {
    api.call({ inputTokens: input, outputTokens: output, cacheRead: 0, cacheWrite: 0 }, (outcome) => results.push({ at: sim.now, outcome }));
  }
  sim.run();
  return results;
}

describe('ClaudeApi', () => {
  it('answers in time to first token plus output at the token rate when under its limits', () => {
    const { sim, api, ctx } = setup({});
    const results = fire(sim, api, 3, 1000, 100);
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok']);
    // three 4,000-byte uploads share the uplink, then 1 s to first token and 100 tokens at 50/s
    for (const r of results) expect(r.at).toBeCloseTo(3 * 4000 / 1e9 + 1 + 100 / 50, 9);
    expect(ctx.counters.get('claude.429')).toBe(0);
  });

  it('delays requests with 429s when the input-token bucket is short', () => {
    // 10,000 input tokens/min, 5,000 per request: two at once, then one every 30 s
    const { sim, api, ctx } = setup({ limits: { rpm: 1000, itpm: 10_000, otpm: 1_000_000 }, retry: { maxRetries: 50 } });
    const results = fire(sim, api, 6, 5000, 10);
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    const last = Math.max(...results.map((r) => r.at));
    expect(last).toBeGreaterThanOrEqual(4 * 30);
    expect(ctx.counters.get('claude.429')).toBeGreaterThan(0);
    // never more than the bucket allows: admitted tokens ≤ burst + rate × elapsed
    expect(ctx.counters.get('claude.tokens.itpm')).toBeLessThanOrEqual(10_000 + (10_000 / 60) * last + 1e-6);
  });

  it('fails a call after the SDK retries are exhausted', () => {
    const { sim, api, ctx } = setup({ overloadProbability: 1, retry: { maxRetries: 2, baseDelay: 0.5, maxDelay: 8, jitter: 0 } });
    const results = fire(sim, api, 1, 100, 10);
    expect(results.map((r) => r.outcome)).toEqual(['failed']);
    expect(results[0]!.at).toBeCloseTo(0.5 + 1, 4);
    expect(ctx.counters.get('claude.529')).toBe(3);
    expect(ctx.counters.get('claude.failures')).toBe(1);
  });

  it('reserves max_tokens against the output bucket and gives back the unused part', () => {
    const { sim, api } = setup({ limits: { rpm: 1000, itpm: 1_000_000, otpm: 60_000 }, maxTokens: 8000 });
    api.call({ inputTokens: 10, outputTokens: 100, cacheRead: 0, cacheWrite: 0 }, () => {});
    sim.run(0.5);
    expect(api.otpm!.available()).toBeCloseTo(60_000 - 8000 + 0.5 * 1000, 3);
    sim.run();
    // after the response (t = 3 s): only the 100 tokens used stay taken, refilled at 1000/s up to the cap
    expect(api.otpm!.available()).toBeCloseTo(60_000, 3);
  });

  it('counts cache reads apart from the input-token limit', () => {
    const { sim, api, ctx } = setup({});
    api.call({ inputTokens: 10_000, outputTokens: 10, cacheRead: 0.8, cacheWrite: 0.1 }, () => {});
    sim.run();
    expect(ctx.counters.get('claude.tokens.cacheRead')).toBe(8000);
    expect(ctx.counters.get('claude.tokens.cacheWrite')).toBe(1000);
    expect(ctx.counters.get('claude.tokens.input')).toBe(1000);
    expect(ctx.counters.get('claude.tokens.itpm')).toBe(2000);
  });
});

describe('ClaudeApi without limits', () => {
  it('treats a non-finite limit as none', () => {
    const { sim, api, ctx } = setup({ limits: { rpm: Infinity, itpm: Infinity, otpm: Infinity } });
    const results = fire(sim, api, 50, 100_000, 10);
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    expect(ctx.counters.get('claude.429')).toBe(0);
    expect(api.rpm).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, caps, and removes up to the jitter fraction', () => {
    const policy = { maxRetries: 5, baseDelay: 0.5, maxDelay: 8, jitter: 0.25 };
    expect(backoffDelay(policy, 0, 0)).toBe(0.5);
    expect(backoffDelay(policy, 3, 0)).toBe(4);
    expect(backoffDelay(policy, 6, 0)).toBe(8);
    expect(backoffDelay(policy, 1, 1)).toBe(0.75);
  });
});
