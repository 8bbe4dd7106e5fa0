// One WebSocket client of a terminal session and its share of flow control: the bytes handed to
// the socket that it has not yet flushed, and how long it has stayed above the high-water mark.

import type { WebSocket } from 'ws';
import type { ServerMetrics } from './metrics.js';

export interface FlowLimits {
  /** Above this many unflushed bytes the client holds the PTY paused. */
  highWaterBytes: number;
  /** The client stops holding the PTY once it has drained to this many bytes. */
  lowWaterBytes: number;
  /** A client above the high-water mark this long is closed with 1013. */
  slowClientTimeoutMs: number;
}

export interface FlowListener {
  /** The client crossed the high-water mark (true) or drained below the low-water mark (false). */
  onPressure(client: TerminalClient, above: boolean): void;
  /** The client stayed above the mark too long; the session must drop it. */
  onStuck(client: TerminalClient): void;
}

const CLOSE_WAIT_MS = 1000;

/** The parts of a `ws` WebSocket that pre-framed broadcast relies on (ws 8 internals). */
interface WsInternals {
  _socket?: { writable: boolean; write(data: Buffer, cb: (err?: Error | null) => void): boolean };
  _sender?: { _state: number; _queue: unknown[] };
}

/**
 * A complete unmasked text frame, built once per PTY chunk and written to every client's socket
 * as is: one buffer and one write per client instead of framing the same bytes a thousand times.
 */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  // RFC 6455 §5.2: FIN + text opcode, then a 7-bit, 16-bit or 64-bit length; servers never mask.
  const headerSize = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerSize + n);
  frame[0] = 0x81;
  if (n < 126) {
    frame[1] = n;
  } else if (n <= 0xffff) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, headerSize);
  return frame;
}

export class TerminalClient {
  /** Bytes handed to the socket whose write has not completed. */
  pending = 0;
  /** Largest `pending` seen, for tests and metrics: the per-client memory bound in practice. */
  maxPending = 0;
  above = false;
  /** False until the snapshot and `history-complete` went out; live output waits in `backlog`. */
  live = false;
  closed = false;
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private stuckTimer: NodeJS.Timeout | undefined;
  listener: FlowListener | undefined;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: FlowLimits,
    private readonly metrics: ServerMetrics,
  ) {}

  /** Sends a text frame (UTF-8 bytes already encoded once for every client) and tracks its flush. */
  send(data: Buffer): void {
    if (this.closed || this.ws.readyState !== 1) return;
    const size = data.length;
    this.account(size, size);
    this.ws.send(data, { binary: false }, () => this.flushed(size));
    this.checkPressure();
  }

  private account(size: number, payloadSize: number): void {
    this.pending += size;
    if (this.pending > this.maxPending) {
      this.maxPending = this.pending;
      if (this.pending > this.metrics.maxClientPendingBytes) this.metrics.maxClientPendingBytes = this.pending;
    }
    if (size > this.metrics.largestFrameOut) this.metrics.largestFrameOut = size;
    this.metrics.framesOut += 1;
    this.metrics.bytesOut += payloadSize;
  }

  private checkPressure(): void {
    if (!this.above && this.pending > this.limits.highWaterBytes) {
      this.above = true;
      this.stuckTimer = setTimeout(() => this.listener?.onStuck(this), this.limits.slowClientTimeoutMs);
      this.stuckTimer.unref();
      this.listener?.onPressure(this, true);
    }
  }

  /**
   * Sends a frame made by `textFrame`, straight to the socket when ws has nothing queued (ws
   * queues only for compression and Blob data, neither used here, so order is kept); otherwise
   * through ws with the payload.
   */
  sendFramed(frame: Buffer, payload: Buffer): void {
    if (this.closed || this.ws.readyState !== 1) return;
    const internals = this.ws as unknown as WsInternals;
    const socket = internals._socket;
    const sender = internals._sender;
    if (!socket || !socket.writable || !sender || sender._state !== 0 || sender._queue.length > 0) {
      this.send(payload);
      return;
    }
    const size = frame.length;
    this.account(size, payload.length);
    socket.write(frame, () => this.flushed(size));
    this.checkPressure();
  }

  sendJson(message: Record<string, unknown>): void {
    this.send(Buffer.from(JSON.stringify(message), 'utf8'));
  }

  /** Live output that arrives while the snapshot is being taken, kept (bounded) until it is sent. */
  queue(data: Buffer): void {
    this.backlog.push(data);
    this.backlogBytes += data.length;
    while (this.backlogBytes > this.limits.highWaterBytes && this.backlog.length > 1) {
      this.backlogBytes -= this.backlog.shift()!.length;
    }
  }

  goLive(): void {
    const backlog = this.backlog;
    this.backlog = [];
    this.backlogBytes = 0;
    this.live = true;
    for (const chunk of backlog) this.send(chunk);
  }

  private flushed(size: number): void {
    this.pending -= size;
    if (this.above && this.pending <= this.limits.lowWaterBytes) {
      this.above = false;
      clearTimeout(this.stuckTimer);
      this.listener?.onPressure(this, false);
    }
  }

  /** Closes with a code; a peer that does not read its close frame is cut off after a short wait. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.stuckTimer);
    this.backlog = [];
    const ws = this.ws;
    if (ws.readyState === 0 || ws.readyState === 1) {
      ws.close(code, reason);
      const timer = setTimeout(() => ws.terminate(), CLOSE_WAIT_MS);
      timer.unref();
      ws.once('close', () => clearTimeout(timer));
    }
  }

  /** The socket went away on its own: forget timers and pressure. */
  gone(): void {
    this.closed = true;
    clearTimeout(this.stuckTimer);
    this.backlog = [];
  }
}
