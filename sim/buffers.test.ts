import { describe, expect, it } from 'vitest';
import { Container } from './container.js';
import { PSServer } from './ps-server.js';
import { Simulation } from './simulation.js';
import { Store } from './store.js';
import { TokenBucket } from './token-bucket.js';

describe('Store', () => {
  it('get blocks while empty, put blocks while full, both FIFO', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim, 2);
    const log: string[] = [];
    sim.process(function* () {
      for (const item of ['a', 'b', 'c', 'd']) {
        yield store.put(item);
        log.push(`put ${item}@${sim.now}`);
      }
    });
    sim.schedule(5, () => {
      sim.process(function* () {
        for (let i = 0; i < 4; i++) {
          const item: string = yield store.get();
          log.push(`got ${item}@${sim.now}`);
          yield sim.timeout(1);
        }
        const late = store.get();
        const winner: { index: number } = yield sim.anyOf([late, sim.timeout(1)]);
        expect(winner.index).toBe(1);
        expect(store.cancel(late)).toBe(true);
        expect(store.waitingGetters).toBe(0);
      });
    });
    sim.run();
    expect(log).toEqual(['put a@0', 'put b@0', 'got a@5', 'put c@5', 'got b@6', 'put d@6', 'got c@7', 'got d@8']);
    expect(store.size).toBe(0);
  });
});

describe('Container', () => {
  it('take waits for the level, give waits for room, strict FIFO', () => {
    const sim = new Simulation();
    const c = new Container(sim, { capacity: 10, initial: 3 });
    const log: string[] = [];
    sim.process(function* () {
      yield c.take(5);
      log.push(`took 5@${sim.now}`);
    });
    sim.process(function* () {
      yield c.take(1); // behind the 5: waits though 3 are there
      log.push(`took 1@${sim.now}`);
    });
    sim.schedule(2, () => {
      sim.process(function* () {
        yield c.give(4);
        log.push(`gave 4@${sim.now}`);
        yield c.give(9); // fits once the two takes have run (level 1)
        log.push(`gave 9@${sim.now}`);
      });
    });
    sim.schedule(3, () => {
      sim.process(function* () {
        yield c.take(1);
        log.push(`took 1 more@${sim.now}`);
      });
    });
    sim.run();
    // at 2: level 3+4=7 → take 5 → 2 → take 1 → 1 (the takers wake after the giver, which continues
    // at once since its give succeeded synchronously); give 9: 1+9=10 fits
    expect(log).toEqual(['gave 4@2', 'gave 9@2', 'took 5@2', 'took 1@2', 'took 1 more@3']);
    expect(c.level).toBe(9);
    expect(() => c.take(11)).toThrow(/amount must be > 0 and ≤ capacity \(10\), got 11/);
  });
});

describe('TokenBucket', () => {
  it('refills at rate up to burst; take waits FIFO; tryTake, timeUntil and refund', () => {
    const sim = new Simulation();
    const b = new TokenBucket(sim, { rate: 2, burst: 10 });
    const log: string[] = [];
    expect(b.available()).toBe(10);
    sim.process(function* () {
      yield b.take(8);
      log.push(`8@${sim.now}`);
      yield b.take(6); // 2 left: 4 more at 2/s → t=2
      log.push(`6@${sim.now}`);
    });
    sim.schedule(1, () => {
      expect(b.tryTake(1)).toBe(false); // someone queued ahead
      sim.process(function* () {
        yield b.take(10); // after the 6: needs 10 from 0 at t=2 → t=7, refund 4 at t=3 → t=5
        log.push(`10@${sim.now}`);
      });
    });
    sim.schedule(2.5, () => expect(b.timeUntil(10)).toBeCloseTo(4.5, 12));
    sim.schedule(3, () => b.refund(4));
    sim.run();
    expect(log).toEqual(['8@0', '6@2', '10@5']);
    expect(b.available()).toBeCloseTo(0, 12);
    sim.run(100);
    expect(b.available()).toBe(10); // capped at burst
    expect(b.tryTake(10)).toBe(true);
    expect(() => b.take(11)).toThrow(/amount must be within 0..burst \(10\), got 11/);
    expect(() => new TokenBucket(sim, { rate: 0, burst: 1 })).toThrow(/rate must be a finite number > 0/);
  });
});

describe('PSServer', () => {
  it('shares the rate equally among jobs beyond the cores', () => {
    const sim = new Simulation();
    const ps = new PSServer(sim, { rate: 1, cores: 1 });
    const done: [string, number][] = [];
    sim.process(function* () {
      yield ps.serve(2);
      done.push(['a', sim.now]);
    });
    sim.schedule(1, () => {
      // a has 1 unit left; from now both progress at 1/2
      ps.serveCallback(0.25, () => done.push(['b', sim.now]));
    });
    sim.run();
    // b: 0.25 at 1/2 → t=1.5; a: 0.75 left at t=1.5... a had 1 left at 1, did 0.25 by 1.5, 0.75 alone → 2.25
    expect(done.map(([n, t]) => `${n}@${t}`)).toEqual(['b@1.5', 'a@2.25']);
    expect(ps.utilization()).toBeCloseTo(1, 12);
    expect(ps.meanJobs()).toBeCloseTo((1 + 0.5 * 2 + 0.75) / 2.25, 12);
  });

  it('with c cores, up to c jobs run at full rate', () => {
    const sim = new Simulation();
    const ps = new PSServer(sim, { rate: 2, cores: 2 });
    const done: number[] = [];
    for (let i = 0; i < 2; i++) ps.serveCallback(4, () => done.push(sim.now));
    ps.serveCallback(1, () => done.push(sim.now)); // 3 jobs on 2 cores: 4/3 each → the 1-unit job at 0.75
    sim.run();
    // after 0.75 the two 4-unit jobs have 3 left at 2/s each → 2.25
    expect(done[0]).toBeCloseTo(0.75, 12);
    expect(done[1]).toBeCloseTo(2.25, 12);
    expect(done[2]).toBeCloseTo(2.25, 12);
  });
});

describe('rounding at large times and rates', () => {
  /** Step the simulation with a bound, so a zero-length event loop fails the test instead of hanging it. */
  function runBounded(sim: Simulation, maxSteps: number): number {
    let steps = 0;
    while (steps < maxSteps && sim.step()) steps++;
    return steps;
  }

  it('PSServer with a huge rate late in the run completes every job (no zero-length event loop)', () => {
    const sim = new Simulation();
    const ps = new PSServer(sim, { rate: 1.25e9, cores: 2 }); // bytes per second
    const r = sim.rng('sizes');
    let done = 0;
    sim.scheduleAt(1e6 + 0.1, () => {
      for (let i = 0; i < 300; i++) sim.schedule(r.next() * 0.01, () => ps.serveCallback(1 + r.next() * 1e7, () => done++));
    });
    const steps = runBounded(sim, 100_000);
    expect(done).toBe(300);
    expect(steps).toBeLessThan(100_000);
  });

  it('TokenBucket with a large burst late in the run serves every taker', () => {
    const sim = new Simulation();
    const b = new TokenBucket(sim, { rate: 6667, burst: 4e5, initial: 0 });
    const r = sim.rng('amounts');
    let served = 0;
    sim.scheduleAt(3e6 + 0.3, () => {
      for (let i = 0; i < 300; i++) b.take(1 + r.next() * 39_999).onDone(() => served++);
    });
    const steps = runBounded(sim, 100_000);
    expect(served).toBe(300);
    expect(steps).toBeLessThan(100_000);
  });
});
