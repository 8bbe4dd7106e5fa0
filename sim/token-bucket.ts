// A token bucket (API rate limits): `rate` tokens per second refill up to `burst`. take() waits in
// FIFO order; a request can never exceed the burst.
import { Fifo } from './fifo.js';
import type { EventHandle, Simulation } from './simulation.js';
import { SimEvent, type Waitable } from './waitable.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  rate: number;
  /** Most tokens the bucket holds. */
  burst: number;
  /** Tokens at the start (default: burst). */
  initial?: number;
}

export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private waiters = new Fifo<{ ev: SimEvent<void>; amount: number }>();
  private timer: EventHandle = -1;
  // Floating-point refill can land a hair short of a whole request at its computed due time.
  private readonly eps: number;
  private readonly onTimer = (): void => {
    this.timer = -1;
    this.serve();
  };

  constructor(
    readonly sim: Simulation,
    options: TokenBucketOptions,
  ) {
    const { rate, burst } = options ?? ({} as TokenBucketOptions);
    if (!(rate > 0 && rate < Infinity)) throw new RangeError(`TokenBucket: rate must be a finite number > 0, got ${String(rate)}`);
    if (!(burst > 0 && burst < Infinity)) throw new RangeError(`TokenBucket: burst must be a finite number > 0, got ${String(burst)}`);
    const initial = options.initial ?? burst;
    if (!(initial >= 0 && initial <= burst)) throw new RangeError(`TokenBucket: initial must be within 0..burst (${burst}), got ${initial}`);
    this.rate = rate;
    this.burst = burst;
    this.tokens = initial;
    this.last = sim._now;
    this.eps = burst * 1e-12;
  }

  /** Requests waiting in take(). */
  get queueLength(): number {
    return this.waiters.length;
  }

  /** Tokens in the bucket now. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Seconds until `amount` tokens will be in the bucket (0 if now), ignoring queued takers. */
  timeUntil(amount: number): number {
    this.check('timeUntil', amount);
    this.refill();
    const deficit = amount - this.tokens;
    return deficit <= this.eps ? 0 : deficit / this.rate;
  }

  /** Take at once if possible (and nobody is queued ahead); false otherwise. */
  tryTake(amount: number): boolean {
    this.check('tryTake', amount);
    if (this.waiters.length > 0) return false;
    this.refill();
    if (this.tokens + this.eps < amount) return false;
    this.tokens = Math.max(0, this.tokens - amount);
    return true;
  }

  /** Succeeds once `amount` tokens were taken (FIFO behind earlier takers). */
  take(amount: number): Waitable<void> {
    this.check('take', amount);
    const ev = new SimEvent<void>(this.sim);
    if (this.tryTake(amount)) ev.succeed();
    else {
      this.waiters.push({ ev, amount });
      if (this.waiters.length === 1) this.serve();
    }
    return ev;
  }

  /** Give tokens back (capped at burst), e.g. after over-reserving. */
  refund(amount: number): void {
    if (!(amount >= 0 && amount < Infinity)) throw new RangeError(`TokenBucket.refund: amount must be a finite number ≥ 0, got ${amount}`);
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens + amount);
    this.serve();
  }

  private check(what: string, amount: number): void {
    if (!(amount >= 0 && amount <= this.burst)) {
      throw new RangeError(`TokenBucket.${what}: amount must be within 0..burst (${this.burst}), got ${amount}`);
    }
  }

  private refill(): void {
    const now = this.sim._now;
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.rate);
      this.last = now;
    }
  }

  private serve(): void {
    this.refill();
    for (let w = this.waiters.peek(); w !== undefined && this.enough(w.amount); w = this.waiters.peek()) {
      this.waiters.shift();
      this.tokens = Math.max(0, this.tokens - w.amount);
      w.ev.succeed();
    }
    this.reschedule();
  }

  /** Enough tokens for `amount`, up to rounding: a shortfall the clock cannot resolve counts as none. */
  private enough(amount: number): boolean {
    if (this.tokens + this.eps >= amount) return true;
    const now = this.sim._now;
    return now + (amount - this.tokens) / this.rate <= now;
  }

  private reschedule(): void {
    if (this.timer !== -1) {
      this.sim.cancel(this.timer);
      this.timer = -1;
    }
    const head = this.waiters.peek();
    if (head === undefined) return;
    this.refill();
    this.timer = this.sim.schedule(Math.max(0, (head.amount - this.tokens) / this.rate), this.onTimer);
  }
}
