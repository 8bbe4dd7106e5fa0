// The Claude Messages API emulator: POST /v1/messages, plain and streamed (SSE), with the API's
// rate limits, overloads, pacing and error shapes. Reply text and lengths are drawn from a
// stream named by the seed and the request body (the same request gives the same reply);
// overloads and times to first token come from one stream in arrival order.

import http from 'node:http';
import { createRng, distribution, type Distribution, type Rng } from '../../../sim/index.js';
import { BodyTooLargeError, listen, nowSeconds, readBody, requireTokenOffLoopback, sendJson, sleep } from '../http.js';
import { CLAUDE_DEFAULTS } from '../defaults.js';
import type { ClaudeEmulatorOptions, EmulatorHandle } from '../options.js';
import { generateTokens, hashText, randomId } from '../text.js';
import { RateLimiter } from './limits.js';
import { parseMessagesRequest } from './request.js';

export interface ClaudeEmulatorStats {
  /** HTTP requests received, whatever became of them. */
  requests: number;
  /** Requests admitted past validation, overload and rate limits. */
  admitted: number;
  completed: number;
  inFlight: number;
  rateLimited: number;
  overloaded: number;
  badRequests: number;
  unauthorized: number;
  /** Admitted requests that the client abandoned before the end. */
  abandoned: number;
  inputTokens: number;
  outputTokens: number;
  byStatus: Record<string, number>;
}

type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'overloaded_error';

/** Seconds of silence on a stream before a ping is sent. */
const PING_INTERVAL = 5;

const STATUS: Record<ErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  overloaded_error: 529,
};

