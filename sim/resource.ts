// A pool of identical servers with a FIFO or priority queue, optionally preemptive.
import type { Simulation } from './simulation.js';
import { Waitable, type Process } from './waitable.js';
import { BinaryHeap } from './binary-heap.js';
import { Fifo } from './fifo.js';

export interface ResourceOptions {
  capacity: number;
  discipline?: 'fifo' | 'priority';
  /** A more urgent request (lower priority number) evicts the least urgent holder. Implies 'priority'. */
  preemptive?: boolean;
}

/** Cause of the Interrupt a preempted holder receives. */
export interface Preemption {
  preempted: true;
  /** The request that took the server. */
  by: Request;
  /** When the evicted request was granted. */
  usageSince: number;
}

/** A claim on one server; waitable, succeeds when granted. */
export class Request extends Waitable<void> {
  /** @internal GRANTED | RELEASED | CANCELLED | PREEMPTED bits */
  _flags = 0;
  /** @internal */ _grantedAt = NaN;
  /** @internal */ _onPreempted: ((p: Preemption) => void) | null = null;

  constructor(
    readonly resource: Resource,
    /** Lower is more urgent. */
    readonly priority: number,
    /** @internal */ readonly _seq: number,
    /** The process that asked (it is interrupted if preempted), null from the callback API. */
    readonly owner: Process<any> | null,
  ) {
    super(resource.sim);
  }

  get granted(): boolean {
    return (this._flags & GRANTED) !== 0;
  }
  /** True if this request lost its server to a more urgent one. */
  get preempted(): boolean {
    return (this._flags & PREEMPTED) !== 0;
  }
  /** When the server was granted (NaN before). */
  get grantedAt(): number {
    return this._grantedAt;
  }
}

const GRANTED = 1;
const RELEASED = 2;
const CANCELLED = 4;
const PREEMPTED = 8;

function before(a: Request, b: Request): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a._seq < b._seq);
}

export class Resource {
  readonly capacity: number;
  readonly discipline: 'fifo' | 'priority';
  readonly preemptive: boolean;
  private busy = 0;
  private users: Request[] | null;
  // The waiting line, by discipline. Cancelled entries are skipped lazily as they come out.
  private readonly queue: Fifo<Request> | BinaryHeap<Request>;
  private waiting = 0;
  private seq = 0;
  // statistics
  private statStart: number;
  private statLast: number;
  private busyArea = 0;
  private queueArea = 0;

  constructor(
    readonly sim: Simulation,
    options: ResourceOptions,
  ) {
    const c = options?.capacity;
    if (!(c === Infinity || (Number.isInteger(c) && c >= 1))) {
      throw new RangeError(`Resource: capacity must be an integer ≥ 1 (or Infinity), got ${String(c)}`);
    }
    this.capacity = c;
    this.preemptive = options.preemptive === true;
    this.discipline = this.preemptive ? 'priority' : (options.discipline ?? 'fifo');
    if (this.discipline !== 'fifo' && this.discipline !== 'priority') {
      throw new RangeError(`Resource: discipline must be 'fifo' or 'priority', got ${String(options.discipline)}`);
    }
    this.queue = this.discipline === 'fifo' ? new Fifo<Request>() : new BinaryHeap<Request>(before);
    this.users = this.preemptive ? [] : null;
    this.statStart = this.statLast = sim._now;
  }

  /** Servers in use. */
  get inUse(): number {
    return this.busy;
  }
  /** Requests waiting. */
  get queueLength(): number {
    return this.waiting;
  }

  /** Ask for a server (process API: yield it). `priority`: lower is more urgent (default 0). */
  request(options?: { priority?: number }): Request {
    const priority = options?.priority ?? 0;
    const r = new Request(this, priority, this.seq++, this.sim._active);
    this.submit(r);
    return r;
  }

