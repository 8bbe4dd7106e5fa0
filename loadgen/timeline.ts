// The intended schedule of a run, computed from the profile alone and never from what the target
// does: connection open/close times and message send times. Sending against this timeline (and
// timing each message from its intended time) is what keeps a slow target from slowing the
// generator down and hiding its own stalls (coordinated omission).

import { exponential, type Rng } from './random.js';

/** A value that ramps linearly between breakpoints and holds after the last one. */
export interface Ramp {
  /** Breakpoint times in seconds from the start of the run, ascending, first is 0. */
  times: number[];
  values: number[];
}

export interface Stage {
  /** Seconds. */
  duration: number;
  /** Connections (sessions, sidecars) to reach by the end of the stage. */
  connections?: number;
  /** Message (or task, or request) rate to reach by the end of the stage, per second. */
  rate?: number;
}

/** Builds the connection-count and rate ramps from k6-style stages: each stage ramps linearly to its target. */
export function rampsFromStages(
  stages: readonly Stage[],
  initial: { connections: number; rate: number },
): { connections: Ramp; rate: Ramp; duration: number } {
  const connections: Ramp = { times: [0], values: [initial.connections] };
  const rate: Ramp = { times: [0], values: [initial.rate] };
  let t = 0;
  for (const stage of stages) {
    t += stage.duration;
    connections.times.push(t);
    connections.values.push(stage.connections ?? connections.values[connections.values.length - 1]!);
    rate.times.push(t);
    rate.values.push(stage.rate ?? rate.values[rate.values.length - 1]!);
  }
  return { connections, rate, duration: t };
}

export function constantRamp(value: number): Ramp {
  return { times: [0], values: [value] };
}

export function rampValue(ramp: Ramp, t: number): number {
  const { times, values } = ramp;
  if (t <= times[0]!) return values[0]!;
  for (let i = 1; i < times.length; i++) {
    if (t <= times[i]!) {
      const ta = times[i - 1]!;
      const tb = times[i]!;
      const va = values[i - 1]!;
      const vb = values[i]!;
      return tb === ta ? vb : va + ((vb - va) * (t - ta)) / (tb - ta);
    }
  }
  return values[values.length - 1]!;
}

/**
 * The time after `t` at which the integrated rate has grown by `work` events (time rescaling):
 * work = 1 gives constant spacing, work ~ Exp(1) a (non-homogeneous) Poisson process.
 * Returns Infinity when the rate stays at zero.
 */
export function advance(rate: Ramp, t: number, work: number): number {
  const { times, values } = rate;
  let now = t;
  let left = work;
  for (let i = 1; i <= times.length; i++) {
    const tb = i < times.length ? times[i]! : Infinity;
    if (tb <= now) continue;
    const r0 = rampValue(rate, now);
    if (tb === Infinity) return r0 > 0 ? now + left / r0 : Infinity;
    const rb = values[i]!;
    const slope = (rb - values[i - 1]!) / (tb - times[i - 1]!);
    const area = ((r0 + rb) / 2) * (tb - now);
    if (area >= left) {
      // r0·x + slope·x²/2 = left, written in the form that stays stable as slope → 0.
      const disc = Math.max(0, r0 * r0 + 2 * slope * left);
      return now + (2 * left) / (r0 + Math.sqrt(disc));
    }
    left -= area;
    now = tb;
  }
  return Infinity;
}

export type Arrival = 'constant' | 'poisson';

/** The successive intended times of one stream of events (one connection's messages, or all tasks). */
export class EventStream {
  private next: number;

  constructor(
    private readonly rate: Ramp,
    private readonly arrival: Arrival,
    private readonly rng: Rng,
    start: number,
    /** Times at or beyond this are not produced. */
    private readonly end: number,
  ) {
    // A random phase spreads constant-rate connections instead of sending in lockstep.
    const first = arrival === 'poisson' ? exponential(rng, 1) : rng.next();
    this.next = advance(rate, start, first);
  }

  /** The next intended time, or Infinity when the stream is over. */
  peek(): number {
    return this.next < this.end ? this.next : Infinity;
  }

  /** Consumes the current time and computes the one after it. */
  shift(): number {
    const t = this.peek();
    if (t !== Infinity) this.next = advance(this.rate, t, this.arrival === 'poisson' ? exponential(this.rng, 1) : 1);
    return t;
  }
}

/** One connection's intended lifetime, seconds from the start of the run. */
export interface ConnectionSlot {
  index: number;
  openAt: number;
  closeAt: number;
}

/**
 * Connections for a fixed count arriving at `connectRate` per second (constant spacing or Poisson),
 * all held until `duration`.
 */
export function fixedConnectionPlan(
  count: number,
  connectRate: number,
  arrival: Arrival,
  duration: number,
  rng: Rng,
): ConnectionSlot[] {
  const slots: ConnectionSlot[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0 && Number.isFinite(connectRate)) t += arrival === 'poisson' ? exponential(rng, 1 / connectRate) : 1 / connectRate;
    slots.push({ index: i, openAt: t, closeAt: duration });
  }
  return slots;
}

/**
 * Connections following a ramp of the connection count: the k-th connection is open while the
 * ramp is at or above k. A ramp that falls and rises again yields a new slot for the same level.
 */
export function rampConnectionPlan(ramp: Ramp, duration: number): ConnectionSlot[] {
  const slots: ConnectionSlot[] = [];
  const max = Math.ceil(Math.max(...ramp.values));
  const { times, values } = ramp;
  for (let k = 1; k <= max; k++) {
    let openAt = values[0]! >= k ? 0 : -1;
    for (let i = 1; i < times.length && times[i - 1]! < duration; i++) {
      const ta = times[i - 1]!;
      const tb = times[i]!;
      const va = values[i - 1]!;
      const vb = values[i]!;
      if (openAt < 0 && va < k && vb >= k) openAt = ta + ((k - va) / (vb - va)) * (tb - ta);
      else if (openAt >= 0 && va >= k && vb < k) {
        const closeAt = ta + ((va - k) / (va - vb)) * (tb - ta);
        if (closeAt > openAt) slots.push({ index: 0, openAt, closeAt: Math.min(closeAt, duration) });
        openAt = -1;
      }
    }
    if (openAt >= 0 && openAt < duration) slots.push({ index: 0, openAt, closeAt: duration });
  }
  slots.sort((a, b) => a.openAt - b.openAt);
  slots.forEach((s, i) => (s.index = i));
  return slots;
}
