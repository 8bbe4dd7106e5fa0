import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.js';
import { Interrupt, type Process, type Waitable } from './waitable.js';

describe('process API', () => {
  it('timeouts advance time and return their value; processes start at the current time', () => {
    const sim = new Simulation();
    const log: [number, unknown][] = [];
    sim.process(function* () {
      log.push([sim.now, 'start']);
      const v: string = yield sim.timeout(2, 'two');
      log.push([sim.now, v]);
      yield sim.timeout(0);
      log.push([sim.now, 'zero']);
    });
    sim.schedule(1, () => {
      sim.process(function* () {
        log.push([sim.now, 'second']);
        yield sim.timeout(0.5);
      });
    });
    sim.run();
    expect(log).toEqual([
      [0, 'start'],
      [1, 'second'],
      [2, 'two'],
      [2, 'zero'],
    ]);
  });

  it('joins a process and receives its return value; a failure propagates to the joiner', () => {
    const sim = new Simulation();
    const child = sim.process(function* () {
      yield sim.timeout(3);
      return 42;
    });
    const failing = sim.process(function* (): Generator<Waitable<any>, number, any> {
      yield sim.timeout(1);
      throw new Error('boom');
    });
    let got: unknown;
    let caught: unknown;
    sim.process(function* () {
      try {
        yield failing;
      } catch (e) {
        caught = e;
      }
      got = yield child;
      expect(sim.now).toBe(3);
    });
    sim.run();
    expect(got).toBe(42);
    expect((caught as Error).message).toBe('boom');
    expect(child.ok && child.value === 42 && !child.isAlive).toBe(true);
    // joining a finished process continues at once
    let again: unknown;
    sim.process(function* () {
      again = yield child;
    });
    sim.run();
    expect(again).toBe(42);
  });

  it('events: succeed wakes all waiters in order; fail throws into them', () => {
    const sim = new Simulation();
    const ev = sim.event<string>();
    const bad = sim.event();
    const log: string[] = [];
    for (const name of ['a', 'b']) {
      sim.process(function* () {
        const v: string = yield ev;
        log.push(`${name}:${v}@${sim.now}`);
        try {
          yield bad;
        } catch (e) {
          log.push(`${name}:${(e as Error).message}`);
        }
      });
    }
    sim.schedule(5, () => ev.succeed('go'));
    sim.schedule(6, () => bad.fail(new Error('nope')));
    sim.run();
    expect(log).toEqual(['a:go@5', 'b:go@5', 'a:nope', 'b:nope']);
    expect(() => ev.succeed('again')).toThrow(/already triggered/);
    expect(ev.triggered && ev.ok && ev.value === 'go').toBe(true);
  });

  it('anyOf resolves with the first (index and value); allOf with all values', () => {
    const sim = new Simulation();
    let any: unknown;
    let all: unknown;
    let anyAt = -1;
    let allAt = -1;
    sim.process(function* () {
      const ev = sim.event<string>();
      sim.schedule(1, () => ev.succeed('event'));
      any = yield sim.anyOf([sim.timeout(3, 'slow'), ev, sim.timeout(2, 'mid')]);
      anyAt = sim.now;
      all = yield sim.allOf([sim.timeout(1, 'x'), sim.timeout(4, 'y'), sim.timeout(0, 'z')]);
      allAt = sim.now;
    });
    sim.run();
    expect(any).toEqual({ index: 1, value: 'event' });
    expect(anyAt).toBe(1);
    expect(all).toEqual(['x', 'y', 'z']);
    expect(allAt).toBe(5);
  });

  it('a timeout created earlier and yielded later keeps its due time', () => {
    const sim = new Simulation();
    let at = -1;
    sim.process(function* () {
      const t = sim.timeout(5);
      yield sim.timeout(2);
      yield t;
      at = sim.now;
      const past = sim.timeout(1);
      yield sim.timeout(3);
      yield past; // already due: continues at once
      expect(sim.now).toBe(8);
    });
    sim.run();
    expect(at).toBe(5);
  });

  it('interrupt throws Interrupt with its cause at the current yield; the old wait no longer wakes it', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const worker: Process<void> = sim.process(function* () {
      try {
        yield sim.timeout(10);
        log.push('finished');
      } catch (e) {
        expect(e).toBeInstanceOf(Interrupt);
        log.push(`interrupted by ${String((e as Interrupt).cause)} at ${sim.now}`);
      }
      yield sim.timeout(1);
      log.push(`done at ${sim.now}`);
    });
    const ev = sim.event();
    const waiter = sim.process(function* () {
      try {
        yield ev;
      } catch (e) {
        log.push(`waiter: ${(e as Interrupt).message}`);
        yield sim.timeout(100);
      }
      log.push('waiter woke');
    });
    sim.schedule(4, () => worker.interrupt('boss'));
    sim.schedule(5, () => waiter.interrupt());
    sim.schedule(6, () => ev.succeed()); // must not wake the waiter, which now sleeps till 105
    sim.run();
    // at t=5 the interrupt (scheduled at t=0) precedes the worker's timeout (scheduled at t=4): insertion order
    expect(log).toEqual(['interrupted by boss at 4', 'waiter: process interrupted', 'done at 5', 'waiter woke']);
    expect(sim.now).toBe(105);
    expect(() => worker.interrupt()).toThrow(/finished/);
  });

  it('an unhandled failure in a process nobody waits for ends run() with the error', () => {
    const sim = new Simulation();
    sim.process(function* () {
      yield sim.timeout(1);
      throw new Error('unhandled');
    });
    let later = false;
    sim.schedule(2, () => (later = true));
    expect(() => sim.run()).toThrow('unhandled');
    expect(sim.now).toBe(1);
    expect(later).toBe(false);
  });

  it('yielding something not waitable throws a TypeError into the generator', () => {
    const sim = new Simulation();
    let message = '';
    sim.process(function* (): Generator<any, void, any> {
      try {
        yield 5;
      } catch (e) {
        message = (e as Error).message;
      }
    });
    sim.run();
    expect(message).toMatch(/not a waitable/);
  });

  it('onDone lets callback code wait for waitables', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p = sim.process(function* () {
      yield sim.timeout(2);
      return 'r';
    });
    p.onDone((w) => log.push(`${w.value}@${sim.now}`));
    sim.timeout(3).onDone(() => log.push(`t@${sim.now}`));
    sim.run();
    expect(log).toEqual(['r@2', 't@3']);
  });

  it('same seed gives identical results', () => {
    const runOnce = (seed: number): number[] => {
      const sim = new Simulation({ seed });
      const out: number[] = [];
      const r = sim.rng('x');
      for (let i = 0; i < 5; i++) {
        sim.process(function* () {
          for (let k = 0; k < 10; k++) {
            yield sim.timeout(r.next());
            out.push(sim.now);
          }
        });
      }
      sim.run();
      return out;
    };
    expect(runOnce(11)).toEqual(runOnce(11));
    expect(runOnce(11)).not.toEqual(runOnce(12));
  });

  it('a process interrupted before it started fails with the Interrupt (a waiter sees it; without one, run() throws)', () => {
    const sim = new Simulation();
    let started = false;
    const p = sim.process(function* () {
      started = true;
      yield sim.timeout(1);
    });
    let seen: unknown;
    p.onDone((w) => (seen = w.value));
    p.interrupt('early');
    sim.run();
    expect(started).toBe(false);
    expect(seen).toBeInstanceOf(Interrupt);
    expect(p.ok).toBe(false);
    const lonely = sim.process(function* () {
      yield sim.timeout(1);
    });
    lonely.interrupt('nobody listens');
    expect(() => sim.run()).toThrow(/nobody listens/);
  });

  it('a process cannot interrupt itself', () => {
    const sim = new Simulation();
    let message = '';
    const p: Process<void> = sim.process(function* () {
      try {
        p.interrupt();
      } catch (e) {
        message = (e as Error).message;
      }
      yield sim.timeout(1);
    });
    sim.run();
    expect(message).toMatch(/cannot interrupt itself/);
  });
});
