// `maestro`: the AI Maestro terminal WebSocket (`/term`). A session's writer connection types
// inputs carrying unique markers and times the round trip until the marker comes back in the
// terminal output; watcher connections on the same session time the fan-out of that output.
// Connect time and first-snapshot time are measured from the intended connect time.

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { METRIC_NAMES } from '../../lib/index.js';
import { connectionPlan, myShare, type Driver, type RunContext } from '../context.js';
import { classifyError, closeClass } from '../errors.js';
import { MarkerScanner, marker, markerPrefix } from '../marker.js';
import { COUNTERS } from '../recorder.js';
import type { ConnectionSlot } from '../timeline.js';
import { closeGracefully, TimedSocket, openSocket, urlFor } from './socket.js';

/** Milliseconds to wait for `history-complete` after the snapshot before sending anyway (servers that never send it). */
const HISTORY_WAIT_MS = 1000;
const PING_MS = 30_000;
/** Time after a client's handshake before its stream counts as steady (see StreamMeter). */
const STREAM_SETTLE_MS = 1000;
const RESIZE = JSON.stringify({ type: 'resize', cols: 200, rows: 50 });

/** Markers a session's writer sent and that its watchers have still to see. */
interface SentMarker {
  intended: number;
  actual: number;
  left: number;
}

/**
 * Every watcher of the run (in this process; of the session, on a ramp) through its handshake,
 * or given up. Writers start typing only then: each handshake makes the server send that client
 * the screen and its scrollback (100 KB a client once a session is 15 s old), and a round trip
 * timed during that connection storm measures the storm, not the steady stream of the level.
 */
class WatcherBarrier {
  private waiters: (() => void)[] = [];

  constructor(private unsettled: number) {}

  settled(): void {
    if (--this.unsettled > 0) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Calls back once every watcher is settled, or after `limitMs`. */
  whenSettled(callback: () => void, limitMs: number): void {
    if (this.unsettled <= 0) return callback();
    let called = false;
    const once = (): void => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      callback();
    };
    const timer = setTimeout(once, limitMs);
    this.waiters.push(once);
  }
}

class Session {
  readonly sent = new Map<number, SentMarker>();
  readonly prefix: string;
  /** Starts waiting for the writer; undefined once it is attached. */
  private afterWriter: (() => void)[] | undefined = [];

  constructor(
    readonly index: number,
    runId: string,
    readonly watchers: number,
    readonly barrier: WatcherBarrier,
  ) {
    this.prefix = markerPrefix(runId, index);
  }

  /** Runs `start` once the session's writer is through its handshake (or failed). */
  whenWriterAttached(start: () => void): void {
    if (this.afterWriter === undefined) start();
    else this.afterWriter.push(start);
  }

  writerAttached(): void {
    const waiting = this.afterWriter ?? [];
    this.afterWriter = undefined;
    for (const start of waiting) start();
  }
}

/**
 * A client's steady terminal stream: the bytes, and for how long it received them, from
 * STREAM_SETTLE_MS after its handshake to its close. On connect the server sends the screen and
 * its scrollback, which grows with the session's age (100 KB after 15 s at 10 KB/s), and right
 * after `history-complete` the output it held while it took that snapshot (a few KB, more the
 * longer the capture took); the steady rate leaves both out.
 */
class StreamMeter {
  private from: number | undefined;

  constructor(private readonly ctx: RunContext) {}

  start(now: number): void {
    this.from ??= now + STREAM_SETTLE_MS;
  }

  frame(bytes: number, now: number): void {
    if (this.from === undefined || now < this.from) return;
    this.ctx.recorder.count(COUNTERS.streamBytes, bytes);
    this.ctx.recorder.count(COUNTERS.streamFrames, 1);
  }

  stop(now: number): void {
    if (this.from === undefined) return;
    this.ctx.recorder.count(COUNTERS.streamMs, Math.max(0, Math.round(now - this.from)));
    this.from = undefined;
  }
}

