// `agentcom`: stands in for N sidecars of an AgentCom hub while submitting tasks over REST at an
// arrival rate. Each sidecar gets a token from POST /admin/tokens, identifies over /ws, accepts
// every task_assign, reports progress at a rate and completes after a sampled service time.
// Measured from each task's intended submit time: the submit response (latency.submit), the
// assignment reaching a sidecar (latency.assign) and the sidecar sending task_complete
// (latency.task); the hub's task_ack after task_complete is latency.ack.

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { EXIT, UserError, METRIC_NAMES } from '../../lib/index.js';
import { connectionPlan, rateRamp, sendOnSchedule, type Driver, type RunContext } from '../context.js';
import { classifyError, closeClass, describeErrorClass } from '../errors.js';
import { createRng, distribution } from '../../sim/index.js';
import type { LoadOptions } from '../options.js';
import { seededRng } from '../random.js';
import { COUNTERS } from '../recorder.js';
import { EventStream } from '../timeline.js';
import { closeGracefully, openSocket } from './socket.js';

const PING_MS = 30_000;
/** The random stream of task arrival times. */
const TASK_STREAM = 2000;
/** Largest REST response read (bytes). */
const MAX_BODY = 1024 * 1024;

interface TaskTiming {
  seq: number;
  intended: number;
  actual: number;
  taskId?: string;
  assigned?: number;
  completed?: number;
}

export function hubUrls(base: string): { http: string; ws: string } {
  const u = new URL(base);
  if (u.protocol === 'ws:' || u.protocol === 'wss:') u.protocol = u.protocol === 'ws:' ? 'http:' : 'https:';
  const http = u.origin + u.pathname.replace(/\/(ws)?$/, '');
  const ws = `${http.replace(/^http/, 'ws')}/ws`;
  return { http, ws };
}

