// Ollama on one GPU machine, as its scheduler and runners behave (shared/FACTS.md §2):
// - each loaded model has `numParallel` slots; a request for a loaded model waits for a slot
//   with no length limit;
// - a request for a model that is not loaded waits for the load; beyond `maxQueue` such
//   requests get HTTP 503;
// - a load takes the model's cold-load time and needs VRAM for weights plus KV cache
//   (kvBytesPerToken × numCtx × numParallel); idle models are evicted (least recently used) to
//   make room, or after `keepAlive` idle seconds;
// - a prompt longer than numCtx is truncated to it, as Ollama does;
// - a request holds its slot through prefill (prompt tokens at the prefill rate, shared by the
//   requests prefilling at once) and decode (aggregate tokens per second from the GPU's curve,
//   shared equally among the streams decoding at once).
// Models loaded together on one GPU are treated as independent (no contention between them).

import { TimeWeighted, type EventHandle, type Simulation } from '../../sim/index.js';
import type { LocalModelConfig, MachineGroupConfig, ModelOnGpu, OllamaConfig, ScenarioConfig } from '../config.js';
import { formatGiB, ModelConfigError } from './context.js';
import { SharingServer } from './sharing.js';

/** Aggregate decode tokens/s at n concurrent streams: piecewise linear through (0, 0), flat past the table. */
export function decodeCurve(points: readonly (readonly [number, number])[]): (streams: number) => number {
  const sorted = [...points].filter(([n, r]) => n > 0 && r > 0).sort((a, b) => a[0] - b[0]);
  if (sorted.length === 0) throw new RangeError('a decode curve needs at least one (streams, tokens/s) point');
  const table: [number, number][] = [[0, 0], ...sorted.map(([n, r]) => [n, r] as [number, number])];
  return (streams: number): number => {
    if (streams <= 0) return 0;
    for (let i = 1; i < table.length; i++) {
      const [n1, r1] = table[i]!;
      if (streams <= n1) {
        const [n0, r0] = table[i - 1]!;
        return r0 + ((r1 - r0) * (streams - n0)) / (n1 - n0);
      }
    }
    return table[table.length - 1]![1];
  };
}

/** VRAM one loaded model needs: weights plus the KV cache of every slot at full context. */
export function modelVram(model: LocalModelConfig, ollama: OllamaConfig): number {
  return model.weights + model.kvBytesPerToken * ollama.numCtx * ollama.numParallel;
}

/** Check every GPU group can load each of its models at all; throws ModelConfigError otherwise. */
export function checkGpuGroups(config: ScenarioConfig): void {
  for (const group of config.fleet) {
    if (!group.ollama) continue;
    if (!group.gpu) throw new ModelConfigError(`machine group ${group.name} runs Ollama but has no gpu`);
    const speeds = config.gpus[group.gpu.model];
    if (!speeds) throw new ModelConfigError(`machine group ${group.name}: no speeds for GPU model ${group.gpu.model} (gpus.${group.gpu.model})`);
    if (group.ollama.models.length === 0) throw new ModelConfigError(`machine group ${group.name}: ollama serves no models`);
    for (const name of group.ollama.models) {
      const model = config.models[name];
      if (!model) throw new ModelConfigError(`machine group ${group.name}: unknown model ${name} (models.${name})`);
      if (!speeds[name]) throw new ModelConfigError(`machine group ${group.name}: no speeds for ${name} on ${group.gpu.model} (gpus.${group.gpu.model}.${name})`);
      const need = modelVram(model, group.ollama);
      const have = group.gpu.vram;
      if (need > have) {
        throw new ModelConfigError(
          `machine group ${group.name}: ${name} with numParallel ${group.ollama.numParallel} × numCtx ${group.ollama.numCtx} ` +
            `needs ${formatGiB(need)}, has ${formatGiB(have)}: ${formatGiB(need - have)} short`,
        );
      }
    }
  }
}

interface OllamaRequest {
  at: number;
  input: number;
  output: number;
  done: () => void;
}

type ModelStatus = 'unloaded' | 'loading' | 'loaded';

