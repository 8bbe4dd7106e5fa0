// The Ollama API emulator: /api/generate and /api/chat (NDJSON streams or single replies),
// /api/tags, /api/ps and /api/version, over the scheduler (slots, queue, loads, VRAM, keep-alive)
// and the shared decoder (aggregate throughput from a curve). Reply text and lengths come from a
// stream named by the seed and the request body, so the same request gets the same reply.

import { createHash } from 'node:crypto';
import http from 'node:http';
import { createRng, distribution, type Distribution } from '../../../sim/index.js';
import { OLLAMA_DEFAULTS } from '../defaults.js';
import { BodyTooLargeError, listen, nowSeconds, readBody, requireTokenOffLoopback, sendJson, sleep } from '../http.js';
import type { EmulatorHandle, OllamaEmulatorOptions } from '../options.js';
import { countTokens, generateTokens, hashText } from '../text.js';
import { parseInference, type InferenceRequest } from './request.js';
import { BusyError, Scheduler, type Lease, type SchedulerCounters } from './scheduler.js';

export interface OllamaModelStats {
  state: 'loading' | 'ready';
  active: number;
  waiting: number;
  peakActive: number;
  peakWaiting: number;
  vram: number;
}

export interface OllamaEmulatorStats extends SchedulerCounters {
  requests: number;
  completed: number;
  cancelled: number;
  badRequests: number;
  notFound: number;
  unauthorized: number;
  failed: number;
  evalTokens: number;
  vramUsed: number;
  models: Record<string, OllamaModelStats>;
  byStatus: Record<string, number>;
}

/** The version reported by /api/version: the scheduling semantics followed are those of 0.12. */
const EMULATED_VERSION = '0.12.0';
/** What /api/ps shows for a runner that never unloads (Ollama shows a date centuries ahead). */
const FOREVER_MS = 292 * 365.25 * 86_400_000;

