// Ollama's scheduler as its source describes it: each loaded model (runner) serves `numParallel`
// requests at once and queues the rest FIFO without limit; a request for a model that is not
// loaded joins the pending queue, bounded by maxQueue (beyond it: 503 "server busy"). Loads run
// one at a time and take the model's load time. A runner needs its weights plus KV cache
// (kvBytesPerToken x numCtx x numParallel) in VRAM; to make room, idle runners are unloaded least
// recently used first, and when every runner is busy the load waits for one to go idle. An idle
// runner unloads after its keep-alive (the latest request's keep_alive, else the default).

import type { LocalModelConfig, ModelOnGpu, OllamaConfig } from '../options.js';
import { DecodeGroup } from './decoder.js';
import { validateCurve } from './curve.js';

export class BusyError extends Error {
  constructor() {
    super('server busy, please try again.  maximum pending requests exceeded');
  }
}

export class ModelTooLargeError extends Error {}

export interface Runner {
  name: string;
  state: 'loading' | 'ready';
  /** Bytes of VRAM held: weights plus KV cache for every slot. */
  vram: number;
  speed: ModelOnGpu;
  decoder: DecodeGroup;
  active: number;
  waiters: SlotWaiter[];
  lastUsed: number;
  /** Idle seconds before unloading, set by the latest request. */
  keepAlive: number;
  /** Clock time the idle timer fires, when one runs. */
  expiresAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Highest concurrency and queue seen, for tests and reports. */
  peakActive: number;
  peakWaiting: number;
}

interface SlotWaiter {
  grant: () => void;
}

interface Pending {
  model: string;
  keepAlive: number;
  arrived: number;
  resolve: (lease: Lease) => void;
  reject: (err: Error) => void;
  cancelled: boolean;
  signal: AbortSignal | undefined;
}

export interface Lease {
  runner: Runner;
  /** Seconds from the request's arrival until its runner was ready (the reported load_duration). */
  loadDuration: number;
  release(): void;
}

export interface SchedulerCounters {
  loads: number;
  unloads: number;
  evictions: number;
  rejectedBusy: number;
  pendingLoad: number;
}

export class Scheduler {
  readonly runners = new Map<string, Runner>();
  private readonly pending: Pending[] = [];
  private loading = false;
  private loadTimer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly counters: SchedulerCounters = { loads: 0, unloads: 0, evictions: 0, rejectedBusy: 0, pendingLoad: 0 };

  constructor(
    private readonly config: OllamaConfig,
    private readonly vramTotal: number,
    private readonly models: Record<string, LocalModelConfig>,
    private readonly speeds: Record<string, ModelOnGpu>,
    private readonly clock: () => number,
  ) {
    if (!(config.numParallel >= 1)) throw new Error('numParallel must be at least 1');
    if (!(config.maxQueue >= 0)) throw new Error('maxQueue must not be negative');
    for (const name of Object.keys(speeds)) validateCurve(speeds[name]!.decodeCurve);
  }

  /** VRAM a runner of `model` needs. */
  footprint(model: string): number {
    const m = this.models[model]!;
    return m.weights + m.kvBytesPerToken * this.config.numCtx * this.config.numParallel;
  }

  vramUsed(): number {
    let used = 0;
    for (const r of this.runners.values()) used += r.vram;
    return used;
  }

  /** Waits for a slot on a runner of `model`, loading it first if needed. */
  acquire(model: string, keepAlive: number, signal?: AbortSignal): Promise<Lease> {
    const arrived = this.clock();
    if (signal?.aborted) return Promise.reject(new Error('request cancelled'));
    const runner = this.runners.get(model);
    if (runner?.state === 'ready') {
      runner.keepAlive = keepAlive;
      return this.takeSlot(runner, arrived, signal);
    }
    if (this.counters.pendingLoad >= this.config.maxQueue) {
      this.counters.rejectedBusy++;
      return Promise.reject(new BusyError());
    }
    return new Promise<Lease>((resolve, reject) => {
      const entry: Pending = { model, keepAlive, arrived, resolve, reject, cancelled: false, signal };
      this.pending.push(entry);
      this.counters.pendingLoad++;
      signal?.addEventListener(
        'abort',
        () => {
          if (entry.cancelled || !this.pending.includes(entry)) return;
          entry.cancelled = true;
          this.pending.splice(this.pending.indexOf(entry), 1);
          this.counters.pendingLoad--;
          reject(new Error('request cancelled'));
        },
        { once: true },
      );
      this.kick();
    });
  }

  /** keep_alive 0 with no prompt: unload now if idle, else as soon as the runner goes idle. */
  expire(model: string): void {
    const runner = this.runners.get(model);
    if (!runner) return;
    runner.keepAlive = 0;
    if (runner.state === 'ready' && runner.active === 0 && runner.waiters.length === 0) this.unload(runner);
  }

  close(): void {
    this.closed = true;
    if (this.loadTimer) clearTimeout(this.loadTimer);
    for (const p of this.pending.splice(0)) p.reject(new Error('server closing'));
    for (const r of this.runners.values()) {
      if (r.timer) clearTimeout(r.timer);
      r.decoder.close();
    }
    this.runners.clear();
  }

