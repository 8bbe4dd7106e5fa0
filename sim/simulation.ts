// The clock, the event calendar and the run loop.
//
// Calendar: a binary heap of (time, slot) in two typed arrays; an event's other fields (target,
// value, priority, insertion sequence, generation) live in slot-indexed arrays reused through a
// free list, so scheduling allocates nothing. Ties in time are broken by priority, then insertion
// order. A handle is generation × 2^26 + slot: cancelling a handle whose event already ran (its
// slot since reused) is a harmless no-op. Cancelled events are dropped lazily when they surface.
//
// Immediate queue: wake-ups decided at the current time (an event succeeded, a resource granted,
// a process started) go to a FIFO ring that is drained before the calendar advances, so they run
// at the current time before any other calendar event (like SimPy's URGENT priority).
import { createRng, type Rng } from './rng.js';
import { Condition, Process, SimEvent, Timeout, type Firable, type Waitable } from './waitable.js';

/** Identifies a scheduled callback for cancel(). */
export type EventHandle = number;

const SLOTS = 67108864; // 2^26: at most this many events pending at once
const GEN_MASK = SLOTS - 1;

type Target = Firable | (() => void);

export interface SimulationOptions {
  /** Seed of every named random stream (default 1). */
  seed?: number;
}

export class Simulation {
  readonly seed: number;
  /** @internal */ _now = 0;
  /** @internal the process whose generator is executing, if any */
  _active: Process<any> | null = null;

  // calendar heap
  private hTime = new Float64Array(1024);
  private hSlot = new Int32Array(1024);
  private hSize = 0;
  // event slots
  private sTarget: (Target | null)[] = [];
  private sVal: unknown[] = [];
  private sPrio = new Float64Array(1024);
  private sSeq = new Float64Array(1024);
  private sGen = new Int32Array(1024);
  private freeSlots = new Int32Array(1024);
  private freeTop = 0;
  private slotCount = 0;
  private seq = 0;
  // immediate queue (ring)
  private iTarget: (Target | undefined)[] = new Array<Target | undefined>(256).fill(undefined);
  private iVal: unknown[] = new Array<unknown>(256).fill(undefined);
  private iHead = 0;
  private iTail = 0;
  private iMask = 255;

  private running = false;
  private stopped = false;
  private crashed: { error: unknown } | null = null;
  private streams = new Map<string, Rng>();
  private processedCount = 0;

  constructor(options: SimulationOptions = {}) {
    const seed = options.seed ?? 1;
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    this.seed = seed;
  }

  /** Simulated time, seconds. */
  get now(): number {
    return this._now;
  }

  /** Calendar events processed so far (cancelled ones excluded), for throughput figures. */
  get eventsProcessed(): number {
    return this.processedCount;
  }

  /** Events waiting in the calendar (cancelled ones not yet dropped included). */
  get pending(): number {
    return this.hSize;
  }

  /** Time of the next calendar event, Infinity if none. */
  peek(): number {
    return this.hSize > 0 ? this.hTime[0]! : Infinity;
  }

  // ---------------------------------------------------------------- callback API

  /** Run `callback` after `delay` seconds. Lower `priority` runs first at equal times, then insertion order. */
  schedule(delay: number, callback: () => void, priority = 0): EventHandle {
    if (!(delay >= 0 && delay < Infinity)) throw new RangeError(`schedule: delay must be a finite number ≥ 0, got ${delay}`);
    return this._insert(this._now + delay, callback, undefined, priority);
  }

  /** Run `callback` at absolute time `time` (≥ now). */
  scheduleAt(time: number, callback: () => void, priority = 0): EventHandle {
    if (!(time >= this._now && time < Infinity)) {
      throw new RangeError(`scheduleAt: time must be finite and not before now (${this._now}), got ${time}`);
    }
    return this._insert(time, callback, undefined, priority);
  }

  /** Cancel a scheduled callback; a no-op if it already ran or was cancelled. */
  cancel(handle: EventHandle): void {
    if (typeof handle !== 'number' || !(handle >= 0)) return;
    const s = handle % SLOTS;
    if (s >= this.slotCount) return;
    if (this.sGen[s] !== (handle - s) / SLOTS) return;
    this.sTarget[s] = null;
    this.sVal[s] = undefined;
  }

