// What one generator process measured: latency histograms (microseconds, HDR), counters and
// errors by class. A process's share travels to the parent as encoded histograms so that shares
// from several processes (or machines) add up exactly.

import { LatencyHistogram, type EncodedHistogram } from '../lib/index.js';

/** Counter names every protocol uses. */
export const COUNTERS = {
  /** Operations due by the schedule (messages, requests, tasks), sent or not. */
  intended: 'ops.intended',
  sent: 'ops.sent',
  /** Operations answered (echo seen, response received, task completed). */
  completed: 'ops.completed',
  /** Sent more than 1 ms after the intended time. */
  late: 'ops.late',
  /** Not sent because the connection's backlog of overdue sends was beyond --max-backlog. */
  dropped: 'ops.dropped',
  errors: 'ops.errors',
  /** Sent late because --max-inflight answers were outstanding (the target's doing, not the generator's). */
  held: 'ops.held',
  connectAttempts: 'connections.attempted',
  connectOpened: 'connections.opened',
  connectFailed: 'connections.failed',
  closedEarly: 'connections.closedEarly',
  bytesSent: 'bytes.sent',
  bytesReceived: 'bytes.received',
  /** Terminal output received from a second after each client's handshake (snapshot, history and the output held meanwhile left out). */
  streamBytes: 'bytes.stream',
  /** The WebSocket messages (frames) of that stream. */
  streamFrames: 'frames.stream',
  /** Milliseconds clients spent receiving that stream, summed: bytes.stream ÷ this is the steady rate per client. */
  streamMs: 'stream.ms',
} as const;

/** Late-send bound: a send this far behind its intended time counts as late. */
export const LATE_SECONDS = 0.001;

export interface Share {
  histograms: Record<string, EncodedHistogram>;
  counters: Record<string, number>;
  errors: Record<string, number>;
  /** Seconds from the first intended operation to the end of the measured window. */
  elapsed: number;
  generator: GeneratorHealth;
  notes: string[];
}

export interface GeneratorHealth {
  /** CPU time used by each generator process over the run, as a fraction of one core. */
  cpu: number[];
  /** Event-loop delay p99 and max over the run, seconds, the worst over processes. */
  eventLoopP99: number;
  eventLoopMax: number;
}

export class Recorder {
  readonly histograms = new Map<string, LatencyHistogram>();
  readonly counters: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  notes: string[] = [];

  histogram(name: string): LatencyHistogram {
    let h = this.histograms.get(name);
    if (!h) {
      h = new LatencyHistogram();
      this.histograms.set(name, h);
    }
    return h;
  }

  /** Records a latency in milliseconds (performance.now() differences). */
  recordMs(name: string, ms: number): void {
    this.histogram(name).recordMicros(ms * 1000);
  }

  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  get(name: string): number {
    return this.counters[name] ?? 0;
  }

  /** Counts a failed operation (or connection) under its class: 'timeout', 'refused', 'close-1011'... */
  error(kind: string, n = 1): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + n;
    this.count(COUNTERS.errors, n);
  }

  /** Records a send: the lag behind its intended time, and whether it was late. */
  sendLag(lagMs: number): void {
    this.recordMs('generator.sendLag', Math.max(0, lagMs));
    if (lagMs > LATE_SECONDS * 1000) this.count(COUNTERS.late);
  }

  share(elapsed: number, generator: GeneratorHealth): Share {
    const histograms: Record<string, EncodedHistogram> = {};
    for (const [name, h] of this.histograms) histograms[name] = h.encode();
    return { histograms, counters: { ...this.counters }, errors: { ...this.errors }, elapsed, generator, notes: [...this.notes] };
  }
}

/** Adds shares from several processes: histograms merge losslessly, counters add up. */
export function mergeShares(shares: readonly Share[]): Share {
  const histograms = new Map<string, LatencyHistogram>();
  const counters: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const notes: string[] = [];
  let elapsed = 0;
  const cpu: number[] = [];
  let eventLoopP99 = 0;
  let eventLoopMax = 0;
  for (const s of shares) {
    for (const [name, encoded] of Object.entries(s.histograms)) {
      const h = LatencyHistogram.decode(encoded);
      const into = histograms.get(name);
      if (into) into.add(h);
      else histograms.set(name, h);
    }
    for (const [k, v] of Object.entries(s.counters)) counters[k] = (counters[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
    for (const n of s.notes) if (!notes.includes(n)) notes.push(n);
    elapsed = Math.max(elapsed, s.elapsed);
    cpu.push(...s.generator.cpu);
    eventLoopP99 = Math.max(eventLoopP99, s.generator.eventLoopP99);
    eventLoopMax = Math.max(eventLoopMax, s.generator.eventLoopMax);
  }
  const encoded: Record<string, EncodedHistogram> = {};
  for (const [name, h] of histograms) encoded[name] = h.encode();
  return { histograms: encoded, counters, errors, elapsed, generator: { cpu, eventLoopP99, eventLoopMax }, notes };
}
