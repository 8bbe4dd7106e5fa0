// Token buckets bound how fast one client may feed the terminal (bytes and frames per second).

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    /** Refill rate in tokens per second. */
    private readonly rate: number,
    /** Bucket size: the most that may be spent at once after a quiet spell. */
    private readonly burst: number,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends `cost` tokens if the bucket holds them; false means the caller must drop the work. */
  take(cost: number): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) * this.rate);
    this.last = t;
    if (cost > this.tokens) return false;
    this.tokens -= cost;
    return true;
  }
}
