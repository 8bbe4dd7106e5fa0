// The hub (AgentCom's pattern): a node with `cpus` scheduler cores where every WebSocket frame
// costs CPU; a store whose writes are serialised and synced (≥ 4 per task plus one per progress
// message); and a scheduler, one serial process, that on every trigger (a submission, an agent
// becoming idle) folds over every queued task (cost grows with the queue) and then assigns tasks,
// oldest first, to idle agents. With several shards each has its own cores, store, queue and
// scheduler; a task whose agent lives on another shard pays `crossShardCpu` per message.
//
// Heartbeats (sidecar ping/pong and resource_report every 30 s, dashboard pings every 30 s) are
// steady and many, so they are a fluid CPU load rather than events. So are periodic progress
// frames (`progressInterval`, AgentCom's sidecar sends one every 100 ms while a task runs):
// from the moment a task starts to its end they add frames/s × CPU per frame to its shard's
// cores and a steady stream of synced writes to its store (see store.ts). Without a periodic
// interval, each step's progress message is one discrete frame and write.

import { distribution, type Rng, type Simulation } from '../../sim/index.js';
import type { HubConfig } from '../config.js';
import type { ModelContext } from './context.js';
import { SharingServer } from './sharing.js';
import { HubStore } from './store.js';

/** Frames per second each connected sidecar costs while idle: ping + pong and a resource_report every 30 s. */
export const SIDECAR_HEARTBEAT_FRAMES = 3 / 30;
/** Frames per second each dashboard connection costs: ping + pong every 30 s. */
export const DASHBOARD_HEARTBEAT_FRAMES = 2 / 30;
/** AgentCom's stuck sweep runs every 30 s. */
export const SWEEP_INTERVAL = 30;
export const DEFAULT_QUEUE_TIMEOUT = 600;

export interface HubTask {
  submitted: number;
  shard: number;
  /** Set at assignment: the agent lives on another shard. */
  crossShard: boolean;
}

export interface Dispatcher<T extends HubTask> {
  /** Reserve an idle agent for the task (preferring the shard's own) and start the assignment; false if none is idle. */
  takeIdleAgent(task: T, shard: number): boolean;
  /** The task was dead-lettered after waiting too long in the queue. */
  deadLettered(task: T): void;
}

export class HubShard<T extends HubTask> {
  readonly cpu: SharingServer;
  readonly store: HubStore;
  private readonly queue: T[] = [];
  private head = 0;
  private triggers = 0;
  private scanning = false;
  queueIntegral = 0;
  private lastQueueChange: number;
  private statsStart: number;

  constructor(
    private readonly hub: Hub<T>,
    readonly index: number,
    readonly agents: number,
    readonly dashboards: number,
  ) {
    const { sim, config } = hub;
    this.cpu = new SharingServer(sim, { servers: config.cpus, rate: 1 });
    const heartbeat = agents * SIDECAR_HEARTBEAT_FRAMES + dashboards * DASHBOARD_HEARTBEAT_FRAMES;
    if (heartbeat > 0 && config.perMessageCpu > 0) this.cpu.addBackground(heartbeat * config.perMessageCpu);
    this.store = new HubStore(
      sim,
      config.store.mode,
      distribution(config.store.syncWrite),
      hub.rng,
      config.store.groupSize,
    );
    this.lastQueueChange = sim.now;
    this.statsStart = sim.now;
  }

  get queueLength(): number {
    return this.queue.length - this.head;
  }

  /** Oldest queued task, for work stealing between shards. */
  get oldest(): T | undefined {
    return this.head < this.queue.length ? this.queue[this.head] : undefined;
  }

  enqueue(task: T): void {
    this.touchQueue();
    this.queue.push(task);
    this.trigger();
  }

  /** A scheduler trigger: queued behind any scan in progress (the scheduler is one process). */
  trigger(): void {
    this.triggers++;
    if (!this.scanning) this.scan();
  }

  /** Remove tasks older than the timeout (AgentCom's sweep); returns them. */
  sweep(now: number, timeout: number): T[] {
    const dead: T[] = [];
    while (this.head < this.queue.length && now - this.queue[this.head]!.submitted > timeout) {
      this.touchQueue();
      dead.push(this.queue[this.head]!);
      this.queue[this.head++] = undefined as unknown as T;
    }
    this.compact();
    return dead;
  }

  meanQueueLength(): number {
    this.touchQueue();
    const elapsed = this.hub.sim.now - this.statsStart;
    return elapsed > 0 ? this.queueIntegral / elapsed : 0;
  }

  resetStats(): void {
    this.touchQueue();
    this.queueIntegral = 0;
    this.statsStart = this.hub.sim.now;
    this.cpu.resetStats();
    this.store.resetStats();
  }

