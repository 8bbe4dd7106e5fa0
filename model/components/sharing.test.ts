import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/index.js';
import { SharingServer } from './sharing.js';

function finishTimes(sim: Simulation, server: SharingServer, jobs: { at: number; work: number }[]): number[] {
  const done: number[] = new Array<number>(jobs.length).fill(NaN);
  jobs.forEach((job, i) => sim.scheduleAt(job.at, () => server.serve(job.work, () => (done[i] = sim.now))));
  sim.run();
  return done;
}

describe('SharingServer', () => {
  it('serves one job at one core rate', () => {
    const sim = new Simulation();
    const server = new SharingServer(sim, { servers: 4, rate: 1 });
    expect(finishTimes(sim, server, [{ at: 0, work: 2 }])[0]).toBeCloseTo(2, 12);
  });

  it('shares one server equally between jobs (processor sharing)', () => {
    const sim = new Simulation();
    const server = new SharingServer(sim, { servers: 1, rate: 1 });
    // both at rate 1/2 until t=2 (job 0 done), then job 1 alone
    const [a, b] = finishTimes(sim, server, [
      { at: 0, work: 1 },
      { at: 0, work: 2 },
    ]);
    expect(a).toBeCloseTo(2, 12);
    expect(b).toBeCloseTo(3, 12);
  });

  it('never gives a job more than one server', () => {
    const sim = new Simulation();
    const server = new SharingServer(sim, { servers: 4, rate: 1 });
    const times = finishTimes(sim, server, [
      { at: 0, work: 3 },
      { at: 0, work: 3 },
    ]);
    expect(times[0]).toBeCloseTo(3, 12);
    expect(times[1]).toBeCloseTo(3, 12);
  });

  it('slows jobs while a fluid background load takes capacity', () => {
    const sim = new Simulation();
    const server = new SharingServer(sim, { servers: 1, rate: 10 });
    server.addBackground(5);
    sim.schedule(1, () => server.addBackground(-5));
    // 5 units/s for the first second, then 10: work 10 → 1 s + 0.5 s
    expect(finishTimes(sim, server, [{ at: 0, work: 10 }])[0]).toBeCloseTo(1.5, 12);
  });

  it('multiplies work by the slowdown factor', () => {
    const sim = new Simulation();
    const server = new SharingServer(sim, { servers: 2, rate: 1, slowdown: 3 });
    expect(finishTimes(sim, server, [{ at: 0, work: 1 }])[0]).toBeCloseTo(3, 12);
  });

  it('follows an aggregate-rate curve (sub-linear GPU decode)', () => {
    const sim = new Simulation();
    // 2 streams share 180 tokens/s: 90 each; 1 stream alone gets 98
    const server = new SharingServer(sim, { servers: 1, rate: 98, aggregate: (n) => (n === 1 ? 98 : n === 2 ? 180 : 269) });
    const [a, b] = finishTimes(sim, server, [
      { at: 0, work: 90 },
      { at: 0, work: 188 },
    ]);
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(2, 12); // 98 tokens left at 98 t/s
  });

  it('reports utilisation and mean jobs', () => {
    const sim = new Simulation();
    const server = new SharingServer(sim, { servers: 2, rate: 1 });
    server.serve(4, () => {});
    sim.run(8);
    expect(server.utilization()).toBeCloseTo(4 / 16, 12);
    expect(server.meanJobs()).toBeCloseTo(0.5, 12);
    server.resetStats();
    sim.run(10);
    expect(server.utilization()).toBe(0);
  });
});
