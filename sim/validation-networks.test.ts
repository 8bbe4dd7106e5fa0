// Networks of queues against theory (open Jackson network, closed network by exact MVA), written
// with the process API: each customer is a generator walking through the stations.
import { describe, expect, it } from 'vitest';
import { jacksonNetwork, mva } from './analytic/networks.js';
import { Resource } from './resource.js';
import { Simulation } from './simulation.js';
import { confidenceInterval, type ConfidenceInterval } from './stats/confidence.js';
import { Tally } from './stats/tally.js';
import type { Waitable } from './waitable.js';

const REPLICATIONS = 10;
const SEED = 4_242;

function expectInside(theory: number, ci: ConfidenceInterval, what: string, replications = REPLICATIONS): void {
  const message = `${what}: theory ${theory.toPrecision(6)} vs simulated ${ci.mean.toPrecision(6)} ± ${ci.halfWidth.toPrecision(3)} (n=${ci.n})`;
  expect(ci.n, message).toBe(replications);
  expect(theory >= ci.low && theory <= ci.high, message).toBe(true);
}

describe('validation: networks against theory (95 % CI of 10 replications)', () => {
  it('open Jackson network, three nodes with feedback: mean time in network and node-B utilisation', () => {
    // A (1 server, μ 2) → B (2 servers, μ 1) with 0.5, → C (1 server, μ 1) with 0.5; B → A with 0.3, else out; C → out.
    const nodes = [
      { servers: 1, serviceRate: 2 },
      { servers: 2, serviceRate: 1 },
      { servers: 1, serviceRate: 1 },
    ];
    const routing = [
      [0, 0.5, 0.5],
      [0.3, 0, 0],
      [0, 0, 0],
    ];
    const gamma = 1.2;
    const theory = jacksonNetwork({ nodes, external: [gamma, 0, 0], routing });
    // 20 shorter replications rather than 10 long ones: a tighter test for the same work
    const reps = 20;
    const sojourns: number[] = [];
    const utilB: number[] = [];
    for (let i = 0; i < reps; i++) {
      const sim = new Simulation({ seed: SEED + i });
      const stations = nodes.map((n) => new Resource(sim, { capacity: n.servers }));
      const service = nodes.map((_, k) => sim.rng(`service-${k}`));
      const route = sim.rng('routing');
      const arrivals = sim.rng('arrivals');
      const tally = new Tally();
      const warmup = 2_000;
      const horizon = 22_000;
      function* customer(): Generator<Waitable<any>, void, any> {
        const t0 = sim.now;
        let node = 0;
        while (node >= 0) {
          const req = stations[node]!.request();
          yield req;
          yield sim.timeout(-Math.log(1 - service[node]!.next()) / nodes[node]!.serviceRate);
          stations[node]!.release(req);
          const u = route.next();
          const row = routing[node]!;
          let next = -1;
          let acc = 0;
          for (let j = 0; j < row.length; j++) {
            acc += row[j]!;
            if (u < acc) {
              next = j;
              break;
            }
          }
          node = next;
        }
        if (t0 >= warmup) tally.add(sim.now - t0);
      }
      sim.process(function* () {
        for (;;) {
          yield sim.timeout(-Math.log(1 - arrivals.next()) / gamma);
          if (sim.now > horizon) return;
          sim.process(customer());
        }
      });
      sim.run(warmup);
      stations.forEach((s) => s.resetStats());
      sim.run(horizon);
      utilB.push(stations[1]!.utilization());
      sim.run(); // let customers in the network finish (arrivals have stopped)
      sojourns.push(tally.mean);
    }
    expectInside(theory.W, confidenceInterval(sojourns), 'Jackson W', reps);
    expectInside(theory.nodes[1]!.rho, confidenceInterval(utilB), 'Jackson node B utilisation', reps);
  });

  it('closed network (think time + two FCFS exponential stations) against exact MVA', () => {
    const N = 5;
    const Z = 2;
    const demands = [0.3, 0.5];
    const theory = mva(
      demands.map((demand) => ({ kind: 'queue' as const, demand })),
      N,
      Z,
    );
    const throughput: number[] = [];
    const response: number[] = [];
    for (let i = 0; i < REPLICATIONS; i++) {
      const sim = new Simulation({ seed: SEED * 3 + i });
      const stations = demands.map(() => new Resource(sim, { capacity: 1 }));
      const svc = demands.map((_, k) => sim.rng(`service-${k}`));
      const think = sim.rng('think');
      const warmup = 500;
      const horizon = 20_500;
      let cycles = 0;
      const resp = new Tally();
      for (let c = 0; c < N; c++) {
        sim.process(function* () {
          for (;;) {
            yield sim.timeout(-Z * Math.log(1 - think.next()));
            const t0 = sim.now;
            for (let k = 0; k < demands.length; k++) {
              const req = stations[k]!.request();
              yield req;
              yield sim.timeout(-demands[k]! * Math.log(1 - svc[k]!.next()));
              stations[k]!.release(req);
            }
            if (t0 >= warmup && sim.now <= horizon) {
              cycles++;
              resp.add(sim.now - t0);
            }
          }
        });
      }
      sim.run(horizon);
      throughput.push(cycles / (horizon - warmup));
      response.push(resp.mean);
    }
    expectInside(theory.throughput[N - 1]!, confidenceInterval(throughput), 'closed network X');
    expectInside(theory.responseTime[N - 1]!, confidenceInterval(response), 'closed network R');
  });
});
