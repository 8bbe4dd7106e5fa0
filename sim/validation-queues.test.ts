// Simulated single-station queues against queueing theory: for each case, the theoretical value
// must lie inside the 95 % confidence interval of 10 independent seeded replications (customers
// arriving during the warm-up are discarded). Callback API for speed.
import { describe, expect, it } from 'vitest';
import { cobham, mg1, mm1ps } from './analytic/mg1.js';
import { mmc, mmck } from './analytic/erlang.js';
import { distribution, type Distribution } from './distributions.js';
import { PSServer } from './ps-server.js';
import { Resource, type Request } from './resource.js';
import { Simulation } from './simulation.js';
import { confidenceInterval, type ConfidenceInterval } from './stats/confidence.js';
import { Tally } from './stats/tally.js';

const REPLICATIONS = 10;
const SEED = 20_260_101;

interface ClassSpec {
  lambda: number;
  service: Distribution;
}

interface QueueRun {
  /** Mean wait in queue per class. */
  wait: number[];
  /** Fraction of arrivals lost (capacity K). */
  blocked: number;
}

/** One replication of a multi-class c-server queue (class index = priority when several). */
function queueReplication(seed: number, classes: ClassSpec[], servers: number, customers: number, warmup: number, K?: number): QueueRun {
  const sim = new Simulation({ seed });
  const res = new Resource(sim, { capacity: servers, discipline: classes.length > 1 ? 'priority' : 'fifo' });
  const waits = classes.map(() => new Tally());
  let arrivals = 0;
  let counted = 0;
  let blocked = 0;
  classes.forEach((cl, k) => {
    const ra = sim.rng(`arrivals-${k}`);
    const rs = sim.rng(`service-${k}`);
    const meanGap = 1 / cl.lambda;
    const release = (req: Request) => () => res.release(req);
    const arrive = (): void => {
      const n = arrivals++;
      if (n >= customers) return;
      sim.schedule(-meanGap * Math.log(1 - ra.next()), arrive);
      const measured = n >= warmup;
      if (measured) counted++;
      if (K !== undefined && res.inUse + res.queueLength >= K) {
        if (measured) blocked++;
        return;
      }
      const t0 = sim.now;
      res.acquire((req) => {
        if (measured) waits[k]!.add(sim.now - t0);
        sim.schedule(cl.service.sample(rs), release(req));
      }, k);
    };
    sim.schedule(-meanGap * Math.log(1 - ra.next()), arrive);
  });
  sim.run();
  return { wait: waits.map((t) => t.mean), blocked: blocked / counted };
}

function replications<T>(run: (seed: number) => T): T[] {
  return Array.from({ length: REPLICATIONS }, (_, i) => run(SEED + 7919 * i));
}

function expectInside(theory: number, ci: ConfidenceInterval, what: string): void {
  const message = `${what}: theory ${theory.toPrecision(6)} vs simulated ${ci.mean.toPrecision(6)} ± ${ci.halfWidth.toPrecision(3)} (n=${ci.n})`;
  expect(ci.n, message).toBe(REPLICATIONS);
  expect(theory >= ci.low && theory <= ci.high, message).toBe(true);
}

const exp = (mean: number) => distribution({ kind: 'exponential', mean });