/** Reads the start of a /term stream: `connected`, the snapshot, `history-complete`. */
class Handshake {
  private stage: 'connected' | 'snapshot' | 'history' | 'ready' = 'connected';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly openAtMs: number,
    private readonly onSnapshot: (ms: number) => void,
    private readonly onReady: () => void,
  ) {
    // A server that sends no snapshot at all must not keep the session from typing.
    this.timer = setTimeout(() => this.ready(), 5 * HISTORY_WAIT_MS);
  }

  /** Returns true when the frame belonged to the handshake. */
  frame(data: string, now: number): boolean {
    if (this.stage === 'ready') return false;
    const control = parseControl(data);
    if (this.stage === 'connected') {
      if (control?.type === 'connected') {
        this.stage = 'snapshot';
        return true;
      }
      // A server that skips `connected` still sends its snapshot first.
      this.stage = 'snapshot';
    }
    if (this.stage === 'snapshot') {
      if (control?.type === 'history-complete') {
        this.onSnapshot(now - this.openAtMs);
        this.ready();
        return true;
      }
      if (control) return true;
      this.onSnapshot(now - this.openAtMs);
      this.stage = 'history';
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.ready(), HISTORY_WAIT_MS);
      return true;
    }
    if (control?.type === 'history-complete') {
      this.ready();
      return true;
    }
    return false;
  }

  ready(): void {
    if (this.stage === 'ready') return;
    this.stage = 'ready';
    if (this.timer) clearTimeout(this.timer);
    this.onReady();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

function parseControl(data: string): { type?: string } | undefined {
  if (data.length > 512 || data[0] !== '{') return undefined;
  try {
    const v = JSON.parse(data) as unknown;
    return v && typeof v === 'object' ? (v as { type?: string }) : undefined;
  } catch {
    return undefined;
  }
}

class Writer extends TimedSocket {
  /** Seconds on the run's clock when the writer's handshake ended (it then waits for the watchers). */
  private attachedAt: number | undefined;
  private readonly scanner: MarkerScanner;
  private handshake: Handshake | undefined;
  private ping: NodeJS.Timeout | undefined;
  private readonly output: StreamMeter;

  constructor(
    ctx: RunContext,
    slot: ConnectionSlot,
    private readonly session: Session,
  ) {
    super(ctx, slot, METRIC_NAMES.terminalRtt);
    this.scanner = new MarkerScanner(session.prefix);
    this.output = new StreamMeter(ctx);
  }

  protected url(): string {
    return urlFor(this.ctx.options.url, this.session.index);
  }

  protected override onOpen(): void {
    this.ws!.send(RESIZE);
    this.ping = setInterval(() => this.ws?.readyState === WebSocket.OPEN && this.ws.send('{"type":"ping"}'), PING_MS);
    this.handshake = new Handshake(
      this.openAtMs,
      (ms) => this.ctx.recorder.recordMs(METRIC_NAMES.snapshot, ms),
      () => {
        this.attachedAt = (performance.now() - this.ctx.t0) / 1000;
        this.output.start(performance.now());
        this.session.writerAttached();
        this.session.barrier.whenSettled(() => this.ready(), this.ctx.options.connectTimeout * 1000);
      },
    );
  }

  /**
   * The writer types for as long as its slot gives it after its handshake: the seconds it held
   * back for the watchers' handshakes move the end back too, so a wide level's connection storm
   * (1,200 watchers took 9–10 s here) does not eat its measuring window. A ramp's stages keep
   * their clock.
   */
  protected override sendingEnds(startAt: number): number {
    if (this.ctx.options.stages || this.attachedAt === undefined) return this.slot.closeAt;
    return this.slot.closeAt + Math.max(0, startAt - this.attachedAt);
  }

  /** Also reached without a handshake when the connection failed: the watchers go on without it. */
  protected override ready(): void {
    this.session.writerAttached();
    super.ready();
  }

  protected sendFrame(ws: WebSocket, seq: number): number {
    const now = performance.now();
    const p = this.pending.get(seq)!;
    if (this.session.watchers > 0) this.session.sent.set(seq, { intended: p.intended, actual: now, left: this.session.watchers });
    const frame = JSON.stringify({ type: 'input', data: marker(this.session.prefix, seq) + this.ctx.options.inputSuffix });
    ws.send(frame);
    return frame.length;
  }

  protected onFrame(data: string, now: number): void {
    if (this.handshake?.frame(data, now)) return;
    this.output.frame(Buffer.byteLength(data), now);
    for (const seq of this.scanner.scan(data)) this.complete(seq, now);
  }

  protected override onSweep(now: number): void {
    // Markers no watcher saw in time are failed deliveries.
    const limit = this.ctx.options.timeout * 1000;
    for (const [seq, m] of this.session.sent) {
      if (now - m.actual < limit) break;
      this.session.sent.delete(seq);
      this.ctx.recorder.error('fanout-timeout', m.left);
    }
  }

  protected override beforeClose(): void {
    this.handshake?.cancel();
    this.output.stop(performance.now());
    if (this.ping) clearInterval(this.ping);
  }
}

/** A watcher only reads: it times when the writer's markers reach it. */
class Watcher {
  private ws: WebSocket | undefined;
  private readonly scanner: MarkerScanner;
  private lastSeq = 0;
  private handshake: Handshake | undefined;
  private closing = false;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));
  private readonly output: StreamMeter;

  constructor(
    private readonly ctx: RunContext,
    private readonly slot: ConnectionSlot,
    readonly session: Session,
  ) {
    this.scanner = new MarkerScanner(session.prefix);
    this.output = new StreamMeter(ctx);
  }

  start(): void {
    const openAtMs = this.ctx.t0 + this.slot.openAt * 1000;
    const rec = this.ctx.recorder;
    this.ctx.scheduler.at({
      due: openAtMs,
      fire: () => {
        if (this.closing) return this.settle(); // the session ended before this watcher's time came
        rec.count(COUNTERS.connectAttempts);
        const ws = openSocket(this.ctx, urlFor(this.ctx.options.url, this.session.index));
        this.ws = ws;
        let opened = false;
        ws.on('open', () => {
          opened = true;
          rec.count(COUNTERS.connectOpened);
          rec.recordMs(METRIC_NAMES.connect, performance.now() - openAtMs);
          ws.send(RESIZE);
          this.handshake = new Handshake(openAtMs, (ms) => rec.recordMs(METRIC_NAMES.snapshot, ms), () => {
            this.output.start(performance.now());
            this.settle();
          });
        });
        ws.on('message', (data: Buffer) => {
          const now = performance.now();
          rec.count(COUNTERS.bytesReceived, data.length);
          const text = data.toString('utf8');
          if (this.handshake?.frame(text, now)) return;
          this.output.frame(data.length, now);
          this.see(text, now);
        });
        ws.on('error', (err) => {
          if (!opened) {
            opened = true;
            rec.count(COUNTERS.connectFailed);
          }
          rec.error(classifyError(err));
          this.settle();
        });
        ws.on('close', (code) => {
          this.handshake?.cancel();
          this.output.stop(performance.now());
          this.settle();
          if (!this.closing) {
            rec.count(COUNTERS.closedEarly);
            rec.error(closeClass(code));
          }
          this.resolveDone();
        });
      },
    });
  }

  private settled = false;
  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.session.barrier.settled();
  }

  private see(text: string, now: number): void {
    const rec = this.ctx.recorder;
    for (const seq of this.scanner.scan(text)) {
      if (seq <= this.lastSeq) continue;
      this.lastSeq = seq;
      const m = this.session.sent.get(seq);
      if (!m) continue;
      rec.recordMs(METRIC_NAMES.fanout, now - m.intended);
      rec.recordMs(`${METRIC_NAMES.fanout}.actual`, now - m.actual);
      if (--m.left <= 0) this.session.sent.delete(seq);
    }
  }

  close(): void {
    this.closing = true;
    this.handshake?.cancel();
    closeGracefully(this.ws, () => this.resolveDone());
  }
}

