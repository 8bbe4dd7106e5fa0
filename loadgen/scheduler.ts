// Fires tasks at their intended times (performance.now() milliseconds). Node timers only promise
// "not before" at millisecond granularity, so the scheduler sleeps with a timer until about a
// millisecond before the earliest task and covers the rest with setImmediate turns, which still
// let socket I/O run in between. It never sends early, and when it is late it fires at once:
// the task itself records how late.

import { performance } from 'node:perf_hooks';

export interface Timed {
  /** Intended time, performance.now() milliseconds. */
  due: number;
  /** Called once `due` has passed, with the current time. */
  fire(now: number): void;
}

class MinHeap {
  private readonly items: Timed[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timed | undefined {
    return this.items[0];
  }

  push(item: Timed): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.due <= item.due) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = item;
  }

  pop(): Timed | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]!.due < a[l]!.due ? r : l;
        if (a[c]!.due >= last.due) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** How many tasks one turn may fire before yielding to I/O. */
const FIRES_PER_TURN = 2000;
/** Default: below this wait (ms) the scheduler turns with setImmediate instead of a timer. */
export const DEFAULT_SPIN_MS = 1.5;

export class Scheduler {
  private readonly heap = new MinHeap();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private armedFor = Infinity;
  private stopped = false;
  /** True while a turn fires tasks: the turn re-arms once at its end. */
  private turning = false;

  /** `spinMs`: how close to a task the scheduler stops sleeping on a timer; 0 sleeps on timers only. */
  constructor(private readonly spinMs = DEFAULT_SPIN_MS) {}

  at(task: Timed): void {
    if (this.stopped || !Number.isFinite(task.due)) return;
    this.heap.push(task);
    if (!this.turning && task.due < this.armedFor) this.arm();
  }

  get pending(): number {
    return this.heap.size;
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    this.disarm();
    const next = this.heap.peek();
    if (!next || this.stopped) return;
    const wait = next.due - performance.now();
    this.armedFor = next.due;
    if (wait <= this.spinMs || wait <= 0) this.immediate = setImmediate(this.turn);
    else this.timer = setTimeout(this.turn, Math.max(0, Math.floor(wait - this.spinMs + (this.spinMs > 0 ? 0.5 : 0))));
  }

  private readonly turn = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = Infinity;
    let fired = 0;
    let now = performance.now();
    this.turning = true;
    try {
      while (!this.stopped && fired < FIRES_PER_TURN) {
        const next = this.heap.peek();
        if (!next || next.due > now) break;
        this.heap.pop();
        next.fire(now);
        fired++;
        if ((fired & 63) === 0) now = performance.now();
      }
    } finally {
      this.turning = false;
    }
    this.arm();
  };
}
