// What every protocol driver gets to run its share of the load.

import { performance } from 'node:perf_hooks';
import type { LoadOptions } from './options.js';
import { COUNTERS, type Recorder } from './recorder.js';
import { seededRng, type Rng } from './random.js';
import type { Scheduler } from './scheduler.js';
import {
  constantRamp,
  fixedConnectionPlan,
  rampConnectionPlan,
  rampsFromStages,
  type ConnectionSlot,
  type EventStream,
  type Ramp,
} from './timeline.js';

/** The --messages cap of one process: operations beyond it are not scheduled. */
export class Budget {
  constructor(private left: number) {}

  take(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }

  get exhausted(): boolean {
    return this.left <= 0;
  }
}

export interface RunContext {
  options: LoadOptions;
  recorder: Recorder;
  scheduler: Scheduler;
  /** performance.now() at the start of the run: intended times count from here. */
  t0: number;
  budget: Budget;
  /** This process's part of the load: connections whose index % count === index. */
  share: { index: number; count: number };
  /** A short random tag that keeps this run's markers apart from earlier runs' output. */
  runId: string;
  /** Set when the run is interrupted: drivers stop sending and close. */
  aborted: AbortSignal;
}

export function nowSeconds(ctx: RunContext): number {
  return (performance.now() - ctx.t0) / 1000;
}

export function rng(ctx: RunContext, stream: number): Rng {
  return seededRng(ctx.options.seed, stream);
}

/** The intended rate over the run: per connection (echo, maestro) or in all (http, agentcom). */
export function rateRamp(options: LoadOptions): Ramp {
  if (!options.stages) return constantRamp(options.rate);
  return rampsFromStages(options.stages, { connections: 0, rate: options.rate }).rate;
}

/** The whole run's connection slots (the same in every process), before sharing out. */
export function connectionPlan(options: LoadOptions): ConnectionSlot[] {
  if (options.stages) {
    const { connections, duration } = rampsFromStages(options.stages, { connections: 0, rate: options.rate });
    return rampConnectionPlan(connections, duration);
  }
  return fixedConnectionPlan(options.connections, options.connectRate, options.arrival, options.duration, seededRng(options.seed, 1));
}

export function myShare<T extends { index: number }>(ctx: RunContext, slots: readonly T[]): T[] {
  return slots.filter((s) => s.index % ctx.share.count === ctx.share.index);
}

/** This process's part of a --messages cap. */
export function budgetShare(total: number | undefined, index: number, count: number): Budget {
  if (total === undefined) return new Budget(Infinity);
  return new Budget(Math.floor(total / count) + (index < total % count ? 1 : 0));
}

/** Counts one intended operation against the cap; false when the cap is reached. */
export function takeOperation(ctx: RunContext): boolean {
  if (!ctx.budget.take()) return false;
  ctx.recorder.count(COUNTERS.intended);
  return true;
}

/**
 * Sends every operation of `stream` when it falls due, on the shared scheduler: all that are due
 * at once go out together (at most --max-backlog; the rest are counted as dropped), each given
 * its intended time so latency is measured from it. Ends with `stop` when the stream or the
 * --messages budget runs out; `sending` says whether the driver still wants to send.
 */
export function sendOnSchedule(ctx: RunContext, stream: EventStream, send: (intended: number) => void, sending: () => boolean, stop: () => void): void {
  const task = {
    due: 0,
    fire(now: number): void {
      if (!sending()) return;
      let burst = 0;
      for (;;) {
        const t = stream.peek();
        if (t === Infinity) return stop();
        const due = ctx.t0 + t * 1000;
        if (due > now) break;
        stream.shift();
        if (!takeOperation(ctx)) return stop();
        if (burst++ < ctx.options.maxBacklog) send(due);
        else ctx.recorder.count(COUNTERS.dropped);
      }
      task.due = ctx.t0 + stream.peek() * 1000;
      ctx.scheduler.at(task);
    },
  };
  task.due = ctx.t0 + stream.peek() * 1000;
  if (task.due === Infinity) stop();
  else ctx.scheduler.at(task);
}

/** A protocol's running share of the load. */
export interface Driver {
  /** Resolves when every connection has finished sending, been answered (or timed out) and closed. */
  done: Promise<void>;
  /** Called every 100 ms to expire operations that waited longer than --timeout. */
  sweep(now: number): void;
}

export function socketDriver(sockets: { start(): void; sweep(now: number): void; done: Promise<void> }[]): Driver {
  for (const s of sockets) s.start();
  return {
    done: Promise.all(sockets.map((s) => s.done)).then(() => undefined),
    sweep(now) {
      for (const s of sockets) s.sweep(now);
    },
  };
}