export async function startOllamaEmulator(options: OllamaEmulatorOptions): Promise<EmulatorHandle<OllamaEmulatorStats>> {
  const host = options.host ?? '127.0.0.1';
  requireTokenOffLoopback(host, options.token, 'the Ollama emulator', 'a token (token, --token)');
  const seed = options.seed ?? 1;
  const config = options.ollama;
  const served = config.models.length > 0 ? config.models : Object.keys(options.models);
  for (const name of served) {
    if (!options.models[name]) throw new Error(`model ${name} is served but has no size (weights, kvBytesPerToken)`);
    if (!options.speeds[name]) throw new Error(`model ${name} is served but has no speeds on this GPU`);
  }
  const outputLength: Distribution = distribution(
    options.outputTokens ?? { kind: 'lognormal', mean: OLLAMA_DEFAULTS.outputMean.value, cv: 1 },
  );
  const scheduler = new Scheduler(config, options.vram, options.models, options.speeds, nowSeconds);
  const maxBody = options.maxBodyBytes ?? OLLAMA_DEFAULTS.maxBody.value;
  const startedAt = new Date().toISOString();
  const counts = {
    requests: 0,
    completed: 0,
    cancelled: 0,
    badRequests: 0,
    notFound: 0,
    unauthorized: 0,
    failed: 0,
    evalTokens: 0,
  };
  const byStatus: Record<string, number> = {};

  function reply(res: http.ServerResponse, status: number, body: unknown): void {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    sendJson(res, status, body);
  }

  function resolveModel(name: string): string | undefined {
    if (served.includes(name)) return name;
    if (!name.includes(':') && served.includes(`${name}:latest`)) return `${name}:latest`;
    return undefined;
  }

  function details(name: string) {
    return {
      parent_model: '',
      format: 'gguf',
      family: name.split(':')[0]!.replace(/[\d.]+$/, ''),
      families: null,
      parameter_size: name.split(':')[1]?.toUpperCase() ?? '',
      quantization_level: 'Q4_K_M',
    };
  }

  function digest(name: string): string {
    return createHash('sha256').update(name).digest('hex');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    counts.requests++;
    const path = (req.url ?? '/').split('?')[0];
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      req.resume();
      counts.unauthorized++;
      return reply(res, 401, { error: 'unauthorized' });
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') {
      byStatus[200] = (byStatus[200] ?? 0) + 1;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
      return;
    }
    if (req.method === 'GET' && path === '/api/version') return reply(res, 200, { version: EMULATED_VERSION });
    if (req.method === 'GET' && path === '/api/tags') {
      return reply(res, 200, {
        models: served.map((name) => ({
          name,
          model: name,
          modified_at: startedAt,
          size: options.models[name]!.weights,
          digest: digest(name),
          details: details(name),
        })),
      });
    }
    if (req.method === 'GET' && path === '/api/ps') {
      const now = nowSeconds();
      const models = [...scheduler.runners.values()]
        .filter((r) => r.state === 'ready')
        .map((r) => {
          const idleFor = r.expiresAt !== undefined ? r.expiresAt - now : r.keepAlive;
          const expires = Number.isFinite(idleFor) ? Date.now() + idleFor * 1000 : Date.now() + FOREVER_MS;
          return {
            name: r.name,
            model: r.name,
            size: r.vram,
            digest: digest(r.name),
            details: details(r.name),
            expires_at: new Date(expires).toISOString(),
            size_vram: r.vram,
            context_length: config.numCtx,
          };
        });
      return reply(res, 200, { models });
    }
    const kind = path === '/api/generate' ? 'generate' : path === '/api/chat' ? 'chat' : undefined;
    if (!kind) {
      req.resume();
      counts.notFound++;
      return reply(res, 404, { error: `${req.method} ${path}: not found` });
    }
    if (req.method !== 'POST') {
      req.resume();
      return reply(res, 405, { error: 'method not allowed' });
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBody);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        counts.badRequests++;
        res.setHeader('connection', 'close');
        return reply(res, 413, { error: `request body too large: over ${maxBody} bytes` });
      }
      return;
    }
    const text = raw.toString('utf8');
    if (text.trim() === '') {
      counts.badRequests++;
      return reply(res, 400, { error: 'missing request body' });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      counts.badRequests++;
      return reply(res, 400, { error: `invalid JSON: ${(err as Error).message}` });
    }
    const parsed = parseInference(body, kind);
    if (!parsed.ok) {
      counts.badRequests++;
      return reply(res, 400, { error: parsed.message });
    }
    const request = parsed.request;
    const model = resolveModel(request.model);
    if (!model) {
      counts.notFound++;
      return reply(res, 404, { error: `model "${request.model}" not found, try pulling it first` });
    }
    await infer(res, kind, model, request, text);
  }

  async function infer(
    res: http.ServerResponse,
    kind: 'generate' | 'chat',
    model: string,
    request: InferenceRequest,
    bodyText: string,
  ): Promise<void> {
    const arrived = nowSeconds();
    const keepAlive = request.keepAlive ?? config.keepAlive;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const base = () => ({ model: request.model, created_at: new Date().toISOString() });

    if (request.loadOnly && keepAlive === 0) {
      scheduler.expire(model);
      const done = kind === 'generate' ? { response: '' } : { message: { role: 'assistant', content: '' } };
      return reply(res, 200, { ...base(), ...done, done: true, done_reason: 'unload' });
    }

    let lease: Lease;
    try {
      lease = await scheduler.acquire(model, keepAlive, abort.signal);
    } catch (err) {
      if (abort.signal.aborted) {
        counts.cancelled++;
        return;
      }
      if (err instanceof BusyError) return reply(res, 503, { error: err.message });
      counts.failed++;
      // A model that cannot fit even alone: Ollama would split it between GPU and CPU; this
      // emulator models GPU-resident runners only and refuses, as Ollama does when memory is short.
      return reply(res, 500, { error: (err as Error).message });
    }
    if (request.loadOnly) {
      lease.release();
      const done = kind === 'generate' ? { response: '' } : { message: { role: 'assistant', content: '' } };
      return reply(res, 200, { ...base(), ...done, done: true, done_reason: 'load' });
    }

    const promptTokens = Math.max(1, countTokens(request.promptText));
    const content = createRng(seed, `ollama-content:${hashText(bodyText)}`);
    const natural = Math.max(1, Math.round(outputLength.sample(content)));
    const room = Math.max(1, config.numCtx - promptTokens);
    const cap = Math.min(request.numPredict ?? Infinity, room);
    const evalCount = Math.min(natural, cap);
    const doneReason = natural >= cap ? 'length' : 'stop';
    const tokens = generateTokens(content, evalCount);

    const runner = lease.runner;
    try {
      const chunk = (piece: string) =>
        kind === 'generate' ? { ...base(), response: piece, done: false } : { ...base(), message: { role: 'assistant', content: piece }, done: false };
      if (request.stream) {
        byStatus[200] = (byStatus[200] ?? 0) + 1;
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      }
      const prefillStart = nowSeconds();
      await sleep(promptTokens / runner.speed.prefillRate, abort.signal);
      const decodeStart = nowSeconds();
      let sent = 0;
      const finished = await runner.decoder.decode(
        evalCount,
        (n) => {
          if (!request.stream || res.destroyed) {
            sent += n;
            return;
          }
          let lines = '';
          for (let i = 0; i < n; i++) lines += `${JSON.stringify(chunk(tokens[sent + i]!))}\n`;
          sent += n;
          res.write(lines);
        },
        abort.signal,
      );
      lease.release();
      if (abort.signal.aborted) {
        counts.cancelled++;
        return;
      }
      const end = Math.max(finished, nowSeconds());
      const ns = (seconds: number) => Math.max(0, Math.round(seconds * 1e9));
      const timings = {
        done: true,
        done_reason: doneReason,
        total_duration: ns(end - arrived),
        load_duration: ns(lease.loadDuration),
        prompt_eval_count: promptTokens,
        prompt_eval_duration: ns(decodeStart - prefillStart),
        eval_count: evalCount,
        eval_duration: ns(finished - decodeStart),
      };
      counts.completed++;
      counts.evalTokens += evalCount;
      const full = tokens.join('');
      if (request.stream) {
        const last =
          kind === 'generate'
            ? { ...base(), response: '', ...timings, context: contextIds(promptTokens + evalCount) }
            : { ...base(), message: { role: 'assistant', content: '' }, ...timings };
        res.end(`${JSON.stringify(last)}\n`);
      } else {
        const whole =
          kind === 'generate'
            ? { ...base(), response: full, ...timings, context: contextIds(promptTokens + evalCount) }
            : { ...base(), message: { role: 'assistant', content: full }, ...timings };
        reply(res, 200, whole);
      }
    } finally {
      lease.release();
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      counts.failed++;
      if (!res.headersSent) reply(res, 500, { error: String(err) });
      else res.destroy();
    });
  });
  server.headersTimeout = 30_000;
  const listening = await listen(server, host, options.port ?? 0);
  return {
    ...listening,
    close: async () => {
      scheduler.close();
      await listening.close();
    },
    stats: (): OllamaEmulatorStats => {
      const models: Record<string, OllamaModelStats> = {};
      for (const r of scheduler.runners.values()) {
        models[r.name] = {
          state: r.state,
          active: r.active,
          waiting: r.waiters.length,
          peakActive: r.peakActive,
          peakWaiting: r.peakWaiting,
          vram: r.vram,
        };
      }
      return { ...counts, ...scheduler.counters, vramUsed: scheduler.vramUsed(), models, byStatus: { ...byStatus } };
    },
  };
}

/** Stand-in token ids for the `context` field (deprecated by Ollama, still sent by /api/generate). */
function contextIds(count: number): number[] {
  const ids = new Array<number>(count);
  for (let i = 0; i < count; i++) ids[i] = (i * 7919 + 13) % 128_000;
  return ids;
}