class ModelState {
  status: ModelStatus = 'unloaded';
  busy = 0;
  readonly waiting: OllamaRequest[] = [];
  head = 0;
  inbound = 0;
  lastUsed = 0;
  unloadTimer: EventHandle | undefined;
  readonly prefill: SharingServer;
  readonly decode: SharingServer;

  constructor(
    sim: Simulation,
    readonly name: string,
    readonly speeds: ModelOnGpu,
    readonly vram: number,
  ) {
    this.prefill = new SharingServer(sim, { servers: 1, rate: speeds.prefillRate });
    const curve = decodeCurve(speeds.decodeCurve);
    this.decode = new SharingServer(sim, { servers: 1, rate: curve(1), aggregate: curve });
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  get idle(): boolean {
    return this.busy === 0 && this.queued === 0 && this.inbound === 0;
  }
}

export class OllamaEndpoint {
  private readonly models = new Map<string, ModelState>();
  private readonly ollama: OllamaConfig;
  private vramUsed = 0;
  private loaded = 0;
  private readonly slotsBusy: TimeWeighted;
  private readonly queueLength: TimeWeighted;
  private readonly vramInUse: TimeWeighted;
  private waitSum = 0;
  private waitCount = 0;
  private active = 0;
  private waitingTotal = 0;
  /** Slots this endpoint can run at once across the models it may keep loaded. */
  readonly slotCapacity: number;
  readonly vram: number;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    group: MachineGroupConfig,
    config: ScenarioConfig,
  ) {
    this.ollama = group.ollama!;
    this.vram = group.gpu!.vram;
    const speeds = config.gpus[group.gpu!.model]!;
    for (const model of this.ollama.models) {
      this.models.set(model, new ModelState(sim, model, speeds[model]!, modelVram(config.models[model]!, this.ollama)));
    }
    this.slotCapacity = this.ollama.numParallel * Math.max(1, Math.min(this.ollama.maxLoadedModels, this.ollama.models.length));
    this.slotsBusy = new TimeWeighted(sim.now, 0);
    this.queueLength = new TimeWeighted(sim.now, 0);
    this.vramInUse = new TimeWeighted(sim.now, 0);
  }

  serves(model: string): boolean {
    return this.models.has(model);
  }

  /** Requests in service, waiting, or on their way: the least-loaded policy's measure. */
  load(): number {
    let total = 0;
    for (const m of this.models.values()) total += m.busy + m.queued + m.inbound;
    return total;
  }

  /**
   * Accept a request for `model` now, or refuse it (503: it needs a load and the queue of
   * such requests is full). An accepted request is expected through `enqueue` shortly.
   */
  admit(model: string): boolean {
    const state = this.models.get(model);
    if (!state) return false;
    if (state.status !== 'loaded' && this.pendingLoads() >= this.ollama.maxQueue) return false;
    state.inbound++;
    this.cancelUnload(state);
    if (state.status === 'unloaded') this.tryLoads();
    return true;
  }

  /** The admitted request arrives; `done` when its last token is generated. */
  enqueue(model: string, inputTokens: number, outputTokens: number, done: () => void): void {
    const state = this.models.get(model)!;
    state.inbound--;
    // Ollama truncates a prompt longer than the context window to its last num_ctx tokens
    const input = Math.min(inputTokens, this.ollama.numCtx);
    state.waiting.push({ at: this.sim.now, input, output: outputTokens, done });
    this.waitingTotal++;
    this.queueLength.update(this.waitingTotal, this.sim.now);
    if (state.status === 'loaded') this.dispatch(state);
    else if (state.status === 'unloaded') this.tryLoads();
  }

  utilization(): number {
    return this.slotsBusy.mean(this.sim.now) / this.slotCapacity;
  }

  meanQueueLength(): number {
    return this.queueLength.mean(this.sim.now);
  }

  meanWait(): number {
    return this.waitCount > 0 ? this.waitSum / this.waitCount : 0;
  }

  vramUtilization(): number {
    return this.vramInUse.mean(this.sim.now) / this.vram;
  }

