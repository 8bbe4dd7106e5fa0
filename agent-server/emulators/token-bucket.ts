// A continuously refilling token bucket on an injected clock, as the Claude API's rate limits
// are documented to work: capacity is the per-minute limit, replenished smoothly rather than
// reset at minute boundaries.

export class WallTokenBucket {
  private level: number;
  private stamp: number;

  constructor(
    /** Bucket size: the limit. */
    readonly capacity: number,
    /** Tokens added per second. */
    readonly rate: number,
    now: number,
  ) {
    if (!(capacity > 0) || !(rate > 0)) throw new Error('a token bucket needs a positive capacity and rate');
    this.level = capacity;
    this.stamp = now;
  }

  private refill(now: number): void {
    if (now > this.stamp) {
      this.level = Math.min(this.capacity, this.level + (now - this.stamp) * this.rate);
      this.stamp = now;
    }
  }

  available(now: number): number {
    this.refill(now);
    return this.level;
  }

  /** Seconds until `amount` tokens are present (0 if now, Infinity if it exceeds the capacity). */
  timeUntil(amount: number, now: number): number {
    if (amount > this.capacity) return Infinity;
    this.refill(now);
    return amount <= this.level ? 0 : (amount - this.level) / this.rate;
  }

  /** Seconds until the bucket is full again. */
  timeUntilFull(now: number): number {
    this.refill(now);
    return (this.capacity - this.level) / this.rate;
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  refund(amount: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level + amount);
  }
}