  /**
   * Process events until the calendar is empty, or (with `until`) every event with time ≤ until,
   * leaving now = until. stop() ends it after the current event. A process that fails with nobody
   * waiting for it ends the run by rethrowing its error here.
   */
  run(until = Infinity): void {
    if (typeof until !== 'number' || Number.isNaN(until)) throw new RangeError(`run: until must be a number, got ${until}`);
    if (until < this._now) throw new RangeError(`run: until (${until}) is before now (${this._now})`);
    if (this.running) throw new Error('run() called while the simulation is already running');
    this.running = true;
    this.stopped = false;
    try {
      this.checkCrash();
      this.loop(until);
      this.checkCrash();
    } finally {
      this.running = false;
    }
    if (!this.stopped && until !== Infinity) this._now = until;
  }

  /** End run() after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Process exactly one wake-up or calendar event (for debugging and bounded stepping); false if
   * there was nothing to do. Errors of processes nobody waits for are thrown as in run().
   */
  step(): boolean {
    if (this.running) throw new Error('step() called while the simulation is running');
    this.running = true;
    try {
      this.checkCrash();
      if (this.iHead === this.iTail && this.hSize === 0) return false;
      this.stopped = false;
      this.loopOnce();
      this.checkCrash();
      return true;
    } finally {
      this.running = false;
    }
  }

  private loopOnce(): void {
    if (this.iHead !== this.iTail) this.fireImmediate();
    else this.fireRoot(this.hTime[0]!);
  }

  private loop(until: number): void {
    while (!this.stopped) {
      if (this.iHead !== this.iTail) {
        this.fireImmediate();
        continue;
      }
      if (this.hSize === 0) break;
      const time = this.hTime[0]!;
      if (time > until) break;
      this.fireRoot(time);
    }
  }

  /** Runs the oldest wake-up decided at the current time (these go before any calendar event). */
  private fireImmediate(): void {
    const i = this.iHead;
    const t = this.iTarget[i]!;
    const v = this.iVal[i];
    this.iTarget[i] = undefined;
    this.iVal[i] = undefined;
    this.iHead = (i + 1) & this.iMask;
    if (typeof t === 'function') t();
    else t._fire(v);
  }

  /** Takes the calendar's earliest event (due at `time`), frees its slot, and runs it unless cancelled. */
  private fireRoot(time: number): void {
    const s = this.hSlot[0]!;
    this.popRoot();
    const target = this.sTarget[s];
    const val = this.sVal[s];
    this.sTarget[s] = null;
    this.sVal[s] = undefined;
    this.sGen[s] = (this.sGen[s]! + 1) & GEN_MASK;
    this.freeSlots[this.freeTop++] = s;
    if (target === null || target === undefined) return; // cancelled
    this._now = time;
    this.processedCount++;
    if (typeof target === 'function') target();
    else target._fire(val);
  }

