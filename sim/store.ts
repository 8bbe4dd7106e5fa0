// A buffer of items with optional capacity: put waits while full, get waits while empty (both FIFO).
import { Fifo } from './fifo.js';
import type { Simulation } from './simulation.js';
import { SimEvent, type Waitable } from './waitable.js';

export class Store<T> {
  readonly capacity: number;
  private items = new Fifo<T>();
  private getters = new Fifo<SimEvent<T>>();
  private putters = new Fifo<{ ev: SimEvent<void>; item: T }>();

  constructor(
    readonly sim: Simulation,
    capacity = Infinity,
  ) {
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new RangeError(`Store: capacity must be an integer ≥ 1 (or Infinity), got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Items held. */
  get size(): number {
    return this.items.length;
  }
  /** Processes waiting to get. */
  get waitingGetters(): number {
    return this.getters.length;
  }
  /** Processes waiting to put. */
  get waitingPutters(): number {
    return this.putters.length;
  }

  /** Succeeds once the item is in the store (at once unless full). */
  put(item: T): Waitable<void> {
    const ev = new SimEvent<void>(this.sim);
    this.putters.push({ ev, item });
    this.dispatch();
    return ev;
  }

  /** Succeeds with the oldest item (at once unless empty). */
  get(): Waitable<T> {
    const ev = new SimEvent<T>(this.sim);
    this.getters.push(ev);
    this.dispatch();
    return ev;
  }

  /** Withdraw a get() or put() that has not succeeded yet (e.g. after a timeout won an anyOf). True if withdrawn. */
  cancel(op: Waitable<unknown>): boolean {
    if (op.triggered) return false;
    return this.getters.removeWhere((g) => g === op) || this.putters.removeWhere((p) => p.ev === op);
  }

  private dispatch(): void {
    for (;;) {
      let progress = false;
      while (this.putters.length > 0 && this.items.length < this.capacity) {
        const p = this.putters.shift()!;
        this.items.push(p.item);
        p.ev.succeed();
        progress = true;
      }
      while (this.getters.length > 0 && this.items.length > 0) {
        this.getters.shift()!.succeed(this.items.shift() as T);
        progress = true;
      }
      if (!progress) return;
    }
  }
}
