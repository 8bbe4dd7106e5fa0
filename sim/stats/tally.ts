// Running mean and variance of observations (Welford's algorithm: stable in one pass).
export class Tally {
  private n = 0;
  private m = 0;
  private s = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private total = 0;

  add(x: number): void {
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.s += d * (x - this.m);
    this.total += x;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Combine another tally's observations into this one (Chan et al.'s parallel update). */
  merge(o: Tally): void {
    if (o.n === 0) return;
    const n = this.n + o.n;
    const d = o.m - this.m;
    this.s += o.s + (d * d * this.n * o.n) / n;
    this.m += (d * o.n) / n;
    this.n = n;
    this.total += o.total;
    this.lo = Math.min(this.lo, o.lo);
    this.hi = Math.max(this.hi, o.hi);
  }

  reset(): void {
    this.n = 0;
    this.m = 0;
    this.s = 0;
    this.total = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
  }

  get count(): number {
    return this.n;
  }
  /** NaN when empty. */
  get mean(): number {
    return this.n > 0 ? this.m : NaN;
  }
  get sum(): number {
    return this.total;
  }
  /** Sample variance (n − 1 divisor); NaN below 2 observations. */
  get variance(): number {
    return this.n > 1 ? this.s / (this.n - 1) : NaN;
  }
  get stdev(): number {
    return Math.sqrt(this.variance);
  }
  /** Infinity when empty. */
  get min(): number {
    return this.lo;
  }
  /** −Infinity when empty. */
  get max(): number {
    return this.hi;
  }
}
