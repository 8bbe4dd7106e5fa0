// Time average of a piecewise-constant quantity (queue length, busy servers, memory in use).
export class TimeWeighted {
  private current: number;
  private since: number;
  private start: number;
  private area = 0;
  private lo: number;
  private hi: number;

  constructor(now: number, initial = 0) {
    this.current = initial;
    this.since = this.start = now;
    this.lo = this.hi = initial;
  }

  /** The quantity becomes `value` at time `now` (not before the previous update). */
  update(value: number, now: number): void {
    if (now < this.since) throw new RangeError(`TimeWeighted.update: time ${now} is before the last update (${this.since})`);
    this.area += this.current * (now - this.since);
    this.since = now;
    this.current = value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  /** Time average from the start (or the last reset) up to `now`; the current value if no time has passed. */
  mean(now: number): number {
    const span = now - this.start;
    if (!(span > 0)) return this.current;
    return (this.area + this.current * (now - this.since)) / span;
  }

  /** Integral of the quantity over time up to `now`. */
  integral(now: number): number {
    return this.area + this.current * (now - this.since);
  }

  /** Forget the history (e.g. after a warm-up); the current value carries on. */
  reset(now: number): void {
    this.area = 0;
    this.since = this.start = now;
    this.lo = this.hi = this.current;
  }

  get value(): number {
    return this.current;
  }
  get min(): number {
    return this.lo;
  }
  get max(): number {
    return this.hi;
  }
}
