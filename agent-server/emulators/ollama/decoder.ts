// Decoding shared by the streams of one loaded model: n concurrent streams split the curve's
// aggregate rate for n evenly, and the split is recomputed whenever a stream starts or ends
// (processor sharing). Time is advanced in segments that end at each stream's completion, so
// the rates stay exact between events however rarely the timer fires.

import { perStreamRate, type DecodeCurve } from './curve.js';

interface Stream {
  total: number;
  progress: number;
  emitted: number;
  onTokens: (count: number) => void;
  resolve: (finishedAt: number) => void;
}

/** Progress below a whole token by less than this counts as the token done (float noise). */
const EPSILON = 1e-9;

export class DecodeGroup {
  private readonly streams = new Set<Stream>();
  private last: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly curve: DecodeCurve,
    private readonly clock: () => number,
    /** False in tests that drive time through advanceTo(). */
    private readonly useTimers = true,
  ) {
    this.last = clock();
  }

  get active(): number {
    return this.streams.size;
  }

  /**
   * Decodes `total` tokens, calling onTokens as whole tokens complete. Resolves with the clock
   * time at which the last token was done, or at the abort.
   */
  decode(total: number, onTokens: (count: number) => void, signal?: AbortSignal): Promise<number> {
    this.advanceTo(this.clock());
    if (total <= 0 || signal?.aborted) return Promise.resolve(this.last);
    return new Promise<number>((resolve) => {
      const stream: Stream = { total, progress: 0, emitted: 0, onTokens, resolve };
      this.streams.add(stream);
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.streams.has(stream)) return;
          this.advanceTo(this.clock());
          if (this.streams.delete(stream)) resolve(this.last);
          this.reschedule();
        },
        { once: true },
      );
      this.reschedule();
    });
  }

  /** Moves decoding forward to `now`, finishing streams whose tokens are all done. */
  advanceTo(now: number): void {
    let t = this.last;
    while (this.streams.size > 0 && t < now) {
      const rate = perStreamRate(this.curve, this.streams.size);
      let least = Infinity;
      for (const s of this.streams) least = Math.min(least, s.total - s.progress);
      const untilFirstDone = least / rate;
      const dt = Math.min(untilFirstDone, now - t);
      for (const s of this.streams) s.progress += dt * rate;
      t += dt;
      if (dt === untilFirstDone) {
        for (const s of [...this.streams]) {
          if (s.progress >= s.total - EPSILON) {
            s.progress = s.total;
            this.streams.delete(s);
            this.flush(s);
            s.resolve(t);
          }
        }
      }
    }
    this.last = Math.max(this.last, now);
    for (const s of this.streams) this.flush(s);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of this.streams) s.resolve(this.last);
    this.streams.clear();
  }

  private flush(s: Stream): void {
    const whole = Math.min(s.total, Math.floor(s.progress + EPSILON));
    if (whole > s.emitted) {
      const count = whole - s.emitted;
      s.emitted = whole;
      s.onTokens(count);
    }
  }

  private reschedule(): void {
    if (!this.useTimers) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.streams.size === 0) return;
    const rate = perStreamRate(this.curve, this.streams.size);
    let next = Infinity;
    for (const s of this.streams) next = Math.min(next, (s.emitted + 1 - s.progress) / rate);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.advanceTo(this.clock());
        this.reschedule();
      },
      Math.max(1, next * 1000),
    );
  }
}
