// The hub's store: writes are serialised (one writer process per table, one disk) and each is
// followed by a disk sync, the AgentCom/DETS pattern. In 'group' mode one sync covers up to
// `groupSize` waiting writes; in 'none' mode a write costs nothing and never waits.
//
// Writes that come as a steady stream (progress frames every 100 ms from every running task)
// are a fluid: they take a share ρ_f of the disk's time, and each discrete write's sync is
// stretched to D / (1 − ρ_f) as the disk interleaves them (with ρ_f = 0 this is exactly the FIFO
// single server). When the fluid alone needs the whole disk (ρ_f ≥ 1) the store is saturated:
// discrete syncs crawl (ρ_f is capped just below 1) and the utilisation reported exceeds 1.

import type { Distribution, Rng, Simulation } from '../../sim/index.js';

export type StoreMode = 'fsync' | 'group' | 'none';

/** Cap on the fluid share of the disk, so a saturated store still (slowly) serves writes. */
const MAX_FLUID_SHARE = 0.999;

interface PendingWrite {
  at: number;
  done: (() => void) | undefined;
}

export class HubStore {
  private readonly queue: PendingWrite[] = [];
  private head = 0;
  private busy = false;
  private batch: PendingWrite[] = [];
  // statistics since the last reset
  private statsStart: number;
  private busySince = 0;
  private busyTime = 0;
  private waitingIntegral = 0;
  private lastChange: number;
  private waitSum = 0;
  private waits = 0;
  private writeCount = 0;
  private syncCount = 0;
  private workTime = 0;
  private fluidRate = 0;
  private fluidSince: number;
  private fluidWriteIntegral = 0;
  private readonly meanSync: number;

  constructor(
    private readonly sim: Simulation,
    private readonly mode: StoreMode,
    private readonly syncTime: Distribution,
    private readonly rng: Rng,
    private readonly groupSize = 1,
  ) {
    this.statsStart = sim.now;
    this.lastChange = sim.now;
    this.fluidSince = sim.now;
    this.meanSync = syncTime.mean;
  }

  /** Add (or remove, negative) a steady stream of writes, writes per second. */
  addFluidWrites(delta: number): void {
    this.touchFluid();
    this.fluidRate = Math.max(0, this.fluidRate + delta);
    if (this.fluidRate < 1e-9) this.fluidRate = 0;
  }

  /** Share of the disk's time the steady stream needs now. */
  fluidShare(): number {
    if (this.mode === 'none') return 0;
    const perWrite = this.mode === 'group' ? this.meanSync / Math.max(1, this.groupSize) : this.meanSync;
    return this.fluidRate * perWrite;
  }

  /** Queue one write; `done` runs once it is durable. */
  write(done?: () => void): void {
    if (this.mode === 'none') {
      this.writeCount++;
      if (done) done();
      return;
    }
    this.touch();
    this.queue.push({ at: this.sim.now, done });
    if (!this.busy) this.startSync();
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Disk time demanded over time elapsed: discrete syncs plus the fluid's share (above 1 when saturated). */
  utilization(): number {
    this.touchFluid();
    const elapsed = this.sim.now - this.statsStart;
    if (elapsed <= 0) return 0;
    const perWrite = this.mode === 'group' ? this.meanSync / Math.max(1, this.groupSize) : this.mode === 'none' ? 0 : this.meanSync;
    return (this.workTime + this.fluidWriteIntegral * perWrite) / elapsed;
  }

  /** Time the disk was busy with discrete syncs (stretched by the fluid), over time elapsed. */
  discreteBusy(): number {
    const elapsed = this.sim.now - this.statsStart;
    if (elapsed <= 0) return 0;
    const running = this.busy ? this.sim.now - Math.max(this.busySince, this.statsStart) : 0;
    return (this.busyTime + running) / elapsed;
  }

  /** Mean time a write waited before its sync started, seconds. */
  meanWait(): number {
    return this.waits > 0 ? this.waitSum / this.waits : 0;
  }

  meanQueueLength(): number {
    this.touch();
    const elapsed = this.sim.now - this.statsStart;
    return elapsed > 0 ? this.waitingIntegral / elapsed : 0;
  }

  /** Writes from the steady stream since the last reset. */
  fluidWrites(): number {
    this.touchFluid();
    return this.fluidWriteIntegral;
  }

  /** Writes and syncs since the last reset, the steady stream's included. */
  counts(): { writes: number; syncs: number } {
    this.touchFluid();
    const fluid = this.fluidWriteIntegral;
    const fluidSyncs = this.mode === 'group' ? fluid / Math.max(1, this.groupSize) : this.mode === 'none' ? 0 : fluid;
    return { writes: this.writeCount + fluid, syncs: this.syncCount + fluidSyncs };
  }

  resetStats(): void {
    this.touch();
    this.statsStart = this.sim.now;
    if (this.busy) {
      this.busySince = this.sim.now;
    }
    this.busyTime = 0;
    this.waitingIntegral = 0;
    this.waitSum = 0;
    this.waits = 0;
    this.writeCount = 0;
    this.syncCount = 0;
    this.workTime = 0;
    this.touchFluid();
    this.fluidWriteIntegral = 0;
  }

  private touchFluid(): void {
    const now = this.sim.now;
    this.fluidWriteIntegral += this.fluidRate * (now - this.fluidSince);
    this.fluidSince = now;
  }

  private touch(): void {
    const now = this.sim.now;
    this.waitingIntegral += (this.queue.length - this.head) * (now - this.lastChange);
    this.lastChange = now;
  }

  private startSync(): void {
    this.touch();
    const take = this.mode === 'group' ? Math.max(1, this.groupSize) : 1;
    const batch: PendingWrite[] = [];
    while (batch.length < take && this.head < this.queue.length) {
      const write = this.queue[this.head++]!;
      this.waitSum += this.sim.now - write.at;
      this.waits++;
      batch.push(write);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.batch = batch;
    this.busy = true;
    this.busySince = this.sim.now;
    const work = this.syncTime.sample(this.rng);
    this.workTime += work;
    const share = Math.min(this.fluidShare(), MAX_FLUID_SHARE);
    this.sim.schedule(work / (1 - share), this.finishSync);
  }

  private readonly finishSync = (): void => {
    this.busyTime += this.sim.now - Math.max(this.busySince, this.statsStart);
    this.busy = false;
    const batch = this.batch;
    this.batch = [];
    this.writeCount += batch.length;
    this.syncCount++;
    if (this.head < this.queue.length) this.startSync();
    for (const write of batch) if (write.done) write.done();
  };
}
