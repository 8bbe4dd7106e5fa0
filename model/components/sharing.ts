// A processor-sharing server whose capacity can change while jobs are in service: machine CPUs
// (tool runs share the cores while terminal fan-out takes a fluid share), links (transfers share
// the bandwidth while dashboard streams take a fluid share) and GPU decode (aggregate tokens per
// second grow sub-linearly with concurrent streams). The kernel's PSServer has a fixed rate, so
// this class keeps its own PS bookkeeping on the kernel's event calendar.
//
// Every job in service progresses at the same rate, so one virtual clock V (service attained by
// any job present since time 0) suffices: a job arriving at V0 with work w leaves when V = V0 + w.
// A change (arrival, departure, background load) advances V and reschedules the one pending
// completion event: O(jobs) per change, with no per-job floating-point drift.

import type { EventHandle, Simulation } from '../../sim/index.js';

export interface SharingOptions {
  /** Servers (cores, NICs). A single job never gets more than one server's rate. */
  servers: number;
  /** Work units per second per server (1 for CPU core-seconds, bytes/s for a link). */
  rate: number;
  /** Work is multiplied by this (memory over-commit slows everything on a machine). */
  slowdown?: number;
  /** Aggregate rate with n jobs in service, overriding servers × rate (GPU decode curves). */
  aggregate?: (jobs: number) => number;
}

interface Job {
  finishV: number;
  done: () => void;
}

export class SharingServer {
  readonly servers: number;
  readonly rate: number;
  readonly slowdown: number;
  private readonly aggregate: ((jobs: number) => number) | undefined;
  private readonly jobs: Job[] = [];
  private virtual = 0;
  private last = 0;
  private perJob = 0;
  private background = 0;
  private pending: EventHandle | undefined;
  private next: Job | undefined;
  // statistics since the last reset
  private statsStart = 0;
  private busyIntegral = 0; // work units delivered to jobs
  private demandIntegral = 0; // background work units demanded
  private jobsIntegral = 0;
  private workDone = 0;

  constructor(
    private readonly sim: Simulation,
    options: SharingOptions,
  ) {
    if (!(options.servers > 0) || !(options.rate > 0)) {
      throw new RangeError(`a sharing server needs servers > 0 and rate > 0, got ${options.servers} and ${options.rate}`);
    }
    this.servers = options.servers;
    this.rate = options.rate;
    this.slowdown = options.slowdown ?? 1;
    this.aggregate = options.aggregate;
    this.last = sim.now;
    this.statsStart = sim.now;
  }

  /** Full capacity in work units per second. */
  get capacity(): number {
    return this.servers * this.rate;
  }

  get jobCount(): number {
    return this.jobs.length;
  }

  get backgroundLoad(): number {
    return this.background;
  }

  /** Start `work` units (before slowdown); `done` is called when they are served. */
  serve(work: number, done: () => void): void {
    this.advance();
    const job: Job = { finishV: this.virtual + Math.max(0, work) * this.slowdown, done };
    this.jobs.push(job);
    this.reschedule();
  }

  /** Add (or with a negative delta remove) a fluid load in work units per second. */
  addBackground(delta: number): void {
    this.advance();
    this.background = Math.max(0, this.background + delta);
    if (this.background < 1e-12 * this.capacity) this.background = 0;
    this.reschedule();
  }

  /**
   * Rate one more job would get now, in work units per second (for latency probes); `apart` is
   * background load that does not compete with it (work the job waits for instead).
   */
  rateForNewJob(apart = 0): number {
    return this.perJobRate(this.jobs.length + 1, apart);
  }

  /** Fraction of capacity in use (jobs plus fluid demand; above 1 when the fluid alone overloads). */
  utilization(): number {
    this.advance();
    const elapsed = this.sim.now - this.statsStart;
    if (elapsed <= 0) return 0;
    const delivered = this.busyIntegral + this.demandIntegral * this.slowdown;
    return delivered / (this.capacity * elapsed);
  }

  /** Time-averaged jobs in service. */
  meanJobs(): number {
    this.advance();
    const elapsed = this.sim.now - this.statsStart;
    return elapsed > 0 ? this.jobsIntegral / elapsed : 0;
  }

  /** Mean fluid load, work units per second, since the last reset. */
  meanBackground(): number {
    this.advance();
    const elapsed = this.sim.now - this.statsStart;
    return elapsed > 0 ? this.demandIntegral / elapsed : 0;
  }

  /** Work units served to jobs (after slowdown) since the last reset. */
  served(): number {
    this.advance();
    return this.workDone;
  }

  resetStats(): void {
    this.advance();
    this.statsStart = this.sim.now;
    this.busyIntegral = 0;
    this.demandIntegral = 0;
    this.jobsIntegral = 0;
    this.workDone = 0;
  }

  private perJobRate(n: number, apart = 0): number {
    if (n === 0) return 0;
    if (this.aggregate) return this.aggregate(n) / n;
    const available = Math.max(this.capacity - Math.max(0, this.background - apart) * this.slowdown, this.capacity * 1e-9);
    return Math.min(this.rate, available / n);
  }

  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.last;
    if (dt <= 0) return;
    const n = this.jobs.length;
    const served = this.perJob * dt;
    this.virtual += served;
    this.busyIntegral += served * n;
    this.workDone += served * n;
    this.jobsIntegral += n * dt;
    this.demandIntegral += this.background * dt;
    this.last = now;
  }

  private reschedule(): void {
    if (this.pending !== undefined) {
      this.sim.cancel(this.pending);
      this.pending = undefined;
    }
    const n = this.jobs.length;
    this.perJob = this.perJobRate(n);
    if (n === 0) {
      this.next = undefined;
      return;
    }
    let first = this.jobs[0]!;
    for (let i = 1; i < n; i++) {
      const job = this.jobs[i]!;
      if (job.finishV < first.finishV) first = job;
    }
    this.next = first;
    const delay = Math.max(0, (first.finishV - this.virtual) / this.perJob);
    this.pending = this.sim.schedule(delay, this.complete);
  }

  private readonly complete = (): void => {
    this.pending = undefined;
    this.advance();
    const finished: Job[] = [];
    const target = this.next;
    // the scheduled job, plus any that finish within rounding of it
    const limit = this.virtual + 1e-12 * Math.max(1, Math.abs(this.virtual));
    for (let i = this.jobs.length - 1; i >= 0; i--) {
      const job = this.jobs[i]!;
      if (job === target || job.finishV <= limit) {
        finished.push(job);
        this.jobs[i] = this.jobs[this.jobs.length - 1]!;
        this.jobs.pop();
      }
    }
    if (target !== undefined && target.finishV > this.virtual) this.virtual = target.finishV;
    this.reschedule();
    for (let i = finished.length - 1; i >= 0; i--) finished[i]!.done();
  };
}
