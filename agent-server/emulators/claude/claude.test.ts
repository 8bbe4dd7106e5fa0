// The Claude emulator over real HTTP on 127.0.0.1, driven by the official @anthropic-ai/sdk.

import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaudeEmulatorOptions, EmulatorHandle } from '../options.js';
import { startClaudeEmulator, type ClaudeEmulatorStats } from './server.js';

const running: EmulatorHandle<ClaudeEmulatorStats>[] = [];

afterEach(async () => {
  for (const h of running.splice(0)) await h.close();
});

function fastOptions(overrides: Partial<ClaudeEmulatorOptions['claude']> = {}, extra: Partial<ClaudeEmulatorOptions> = {}): ClaudeEmulatorOptions {
  return {
    seed: 7,
    claude: {
      model: 'claude-test',
      limits: { rpm: 1000, itpm: 1_000_000, otpm: 1_000_000 },
      timeToFirstToken: { kind: 'constant', value: 0.01 },
      outputRate: 5000,
      overloadProbability: 0,
      ...overrides,
    },
    outputTokens: { kind: 'constant', value: 40 },
    ...extra,
  };
}

async function start(options: ClaudeEmulatorOptions): Promise<EmulatorHandle<ClaudeEmulatorStats>> {
  const handle = await startClaudeEmulator(options);
  running.push(handle);
  return handle;
}

function client(handle: { url: string }, maxRetries = 2): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: handle.url, maxRetries });
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...headers },
    body,
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

