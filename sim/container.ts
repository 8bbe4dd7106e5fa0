// A continuous quantity (memory, slots, money) between 0 and capacity. take waits until enough is
// there and give waits until there is room, each in strict FIFO order (the head blocks those behind).
import { Fifo } from './fifo.js';
import type { Simulation } from './simulation.js';
import { SimEvent, type Waitable } from './waitable.js';

export class Container {
  readonly capacity: number;
  private amount: number;
  private takers = new Fifo<{ ev: SimEvent<void>; amount: number }>();
  private givers = new Fifo<{ ev: SimEvent<void>; amount: number }>();

  constructor(
    readonly sim: Simulation,
    options: { capacity: number; initial?: number },
  ) {
    const c = options?.capacity;
    if (!(c > 0)) throw new RangeError(`Container: capacity must be > 0, got ${String(c)}`);
    const initial = options.initial ?? 0;
    if (!(initial >= 0 && initial <= c)) throw new RangeError(`Container: initial must be within 0..capacity (${c}), got ${initial}`);
    this.capacity = c;
    this.amount = initial;
  }

  get level(): number {
    return this.amount;
  }

  take(amount: number): Waitable<void> {
    this.check('take', amount);
    const ev = new SimEvent<void>(this.sim);
    this.takers.push({ ev, amount });
    this.dispatch();
    return ev;
  }

  give(amount: number): Waitable<void> {
    this.check('give', amount);
    const ev = new SimEvent<void>(this.sim);
    this.givers.push({ ev, amount });
    this.dispatch();
    return ev;
  }

  private check(what: string, amount: number): void {
    if (!(amount > 0 && amount <= this.capacity)) {
      throw new RangeError(`Container.${what}: amount must be > 0 and ≤ capacity (${this.capacity}), got ${amount}`);
    }
  }

  private dispatch(): void {
    for (;;) {
      let progress = false;
      for (let g = this.givers.peek(); g !== undefined && this.amount + g.amount <= this.capacity; g = this.givers.peek()) {
        this.givers.shift();
        this.amount += g.amount;
        g.ev.succeed();
        progress = true;
      }
      for (let t = this.takers.peek(); t !== undefined && this.amount >= t.amount; t = this.takers.peek()) {
        this.takers.shift();
        this.amount -= t.amount;
        t.ev.succeed();
        progress = true;
      }
      if (!progress) return;
    }
  }
}