  /**
   * Callback API: `callback(request)` runs when a server is granted (at once, before acquire returns,
   * if one is free; so release the request it is given, not acquire's return value). If the request
   * is preempted later, `onPreempted` is called (the holder must then stop using it).
   */
  acquire(callback: (request: Request) => void, priority = 0, onPreempted?: (p: Preemption) => void): Request {
    const r = new Request(this, priority, this.seq++, null);
    if (onPreempted !== undefined) r._onPreempted = onPreempted;
    if (this.submit(r)) callback(r);
    else r._subscribe(callback as (ev: Waitable<any>) => void);
    return r;
  }

  /** Give a granted server back, or withdraw a request still queued. Releasing a preempted request is a no-op. */
  release(request: Request): void {
    if (request.resource !== this) throw new Error('release: the request belongs to another resource');
    const flags = request._flags;
    if ((flags & GRANTED) !== 0) {
      if ((flags & RELEASED) !== 0) throw new Error('release: the request was already released');
      request._flags = flags | RELEASED;
      if ((flags & PREEMPTED) !== 0) return;
      this.account();
      this.busy--;
      if (this.users !== null) {
        const i = this.users.indexOf(request);
        if (i >= 0) this.users.splice(i, 1);
      }
      this.grantWaiting();
      return;
    }
    if ((flags & CANCELLED) === 0) {
      this.account();
      request._flags = flags | CANCELLED;
      this.waiting--;
    }
  }

  /** Time-average busy servers / capacity since creation or resetStats(). */
  utilization(): number {
    this.account();
    const span = this.statLast - this.statStart;
    return span > 0 ? this.busyArea / (span * this.capacity) : 0;
  }

  /** Time-average number of requests waiting since creation or resetStats(). */
  meanQueueLength(): number {
    this.account();
    const span = this.statLast - this.statStart;
    return span > 0 ? this.queueArea / span : 0;
  }

  /** Restart the time averages now (e.g. after a warm-up). */
  resetStats(): void {
    this.statStart = this.statLast = this.sim._now;
    this.busyArea = 0;
    this.queueArea = 0;
  }

  private account(): void {
    const now = this.sim._now;
    const dt = now - this.statLast;
    if (dt > 0) {
      this.busyArea += this.busy * dt;
      this.queueArea += this.waiting * dt;
      this.statLast = now;
    }
  }

  /** Returns true if granted at once. */
  private submit(r: Request): boolean {
    if (this.busy < this.capacity && this.waiting === 0) {
      this.grant(r);
      return true;
    }
    if (this.preemptive && this.tryPreempt(r)) return true;
    this.account();
    this.waiting++;
    this.queue.push(r);
    return false;
  }

  private grant(r: Request): void {
    this.account();
    this.busy++;
    r._flags |= GRANTED;
    r._grantedAt = this.sim._now;
    if (this.users !== null) this.users.push(r);
    r._trigger(true, undefined);
  }

  private grantWaiting(): void {
    while (this.busy < this.capacity && this.waiting > 0) {
      const r = this.queue instanceof Fifo ? this.queue.shift() : this.queue.pop();
      if (r === undefined) break;
      if ((r._flags & CANCELLED) !== 0) continue;
      this.account();
      this.waiting--;
      this.grant(r);
    }
  }

  private tryPreempt(r: Request): boolean {
    const users = this.users!;
    let victim: Request | null = null;
    let vi = -1;
    for (let i = 0; i < users.length; i++) {
      const u = users[i]!;
      if (u.owner !== null && u.owner === this.sim._active) continue; // a process cannot interrupt itself
      // the least urgent; among equals the most recently granted
      if (
        victim === null ||
        u.priority > victim.priority ||
        (u.priority === victim.priority && (u._grantedAt > victim._grantedAt || (u._grantedAt === victim._grantedAt && u._seq > victim._seq)))
      ) {
        victim = u;
        vi = i;
      }
    }
    if (victim === null || !(victim.priority > r.priority)) return false;
    users.splice(vi, 1);
    victim._flags |= PREEMPTED;
    this.account();
    this.busy--;
    this.grant(r);
    const cause: Preemption = { preempted: true, by: r, usageSince: victim._grantedAt };
    if (victim._onPreempted !== null) victim._onPreempted(cause);
    const owner = victim.owner;
    if (owner !== null && owner.isAlive && !owner._running) owner.interrupt(cause);
    return true;
  }

}
