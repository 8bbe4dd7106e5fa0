import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.js';

describe('calendar (callback API)', () => {
  it('orders by time, then priority, then insertion', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.schedule(2, () => log.push('t2'));
    sim.schedule(1, () => log.push('t1-p0-a'));
    sim.schedule(1, () => log.push('t1-p0-b'));
    sim.schedule(1, () => log.push('t1-p-1'), -1);
    sim.schedule(1, () => log.push('t1-p5'), 5);
    sim.scheduleAt(0.5, () => log.push('t0.5'));
    sim.schedule(1, () => log.push('t1-p0-c'));
    sim.run();
    expect(log).toEqual(['t0.5', 't1-p-1', 't1-p0-a', 't1-p0-b', 't1-p0-c', 't1-p5', 't2']);
    expect(sim.now).toBe(2);
  });

  it('keeps a large random calendar in order (ties included)', () => {
    const sim = new Simulation();
    const rng = sim.rng('t');
    const seen: [number, number, number][] = [];
    let k = 0;
    for (let i = 0; i < 20_000; i++) {
      const t = Math.floor(rng.next() * 500); // many equal times
      const p = Math.floor(rng.next() * 3);
      const id = k++;
      sim.scheduleAt(t, () => seen.push([sim.now, p, id]), p);
    }
    sim.run();
    expect(seen.length).toBe(20_000);
    for (let i = 1; i < seen.length; i++) {
      const [t0, p0, i0] = seen[i - 1]!;
      const [t1, p1, i1] = seen[i]!;
      const ok = t0 < t1 || (t0 === t1 && (p0 < p1 || (p0 === p1 && i0 < i1)));
      if (!ok) throw new Error(`out of order at ${i}: ${seen[i - 1]} then ${seen[i]}`);
    }
  });

  it('cancel removes a pending event; cancelling a stale handle is a no-op', () => {
    const sim = new Simulation();
    const log: number[] = [];
    const h1 = sim.schedule(1, () => log.push(1));
    sim.schedule(2, () => log.push(2));
    sim.cancel(h1);
    sim.cancel(h1); // twice: no effect
    sim.run();
    expect(log).toEqual([2]);
    // h1's slot is reused by a new event: cancelling the old handle must not hit it
    const h3 = sim.schedule(1, () => log.push(3));
    sim.cancel(h1);
    sim.run();
    expect(log).toEqual([2, 3]);
    sim.cancel(h3); // already ran
    expect(sim.pending).toBe(0);
  });

  it('an event can cancel a later one and schedule new ones while running', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const late = sim.schedule(5, () => log.push('late'));
    sim.schedule(1, () => {
      sim.cancel(late);
      sim.schedule(0, () => log.push('zero-delay'));
      log.push('first');
    });
    sim.run();
    expect(log).toEqual(['first', 'zero-delay']);
    expect(sim.now).toBe(1);
  });

  it('run(until) processes events at time <= until and leaves now = until', () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (const t of [1, 2, 3, 4]) sim.scheduleAt(t, () => log.push(t));
    sim.run(3);
    expect(log).toEqual([1, 2, 3]);
    expect(sim.now).toBe(3);
    sim.run(3.5);
    expect(sim.now).toBe(3.5);
    expect(log).toEqual([1, 2, 3]);
    sim.run();
    expect(log).toEqual([1, 2, 3, 4]);
    expect(() => sim.run(1)).toThrow(/before now/);
  });

  it('stop() ends run() after the current event; run() resumes', () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.schedule(1, () => {
      log.push(1);
      sim.stop();
    });
    sim.schedule(1, () => log.push(11));
    sim.schedule(2, () => log.push(2));
    sim.run(10);
    expect(log).toEqual([1]);
    expect(sim.now).toBe(1); // stopped: not advanced to until
    sim.run();
    expect(log).toEqual([1, 11, 2]);
  });

  it('rejects bad delays and times, and re-entrant run()', () => {
    const sim = new Simulation();
    expect(() => sim.schedule(-1, () => {})).toThrow(/delay must be a finite number ≥ 0, got -1/);
    expect(() => sim.schedule(NaN, () => {})).toThrow(/got NaN/);
    expect(() => sim.schedule(Infinity, () => {})).toThrow(/got Infinity/);
    sim.schedule(1, () => {
      expect(() => sim.scheduleAt(0.5, () => {})).toThrow(/not before now/);
      expect(() => sim.run()).toThrow(/already running/);
    });
    sim.run();
  });

  it('handles a million pending events', () => {
    const sim = new Simulation();
    let count = 0;
    let last = -1;
    let ordered = true;
    const rng = sim.rng('m');
    const cb = (): void => {
      if (sim.now < last) ordered = false;
      last = sim.now;
      count++;
    };
    for (let i = 0; i < 1_000_000; i++) sim.schedule(rng.next() * 1000, cb);
    expect(sim.pending).toBe(1_000_000);
    sim.run();
    expect(count).toBe(1_000_000);
    expect(ordered).toBe(true);
  });

  it('step() processes one event at a time', () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.schedule(1, () => log.push(1));
    sim.schedule(2, () => log.push(2));
    expect(sim.step()).toBe(true);
    expect(log).toEqual([1]);
    expect(sim.now).toBe(1);
    expect(sim.peek()).toBe(2);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
    expect(log).toEqual([1, 2]);
  });
});