  private touchQueue(): void {
    const now = this.hub.sim.now;
    this.queueIntegral += this.queueLength * (now - this.lastQueueChange);
    this.lastQueueChange = now;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private scan(): void {
    if (this.triggers === 0) return;
    this.triggers--;
    this.scanning = true;
    const cost = this.hub.config.scanCpuPerTask * this.queueLength;
    this.hub.ctx.counters.add('hub.scans');
    this.hub.ctx.counters.add('hub.scanCpu', cost);
    if (cost > 0) this.cpu.serve(cost, this.scanned);
    else this.scanned();
  }

  private readonly scanned = (): void => {
    while (this.head < this.queue.length) {
      const task = this.queue[this.head]!;
      if (!this.hub.dispatcher.takeIdleAgent(task, this.index)) break;
      this.touchQueue();
      this.queue[this.head++] = undefined as unknown as T;
    }
    this.compact();
    this.scanning = false;
    if (this.triggers > 0) this.scan();
  };
}

export class Hub<T extends HubTask> {
  readonly shards: HubShard<T>[] = [];
  readonly rng: Rng;
  readonly config: HubConfig;
  readonly sim: Simulation;
  private nextShard = 0;
  private readonly extraWritesAtAssign: number;

  constructor(
    readonly ctx: ModelContext,
    readonly dispatcher: Dispatcher<T>,
    /** Agents per shard (agents connect to their home shard). */
    agentsPerShard: readonly number[],
    dashboards: number,
  ) {
    this.sim = ctx.sim;
    this.config = ctx.config.hub;
    this.rng = ctx.rng('hub');
    const shards = Math.max(1, Math.floor(this.config.shards));
    for (let i = 0; i < shards; i++) {
      const share = Math.floor(dashboards / shards) + (i < dashboards % shards ? 1 : 0);
      this.shards.push(new HubShard(this, i, agentsPerShard[i] ?? 0, share));
    }
    this.extraWritesAtAssign = Math.max(0, Math.round(this.config.store.writesPerTask) - 2);
    const timeout = this.config.queueTimeout ?? DEFAULT_QUEUE_TIMEOUT;
    if (Number.isFinite(timeout) && timeout > 0) {
      const sweep = (): void => {
        for (const shard of this.shards) for (const task of shard.sweep(this.sim.now, timeout)) this.dispatcher.deadLettered(task);
        this.sim.schedule(SWEEP_INTERVAL, sweep);
      };
      this.sim.schedule(SWEEP_INTERVAL, sweep);
    }
    ctx.onReset(() => {
      for (const shard of this.shards) shard.resetStats();
    });
  }

  /** A frame (or several sent together) handled on a shard's cores; `done` after its CPU. */
  frames(shard: number, count: number, crossShard: boolean, done?: () => void): void {
    this.ctx.counters.add('hub.frames', count);
    const cost = count * (this.config.perMessageCpu + (crossShard ? this.config.crossShardCpu : 0));
    const cpu = this.shards[shard]!.cpu;
    if (cost > 0) cpu.serve(cost, done ?? noop);
    else if (done) done();
  }

  write(shard: number, count: number, done?: () => void): void {
    const store = this.shards[shard]!.store;
    if (count <= 0) {
      if (done) done();
      return;
    }
    for (let i = 1; i < count; i++) store.write();
    store.write(done);
  }

  /** POST /api/tasks: the request is handled, written (synced), queued, and the scheduler triggered. */
  submit(task: T): void {
    const shard = this.nextShard++ % this.shards.length;
    task.shard = shard;
    this.frames(shard, 1, false, () => this.write(shard, 1, () => this.shards[shard]!.enqueue(task)));
  }

  /** The routing and assign writes, then task_assign out; `sent` when the frame leaves the hub. */
  assign(task: T, sent: () => void): void {
    this.write(task.shard, this.extraWritesAtAssign, () => this.frames(task.shard, 1, task.crossShard, sent));
  }

  /** task_accepted in, task_ack out. */
  accepted(task: T): void {
    this.frames(task.shard, 2, task.crossShard);
  }

  /** Whether progress frames come periodically (a fluid) rather than once per step. */
  get periodicProgress(): boolean {
    const interval = this.config.progressInterval;
    return interval > 0 && Number.isFinite(interval);
  }

  /** A task starts (+1) or stops (−1) sending periodic progress frames: each a frame and a synced write. */
  progressStream(task: T, sign: 1 | -1): void {
    if (!this.periodicProgress) return;
    const rate = 1 / this.config.progressInterval;
    const shard = this.shards[task.shard]!;
    const cpu = this.config.perMessageCpu + (task.crossShard ? this.config.crossShardCpu : 0);
    if (cpu > 0) shard.cpu.addBackground(sign * rate * cpu);
    shard.store.addFluidWrites(sign * rate);
  }

  /** task_progress in: one frame, one synced write. */
  progress(task: T): void {
    this.ctx.counters.add('hub.progress');
    this.frames(task.shard, 1, task.crossShard, () => this.write(task.shard, 1));
  }

  /** task_complete in, its write, ack out; `done` when the agent is known idle again. */
  complete(task: T, done: () => void): void {
    this.frames(task.shard, 1, task.crossShard, () =>
      this.write(task.shard, 1, () => {
        this.frames(task.shard, 1, task.crossShard);
        done();
      }),
    );
  }

  /** An agent became idle: its home shard's scheduler runs; if that queue is empty, the longest one's. */
  agentIdle(homeShard: number): void {
    let target = this.shards[homeShard]!;
    if (target.queueLength === 0) {
      for (const shard of this.shards) if (shard.queueLength > target.queueLength) target = shard;
    }
    target.trigger();
  }

  queueLength(): number {
    let total = 0;
    for (const shard of this.shards) total += shard.queueLength;
    return total;
  }
}

function noop(): void {}
