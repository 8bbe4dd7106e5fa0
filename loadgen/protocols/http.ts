// `http`: requests at a constant (or Poisson) overall rate, each timed from its intended send
// time, over a pool of keep-alive sockets (--connections). In closed mode, autocannon drives the
// target as fast as it answers (maximum throughput); its coordinated-omission correction is off
// because it invents samples from an assumed 1 ms interval, so only real response times are kept.

import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { rateRamp, rng, sendOnSchedule, type Driver, type RunContext } from '../context.js';
import { classifyError } from '../errors.js';
import { COUNTERS } from '../recorder.js';
import { EventStream } from '../timeline.js';

const METRIC = 'latency.request';

export function startHttp(ctx: RunContext): Driver {
  return ctx.options.mode === 'closed' ? startClosedHttp(ctx) : startOpenHttp(ctx);
}

function startOpenHttp(ctx: RunContext): Driver {
  const { options, recorder: rec } = ctx;
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  const sockets = Math.max(1, Math.ceil(options.connections / ctx.share.count));
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: sockets, rejectUnauthorized: !options.insecure })
    : new http.Agent({ keepAlive: true, maxSockets: sockets });
  const request = secure ? https.request : http.request;
  // Each process sends its share of the overall rate.
  const ramp = rateRamp(options);
  const shareRamp = { times: ramp.times, values: ramp.values.map((v) => v / ctx.share.count) };
  const stream = new EventStream(shareRamp, options.arrival, rng(ctx, 2000 + ctx.share.index), 0, options.duration);
  const inflight = new Map<number, { intended: number; actual: number; req: http.ClientRequest }>();
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const seen = new WeakSet<object>();
  let seq = 0;
  let sending = true;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const maybeDone = (): void => {
    if (!sending && inflight.size === 0) {
      agent.destroy();
      resolveDone();
    }
  };
  const stop = (): void => {
    sending = false;
    maybeDone();
  };
  ctx.aborted.addEventListener('abort', () => {
    for (const r of inflight.values()) r.req.destroy();
    stop();
  });

  const send = (intended: number): void => {
    const actual = performance.now();
    rec.sendLag(actual - intended);
    const id = ++seq;
    const req = request(url, { method: 'GET', agent, timeout: options.timeout * 1000, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        const now = performance.now();
        if (!inflight.delete(id)) return;
        rec.count(COUNTERS.bytesReceived, bytes);
        const status = res.statusCode ?? 0;
        if (status >= 400) rec.error(`http-${status}`);
        else {
          rec.recordMs(METRIC, now - intended);
          rec.recordMs(`${METRIC}.actual`, now - actual);
          rec.count(COUNTERS.completed);
        }
        maybeDone();
      });
      res.on('error', () => undefined);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'REQUEST_TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!inflight.delete(id)) return;
      rec.error(err.code === 'REQUEST_TIMEOUT' ? 'timeout' : classifyError(err));
      maybeDone();
    });
    req.on('socket', (socket) => {
      if (seen.has(socket)) return;
      seen.add(socket);
      rec.count(COUNTERS.connectAttempts);
      rec.count(COUNTERS.connectOpened);
    });
    inflight.set(id, { intended, actual, req });
    req.end();
    rec.count(COUNTERS.sent);
  };

  sendOnSchedule(ctx, stream, send, () => sending, stop);
  // The request timeout covers stalls; the sweep has nothing more to expire.
  return { done, sweep: () => undefined };
}

function startClosedHttp(ctx: RunContext): Driver {
  const { options, recorder: rec } = ctx;
  const connections = Math.max(1, Math.ceil(options.connections / ctx.share.count));
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  // No request rate is given, so autocannon's coordinated-omission correction (which needs one)
  // stays off; and its own histogram (whole milliseconds) is not used: every response time is
  // recorded here at microsecond resolution.
  const instance = autocannon(
    {
      url: options.url,
      connections,
      duration: Number.isFinite(options.duration) ? Math.max(1, Math.round(options.duration)) : 3600,
      amount: options.messages === undefined ? undefined : Math.ceil(options.messages / ctx.share.count),
      timeout: Math.max(1, Math.round(options.timeout)),
    },
    (err: Error | null) => {
      if (err) rec.error(classifyError(err));
      resolveDone();
    },
  );
  instance.on('response', (_client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
    rec.count(COUNTERS.intended);
    rec.count(COUNTERS.sent);
    rec.count(COUNTERS.bytesReceived, resBytes);
    if (statusCode >= 400) rec.error(`http-${statusCode}`);
    else {
      // In a closed loop the intended time is the actual send time: both histograms agree.
      rec.recordMs(METRIC, responseTime);
      rec.recordMs(`${METRIC}.actual`, responseTime);
      rec.count(COUNTERS.completed);
    }
  });
  instance.on('reqError', (err: Error) => {
    rec.count(COUNTERS.intended);
    rec.error(classifyError(err));
  });
  ctx.aborted.addEventListener('abort', () => instance.stop());
  rec.notes.push('closed-loop HTTP by autocannon (coordinated-omission correction off): latencies are from the actual send time');
  return { done, sweep: () => undefined };
}