export function startMaestro(ctx: RunContext): Driver {
  const slots = myShare(ctx, connectionPlan(ctx.options));
  const sessions: Session[] = [];
  const writers: Writer[] = [];
  const watchers: Watcher[] = [];
  // A ramp (stages) opens sessions over its whole length: there each session waits for its own.
  const runWide = ctx.options.stages ? undefined : new WatcherBarrier(slots.length * ctx.options.watchers);
  for (const slot of slots) {
    const session = new Session(slot.index, ctx.runId, ctx.options.watchers, runWide ?? new WatcherBarrier(ctx.options.watchers));
    sessions.push(session);
    writers.push(new Writer(ctx, slot, session));
    for (let w = 0; w < ctx.options.watchers; w++) watchers.push(new Watcher(ctx, slot, session));
  }
  // A session's watchers connect once its writer is attached, so the writer is the session's
  // first client and the server sends it every frame before them: its round trip is the echo
  // path alone, a watcher's delivery adds the sends before its own. (Writers start typing once
  // the watchers are attached.)
  for (const w of writers) w.start();
  for (const w of watchers) w.session.whenWriterAttached(() => w.start());
  const writersDone = Promise.all(writers.map((w) => w.done));
  // Watchers stay until the writers are done (and their last markers delivered or timed out).
  const done = writersDone.then(async () => {
    // The sweep keeps expiring undelivered markers meanwhile, so this ends within --timeout.
    while (sessions.some((s) => s.sent.size > 0) && !ctx.aborted.aborted) await new Promise((r) => setTimeout(r, 50));
    for (const w of watchers) w.close();
    await Promise.all(watchers.map((w) => w.done));
  });
  return {
    done,
    sweep(now) {
      for (const w of writers) w.sweep(now);
    },
  };
}
