import { describe, expect, it } from 'vitest';
import { createRng, Simulation } from '../../sim/index.js';
import { nextProfileArrival, profileSegment, startOpenArrivals, startTraceArrivals, TaskFactory } from './workload.js';
import { testConfig } from './test-config.js';
import type { RecordedTask } from '../config.js';

describe('rate profile', () => {
  const points = [
    { at: 9 * 3600, rate: 2 },
    { at: 17 * 3600, rate: 0 },
  ];

  it('finds the segment, wrapping over midnight', () => {
    expect(profileSegment(points, 10 * 3600)).toEqual({ rate: 2, end: 17 * 3600 });
    expect(profileSegment(points, 3600)).toEqual({ rate: 0, end: 9 * 3600 });
    expect(profileSegment(points, 20 * 3600)).toEqual({ rate: 0, end: 86_400 + 9 * 3600 });
  });

  it('gives no arrivals while the rate is zero and the stated rate otherwise', () => {
    const rng = createRng(7, 'arrivals');
    let t = 0;
    let day = 0;
    let night = 0;
    while (t < 86_400) {
      t = nextProfileArrival(points, t, rng);
      if (t >= 86_400) break;
      if (t >= 9 * 3600 && t < 17 * 3600) day++;
      else night++;
    }
    expect(night).toBe(0);
    // 2/s over 8 h = 57,600 expected; Poisson sd 240
    expect(Math.abs(day - 57_600)).toBeLessThan(5 * 240);
  });
});

describe('open Poisson arrivals', () => {
  it('arrive at the stated rate', () => {
    const sim = new Simulation({ seed: 3 });
    let count = 0;
    startOpenArrivals({ type: 'poisson', rate: 5 }, (d, cb) => sim.schedule(d, cb), () => sim.now, sim.rng('a'), () => count++);
    sim.run(2000);
    expect(Math.abs(count - 10_000)).toBeLessThan(5 * 100);
  });
});

describe('TaskFactory', () => {
  it('draws tiers by the mix and at least one step', () => {
    const config = testConfig({ workload: { tiers: { trivial: 0.5, standard: 0.25, complex: 0.25 } } });
    const factory = new TaskFactory(config.workload, createRng(1, 'tasks'));
    const counts = { trivial: 0, standard: 0, complex: 0 };
    let fewestSteps = Infinity;
    for (let i = 0; i < 20_000; i++) {
      const task = factory.create();
      counts[task.tier]++;
      fewestSteps = Math.min(fewestSteps, task.steps);
    }
    expect(fewestSteps).toBe(1);
    expect(Math.abs(counts.trivial - 10_000)).toBeLessThan(5 * 71);
    expect(Math.abs(counts.standard - 5_000)).toBeLessThan(5 * 62);
  });

  it('gives task k the same steps whatever else is drawn (common random numbers)', () => {
    const config = testConfig();
    const a = new TaskFactory(config.workload, createRng(9, 'tasks'));
    const b = new TaskFactory(config.workload, createRng(9, 'tasks'));
    const ta = a.create();
    const tb = b.create();
    createRng(5).next(); // unrelated draws elsewhere change nothing
    expect(ta.steps).toBe(tb.steps);
    expect(ta.step()).toEqual(tb.step());
  });
});

describe('a recorded trace', () => {
  it('brings each task at its time, in time order, with what it records', () => {
    const sim = new Simulation({ seed: 1 });
    const seen: [number, RecordedTask][] = [];
    startTraceArrivals([{ at: 2, toolTime: 0.5 }, { at: 0.25 }, { at: 1, toolTime: 3, outputTokens: 40 }], (d, cb) => sim.schedule(d, cb), (recorded) => seen.push([sim.now, recorded]));
    sim.run(10);
    expect(seen).toEqual([[0.25, {}], [1, { toolTime: 3, outputTokens: 40 }], [2, { toolTime: 0.5 }]]);
  });

  it('a recorded tool time and output tokens replace the sampled ones in every step', () => {
    const factory = new TaskFactory(testConfig().workload, createRng(1, 'tasks'));
    const task = factory.create({ toolTime: 0.125, outputTokens: 7 });
    for (let i = 0; i < task.steps; i++) expect(task.step()).toMatchObject({ toolTime: 0.125, outputTokens: 7 });
    const own = factory.create().step();
    expect(own.toolTime).not.toBe(0.125);
    expect(own.outputTokens).not.toBe(7);
  });
});