  private popRoot(): void {
    const n = --this.hSize;
    if (n === 0) return;
    const hT = this.hTime;
    const hS = this.hSlot;
    const t = hT[n]!;
    const s = hS[n]!;
    const prio = this.sPrio;
    const sq = this.sSeq;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = hT[c]!;
      let cs = hS[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = hT[r]!;
        if (rt < ct || (rt === ct && (prio[hS[r]!]! < prio[cs]! || (prio[hS[r]!] === prio[cs] && sq[hS[r]!]! < sq[cs]!)))) {
          c = r;
          ct = rt;
          cs = hS[r]!;
        }
      }
      if (ct < t || (ct === t && (prio[cs]! < prio[s]! || (prio[cs] === prio[s] && sq[cs]! < sq[s]!)))) {
        hT[i] = ct;
        hS[i] = cs;
        i = c;
      } else break;
    }
    hT[i] = t;
    hS[i] = s;
  }

  /** @internal Put `target` (a callback or a Firable given `value`) in the calendar at `time`. */
  _insert(time: number, target: Target, value: unknown, priority: number): EventHandle {
    let s: number;
    if (this.freeTop > 0) s = this.freeSlots[--this.freeTop]!;
    else {
      s = this.slotCount++;
      if (s >= this.sPrio.length) this.growSlots();
    }
    this.sTarget[s] = target;
    this.sVal[s] = value;
    this.sPrio[s] = priority;
    this.sSeq[s] = this.seq++;
    // sift up
    let i = this.hSize++;
    if (i >= this.hTime.length) this.growHeap();
    const hT = this.hTime;
    const hS = this.hSlot;
    const prio = this.sPrio;
    const sq = this.sSeq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hT[p]!;
      if (pt < time) break;
      if (pt === time) {
        const ps = hS[p]!;
        if (prio[ps]! < priority || (prio[ps] === priority && sq[ps]! < sq[s]!)) break;
      }
      hT[i] = pt;
      hS[i] = hS[p]!;
      i = p;
    }
    hT[i] = time;
    hS[i] = s;
    return this.sGen[s]! * SLOTS + s;
  }

  private growSlots(): void {
    const size = this.sPrio.length * 2;
    if (size > SLOTS * 2) throw new RangeError(`more than ${SLOTS} events pending at once`);
    const grow = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.sPrio = grow(this.sPrio, (k) => new Float64Array(k));
    this.sSeq = grow(this.sSeq, (k) => new Float64Array(k));
    this.sGen = grow(this.sGen, (k) => new Int32Array(k));
    this.freeSlots = grow(this.freeSlots, (k) => new Int32Array(k));
  }

  private growHeap(): void {
    const size = this.hTime.length * 2;
    const t = new Float64Array(size);
    t.set(this.hTime);
    const s = new Int32Array(size);
    s.set(this.hSlot);
    this.hTime = t;
    this.hSlot = s;
  }

  /** @internal Wake `target` at the current time, after what is already queued, before the calendar advances. */
  _enqueue(target: Target, value: unknown): void {
    const i = this.iTail;
    this.iTarget[i] = target;
    this.iVal[i] = value;
    this.iTail = (i + 1) & this.iMask;
    if (this.iTail === this.iHead) this.growImmediate();
  }

  private growImmediate(): void {
    const old = this.iMask + 1;
    const size = old * 2;
    const t = new Array<Target | undefined>(size).fill(undefined);
    const v = new Array<unknown>(size).fill(undefined);
    // The ring is full: head === tail; copy in order starting at head.
    for (let k = 0; k < old; k++) {
      const j = (this.iHead + k) & this.iMask;
      t[k] = this.iTarget[j];
      v[k] = this.iVal[j];
    }
    this.iTarget = t;
    this.iVal = v;
    this.iHead = 0;
    this.iTail = old;
    this.iMask = size - 1;
  }

  /** @internal A process failed and nobody waits for it: end the run and rethrow from run(). */
  _crash(error: unknown): void {
    if (this.crashed === null) this.crashed = { error };
    this.stopped = true;
  }

  private checkCrash(): void {
    if (this.crashed !== null) {
      const { error } = this.crashed;
      this.crashed = null;
      throw error;
    }
  }

  // ---------------------------------------------------------------- process API

  /** Start a generator as a process at the current time (it runs once the caller yields or returns). */
  process<T>(body: Generator<Waitable<any>, T, any> | (() => Generator<Waitable<any>, T, any>)): Process<T> {
    const gen = typeof body === 'function' ? body() : body;
    if (gen === null || typeof gen !== 'object' || typeof (gen as Generator).next !== 'function') {
      throw new TypeError('process() needs a generator (call the generator function: sim.process(body()))');
    }
    const p = new Process<T>(this, gen);
    this._enqueue(p, undefined);
    return p;
  }

  /** A waitable that succeeds with `value` after `delay` seconds. */
  timeout<T = void>(delay: number, value?: T): Timeout<T> {
    if (!(delay >= 0 && delay < Infinity)) throw new RangeError(`timeout: delay must be a finite number ≥ 0, got ${delay}`);
    return new Timeout<T>(this, this._now + delay, value as T);
  }

  /** A one-shot event to succeed(value) or fail(error) by hand. */
  event<T = void>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  /** Succeeds with { index, value } of the first to succeed; fails if one fails first. */
  anyOf<T = unknown>(events: readonly Waitable<any>[]): Waitable<{ index: number; value: T }> {
    return new Condition<{ index: number; value: T }>(this, events, false);
  }

  /** Succeeds with all values (in order) once all succeeded; fails at the first failure. */
  allOf<T = unknown>(events: readonly Waitable<any>[]): Waitable<T[]> {
    return new Condition<T[]>(this, events, true);
  }

  /** The random stream named `stream`, derived from this simulation's seed (one instance per name). */
  rng(stream: string): Rng {
    let r = this.streams.get(stream);
    if (r === undefined) {
      r = createRng(this.seed, stream);
      this.streams.set(stream, r);
    }
    return r;
  }
}
