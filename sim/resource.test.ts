import { describe, expect, it } from 'vitest';
import { Resource, type Request } from './resource.js';
import { Simulation } from './simulation.js';
import { Interrupt } from './waitable.js';

describe('Resource', () => {
  it('FIFO: grants up to capacity, queues the rest in arrival order, tracks utilisation', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 2 });
    const log: string[] = [];
    for (const [name, arrive, hold] of [
      ['a', 0, 4],
      ['b', 0, 2],
      ['c', 1, 1],
      ['d', 1, 1],
    ] as const) {
      sim.schedule(arrive, () => {
        sim.process(function* () {
          const req = res.request();
          yield req;
          log.push(`${name}@${sim.now}`);
          yield sim.timeout(hold);
          res.release(req);
        });
      });
    }
    sim.schedule(1, () => {
      expect(res.inUse).toBe(2);
    });
    sim.schedule(1.5, () => expect(res.queueLength).toBe(2));
    sim.run();
    expect(log).toEqual(['a@0', 'b@0', 'c@2', 'd@3']);
    expect(sim.now).toBe(4);
    // busy: a 0-4, b 0-2, c 2-3, d 3-4 → 8 server-seconds of 2×4
    expect(res.utilization()).toBeCloseTo(1, 12);
    // waiting: c and d from 1 to 2 (2), d from 2 to 3 (1) → 3 / 4
    expect(res.meanQueueLength()).toBeCloseTo(0.75, 12);
  });

  it('priority discipline serves lower numbers first, FIFO within a priority', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1, discipline: 'priority' });
    const log: string[] = [];
    const job = (name: string, priority: number) =>
      function* () {
        const req = res.request({ priority });
        yield req;
        log.push(name);
        yield sim.timeout(1);
        res.release(req);
      };
    sim.process(job('first', 9));
    sim.schedule(0.5, () => {
      sim.process(job('low', 5));
      sim.process(job('high-1', 1));
      sim.process(job('high-2', 1));
      sim.process(job('mid', 3));
    });
    sim.run();
    expect(log).toEqual(['first', 'high-1', 'high-2', 'mid', 'low']);
  });

  it('preemptive: a more urgent request evicts the least urgent holder with an Interrupt', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1, preemptive: true });
    const log: string[] = [];
    sim.process(function* () {
      const req = res.request({ priority: 5 });
      yield req;
      try {
        yield sim.timeout(10);
        log.push('low finished');
      } catch (e) {
        const cause = (e as Interrupt).cause as { preempted: boolean; usageSince: number; by: Request };
        log.push(`low preempted at ${sim.now}, held since ${cause.usageSince}, by priority ${cause.by.priority}`);
        expect(req.preempted).toBe(true);
      } finally {
        res.release(req); // no-op for a preempted request
      }
    });
    sim.schedule(3, () => {
      sim.process(function* () {
        const req = res.request({ priority: 1 });
        yield req;
        log.push(`high got it at ${sim.now}`);
        yield sim.timeout(2);
        res.release(req);
      });
    });
    sim.schedule(4, () => {
      sim.process(function* () {
        const req = res.request({ priority: 1 }); // equal priority never preempts
        yield req;
        log.push(`second high at ${sim.now}`);
        res.release(req);
      });
    });
    sim.run();
    expect(log).toEqual(['low preempted at 3, held since 0, by priority 1', 'high got it at 3', 'second high at 5']);
    expect(res.inUse).toBe(0);
  });

  it('callback API: acquire calls back when granted; release withdraws a queued request', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1 });
    const log: string[] = [];
    const r1 = res.acquire(() => log.push(`r1@${sim.now}`));
    const r2 = res.acquire(() => log.push(`r2@${sim.now}`));
    const r3 = res.acquire(() => log.push(`r3@${sim.now}`));
    expect(res.queueLength).toBe(2);
    res.release(r2); // withdraw while queued
    expect(res.queueLength).toBe(1);
    sim.schedule(2, () => res.release(r1));
    sim.schedule(3, () => res.release(r3));
    sim.run();
    expect(log).toEqual(['r1@0', 'r3@2']);
    expect(() => res.release(r1)).toThrow(/already released/);
    let preempted = false;
    const p = new Resource(sim, { capacity: 1, preemptive: true });
    p.acquire(() => {}, 2, () => (preempted = true));
    p.acquire(() => {}, 1);
    expect(preempted).toBe(true);
  });

  it('rejects bad options', () => {
    const sim = new Simulation();
    expect(() => new Resource(sim, { capacity: 0 })).toThrow(/capacity must be an integer ≥ 1/);
    expect(() => new Resource(sim, { capacity: 1.5 })).toThrow(/got 1.5/);
    expect(() => new Resource(sim, { capacity: 1, discipline: 'lifo' as 'fifo' })).toThrow(/discipline/);
  });

  it('reneging: a process gives up waiting after a timeout and withdraws its request', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1 });
    const log: string[] = [];
    sim.process(function* () {
      const req = res.request();
      yield req;
      yield sim.timeout(10);
      res.release(req);
    });
    sim.process(function* () {
      const req = res.request();
      const first: { index: number } = yield sim.anyOf([req, sim.timeout(3)]);
      if (first.index === 1) {
        res.release(req); // withdraw
        log.push(`reneged@${sim.now}`);
      }
    });
    sim.process(function* () {
      yield sim.timeout(1);
      const req = res.request();
      yield req;
      log.push(`third served@${sim.now}`);
      res.release(req);
    });
    sim.run();
    expect(log).toEqual(['reneged@3', 'third served@10']);
    expect(res.queueLength).toBe(0);
    expect(res.inUse).toBe(0);
  });

  it('an interrupted waiter is not resumed by a later grant; its queued request can be withdrawn', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1 });
    const log: string[] = [];
    const holder = res.acquire(() => {});
    const waiter = sim.process(function* () {
      const req = res.request();
      try {
        yield req;
        log.push('granted (wrong)');
      } catch {
        log.push(`interrupted@${sim.now}`);
        res.release(req);
      }
      yield sim.timeout(5);
      log.push(`done@${sim.now}`);
    });
    sim.schedule(1, () => waiter.interrupt());
    sim.schedule(2, () => res.release(holder));
    sim.run();
    expect(log).toEqual(['interrupted@1', 'done@6']);
    expect(res.inUse).toBe(0);
  });

  it('a preempted process can re-queue and finish its remaining work', () => {
    const sim = new Simulation();
    const res = new Resource(sim, { capacity: 1, preemptive: true });
    let finishedAt = -1;
    sim.process(function* () {
      let left = 10;
      while (left > 0) {
        const req = res.request({ priority: 2 });
        yield req;
        const start = sim.now;
        try {
          yield sim.timeout(left);
          left = 0;
        } catch {
          left -= sim.now - start;
        }
        res.release(req);
      }
      finishedAt = sim.now;
    });
    sim.schedule(4, () => {
      sim.process(function* () {
        const req = res.request({ priority: 1 });
        yield req;
        yield sim.timeout(3);
        res.release(req);
      });
    });
    sim.run();
    expect(finishedAt).toBe(13); // 4 done, preempted for 3, 6 more
  });
});
