// One load-generating WebSocket: opens at its intended time, sends on its own intended schedule
// (open mode) or after each answer (closed mode), times every message from its intended and its
// actual send time, and classifies whatever goes wrong. Protocols fill in the frames.

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { METRIC_NAMES } from '../../lib/index.js';
import { type RunContext, rateRamp, rng, takeOperation } from '../context.js';
import { classifyError, closeClass } from '../errors.js';
import { COUNTERS } from '../recorder.js';
import { EventStream, type ConnectionSlot } from '../timeline.js';

/** Largest frame accepted from a target (bytes): a misbehaving server cannot exhaust memory. */
export const MAX_FRAME = 16 * 1024 * 1024;
/** Unsent bytes a socket may hold before further sends count as backpressure errors. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export function openSocket(ctx: RunContext, url: string): WebSocket {
  return new WebSocket(url, {
    handshakeTimeout: Math.max(1, Math.round(ctx.options.connectTimeout * 1000)),
    rejectUnauthorized: !ctx.options.insecure,
    maxPayload: MAX_FRAME,
    perMessageDeflate: false,
    ...(ctx.options.token ? { headers: { authorization: `Bearer ${ctx.options.token}` } } : {}),
  });
}

/** `{i}` in the URL becomes the connection's (session's) index, so each may open its own session. */
export function urlFor(url: string, index: number): string {
  return url.replaceAll('{i}', String(index)).replaceAll('%7Bi%7D', String(index));
}

interface Pending {
  intended: number;
  actual: number;
}

/**
 * Closes with 1000 and calls `done` once closed; a target that never completes the closing
 * handshake is cut off after 2 s, so it cannot hold the run open.
 */
export function closeGracefully(ws: WebSocket | undefined | null, done: () => void): void {
  if (!ws || ws.readyState === WebSocket.CLOSED) {
    done();
    return;
  }
  ws.close(1000);
  setTimeout(() => {
    ws.terminate();
    done();
  }, 2000).unref();
}

