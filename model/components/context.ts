// What every component of one replication shares: the simulation, the scenario, the counters
// that are cleared at the end of warm-up, and the warnings collected along the way.

import type { Rng, Simulation } from '../../sim/index.js';
import type { ScenarioConfig } from '../config.js';

/** A scenario that cannot run as stated (a model that does not fit in VRAM, a missing speed table). */
export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelConfigError';
  }
}

/** Named event counts and sums, cleared when warm-up ends. */
export class Counters {
  private readonly values = new Map<string, number>();

  add(name: string, amount = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + amount);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  clear(): void {
    this.values.clear();
  }
}

export class ModelContext {
  readonly counters = new Counters();
  readonly warnings = new Set<string>();
  private readonly resets: (() => void)[] = [];
  private readonly streams = new Map<string, Rng>();

  constructor(
    readonly sim: Simulation,
    readonly config: ScenarioConfig,
  ) {}

  /** The named random stream (one per purpose, so sweep points share common random numbers). */
  rng(name: string): Rng {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = this.sim.rng(name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  warn(message: string): void {
    this.warnings.add(message);
  }

  /** Register statistics to clear when warm-up ends. */
  onReset(reset: () => void): void {
    this.resets.push(reset);
  }

  resetStats(): void {
    this.counters.clear();
    for (const reset of this.resets) reset();
  }
}

export const GiB = 1024 ** 3;

export function formatGiB(bytes: number): string {
  return `${(bytes / GiB).toFixed(1).replace(/\.0$/, '')} GiB`;
}