const ask = { model: 'claude-test', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Plan the fleet.' }] };

describe('Claude emulator', () => {
  it('streams a message to the SDK in the documented event order with usage', async () => {
    const handle = await start(fastOptions());
    const events: string[] = [];
    let text = '';
    const stream = await client(handle).messages.create({ ...ask, stream: true });
    let usage: { output_tokens: number } | undefined;
    let inputTokens = 0;
    let stopReason: string | null = null;
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'message_start') inputTokens = event.message.usage.input_tokens;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') {
        usage = event.usage;
        stopReason = event.delta.stop_reason;
      }
    }
    const deltas = events.filter((e) => e === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(0);
    const withoutPings = events.filter((e) => e !== 'ping');
    expect(withoutPings).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    // The SDK drops ping events; the raw stream below shows them.
    // 'Plan the fleet.' is 15 characters: 4 tokens at 4 characters per token.
    expect(inputTokens).toBe(4);
    expect(usage?.output_tokens).toBe(40);
    expect(stopReason).toBe('end_turn');
    expect(text.split(' ')).toHaveLength(40);
    expect(handle.stats()).toMatchObject({ admitted: 1, completed: 1, outputTokens: 40, inputTokens: 4 });
  });

  it('sends ping events on the raw SSE stream, with event names matching the data types', async () => {
    const handle = await start(fastOptions());
    const res = await fetch(`${handle.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...ask, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const frames = (await res.text()).split('\n\n').filter((f) => f.trim() !== '');
    const names = frames.map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const name = eventLine!.replace(/^event: /, '');
      expect(JSON.parse(dataLine!.replace(/^data: /, '')).type).toBe(name);
      return name;
    });
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('paces the stream: nothing before the time to first token, the rest at the output rate', async () => {
    const handle = await start(fastOptions({ timeToFirstToken: { kind: 'constant', value: 0.2 }, outputRate: 200 }));
    const started = performance.now();
    const stream = await client(handle).messages.create({ ...ask, stream: true });
    let first: number | undefined;
    let last = 0;
    for await (const event of stream) {
      if (event.type === 'content_block_delta') {
        first ??= performance.now();
        last = performance.now();
      }
    }
    // Lower bounds only: a loaded machine may be late, never early.
    expect(first! - started).toBeGreaterThanOrEqual(200 - 1);
    expect(last - started).toBeGreaterThanOrEqual(200 + (39 / 200) * 1000 - 1);
  });

  it('answers the same request with the same text for the same seed, and other text for another', async () => {
    const a = await start(fastOptions());
    const b = await start(fastOptions());
    const c = await start({ ...fastOptions(), seed: 8 });
    const [ra, rb, rc] = await Promise.all([a, b, c].map((h) => client(h).messages.create(ask)));
    const textOf = (m: Anthropic.Message) => m.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(textOf(ra!)).toBe(textOf(rb!));
    expect(ra!.id).toBe(rb!.id);
    expect(textOf(ra!)).not.toBe(textOf(rc!));
    expect(ra!.usage).toEqual(expect.objectContaining({ input_tokens: 4, output_tokens: 40 }));
    expect(ra!.stop_reason).toBe('end_turn');
  });

  it('caps the reply at max_tokens with stop_reason max_tokens', async () => {
    const handle = await start(fastOptions());
    const reply = await client(handle).messages.create({ ...ask, max_tokens: 5 });
    expect(reply.usage.output_tokens).toBe(5);
    expect(reply.stop_reason).toBe('max_tokens');
  });

  it('answers 429 with retry-after and the rate-limit headers, and the SDK retries by itself', async () => {
    // One request per 2 s: a request right after another finds the bucket empty.
    const handle = await start(fastOptions({ limits: { rpm: 1, itpm: 1_000_000, otpm: 1_000_000 } }, { limitWindow: 2 }));
    const sdk = client(handle);
    await sdk.messages.create(ask);
    const reply = await sdk.messages.create(ask);
    expect(reply.usage.output_tokens).toBe(40);
    const stats = handle.stats();
    // The second call's first attempt met the 429 and the SDK's own retry succeeded.
    expect(stats.rateLimited).toBeGreaterThanOrEqual(1);
    expect(stats.requests).toBe(stats.rateLimited + 2);
    expect(stats.completed).toBe(2);

    const raw = await post(handle.url, JSON.stringify(ask));
    expect(raw.status).toBe(429);
    expect(raw.json).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(raw.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect(raw.headers.get('anthropic-ratelimit-requests-limit')).toBe('1');
    expect(raw.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(raw.headers.get('anthropic-ratelimit-input-tokens-limit')).toBe('1000000');
    expect(raw.headers.get('anthropic-ratelimit-output-tokens-remaining')).not.toBeNull();
    expect(Date.parse(raw.headers.get('anthropic-ratelimit-requests-reset')!)).not.toBeNaN();
  });

  it('meets overloads with 529 overloaded_error', async () => {
    const handle = await start(fastOptions({ overloadProbability: 1 }));
    const err = await client(handle, 0)
      .messages.create(ask)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(handle.stats().overloaded).toBe(1);
  });

  it('overloads a fraction of requests matching the set probability (95 % binomial interval)', async () => {
    const p = 0.25;
    const n = 200;
    const handle = await start({
      ...fastOptions({ overloadProbability: p, timeToFirstToken: { kind: 'constant', value: 0 } }),
      outputTokens: { kind: 'constant', value: 1 },
    });
    let overloaded = 0;
    for (let i = 0; i < n; i++) {
      const res = await post(handle.url, JSON.stringify(ask));
      if (res.status === 529) overloaded++;
      else expect(res.status).toBe(200);
    }
    const halfWidth = 1.96 * Math.sqrt(n * p * (1 - p));
    expect(Math.abs(overloaded - n * p)).toBeLessThanOrEqual(halfWidth);
    expect(handle.stats().overloaded).toBe(overloaded);
  });

  it("refuses bad requests in Anthropic's error shape", async () => {
    const handle = await start(fastOptions({}, { apiKey: 'right', maxBodyBytes: 2000 }));
    const good = { 'x-api-key': 'right' };
    const noKey = await post(handle.url, JSON.stringify(ask), { 'x-api-key': '' });
    expect(noKey.status).toBe(401);
    expect(noKey.json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const wrongKey = await post(handle.url, JSON.stringify(ask), { 'x-api-key': 'wrong' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.json.error.message).toBe('invalid x-api-key');
    const badJson = await post(handle.url, '{"model":', good);
    expect(badJson.status).toBe(400);
    expect(badJson.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const noMax = await post(handle.url, JSON.stringify({ model: 'm', messages: ask.messages }), good);
    expect(noMax.status).toBe(400);
    expect(noMax.json.error.message).toMatch(/max_tokens/);
    const noMessages = await post(handle.url, JSON.stringify({ model: 'm', max_tokens: 5 }), good);
    expect(noMessages.json.error.message).toMatch(/messages/);
    const tooMany = await post(handle.url, JSON.stringify({ ...ask, max_tokens: 64_001 }), good);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toMatch(/maximum allowed number of output tokens/);
    const badRole = await post(handle.url, JSON.stringify({ ...ask, messages: [{ role: 'robot', content: 'x' }] }), good);
    expect(badRole.status).toBe(400);
    const noVersion = await post(handle.url, JSON.stringify(ask), { ...good, 'anthropic-version': '' });
    expect(noVersion.status).toBe(400);
    const tooBig = await post(handle.url, JSON.stringify({ ...ask, system: 'x'.repeat(5000) }), good);
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    const nowhere = await fetch(`${handle.url}/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'right' }, body: '{}' });
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const stats = handle.stats();
    expect(stats.unauthorized).toBe(2);
    expect(stats.admitted).toBe(0);
  });

  it('refuses to bind beyond loopback without an API key', async () => {
    await expect(startClaudeEmulator({ ...fastOptions(), host: '0.0.0.0' })).rejects.toThrow(/needs a token/);
  });
});