export abstract class TimedSocket {
  protected ws: WebSocket | undefined;
  protected open = false;
  protected readonly pending = new Map<number, Pending>();
  protected seq = 0;
  private stream: EventStream | undefined;
  private sending = false;
  private finishedSending = false;
  /** Waiting for an answer to free a slot under --max-inflight. */
  private blocked = false;
  private closing = false;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));
  /** Intended open time, performance.now() ms. */
  protected readonly openAtMs: number;
  private readonly closeAtMs: number;
  due = 0;

  constructor(
    protected readonly ctx: RunContext,
    protected readonly slot: ConnectionSlot,
    /** Histogram name for the round trip, e.g. 'latency.rtt'. */
    protected readonly metric: string,
  ) {
    this.openAtMs = ctx.t0 + slot.openAt * 1000;
    this.closeAtMs = ctx.t0 + slot.closeAt * 1000;
  }

  /** The URL to open. */
  protected abstract url(): string;
  /** Sends one message numbered `seq`; returns the bytes sent. */
  protected abstract sendFrame(ws: WebSocket, seq: number): number;
  /** Handles a frame from the target; calls complete() for answers it recognises. */
  protected abstract onFrame(data: string, now: number): void;
  /** When the send schedule that starts at `startAt` ends (seconds on the run's clock): the slot's end unless a protocol moves it. */
  protected sendingEnds(_startAt: number): number {
    return this.slot.closeAt;
  }
  /** Called once open; the protocol calls ready() when it may start sending. */
  protected onOpen(): void {
    this.ready();
  }

  start(): void {
    this.due = this.openAtMs;
    this.ctx.scheduler.at({ due: this.openAtMs, fire: () => this.connect() });
    this.ctx.aborted.addEventListener('abort', () => this.stopSending(), { once: true });
  }

  private connect(): void {
    if (this.finishedSending) return; // interrupted before its time came
    const rec = this.ctx.recorder;
    rec.count(COUNTERS.connectAttempts);
    let ws: WebSocket;
    try {
      ws = openSocket(this.ctx, this.url());
    } catch (err) {
      this.failConnect(classifyError(err));
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.open = true;
      rec.count(COUNTERS.connectOpened);
      rec.recordMs(METRIC_NAMES.connect, performance.now() - this.openAtMs);
      this.onOpen();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const now = performance.now();
      rec.count(COUNTERS.bytesReceived, data.length);
      this.onFrame(isBinary ? data.toString('latin1') : data.toString('utf8'), now);
    });
    ws.on('error', (err) => {
      if (!opened) {
        opened = true; // report once
        this.failConnect(classifyError(err));
      } else rec.error(classifyError(err));
    });
    ws.on('close', (code) => {
      const wasOpen = this.open;
      this.open = false;
      if (wasOpen && !this.closing) {
        rec.count(COUNTERS.closedEarly);
        rec.error(closeClass(code));
        this.failPending('closed');
        // The schedule goes on (its sends now fail as not-connected) until the slot ends.
        this.resume();
      }
      if (this.closing || this.finishedSending) this.finish();
    });
  }

  private failConnect(kind: string): void {
    const rec = this.ctx.recorder;
    rec.count(COUNTERS.connectFailed);
    rec.error(kind);
    this.ws = undefined;
    // Messages this connection should have sent still fall due and count as not sent.
    this.ready();
  }

  /** Starts the send schedule (open mode) or the first send (closed mode). */
  protected ready(): void {
    if (this.sending || this.finishedSending) return;
    this.sending = true;
    if (this.ctx.options.mode === 'closed') {
      this.sendNextClosed();
      return;
    }
    const startAt = Math.max(0, (performance.now() - this.ctx.t0) / 1000);
    this.stream = new EventStream(rateRamp(this.ctx.options), this.ctx.options.arrival, rng(this.ctx, 1000 + this.slot.index), startAt, this.sendingEnds(startAt));
    this.schedule();
  }

  private schedule(): void {
    const next = this.stream!.peek();
    if (next === Infinity) {
      this.stopSending();
      return;
    }
    this.due = this.ctx.t0 + next * 1000;
    this.ctx.scheduler.at(this);
  }

  /** Scheduler callback: sends every message now due (up to the backlog bound) and re-arms. */
  fire(now: number, held = false): void {
    if (this.finishedSending) return;
    const stream = this.stream!;
    let burst = 0;
    for (;;) {
      const t = stream.peek();
      if (t === Infinity) break;
      const due = this.ctx.t0 + t * 1000;
      if (due > now) break;
      if (this.pending.size >= this.ctx.options.maxInflight && this.open) {
        // The target holds every slot: wait for an answer (complete() resumes here).
        this.blocked = true;
        return;
      }
      stream.shift();
      if (!takeOperation(this.ctx)) {
        this.stopSending();
        return;
      }
      if (burst < this.ctx.options.maxBacklog) this.sendAt(due, held);
      else this.ctx.recorder.count(COUNTERS.dropped);
      burst++;
    }
    this.schedule();
  }

  private resume(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.fire(performance.now(), true);
  }

  private sendAt(intended: number, held = false): void {
    const rec = this.ctx.recorder;
    const actual = performance.now();
    // A send held back by --max-inflight is late because of the target, not the generator.
    if (held) rec.count(COUNTERS.held);
    else rec.sendLag(actual - intended);
    const ws = this.ws;
    if (!ws || !this.open) {
      rec.error('not-connected');
      return;
    }
    if (ws.bufferedAmount > MAX_BUFFERED) {
      rec.error('backpressure');
      return;
    }
    const seq = ++this.seq;
    this.pending.set(seq, { intended, actual });
    rec.count(COUNTERS.bytesSent, this.sendFrame(ws, seq));
    rec.count(COUNTERS.sent);
  }

  private sendNextClosed(): void {
    if (this.finishedSending) return;
    if (performance.now() >= this.closeAtMs || !takeOperation(this.ctx)) {
      this.stopSending();
      return;
    }
    const now = performance.now();
    this.sendAt(now);
    if (!this.ws || !this.open) this.stopSending();
  }

  /** Records the answer to message `seq` (ignores duplicates and strangers). */
  protected complete(seq: number, now: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    const rec = this.ctx.recorder;
    rec.recordMs(this.metric, now - p.intended);
    rec.recordMs(`${this.metric}.actual`, now - p.actual);
    rec.count(COUNTERS.completed);
    if (this.ctx.options.mode === 'closed') this.afterClosedAnswer();
    else if (this.finishedSending && this.pending.size === 0) this.close();
    else this.resume();
  }

  private afterClosedAnswer(): void {
    const think = this.ctx.options.think;
    if (think > 0) setTimeout(() => this.sendNextClosed(), think * 1000);
    else this.sendNextClosed();
  }

  /** Counts messages older than the timeout as failed; called periodically. */
  sweep(now: number): void {
    const limit = this.ctx.options.timeout * 1000;
    let expired = 0;
    for (const [seq, p] of this.pending) {
      if (now - p.actual < limit) break; // insertion order is send order
      this.pending.delete(seq);
      expired++;
    }
    if (expired > 0) {
      this.ctx.recorder.error('timeout', expired);
      if (this.ctx.options.mode === 'closed') this.afterClosedAnswer();
      else this.resume();
    }
    if (this.finishedSending && this.pending.size === 0 && this.open) this.close();
    this.onSweep(now);
  }

  protected onSweep(_now: number): void {}

  private failPending(kind: string): void {
    if (this.pending.size > 0) this.ctx.recorder.error(kind, this.pending.size);
    this.pending.clear();
  }

  protected stopSending(): void {
    if (this.finishedSending) return;
    this.finishedSending = true;
    if (this.ctx.aborted.aborted) this.failPending('aborted');
    if (!this.ws || !this.open) this.finish();
    else if (this.pending.size === 0) this.close();
    // otherwise sweep() or complete() closes once the answers are in or timed out
  }

  protected close(): void {
    if (this.closing) return;
    this.closing = true;
    this.beforeClose();
    closeGracefully(this.ws, () => this.finish());
  }

  protected beforeClose(): void {}

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.open = false;
    this.resolveDone();
  }
}
