// Things a process can wait for: events, timeouts, other processes, conditions over several of them.
// Waking is done by the kernel's immediate queue (see simulation.ts), never by Promises.
import type { Simulation } from './simulation.js';

/** Called with the finished waitable (read .ok and .value). */
export type WaiterFn = (ev: Waitable<any>) => void;

/** Anything the kernel can dispatch from its calendar or immediate queue. */
export interface Firable {
  _fire(value: unknown): void;
}

export const KIND_EVENT = 0;
export const KIND_TIMEOUT = 1;
export const KIND_PROCESS = 2;

/** Passed to Process._fire to mean "notify your joiners" rather than "resume your generator". */
export const NOTIFY: unique symbol = Symbol('notify');

type Waiter = Process<any> | WaiterFn;

/**
 * Base of everything yieldable. Invariant: while triggered with waiters attached, exactly one
 * notification is pending in the kernel's immediate queue.
 */
export class Waitable<T = unknown> implements Firable {
  /** @internal Kind tag; lives on each class's prototype, so it costs no per-object field. */
  declare _kind: number;
  /** @internal */ _triggered = false;
  /** @internal */ _ok = true;
  /** @internal */ _value: unknown = undefined;
  /** @internal */ _w1: Waiter | null = null;
  /** @internal */ _wMore: Waiter[] | null = null;

  constructor(readonly sim: Simulation) {}

  /** True once the outcome is decided (succeeded or failed). */
  get triggered(): boolean {
    return this._triggered;
  }
  /** False when the waitable failed (then .value is the error). */
  get ok(): boolean {
    return this._ok;
  }
  get value(): T {
    if (!this._triggered) throw new Error('the value of a waitable is read before it was triggered');
    return this._value as T;
  }

  /** Callback API: call `callback(this)` once triggered (at once, through the kernel, if already). */
  onDone(callback: (ev: this) => void): void {
    this._subscribe(callback as WaiterFn);
  }

  /** @internal */
  _subscribe(w: Waiter): void {
    if (this._triggered && this._w1 === null && this._wMore === null) this.sim._enqueue(this, undefined);
    if (this._w1 === null && this._wMore === null) this._w1 = w;
    else (this._wMore ??= []).push(w);
  }

  /** @internal */
  _removeWaiter(w: Waiter): void {
    if (this._w1 === w) {
      this._w1 = this._wMore !== null && this._wMore.length > 0 ? this._wMore.shift()! : null;
      if (this._wMore !== null && this._wMore.length === 0) this._wMore = null;
      return;
    }
    if (this._wMore !== null) {
      const i = this._wMore.indexOf(w);
      if (i >= 0) this._wMore.splice(i, 1);
    }
  }

  /** @internal Decide the outcome and schedule the waiters' wake-up at the current time. */
  _trigger(ok: boolean, value: unknown): void {
    this._triggered = true;
    this._ok = ok;
    this._value = value;
    if (this._w1 !== null || this._wMore !== null) this.sim._enqueue(this, undefined);
  }

  /** @internal */
  _fire(_value: unknown): void {
    this._notify();
  }

  /** @internal */
  _notify(): void {
    const w1 = this._w1;
    const more = this._wMore;
    this._w1 = null;
    this._wMore = null;
    if (w1 !== null) this._wake(w1);
    if (more !== null) for (const w of more) this._wake(w);
  }

  private _wake(w: Waiter): void {
    if (typeof w === 'function') w(this);
    else if (w._waitingOn === this) {
      w._waitingOn = null;
      w._resume(this._value, !this._ok);
    }
  }
}

/** A one-shot event triggered by hand. */
export class SimEvent<T = void> extends Waitable<T> {
  succeed(value?: T): this {
    if (this._triggered) throw new Error('event already triggered');
    this._trigger(true, value);
    return this;
  }
  fail(error: unknown): this {
    if (this._triggered) throw new Error('event already triggered');
    this._trigger(false, error);
    return this;
  }
}

/**
 * A delay. Created lazily: when a process yields it straight away (the usual case) the kernel
 * schedules the process itself, so no event notification is needed. Used any other way (in
 * anyOf/allOf, onDone, yielded twice) it becomes an ordinary calendar event due at the same time.
 */
export class Timeout<T = void> extends Waitable<T> {
  /** @internal 0 fresh, 1 consumed directly by a process, 2 ordinary event. */
  _state = 0;
  constructor(
    sim: Simulation,
    /** @internal */ readonly _at: number,
    value: T,
  ) {
    super(sim);
    this._value = value; // held from the start; exposed once due
  }

  /** The time this timeout is due. */
  get at(): number {
    return this._at;
  }

  override get triggered(): boolean {
    return this._state === 2 ? this._triggered : this.sim.now >= this._at;
  }

  override get value(): T {
    if (!this.triggered) throw new Error('the value of a timeout is read before it was due');
    return this._value as T;
  }

  /** @internal */
  _materialise(): void {
    if (this._state === 2) return;
    this._state = 2;
    if (this._at < this.sim._now) {
      this._triggered = true;
    } else {
      this.sim._insert(this._at, this, undefined, 0);
    }
  }

  override _subscribe(w: Waiter): void {
    this._materialise();
    super._subscribe(w);
  }

  override _fire(_value: unknown): void {
    this._triggered = true;
    this._notify();
  }
}