  resetStats(): void {
    const now = this.sim.now;
    this.slotsBusy.reset(now);
    this.queueLength.reset(now);
    this.vramInUse.reset(now);
    this.waitSum = 0;
    this.waitCount = 0;
  }

  /** Count of model loads started, for tests and metrics. */
  loads = 0;

  private dispatch(state: ModelState): void {
    while (state.busy < this.ollama.numParallel && state.head < state.waiting.length) {
      const request = state.waiting[state.head]!;
      state.waiting[state.head++] = undefined as unknown as OllamaRequest;
      if (state.head > 256 && state.head * 2 > state.waiting.length) {
        state.waiting.splice(0, state.head);
        state.head = 0;
      }
      this.waitingTotal--;
      this.queueLength.update(this.waitingTotal, this.sim.now);
      this.waitSum += this.sim.now - request.at;
      this.waitCount++;
      state.busy++;
      this.active++;
      this.slotsBusy.update(this.active, this.sim.now);
      state.prefill.serve(request.input, () =>
        state.decode.serve(request.output, () => {
          state.busy--;
          this.active--;
          this.slotsBusy.update(this.active, this.sim.now);
          state.lastUsed = this.sim.now;
          this.dispatch(state);
          if (state.idle) this.becameIdle(state);
          request.done();
        }),
      );
    }
  }

  private cancelUnload(state: ModelState): void {
    if (state.unloadTimer !== undefined) {
      this.sim.cancel(state.unloadTimer);
      state.unloadTimer = undefined;
    }
  }

  private becameIdle(state: ModelState): void {
    const keepAlive = this.ollama.keepAlive;
    // waiting loads may now evict this model
    if (this.hasWaitingLoads()) this.tryLoads();
    if (state.status !== 'loaded' || !state.idle) return;
    if (keepAlive < 0 || !Number.isFinite(keepAlive)) return;
    state.unloadTimer = this.sim.schedule(keepAlive, () => {
      state.unloadTimer = undefined;
      if (state.status === 'loaded' && state.idle) this.unload(state);
    });
  }

  private unload(state: ModelState): void {
    this.cancelUnload(state);
    state.status = 'unloaded';
    this.vramUsed -= state.vram;
    this.loaded--;
    this.vramInUse.update(this.vramUsed, this.sim.now);
  }

  /** Requests waiting for a model to load: what OLLAMA_MAX_QUEUE bounds. */
  private pendingLoads(): number {
    let total = 0;
    for (const m of this.models.values()) if (m.status !== 'loaded') total += m.queued + m.inbound;
    return total;
  }

  private hasWaitingLoads(): boolean {
    for (const m of this.models.values()) if (m.status === 'unloaded' && (m.queued > 0 || m.inbound > 0)) return true;
    return false;
  }

  private tryLoads(): void {
    for (const state of this.models.values()) {
      if (state.status !== 'unloaded' || (state.queued === 0 && state.inbound === 0)) continue;
      if (!this.makeRoom(state)) continue;
      state.status = 'loading';
      this.loads++;
      this.vramUsed += state.vram;
      this.loaded++;
      this.vramInUse.update(this.vramUsed, this.sim.now);
      this.sim.schedule(state.speeds.loadTime, () => {
        state.status = 'loaded';
        state.lastUsed = this.sim.now;
        this.dispatch(state);
        if (state.idle) this.becameIdle(state);
      });
    }
  }

  /** Evict idle models, least recently used first, until `state` fits; false if it cannot yet. */
  private makeRoom(state: ModelState): boolean {
    const fits = (): boolean => this.loaded < this.ollama.maxLoadedModels && this.vramUsed + state.vram <= this.vram;
    while (!fits()) {
      let victim: ModelState | undefined;
      for (const m of this.models.values()) {
        if (m === state || m.status !== 'loaded' || !m.idle) continue;
        if (!victim || m.lastUsed < victim.lastUsed) victim = m;
      }
      if (!victim) return false;
      this.unload(victim);
    }
    return true;
  }
}
