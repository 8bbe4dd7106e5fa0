// Processor sharing over `cores` cores: with n jobs present each progresses at rate × min(1, cores/n).
// Kept in virtual time: V grows at the per-job rate, a job entering at V0 with work w finishes
// when V reaches V0 + w, so only the earliest finish tag needs a calendar event.
import type { EventHandle, Simulation } from './simulation.js';
import { SimEvent, type Waitable } from './waitable.js';
import { BinaryHeap } from './binary-heap.js';

interface Job {
  tag: number;
  seq: number;
  done: SimEvent<void> | (() => void);
}

function earlier(a: Job, b: Job): boolean {
  return a.tag < b.tag || (a.tag === b.tag && a.seq < b.seq);
}

export class PSServer {
  readonly rate: number;
  readonly cores: number;
  private readonly heap = new BinaryHeap<Job>(earlier);
  private virtual = 0;
  private last: number;
  private seq = 0;
  private timer: EventHandle = -1;
  private statStart: number;
  private jobsArea = 0;
  private busyArea = 0;
  private readonly onTimer = (): void => {
    this.timer = -1;
    this.complete();
  };

  constructor(
    readonly sim: Simulation,
    options: { rate: number; cores?: number },
  ) {
    const rate = options?.rate;
    if (!(rate > 0 && rate < Infinity)) throw new RangeError(`PSServer: rate must be a finite number > 0, got ${String(rate)}`);
    const cores = options.cores ?? 1;
    if (!(Number.isInteger(cores) && cores >= 1)) throw new RangeError(`PSServer: cores must be an integer ≥ 1, got ${cores}`);
    this.rate = rate;
    this.cores = cores;
    this.last = this.statStart = sim._now;
  }

  /** Jobs in service. */
  get jobs(): number {
    return this.heap.length;
  }

  /** Succeeds when `work` units (at `rate` per second on a dedicated core) are done. */
  serve(work: number): Waitable<void> {
    const ev = new SimEvent<void>(this.sim);
    this.add(work, ev);
    return ev;
  }

  /** Callback API: `done` runs when `work` units are done. */
  serveCallback(work: number, done: () => void): void {
    this.add(work, done);
  }

  /** Time-average busy cores / cores. */
  utilization(): number {
    this.advance();
    const span = this.last - this.statStart;
    return span > 0 ? this.busyArea / (span * this.cores) : 0;
  }

  /** Time-average number of jobs present. */
  meanJobs(): number {
    this.advance();
    const span = this.last - this.statStart;
    return span > 0 ? this.jobsArea / span : 0;
  }

  resetStats(): void {
    this.advance();
    this.statStart = this.last;
    this.jobsArea = 0;
    this.busyArea = 0;
  }

  private perJobRate(n: number): number {
    return n <= this.cores ? this.rate : (this.rate * this.cores) / n;
  }

  private advance(): void {
    const now = this.sim._now;
    const dt = now - this.last;
    if (dt <= 0) return;
    const n = this.heap.length;
    if (n > 0) {
      this.virtual += this.perJobRate(n) * dt;
      this.jobsArea += n * dt;
      this.busyArea += Math.min(n, this.cores) * dt;
    }
    this.last = now;
  }

  private add(work: number, done: SimEvent<void> | (() => void)): void {
    if (!(work >= 0 && work < Infinity)) throw new RangeError(`PSServer: work must be a finite number ≥ 0, got ${work}`);
    this.advance();
    this.heap.push({ tag: this.virtual + work, seq: this.seq++, done });
    this.reschedule();
  }

  private complete(): void {
    this.advance();
    const finished: Job[] = [];
    const limit = this.virtual + 1e-12 * Math.max(1, Math.abs(this.virtual));
    const now = this.sim._now;
    // Done: within rounding of its finish tag, or so close that the clock cannot tell the difference.
    while (
      this.heap.length > 0 &&
      (this.heap.peek()!.tag <= limit || now + (this.heap.peek()!.tag - this.virtual) / this.perJobRate(this.heap.length) <= now)
    ) {
      finished.push(this.heap.pop()!);
    }
    this.reschedule();
    for (const job of finished) {
      if (typeof job.done === 'function') job.done();
      else job.done.succeed();
    }
  }

  private reschedule(): void {
    if (this.timer !== -1) {
      this.sim.cancel(this.timer);
      this.timer = -1;
    }
    const n = this.heap.length;
    if (n === 0) return;
    const remaining = Math.max(0, this.heap.peek()!.tag - this.virtual);
    this.timer = this.sim.schedule(remaining / this.perJobRate(n), this.onTimer);
  }

}
