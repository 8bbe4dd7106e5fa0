// Quantiles with bounded relative error, mergeable (the DDSketch construction, Masson et al. 2019):
// a value x > 0 falls in bucket ⌈log_γ x⌉ with γ = (1+α)/(1−α), and every value in a bucket is
// within relative error α of the bucket's representative 2γ^i/(γ+1). Negative values mirror this.
export class QuantileSketch {
  readonly relativeAccuracy: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private positive = new Map<number, number>();
  private negative = new Map<number, number>();
  private zeros = 0;
  private n = 0;
  private total = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(relativeAccuracy = 0.01) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new RangeError(`QuantileSketch: relativeAccuracy must be within (0, 1), got ${relativeAccuracy}`);
    }
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  record(x: number, count = 1): void {
    if (!Number.isFinite(x)) throw new RangeError(`QuantileSketch.record: value must be finite, got ${x}`);
    if (x > 0) bump(this.positive, Math.ceil(Math.log(x) / this.logGamma), count);
    else if (x < 0) bump(this.negative, Math.ceil(Math.log(-x) / this.logGamma), count);
    else this.zeros += count;
    this.n += count;
    this.total += x * count;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Add another sketch's values (it must have the same relative accuracy). */
  merge(o: QuantileSketch): void {
    if (o.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError(`QuantileSketch.merge: relative accuracies differ (${this.relativeAccuracy} vs ${o.relativeAccuracy})`);
    }
    for (const [k, c] of o.positive) bump(this.positive, k, c);
    for (const [k, c] of o.negative) bump(this.negative, k, c);
    this.zeros += o.zeros;
    this.n += o.n;
    this.total += o.total;
    this.lo = Math.min(this.lo, o.lo);
    this.hi = Math.max(this.hi, o.hi);
  }

  reset(): void {
    this.positive.clear();
    this.negative.clear();
    this.zeros = 0;
    this.n = 0;
    this.total = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
  }

  get count(): number {
    return this.n;
  }
  get sum(): number {
    return this.total;
  }
  get mean(): number {
    return this.n > 0 ? this.total / this.n : NaN;
  }
  get min(): number {
    return this.lo;
  }
  get max(): number {
    return this.hi;
  }

  /**
   * The p-quantile (p in [0, 1]) within relative error α of an exact order statistic; NaN when
   * empty. The order statistic is the nearest rank, ⌈p·n⌉ (at least the first), as HdrHistogram
   * reads percentiles, so a model's p95 and a load generator's mean the same thing at any n.
   */
  quantile(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`QuantileSketch.quantile: p must be within [0, 1], got ${p}`);
    if (this.n === 0) return NaN;
    if (p === 0) return this.lo;
    if (p === 1) return this.hi;
    // 1-based rank; the factor keeps floating-point excess (0.95 × 100 = 95.00000000000001) from skipping one.
    const rank = Math.max(1, Math.ceil(p * this.n * (1 - 1e-12)));
    let seen = 0;
    const neg = [...this.negative.keys()].sort((a, b) => b - a); // most negative first
    for (const k of neg) {
      seen += this.negative.get(k)!;
      if (seen >= rank) return this.clamp(-this.representative(k));
    }
    seen += this.zeros;
    if (seen >= rank) return 0;
    const pos = [...this.positive.keys()].sort((a, b) => a - b);
    for (const k of pos) {
      seen += this.positive.get(k)!;
      if (seen >= rank) return this.clamp(this.representative(k));
    }
    return this.hi;
  }

  private representative(k: number): number {
    return (2 * Math.pow(this.gamma, k)) / (this.gamma + 1);
  }

  private clamp(x: number): number {
    return x < this.lo ? this.lo : x > this.hi ? this.hi : x;
  }
}

function bump(m: Map<number, number>, k: number, c: number): void {
  m.set(k, (m.get(k) ?? 0) + c);
}
