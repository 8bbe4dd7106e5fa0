// The Ollama emulator over real HTTP on 127.0.0.1: the `ollama` npm client, the scheduler's
// queueing, loads, keep-alive and VRAM accounting, and the error shapes.

import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle, OllamaEmulatorOptions } from '../options.js';
import { startOllamaEmulator, type OllamaEmulatorStats } from './server.js';

const running: EmulatorHandle<OllamaEmulatorStats>[] = [];
const controllers: AbortController[] = [];

afterEach(async () => {
  for (const c of controllers.splice(0)) c.abort();
  for (const h of running.splice(0)) await h.close();
});

const GB = 1e9;

function options(overrides: Partial<OllamaEmulatorOptions['ollama']> = {}, extra: Partial<OllamaEmulatorOptions> = {}): OllamaEmulatorOptions {
  return {
    seed: 3,
    ollama: { numParallel: 1, maxQueue: 512, maxLoadedModels: 3, keepAlive: 300, models: [], numCtx: 4096, ...overrides },
    vram: 24 * GB,
    models: { 'small:1b': { weights: 1 * GB, kvBytesPerToken: 1000 }, 'other:1b': { weights: 1 * GB, kvBytesPerToken: 1000 } },
    speeds: {
      'small:1b': { prefillRate: 1e6, loadTime: 0.05, decodeCurve: [[1, 4000], [2, 6000]] },
      'other:1b': { prefillRate: 1e6, loadTime: 0.05, decodeCurve: [[1, 4000], [2, 6000]] },
    },
    outputTokens: { kind: 'constant', value: 30 },
    ...extra,
  };
}