/** Thrown into a process's generator by Process.interrupt(cause). */
export class Interrupt extends Error {
  override readonly cause: unknown;
  constructor(cause?: unknown) {
    super(`process interrupted${cause === undefined ? '' : `: ${describe(cause)}`}`);
    this.name = 'Interrupt';
    this.cause = cause;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'object' && cause !== null) {
    try {
      return JSON.stringify(cause, (k, v: unknown) => (k === 'by' ? '[request]' : v)) ?? String(cause);
    } catch {
      return String(cause);
    }
  }
  return String(cause);
}

/** A generator run by the kernel; waitable (yield it to join) and interruptible. */
export class Process<T = unknown> extends Waitable<T> {
  /** @internal */ _waitingOn: Waitable<any> | null = null;
  /** @internal calendar handle of a directly scheduled timeout, or −1. */
  _timer = -1;
  /** @internal */ _running = false;

  constructor(
    sim: Simulation,
    /** @internal */ readonly _gen: Generator<Waitable<any>, T, any>,
  ) {
    super(sim);
  }

  /** False once the generator has returned or thrown. */
  get isAlive(): boolean {
    return !this._triggered;
  }

  /**
   * Throw an Interrupt(cause) into the generator at its current yield, now (synchronously). What it
   * was waiting for no longer wakes it (a held resource request stays held, a queued one stays queued).
   */
  interrupt(cause?: unknown): void {
    if (this._triggered) throw new Error('cannot interrupt a process that has finished');
    if (this._running) throw new Error('a running process cannot be interrupted (a process cannot interrupt itself)');
    this._detach();
    this._resume(new Interrupt(cause), true);
  }

  /** @internal */
  _detach(): void {
    if (this._timer !== -1) {
      this.sim.cancel(this._timer);
      this._timer = -1;
    }
    if (this._waitingOn !== null) {
      this._waitingOn._removeWaiter(this);
      this._waitingOn = null;
    }
  }

  /** @internal Start (value undefined), direct timeout expiry (its value), or NOTIFY for joiners. */
  override _fire(value: unknown): void {
    if (value === NOTIFY) {
      this._notify();
      return;
    }
    this._timer = -1;
    if (!this._triggered) this._resume(value, false);
  }

  /** @internal Run the generator until it waits on something not yet triggered, or ends. */
  _resume(value: unknown, thrown: boolean): void {
    const sim = this.sim;
    const previous = sim._active;
    sim._active = this;
    this._running = true;
    const gen = this._gen;
    let v = value;
    let thr = thrown;
    for (;;) {
      let r: IteratorResult<Waitable<any>, T>;
      try {
        r = thr ? gen.throw(v) : gen.next(v);
      } catch (error) {
        this._running = false;
        sim._active = previous;
        this._finish(false, error);
        return;
      }
      if (r.done === true) {
        this._running = false;
        sim._active = previous;
        this._finish(true, r.value);
        return;
      }
      const w = r.value;
      if (!(w instanceof Waitable)) {
        v = new TypeError(`a process yielded ${typeof w === 'object' ? String(w) : typeof w}, not a waitable (timeout, event, request, process...)`);
        thr = true;
        continue;
      }
      if (w._kind === KIND_TIMEOUT) {
        const t = w as Timeout<unknown>;
        if (t._state === 0 && t.sim === sim) {
          t._state = 1;
          const now = sim._now;
          this._timer = sim._insert(t._at > now ? t._at : now, this, t._value, 0);
          break;
        }
        t._materialise();
      }
      if (w._triggered) {
        v = w._value;
        thr = !w._ok;
        continue;
      }
      this._waitingOn = w;
      w._subscribe(this);
      break;
    }
    this._running = false;
    sim._active = previous;
  }

  private _finish(ok: boolean, value: unknown): void {
    this._triggered = true;
    this._ok = ok;
    this._value = value;
    if (this._w1 !== null || this._wMore !== null) this.sim._enqueue(this, NOTIFY);
    else if (!ok) this.sim._crash(value);
  }
}

/** anyOf / allOf over several waitables. */
export class Condition<T> extends Waitable<T> {
  constructor(sim: Simulation, events: readonly Waitable<any>[], all: boolean) {
    super(sim);
    const n = events.length;
    if (!all && n === 0) throw new RangeError('anyOf needs at least one waitable');
    const values: unknown[] = new Array(n);
    let remaining = n;
    const settle = (ev: Waitable<any>, index: number): void => {
      if (this._triggered) return;
      if (!ev._ok) {
        this._trigger(false, ev._value);
        return;
      }
      if (!all) {
        this._trigger(true, { index, value: ev._value });
        return;
      }
      values[index] = ev._value;
      if (--remaining === 0) this._trigger(true, values);
    };
    for (let i = 0; i < n; i++) {
      const ev = events[i]!;
      if (!(ev instanceof Waitable)) throw new TypeError(`${all ? 'allOf' : 'anyOf'}: item ${i} is not a waitable`);
      if (ev._kind === KIND_TIMEOUT) (ev as Timeout<unknown>)._materialise();
      if (ev._triggered) settle(ev, i);
      else ev._subscribe((e) => settle(e, i));
    }
    if (all && n === 0) this._trigger(true, values);
  }
}

Waitable.prototype._kind = KIND_EVENT;
Timeout.prototype._kind = KIND_TIMEOUT;
Process.prototype._kind = KIND_PROCESS;