  private takeSlot(runner: Runner, arrived: number, signal?: AbortSignal): Promise<Lease> {
    const loadDuration = this.clock() - arrived;
    this.cancelIdleTimer(runner);
    const lease = (): Lease => {
      let released = false;
      return {
        runner,
        loadDuration,
        release: () => {
          if (released) return;
          released = true;
          this.releaseSlot(runner);
        },
      };
    };
    if (runner.active < this.config.numParallel) {
      runner.active++;
      runner.peakActive = Math.max(runner.peakActive, runner.active);
      return Promise.resolve(lease());
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: SlotWaiter = {
        grant: () => {
          runner.active++;
          runner.peakActive = Math.max(runner.peakActive, runner.active);
          resolve(lease());
        },
      };
      runner.waiters.push(waiter);
      runner.peakWaiting = Math.max(runner.peakWaiting, runner.waiters.length);
      signal?.addEventListener(
        'abort',
        () => {
          const at = runner.waiters.indexOf(waiter);
          if (at < 0) return;
          runner.waiters.splice(at, 1);
          reject(new Error('request cancelled'));
          this.maybeIdle(runner);
        },
        { once: true },
      );
    });
  }

  private releaseSlot(runner: Runner): void {
    runner.active--;
    runner.lastUsed = this.clock();
    const next = runner.waiters.shift();
    if (next) next.grant();
    else this.maybeIdle(runner);
  }

  private maybeIdle(runner: Runner): void {
    if (runner.active > 0 || runner.waiters.length > 0 || !this.runners.has(runner.name)) return;
    if (runner.keepAlive <= 0) this.unload(runner);
    else if (Number.isFinite(runner.keepAlive)) {
      this.cancelIdleTimer(runner);
      runner.expiresAt = this.clock() + runner.keepAlive;
      runner.timer = setTimeout(() => this.unload(runner), runner.keepAlive * 1000);
    }
    // A load may have been waiting for this runner to go idle.
    this.kick();
  }

  private cancelIdleTimer(runner: Runner): void {
    if (runner.timer) clearTimeout(runner.timer);
    runner.timer = undefined;
    runner.expiresAt = undefined;
  }

  private unload(runner: Runner): void {
    if (this.runners.get(runner.name) !== runner) return;
    this.cancelIdleTimer(runner);
    runner.decoder.close();
    this.runners.delete(runner.name);
    this.counters.unloads++;
    this.kick();
  }

  /** Serves the pending queue in order, one load at a time. */
  private kick(): void {
    if (this.closed || this.loading) return;
    while (this.pending.length > 0) {
      const head = this.pending[0]!;
      const runner = this.runners.get(head.model);
      if (runner?.state === 'ready') {
        this.handOver(runner);
        continue;
      }
      const need = this.footprint(head.model);
      if (need > this.vramTotal) {
        const err = new ModelTooLargeError(
          `model requires more GPU memory (${need} bytes for weights and KV cache) than is available (${this.vramTotal} bytes)`,
        );
        for (const p of this.pending.filter((p) => p.model === head.model)) {
          this.pending.splice(this.pending.indexOf(p), 1);
          this.counters.pendingLoad--;
          p.reject(err);
        }
        continue;
      }
      if (!this.makeRoom(need)) return; // waits for a runner to go idle
      this.startLoad(head.model);
      return;
    }
  }

  /** Unloads idle runners, least recently used first, until `need` bytes and a model slot are free. */
  private makeRoom(need: number): boolean {
    const fits = () => this.vramUsed() + need <= this.vramTotal && this.runners.size < this.config.maxLoadedModels;
    while (!fits()) {
      let victim: Runner | undefined;
      for (const r of this.runners.values()) {
        if (r.state !== 'ready' || r.active > 0 || r.waiters.length > 0) continue;
        if (!victim || r.lastUsed < victim.lastUsed) victim = r;
      }
      if (!victim) return false;
      this.counters.evictions++;
      this.cancelIdleTimer(victim);
      victim.decoder.close();
      this.runners.delete(victim.name);
      this.counters.unloads++;
    }
    return true;
  }

  private startLoad(model: string): void {
    const speed = this.speeds[model]!;
    const runner: Runner = {
      name: model,
      state: 'loading',
      vram: this.footprint(model),
      speed,
      decoder: new DecodeGroup(validateCurve(speed.decodeCurve), this.clock),
      active: 0,
      waiters: [],
      lastUsed: this.clock(),
      keepAlive: this.pending[0]!.keepAlive,
      expiresAt: undefined,
      timer: undefined,
      peakActive: 0,
      peakWaiting: 0,
    };
    this.runners.set(model, runner);
    this.loading = true;
    this.counters.loads++;
    this.loadTimer = setTimeout(() => {
      this.loadTimer = undefined;
      this.loading = false;
      if (this.closed || this.runners.get(model) !== runner) return;
      runner.state = 'ready';
      runner.lastUsed = this.clock();
      this.handOver(runner);
      this.maybeIdle(runner);
      this.kick();
    }, speed.loadTime * 1000);
  }

  /** Moves every pending request for a ready runner onto its slots, in arrival order. */
  private handOver(runner: Runner): void {
    for (const p of this.pending.filter((p) => p.model === runner.name)) {
      this.pending.splice(this.pending.indexOf(p), 1);
      this.counters.pendingLoad--;
      runner.keepAlive = p.keepAlive;
      this.takeSlot(runner, p.arrived, p.signal).then(p.resolve, p.reject);
    }
  }
}