async function start(o: OllamaEmulatorOptions): Promise<EmulatorHandle<OllamaEmulatorStats>> {
  const handle = await startOllamaEmulator(o);
  running.push(handle);
  return handle;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** Starts a long streamed generation; `headers` resolves when the server answers (a slot was granted). */
function longStream(url: string, model: string, prompt: string): { headers: Promise<Response>; answered: () => boolean; abort: () => void } {
  const controller = new AbortController();
  controllers.push(controller);
  let answered = false;
  const headers = fetch(`${url}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model, prompt, options: { num_predict: 1_000_000 } }),
    signal: controller.signal,
  });
  headers.then(
    () => (answered = true),
    () => undefined,
  );
  return { headers, answered: () => answered, abort: () => controller.abort() };
}

describe('Ollama emulator with the ollama client', () => {
  it('generates, streams a chat, lists tags and loaded models, with timing fields in nanoseconds', async () => {
    const handle = await start(options());
    const client = new Ollama({ host: handle.url });
    const tags = await client.list();
    expect(tags.models.map((m) => m.name).sort()).toEqual(['other:1b', 'small:1b']);
    expect(tags.models[0]!.size).toBe(1 * GB);

    const cold = await client.generate({ model: 'small:1b', prompt: 'Count the queue.', options: { num_predict: 20 } });
    expect(cold.done).toBe(true);
    expect(cold.done_reason).toBe('length');
    expect(cold.eval_count).toBe(20);
    expect(cold.response.split(' ')).toHaveLength(20);
    expect(cold.prompt_eval_count).toBe(4);
    // A cold request includes the 50 ms load; 20 tokens at 4000 t/s take at least 5 ms.
    expect(cold.load_duration).toBeGreaterThanOrEqual(0.05e9 - 1e6);
    expect(cold.eval_duration).toBeGreaterThanOrEqual(0.005e9 - 1e6);
    expect(cold.total_duration).toBeGreaterThanOrEqual(cold.load_duration + cold.prompt_eval_duration + cold.eval_duration - 1e6);
    expect(Number.isInteger(cold.total_duration)).toBe(true);

    const again = await client.generate({ model: 'small:1b', prompt: 'Count the queue.', options: { num_predict: 20 } });
    expect(again.response).toBe(cold.response);
    expect(again.load_duration).toBeLessThan(cold.load_duration);

    const parts: string[] = [];
    let final: { done: boolean; eval_count: number; done_reason: string } | undefined;
    const stream = await client.chat({ model: 'small:1b', messages: [{ role: 'user', content: 'hello' }], stream: true });
    for await (const part of stream) {
      if (part.done) final = part;
      else parts.push(part.message.content);
    }
    expect(parts).toHaveLength(30);
    expect(final).toMatchObject({ done: true, eval_count: 30, done_reason: 'stop' });

    const ps = await client.ps();
    expect(ps.models.map((m) => m.name)).toEqual(['small:1b']);
    expect(ps.models[0]!.size_vram).toBe(1 * GB + 1000 * 4096);
    expect(new Date(ps.models[0]!.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect(handle.stats()).toMatchObject({ loads: 1, completed: 3, evalTokens: 70 });
  });

  it('reports errors in Ollama\'s shape, through the client and on the wire', async () => {
    const handle = await start(options({}, { token: 'secret' }));
    const anonymous = await post(handle.url, '/api/tags', {});
    expect(anonymous).toEqual({ status: 401, json: { error: 'unauthorized' } });
    const client = new Ollama({ host: handle.url, headers: { Authorization: 'Bearer secret' } });
    const missing = await client.generate({ model: 'nope:7b', prompt: 'x' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'ResponseError', status_code: 404 });
    expect((missing as Error).message).toMatch(/model "nope:7b" not found/);

    const auth = { authorization: 'Bearer secret' };
    const raw = async (path: string, body: string) => {
      const res = await fetch(`${handle.url}${path}`, { method: 'POST', headers: auth, body });
      return { status: res.status, json: await res.json() };
    };
    expect(await raw('/api/generate', '{"model":')).toMatchObject({ status: 400, json: { error: expect.stringMatching(/invalid JSON/) } });
    expect(await raw('/api/generate', '{"prompt":"x"}')).toEqual({ status: 400, json: { error: 'model is required' } });
    expect(await raw('/api/chat', '{"model":"small:1b","messages":"hi"}')).toMatchObject({ status: 400 });
    expect(await raw('/api/generate', '{"model":"small:1b","prompt":"x","keep_alive":"soon"}')).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/invalid duration/) },
    });
    expect(await raw('/api/pull', '{}')).toMatchObject({ status: 404, json: { error: expect.any(String) } });
  });
});

describe('Ollama scheduling', () => {
  it('runs numParallel requests per loaded model and queues the rest FIFO without limit', async () => {
    // Slow decoding so the streams outlast the test; maxQueue 1 does not bound a loaded model's queue.
    const slow = options({ numParallel: 2, maxQueue: 1 }, {});
    slow.speeds['small:1b']!.decodeCurve = [[1, 50], [2, 100]];
    const handle = await start(slow);
    const model = 'small:1b';
    expect((await post(handle.url, '/api/generate', { model })).json.done_reason).toBe('load');

    const streams: ReturnType<typeof longStream>[] = [];
    for (let i = 0; i < 5; i++) {
      streams.push(longStream(handle.url, model, `request ${i}`));
      await waitFor(() => {
        const m = handle.stats().models[model];
        return m !== undefined && m.active + m.waiting === i + 1;
      }, `request ${i} to arrive`);
    }
    expect(handle.stats().models[model]).toMatchObject({ active: 2, waiting: 3 });
    await Promise.all([streams[0]!.headers, streams[1]!.headers]);
    expect(streams.map((s) => s.answered())).toEqual([true, true, false, false, false]);

    streams[0]!.abort();
    await waitFor(() => streams[2]!.answered(), 'the first waiter to get the freed slot');
    expect(streams.slice(3).map((s) => s.answered())).toEqual([false, false]);
    expect(handle.stats().models[model]).toMatchObject({ active: 2, waiting: 2 });

    streams[1]!.abort();
    await waitFor(() => streams[3]!.answered(), 'the next waiter');
    expect(streams[4]!.answered()).toBe(false);
    for (const s of streams) s.abort();
    await waitFor(() => handle.stats().cancelled === 5, 'every request to be cancelled');
    expect(handle.stats()).toMatchObject({ rejectedBusy: 0, models: { [model]: { active: 0, waiting: 0, peakActive: 2, peakWaiting: 3 } } });
  });

  it('answers 503 to requests needing a load beyond maxQueue', async () => {
    const o = options({ maxQueue: 2 });
    o.speeds['other:1b']!.loadTime = 600; // stays loading for the whole test
    const handle = await start(o);
    const waiting = [longStream(handle.url, 'other:1b', 'a'), longStream(handle.url, 'other:1b', 'b')];
    await waitFor(() => handle.stats().pendingLoad === 2, 'two requests waiting for the load');
    const busy = await post(handle.url, '/api/generate', { model: 'other:1b', prompt: 'c' });
    expect(busy).toEqual({ status: 503, json: { error: 'server busy, please try again.  maximum pending requests exceeded' } });
    const client = new Ollama({ host: handle.url });
    const viaClient = await client.generate({ model: 'small:1b', prompt: 'd' }).catch((e: unknown) => e);
    expect(viaClient).toMatchObject({ name: 'ResponseError', status_code: 503 });
    expect(waiting.map((w) => w.answered())).toEqual([false, false]);
    expect(handle.stats()).toMatchObject({ rejectedBusy: 2, loads: 1, models: { 'other:1b': { state: 'loading' } } });
  });

  it('unloads a model after its keep-alive, and at once with keep_alive 0', async () => {
    const handle = await start(options());
    const client = new Ollama({ host: handle.url });
    await client.generate({ model: 'small:1b', prompt: 'x', keep_alive: '150ms' });
    await waitFor(async () => (await client.ps()).models.length === 0, 'the model to unload after 150ms idle');
    expect(handle.stats().unloads).toBe(1);

    await client.generate({ model: 'small:1b', prompt: 'x', keep_alive: 0 });
    expect((await client.ps()).models).toEqual([]);
    expect(handle.stats()).toMatchObject({ loads: 2, unloads: 2 });

    await client.generate({ model: 'small:1b', prompt: 'x' });
    expect((await client.ps()).models).toHaveLength(1);
    const unload = await post(handle.url, '/api/generate', { model: 'small:1b', keep_alive: 0 });
    expect(unload.json).toMatchObject({ done: true, done_reason: 'unload' });
    expect((await client.ps()).models).toEqual([]);
  });

  it('evicts idle models least recently used to make room in VRAM, and waits while they are busy', async () => {
    // 2.5 GB of VRAM holds the two 1 GB models (plus 1 MB of KV each); big:2b needs both gone.
    const o = options({ numCtx: 1000 }, { vram: 2.5 * GB });
    o.models['big:2b'] = { weights: 2 * GB, kvBytesPerToken: 1000 };
    o.speeds['big:2b'] = { prefillRate: 1e6, loadTime: 0.05, decodeCurve: [[1, 4000]] };
    o.models['huge:70b'] = { weights: 40 * GB, kvBytesPerToken: 1000 };
    o.speeds['huge:70b'] = { prefillRate: 1e6, loadTime: 0.05, decodeCurve: [[1, 4000]] };
    const slowSmall = o.speeds['small:1b']!;
    slowSmall.decodeCurve = [[1, 50]];
    const handle = await start(o);
    const client = new Ollama({ host: handle.url });
    await client.generate({ model: 'other:1b', prompt: 'x' });
    await client.generate({ model: 'small:1b', prompt: 'x', options: { num_predict: 1 } });
    expect((await client.ps()).models.map((m) => m.name).sort()).toEqual(['other:1b', 'small:1b']);

    // big:2b needs 2 GB: both small models must go; other:1b (least recently used) is idle, but
    // small:1b is busy with a long stream, so the load waits until it ends.
    const busy = longStream(handle.url, 'small:1b', 'keep busy');
    await busy.headers;
    const big = client.generate({ model: 'big:2b', prompt: 'x' });
    await waitFor(() => handle.stats().evictions === 1, 'the idle model to be evicted');
    expect(Object.keys(handle.stats().models)).toEqual(['small:1b']);
    expect(handle.stats().pendingLoad).toBe(1);
    busy.abort();
    const reply = await big;
    expect(reply.done).toBe(true);
    expect((await client.ps()).models.map((m) => m.name)).toEqual(['big:2b']);
    expect(handle.stats()).toMatchObject({ evictions: 2, vramUsed: 2 * GB + 1000 * 1000 });

    const tooBig = await client.generate({ model: 'huge:70b', prompt: 'x' }).catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ status_code: 500 });
    expect((tooBig as Error).message).toMatch(/more GPU memory/);
  });

  it('keeps at most maxLoadedModels loaded, unloading the least recently used', async () => {
    const handle = await start(options({ maxLoadedModels: 1 }));
    const client = new Ollama({ host: handle.url });
    await client.generate({ model: 'small:1b', prompt: 'x' });
    await client.generate({ model: 'other:1b', prompt: 'x' });
    expect((await client.ps()).models.map((m) => m.name)).toEqual(['other:1b']);
    expect(handle.stats()).toMatchObject({ loads: 2, evictions: 1 });
  });

  it('shares decode throughput between concurrent streams along the curve', async () => {
    // Alone 1000 t/s; two streams 1200 t/s together (600 each).
    const o = options({ numParallel: 2 }, { outputTokens: { kind: 'constant', value: 10_000 } });
    o.speeds['small:1b']!.decodeCurve = [[1, 1000], [2, 1200]];
    const handle = await start(o);
    const client = new Ollama({ host: handle.url });
    await client.generate({ model: 'small:1b', prompt: '' });
    const [a, b] = await Promise.all([
      client.generate({ model: 'small:1b', prompt: 'first', options: { num_predict: 120 } }),
      client.generate({ model: 'small:1b', prompt: 'second', options: { num_predict: 120 } }),
    ]);
    expect([a.eval_count, b.eval_count]).toEqual([120, 120]);
    // However much they overlap, the later of two 120-token streams cannot end before 0.12 s of decoding.
    expect(Math.max(a.eval_duration, b.eval_duration)).toBeGreaterThanOrEqual(0.12e9 - 1e6);
    expect(handle.stats().models['small:1b']!.peakActive).toBe(2);
  });
});
