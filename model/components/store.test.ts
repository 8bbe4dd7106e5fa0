import { describe, expect, it } from 'vitest';
import { confidenceInterval, distribution, mg1, Simulation } from '../../sim/index.js';
import { HubStore } from './store.js';

const constant = (value: number) => distribution({ kind: 'constant', value });

describe('HubStore', () => {
  it('serialises writes, each followed by its own sync', () => {
    const sim = new Simulation();
    const store = new HubStore(sim, 'fsync', constant(0.002), sim.rng('s'));
    const done: number[] = [];
    for (let i = 0; i < 3; i++) store.write(() => done.push(sim.now));
    sim.run();
    expect(done.map((t) => Math.round(t * 1e6))).toEqual([2000, 4000, 6000]);
    expect(store.counts()).toEqual({ writes: 3, syncs: 3 });
    expect(store.meanWait()).toBeCloseTo(0.002, 12);
  });

  it('covers waiting writes with one sync in group mode', () => {
    const sim = new Simulation();
    const store = new HubStore(sim, 'group', constant(0.002), sim.rng('s'), 16);
    const done: number[] = [];
    for (let i = 0; i < 5; i++) store.write(() => done.push(sim.now));
    sim.run();
    // the first sync starts alone; the other four wait and share the second
    expect(done.map((t) => Math.round(t * 1e6))).toEqual([2000, 4000, 4000, 4000, 4000]);
    expect(store.counts()).toEqual({ writes: 5, syncs: 2 });
  });

  it('costs nothing in none mode', () => {
    const sim = new Simulation();
    const store = new HubStore(sim, 'none', constant(0.002), sim.rng('s'));
    let at = NaN;
    store.write(() => (at = sim.now));
    expect(at).toBe(0);
  });

  it('with Poisson writes and a constant sync is M/D/1: the mean wait matches Pollaczek–Khinchine', () => {
    const lambda = 300;
    const sync = 0.002;
    const waits: number[] = [];
    for (let rep = 0; rep < 12; rep++) {
      const sim = new Simulation({ seed: 1000 + rep });
      const store = new HubStore(sim, 'fsync', constant(sync), sim.rng('sync'));
      const arrivals = sim.rng('arrivals');
      const next = (): void => {
        store.write();
        sim.schedule(-Math.log(1 - arrivals.next()) / lambda, next);
      };
      sim.schedule(0, next);
      sim.run(20);
      store.resetStats();
      sim.run(220);
      waits.push(store.meanWait());
    }
    const theory = mg1({ arrivalRate: lambda, meanService: sync, serviceCv: 0 }).Wq;
    const ci = confidenceInterval(waits, 0.95);
    expect(theory).toBeGreaterThanOrEqual(ci.low);
    expect(theory).toBeLessThanOrEqual(ci.high);
  });
});

describe('HubStore with a steady stream of writes', () => {
  it('stretches each discrete sync by 1 / (1 − fluid share) and reports the demand', () => {
    const sim = new Simulation();
    const store = new HubStore(sim, 'fsync', constant(0.002), sim.rng('s'));
    store.addFluidWrites(250); // 250 writes/s × 2 ms = half the disk
    expect(store.fluidShare()).toBeCloseTo(0.5, 12);
    let at = NaN;
    store.write(() => (at = sim.now));
    sim.run(1);
    expect(at).toBeCloseTo(0.004, 12);
    expect(store.utilization()).toBeCloseTo(0.5 + 0.002, 9);
    expect(store.counts()).toEqual({ writes: 251, syncs: 251 });
  });

  it('reports a saturated store above 1 and still serves discrete writes', () => {
    const sim = new Simulation();
    const store = new HubStore(sim, 'fsync', constant(0.002), sim.rng('s'));
    store.addFluidWrites(1000);
    let done = false;
    store.write(() => (done = true));
    sim.run(10);
    expect(done).toBe(true);
    expect(store.utilization()).toBeGreaterThan(1.9);
  });
});