async function rest(
  ctx: RunContext,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(ctx.options.token ? { authorization: `Bearer ${ctx.options.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(ctx.options.timeout * 1000),
  });
  const text = await res.text();
  if (text.length > MAX_BODY) return { status: res.status, json: undefined };
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

function fetchErrorClass(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  if ((err as Error).name === 'TimeoutError') return 'timeout';
  return classifyError(cause ?? err);
}

class Sidecar {
  private ws: WebSocket | undefined;
  private identified = false;
  private closing = false;
  private ping: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly acks = new Map<string, number>();
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(
    private readonly ctx: RunContext,
    readonly agentId: string,
    private readonly wsUrl: string,
    private readonly hub: Hub,
    /** The service time of the next task assigned to any sidecar (one shared sequence). */
    private readonly nextService: () => number,
  ) {}

  /** Connects and identifies; resolves true when identified. */
  connect(token: string, openAtMs: number): Promise<boolean> {
    const rec = this.ctx.recorder;
    rec.count(COUNTERS.connectAttempts);
    return new Promise((resolve) => {
      const ws = openSocket(this.ctx, this.wsUrl);
      this.ws = ws;
      let settled = false;
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        if (!ok) rec.count(COUNTERS.connectFailed);
        resolve(ok);
      };
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'identify', agent_id: this.agentId, token, name: this.agentId, capabilities: [] }));
      });
      ws.on('message', (data: Buffer) => {
        const now = performance.now();
        rec.count(COUNTERS.bytesReceived, data.length);
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        } catch {
          rec.error('bad-frame');
          return;
        }
        if (msg.type === 'identified') {
          this.identified = true;
          rec.count(COUNTERS.connectOpened);
          rec.recordMs(METRIC_NAMES.connect, now - openAtMs);
          this.ping = setInterval(() => this.send({ type: 'ping' }), PING_MS);
          settle(true);
        } else if (msg.type === 'error' && !this.identified) {
          rec.error(`hub-${String(msg.error ?? 'error')}`);
          settle(false);
          ws.close(1000);
        } else this.onMessage(msg, now);
      });
      ws.on('error', (err) => {
        rec.error(classifyError(err));
        settle(false);
      });
      ws.on('close', (code) => {
        if (this.ping) clearInterval(this.ping);
        for (const t of this.timers) clearTimeout(t);
        if (!this.closing && this.identified) {
          rec.count(COUNTERS.closedEarly);
          rec.error(closeClass(code));
        }
        settle(false);
        this.resolveDone();
      });
    });
  }

  private send(msg: Record<string, unknown>): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(msg);
    this.ws.send(text);
    this.ctx.recorder.count(COUNTERS.bytesSent, text.length);
  }

  private onMessage(msg: Record<string, unknown>, now: number): void {
    const rec = this.ctx.recorder;
    switch (msg.type) {
      case 'task_assign':
        this.onAssign(msg, now);
        break;
      case 'task_ack': {
        const sent = this.acks.get(String(msg.task_id));
        if (sent !== undefined) {
          this.acks.delete(String(msg.task_id));
          rec.recordMs('latency.ack', now - sent);
        }
        break;
      }
      case 'rate_limited':
        rec.error('rate-limited');
        break;
      case 'task_cancelled':
        rec.error('cancelled');
        break;
      case 'error':
        rec.error(`hub-${String(msg.error ?? 'error')}`);
        break;
      default:
        break; // pong and anything newer
    }
  }

  private onAssign(msg: Record<string, unknown>, now: number): void {
    const taskId = String(msg.task_id);
    const generation = typeof msg.generation === 'number' ? msg.generation : 0;
    const timing = this.hub.lookup(taskId, msg.metadata);
    if (timing && timing.assigned === undefined) {
      timing.assigned = now;
      this.ctx.recorder.recordMs(METRIC_NAMES.taskAssign, now - timing.intended);
      this.ctx.recorder.recordMs(`${METRIC_NAMES.taskAssign}.actual`, now - timing.actual);
    }
    this.send({ type: 'task_accepted', task_id: taskId });
    const service = this.nextService() * 1000;
    const every = this.ctx.options.progressInterval * 1000;
    let progress: NodeJS.Timeout | undefined;
    const started = performance.now();
    if (every < service) {
      progress = setInterval(() => {
        // AgentCom's schema takes progress as an integer (percent); anything else is a violation.
        const percent = Math.min(99, Math.floor(((performance.now() - started) / service) * 100));
        this.send({ type: 'task_progress', task_id: taskId, progress: percent });
      }, every);
      this.timers.add(progress);
    }
    const finish = setTimeout(() => {
      this.timers.delete(finish);
      if (progress) {
        clearInterval(progress);
        this.timers.delete(progress);
      }
      const at = performance.now();
      this.send({ type: 'task_complete', task_id: taskId, generation, result: { status: 'success', output: 'agentscale loadgen' }, tokens_used: 0 });
      this.acks.set(taskId, at);
      if (timing) this.hub.completed(timing, at);
    }, service);
    this.timers.add(finish);
  }

  /** task_complete frames the hub has not acknowledged yet. */
  get unacked(): number {
    return this.acks.size;
  }

  close(): void {
    this.closing = true;
    if (this.ping) clearInterval(this.ping);
    for (const t of this.timers) clearTimeout(t);
    closeGracefully(this.ws, () => this.resolveDone());
  }
}

/** This run's tasks, found again by the sequence number carried in their metadata or by task id. */
class Hub {
  readonly tasks = new Map<number, TaskTiming>();
  private readonly byId = new Map<string, TaskTiming>();

  constructor(
    private readonly ctx: RunContext,
    private readonly onChange: () => void,
  ) {}

  add(timing: TaskTiming): void {
    this.tasks.set(timing.seq, timing);
  }

  identify(timing: TaskTiming, taskId: string): void {
    timing.taskId = taskId;
    this.byId.set(taskId, timing);
  }

  lookup(taskId: string, metadata: unknown): TaskTiming | undefined {
    const byId = this.byId.get(taskId);
    if (byId) return byId;
    // The assignment may overtake the submit response.
    const m = metadata as { loadgen_run?: unknown; loadgen_seq?: unknown } | undefined;
    if (m?.loadgen_run === this.ctx.runId && typeof m.loadgen_seq === 'number') {
      const t = this.tasks.get(m.loadgen_seq);
      if (t) this.identify(t, taskId);
      return t;
    }
    return undefined;
  }

  completed(timing: TaskTiming, at: number): void {
    if (timing.completed !== undefined || !this.tasks.has(timing.seq)) return;
    timing.completed = at;
    const rec = this.ctx.recorder;
    rec.recordMs(METRIC_NAMES.taskLatency, at - timing.intended);
    rec.recordMs(`${METRIC_NAMES.taskLatency}.actual`, at - timing.actual);
    rec.count(COUNTERS.completed);
    this.forget(timing);
  }

  forget(timing: TaskTiming): void {
    this.tasks.delete(timing.seq);
    if (timing.taskId) this.byId.delete(timing.taskId);
    this.onChange();
  }
}

export async function startAgentcom(ctx: RunContext): Promise<Driver> {
  const { options, recorder: rec } = ctx;
  const urls = hubUrls(options.url);
  const before = await hubMetrics(ctx, urls.http, true);

  let sending = true;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const sidecars: Sidecar[] = [];
  const finish = async (): Promise<void> => {
    // The hub acknowledges each task_complete; wait for the last acks (up to --timeout).
    const until = performance.now() + options.timeout * 1000;
    const unacked = (): number => sidecars.reduce((a, s) => a + s.unacked, 0);
    while (unacked() > 0 && performance.now() < until && !ctx.aborted.aborted) await new Promise((r) => setTimeout(r, 20));
    if (unacked() > 0) rec.error('ack-timeout', unacked());
    for (const s of sidecars) s.close();
    await Promise.all(sidecars.map((s) => s.done));
    const after = await hubMetrics(ctx, urls.http, false);
    if (before) rec.notes.push(`hub /api/metrics before: ${before}`);
    if (after) rec.notes.push(`hub /api/metrics after: ${after}`);
    resolveDone();
  };
  let finishing = false;
  const hub = new Hub(ctx, () => {
    if (!sending && hub.tasks.size === 0 && !finishing) {
      finishing = true;
      void finish();
    }
  });

  // Sidecars: a token each, then connect and identify at their intended times.
  const slots = connectionPlan({ ...options, stages: undefined });
  const nextService = serviceSequence(options);
  const settled = await Promise.allSettled(
    slots.map(async (slot) => {
      const agentId = `loadgen-${ctx.runId}-${slot.index}`;
      const openAtMs = ctx.t0 + slot.openAt * 1000;
      const wait = openAtMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const token = await issueToken(ctx, urls.http, agentId, slot.index === 0);
      if (!token) return false;
      const sidecar = new Sidecar(ctx, agentId, urls.ws, hub, nextService);
      sidecars.push(sidecar);
      return sidecar.connect(token, openAtMs);
    }),
  );
  const refused = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (refused) {
    // Nothing may stay connected behind an error that ends the run.
    for (const s of sidecars) s.close();
    throw refused.reason;
  }
  const identified = settled.map((r) => r.status === 'fulfilled' && r.value);
  if (!identified.some(Boolean)) {
    for (const s of sidecars) s.close();
    throw new UserError(`cannot run agentcom against ${urls.ws}: no sidecar could identify`, EXIT.failure, errorLines(rec.errors));
  }

  // Tasks arrive on their own timeline from the moment the sidecars are in place.
  const startAt = (performance.now() - ctx.t0) / 1000;
  const stream = taskStream(options, startAt);
  let seq = 0;
  const stop = (): void => {
    if (!sending) return;
    sending = false;
    if (hub.tasks.size === 0 && !finishing) {
      finishing = true;
      void finish();
    }
  };
  ctx.aborted.addEventListener('abort', () => {
    for (const t of [...hub.tasks.values()]) {
      rec.error('aborted');
      hub.forget(t);
    }
    stop();
  });

  const submit = (intended: number): void => {
    const actual = performance.now();
    rec.sendLag(actual - intended);
    const timing: TaskTiming = { seq: ++seq, intended, actual };
    hub.add(timing);
    rec.count(COUNTERS.sent);
    rest(ctx, 'POST', `${urls.http}/api/tasks`, {
      description: `agentscale loadgen ${ctx.runId} task ${timing.seq}`,
      priority: 'normal',
      metadata: { loadgen_run: ctx.runId, loadgen_seq: timing.seq },
      complexity_tier: 'trivial',
    }).then(
      ({ status, json }) => {
        const now = performance.now();
        const taskId = (json as { task_id?: unknown } | undefined)?.task_id;
        if (status !== 201 && status !== 200) {
          rec.error(`http-${status}`);
          hub.forget(timing);
          return;
        }
        rec.recordMs('latency.submit', now - intended);
        if (typeof taskId === 'string' || typeof taskId === 'number') {
          if (timing.taskId === undefined && hub.tasks.has(timing.seq)) hub.identify(timing, String(taskId));
        }
      },
      (err: unknown) => {
        rec.error(fetchErrorClass(err));
        hub.forget(timing);
      },
    );
  };

  sendOnSchedule(ctx, stream, submit, () => sending, stop);

  return {
    done,
    sweep(now) {
      const limit = options.timeout * 1000;
      for (const t of [...hub.tasks.values()]) {
        if (now - t.actual < limit) break; // submission order
        rec.error(t.assigned === undefined ? 'assign-timeout' : 'timeout');
        hub.forget(t);
      }
    },
  };
}

/** Intended submit times from `startAt` (seconds on the run's clock) for the run's duration. */
function taskStream(options: LoadOptions, startAt: number): EventStream {
  return new EventStream(rateRamp(options), options.arrival, seededRng(options.seed, TASK_STREAM), startAt, startAt + options.duration);
}

/** Service times in the order tasks are assigned, whichever sidecar takes each: fixed by the seed. */
function serviceSequence(options: LoadOptions): () => number {
  const rng = createRng(options.seed, 'loadgen.service');
  const service = distribution(options.serviceTime);
  return () => Math.max(0, service.sample(rng));
}

/**
 * What an agentcom run will submit, fixed by its options before it starts: each task's intended
 * submit time (seconds after the sidecars are in place) and the service time it takes, the n-th
 * service time going to the n-th task (the hub assigns in submission order when it can). A model
 * given this trace sees the same load as the hub did.
 */
export function agentcomPlan(options: LoadOptions): { at: number; serviceTime: number }[] {
  const stream = taskStream(options, 0);
  const nextService = serviceSequence(options);
  const plan: { at: number; serviceTime: number }[] = [];
  const cap = options.messages ?? Infinity;
  for (let at = stream.shift(); at !== Infinity && plan.length < cap; at = stream.shift()) plan.push({ at, serviceTime: nextService() });
  return plan;
}

function errorLines(errors: Record<string, number>): string[] {
  return Object.entries(errors).map(([k, n]) => `${n} × ${describeErrorClass(k)}`);
}

async function issueToken(ctx: RunContext, base: string, agentId: string, first: boolean): Promise<string | undefined> {
  const rec = ctx.recorder;
  try {
    const { status, json } = await rest(ctx, 'POST', `${base}/admin/tokens`, { agent_id: agentId });
    const token = (json as { token?: unknown } | undefined)?.token;
    if ((status === 200 || status === 201) && typeof token === 'string') return token;
    if (first && (status === 401 || status === 403))
      throw new UserError(`${base}/admin/tokens refused the --token (HTTP ${status})`, EXIT.failure);
    rec.error(`http-${status}`);
    return undefined;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const kind = fetchErrorClass(err);
    if (first) throw new UserError(`cannot reach ${base}: ${describeErrorClass(kind)}`, EXIT.failure);
    rec.error(kind);
    return undefined;
  }
}

/** GET /api/metrics as compact JSON text (for the document's notes), or undefined. */
async function hubMetrics(ctx: RunContext, base: string, required: boolean): Promise<string | undefined> {
  try {
    const { status, json } = await rest(ctx, 'GET', `${base}/api/metrics`);
    if (status !== 200 || json === undefined) return undefined;
    const text = JSON.stringify(json);
    return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  } catch (err) {
    if (required) throw new UserError(`cannot reach ${base}: ${describeErrorClass(fetchErrorClass(err))}`, EXIT.failure);
    return undefined;
  }
}