describe('validation: single-station queues against theory (95 % CI of 10 replications)', () => {
  const mmcCases: [number, number, number][] = [
    // servers, rho, customers per replication
    [1, 0.5, 60_000],
    [1, 0.9, 250_000],
    [4, 0.5, 60_000],
    [4, 0.9, 200_000],
  ];
  for (const [c, rho, customers] of mmcCases) {
    it(`M/M/${c} at ρ = ${rho}: mean wait against Erlang C`, () => {
      const lambda = rho * c; // μ = 1
      const runs = replications((seed) => queueReplication(seed, [{ lambda, service: exp(1) }], c, customers, customers / 10));
      expectInside(mmc(lambda, 1, c).Wq, confidenceInterval(runs.map((r) => r.wait[0]!)), `M/M/${c} ρ=${rho} Wq`);
    });
  }

  it('M/D/1 at ρ = 0.7: mean wait against Pollaczek–Khinchine', () => {
    const runs = replications((seed) =>
      queueReplication(seed, [{ lambda: 0.7, service: distribution({ kind: 'constant', value: 1 }) }], 1, 100_000, 10_000),
    );
    expectInside(mg1({ arrivalRate: 0.7, meanService: 1, serviceCv: 0 }).Wq, confidenceInterval(runs.map((r) => r.wait[0]!)), 'M/D/1 Wq');
  });

  it('M/H2/1 (hyperexponential service, cv 2) at ρ = 0.6: mean wait against Pollaczek–Khinchine', () => {
    const service = distribution({ kind: 'hyperexponential', mean: 1, cv: 2 });
    const runs = replications((seed) => queueReplication(seed, [{ lambda: 0.6, service }], 1, 200_000, 20_000));
    expectInside(mg1({ arrivalRate: 0.6, meanService: 1, serviceCv: 2 }).Wq, confidenceInterval(runs.map((r) => r.wait[0]!)), 'M/H2/1 Wq');
  });

  it('M/M/2/5 blocking probability against the birth–death solution', () => {
    const runs = replications((seed) => queueReplication(seed, [{ lambda: 2, service: exp(1) }], 2, 60_000, 2_000, 5));
    const theory = mmck(2, 1, 2, 5);
    expectInside(theory.pBlock, confidenceInterval(runs.map((r) => r.blocked)), 'M/M/2/5 P(block)');
    expectInside(theory.Wq, confidenceInterval(runs.map((r) => r.wait[0]!)), 'M/M/2/5 Wq');
  });

  it('two-class non-preemptive priority M/M/1 against Cobham', () => {
    const classes = [
      { lambda: 0.3, service: exp(1) },
      { lambda: 0.5, service: exp(1) },
    ];
    const runs = replications((seed) => queueReplication(seed, classes, 1, 200_000, 20_000));
    const theory = cobham(classes.map((c) => ({ arrivalRate: c.lambda, meanService: 1, serviceCv: 1 })));
    expectInside(theory.classes[0]!.Wq, confidenceInterval(runs.map((r) => r.wait[0]!)), 'priority class 1 Wq');
    expectInside(theory.classes[1]!.Wq, confidenceInterval(runs.map((r) => r.wait[1]!)), 'priority class 2 Wq');
  });

  it('M/M/1 processor sharing (PSServer) at ρ = 0.7: mean sojourn 1/(μ − λ)', () => {
    const runs = replications((seed) => {
      const sim = new Simulation({ seed });
      const ps = new PSServer(sim, { rate: 1 });
      const ra = sim.rng('arrivals');
      const rs = sim.rng('work');
      const sojourn = new Tally();
      let n = 0;
      const customers = 150_000;
      const arrive = (): void => {
        const k = n++;
        if (k >= customers) return;
        sim.schedule(-Math.log(1 - ra.next()) / 0.7, arrive);
        const t0 = sim.now;
        ps.serveCallback(-Math.log(1 - rs.next()), () => {
          if (k >= 15_000) sojourn.add(sim.now - t0);
        });
      };
      arrive();
      sim.run();
      return sojourn.mean;
    });
    expectInside(mm1ps(0.7, 1).W, confidenceInterval(runs), 'M/M/1-PS W');
  });

  it('the same seed reproduces a replication exactly; another seed does not', () => {
    const run = (seed: number) => queueReplication(seed, [{ lambda: 0.8, service: exp(1) }], 2, 5_000, 0);
    expect(run(5)).toEqual(run(5));
    expect(run(5).wait[0]).not.toBe(run(6).wait[0]);
  });
});