export async function startClaudeEmulator(options: ClaudeEmulatorOptions): Promise<EmulatorHandle<ClaudeEmulatorStats>> {
  const host = options.host ?? '127.0.0.1';
  requireTokenOffLoopback(host, options.apiKey, 'the Claude emulator', 'an API key (apiKey, --api-key)');
  const seed = options.seed ?? 1;
  const params = options.claude;
  if (!(params.outputRate > 0)) throw new Error('claude.outputRate must be positive (tokens per second)');
  if (!(params.overloadProbability >= 0 && params.overloadProbability <= 1)) {
    throw new Error('claude.overloadProbability must lie between 0 and 1');
  }
  const ttft: Distribution = distribution(params.timeToFirstToken);
  const outputLength: Distribution = distribution(
    options.outputTokens ?? { kind: 'lognormal', mean: CLAUDE_DEFAULTS.outputMean.value, cv: 1 },
  );
  const timing: Rng = createRng(seed, 'claude-timing');
  const maxBody = options.maxBodyBytes ?? CLAUDE_DEFAULTS.maxBody.value;
  const maxTokensAccepted = options.maxTokensAccepted ?? CLAUDE_DEFAULTS.maxTokens.value;
  const limiter = new RateLimiter(params.limits, options.limitWindow ?? CLAUDE_DEFAULTS.limitWindow.value, nowSeconds());
  const stats: ClaudeEmulatorStats = {
    requests: 0,
    admitted: 0,
    completed: 0,
    inFlight: 0,
    rateLimited: 0,
    overloaded: 0,
    badRequests: 0,
    unauthorized: 0,
    abandoned: 0,
    inputTokens: 0,
    outputTokens: 0,
    byStatus: {},
  };
  let sequence = 0;

  function count(status: number): void {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  }

  function fail(
    res: http.ServerResponse,
    requestId: string,
    type: ErrorType,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    const status = STATUS[type];
    count(status);
    sendJson(res, status, { type: 'error', error: { type, message }, request_id: requestId }, { 'request-id': requestId, ...headers });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    stats.requests++;
    const requestId = `req_${String(++sequence).padStart(12, '0')}`;
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/v1/messages' || req.method !== 'POST') {
      req.resume();
      return fail(res, requestId, 'not_found_error', `${req.method} ${path}: not found`);
    }
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') {
      req.resume();
      stats.unauthorized++;
      return fail(res, requestId, 'authentication_error', 'x-api-key header is required');
    }
    if (options.apiKey !== undefined && key !== options.apiKey) {
      req.resume();
      stats.unauthorized++;
      return fail(res, requestId, 'authentication_error', 'invalid x-api-key');
    }
    const version = req.headers['anthropic-version'];
    if (typeof version !== 'string' || version === '') {
      req.resume();
      stats.badRequests++;
      return fail(res, requestId, 'invalid_request_error', 'anthropic-version: header is required');
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBody);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        stats.badRequests++;
        res.setHeader('connection', 'close');
        return fail(res, requestId, 'request_too_large', `Request exceeds the maximum allowed number of bytes (${maxBody}).`);
      }
      return;
    }
    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      stats.badRequests++;
      return fail(res, requestId, 'invalid_request_error', 'There was an error parsing the body of your request: it is not valid JSON.');
    }
    const parsed = parseMessagesRequest(body, maxTokensAccepted);
    if (!parsed.ok) {
      stats.badRequests++;
      return fail(res, requestId, 'invalid_request_error', parsed.message);
    }
    const request = parsed.request;
    if (timing.next() < params.overloadProbability) {
      stats.overloaded++;
      return fail(res, requestId, 'overloaded_error', 'Overloaded');
    }
    const now = nowSeconds();
    const admission = limiter.admit(request.inputTokens, request.maxTokens, now);
    if (!admission.ok) {
      stats.rateLimited++;
      const retryAfter = Math.max(1, Math.ceil(admission.retryAfter));
      const message = admission.exceedsCapacity
        ? `This request would exceed your organization's rate limit of ${limitOf(admission.limit)} ${admission.limit} per minute on its own; reduce the prompt length or the maximum tokens requested.`
        : `This request would exceed your organization's rate limit of ${limitOf(admission.limit)} ${admission.limit} per minute. Please try again later.`;
      return fail(res, requestId, 'rate_limit_error', message, { ...admission.headers, 'retry-after': String(retryAfter) });
    }
    stats.admitted++;
    stats.inFlight++;
    stats.inputTokens += request.inputTokens;
    const content = createRng(seed, `claude-content:${hashText(text)}`);
    const wanted = Math.max(1, Math.round(outputLength.sample(content)));
    const outputTokens = Math.min(request.maxTokens, wanted);
    const stopReason = wanted >= request.maxTokens ? 'max_tokens' : 'end_turn';
    const messageId = `msg_${randomId(content, 24)}`;
    const tokens = generateTokens(content, outputTokens);
    const firstToken = Math.max(0, ttft.sample(timing));

    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let emitted = 0;
    try {
      const head = { 'request-id': requestId, ...admission.headers };
      if (request.stream) {
        emitted = await streamMessage(res, head, abort.signal, {
          id: messageId,
          model: request.model,
          inputTokens: request.inputTokens,
          tokens,
          stopReason,
          firstToken,
          rate: params.outputRate,
          start: now,
        });
      } else {
        await sleep(firstToken + (outputTokens - 1) / params.outputRate, abort.signal);
        if (!abort.signal.aborted) {
          emitted = outputTokens;
          count(200);
          sendJson(
            res,
            200,
            {
              id: messageId,
              type: 'message',
              role: 'assistant',
              model: request.model,
              content: [{ type: 'text', text: tokens.join('') }],
              stop_reason: stopReason,
              stop_sequence: null,
              usage: usage(request.inputTokens, outputTokens),
            },
            head,
          );
        }
      }
    } finally {
      stats.inFlight--;
      stats.outputTokens += emitted;
      if (emitted === outputTokens) stats.completed++;
      else stats.abandoned++;
      limiter.settle(request.maxTokens, emitted, nowSeconds());
    }

    function limitOf(name: string): number {
      return name === 'requests' ? params.limits.rpm : name === 'input tokens' ? params.limits.itpm : params.limits.otpm;
    }
  }

  async function streamMessage(
    res: http.ServerResponse,
    head: Record<string, string>,
    signal: AbortSignal,
    m: { id: string; model: string; inputTokens: number; tokens: string[]; stopReason: string; firstToken: number; rate: number; start: number },
  ): Promise<number> {
    count(200);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...head });
    let lastWrite = nowSeconds();
    const send = (event: string, data: unknown) => {
      lastWrite = nowSeconds();
      if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('message_start', {
      type: 'message_start',
      message: {
        id: m.id,
        type: 'message',
        role: 'assistant',
        model: m.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(m.inputTokens, 1),
      },
    });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send('ping', { type: 'ping' });
    const first = m.start + m.firstToken;
    let emitted = 0;
    while (emitted < m.tokens.length && !signal.aborted) {
      const now = nowSeconds();
      // Token i is due at first + i / rate; everything due by now goes out in one delta.
      const due = Math.min(m.tokens.length, now < first ? 0 : Math.floor((now - first) * m.rate) + 1);
      if (due > emitted) {
        send('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: m.tokens.slice(emitted, due).join('') },
        });
        emitted = due;
      }
      if (emitted < m.tokens.length) {
        const next = first + emitted / m.rate;
        // A long silence (a slow first token) is broken by pings, as the API keeps streams alive.
        const pingDue = lastWrite + PING_INTERVAL;
        await sleep(Math.max(0.001, Math.min(next, pingDue) - nowSeconds()), signal);
        if (nowSeconds() >= pingDue && nowSeconds() < first + emitted / m.rate) send('ping', { type: 'ping' });
      }
    }
    if (signal.aborted) return emitted;
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: m.stopReason, stop_sequence: null },
      usage: { output_tokens: emitted },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
    return emitted;
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: String(err) } });
      else res.destroy();
    });
  });
  server.headersTimeout = 30_000;
  const listening = await listen(server, host, options.port ?? 0);
  return { ...listening, stats: () => ({ ...stats, byStatus: { ...stats.byStatus } }) };
}

function usage(input: number, output: number) {
  return { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output };
}
