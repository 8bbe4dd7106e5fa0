// Simulation kernel throughput: M/M/c at ρ = 0.9 over 10^6 customers, written with the process API,
// the callback API (with and without a Resource), and as a bare binary-heap loop with no
// abstractions (the baseline), all measured in the same run; plus memory with 10^6 pending events.
import { runInNewContext } from 'node:vm';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { createRng, mmc, Resource, Simulation, type Request, type Rng, type Waitable } from '../sim/index.js';

const CUSTOMERS = 1_000_000;
const RHO = 0.9;
const REPEATS = 3;

interface Outcome {
  meanWait: number;
}

/** Baseline: a typed-array binary heap of (time, kind) and the M/M/c logic inline. */
function bareLoop(c: number, rng: Rng): Outcome {
  const lambda = RHO * c;
  let cap = 1024;
  let times = new Float64Array(cap);
  let kinds = new Uint8Array(cap);
  let size = 0;
  const push = (t: number, k: number): void => {
    if (size === cap) {
      cap *= 2;
      const nt = new Float64Array(cap);
      nt.set(times);
      const nk = new Uint8Array(cap);
      nk.set(kinds);
      times = nt;
      kinds = nk;
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p]! <= t) break;
      times[i] = times[p]!;
      kinds[i] = kinds[p]!;
      i = p;
    }
    times[i] = t;
    kinds[i] = k;
  };
  const queue = new Float64Array(1 << 20); // ring of arrival times of waiting customers
  const qmask = queue.length - 1;
  let qh = 0;
  let qt = 0;
  let busy = 0;
  let arrived = 0;
  let served = 0;
  let waitSum = 0;
  push(-Math.log(1 - rng.next()) / lambda, 0);
  while (size > 0) {
    const now = times[0]!;
    const kind = kinds[0]!;
    // pop
    const n = --size;
    if (n > 0) {
      const t = times[n]!;
      const k = kinds[n]!;
      let i = 0;
      for (;;) {
        let ch = 2 * i + 1;
        if (ch >= n) break;
        if (ch + 1 < n && times[ch + 1]! < times[ch]!) ch++;
        if (times[ch]! >= t) break;
        times[i] = times[ch]!;
        kinds[i] = kinds[ch]!;
        i = ch;
      }
      times[i] = t;
      kinds[i] = k;
    }
    if (kind === 0) {
      if (++arrived < CUSTOMERS) push(now - Math.log(1 - rng.next()) / lambda, 0);
      if (busy < c) {
        busy++;
        served++;
        push(now - Math.log(1 - rng.next()), 1);
      } else {
        queue[qt] = now;
        qt = (qt + 1) & qmask;
      }
    } else if (qh !== qt) {
      waitSum += now - queue[qh]!;
      qh = (qh + 1) & qmask;
      served++;
      push(now - Math.log(1 - rng.next()), 1);
    } else busy--;
  }
  return { meanWait: waitSum / served };
}

/** Callback API with the calendar only (queue kept by hand, as in the bare loop). */
function callbackCalendar(c: number, sim: Simulation, rng: Rng): Outcome {
  const lambda = RHO * c;
  const queue: number[] = [];
  let qh = 0;
  let busy = 0;
  let arrived = 0;
  let served = 0;
  let waitSum = 0;
  const depart = (): void => {
    if (qh < queue.length) {
      waitSum += sim.now - queue[qh++]!;
      if (qh > 65536) {
        queue.splice(0, qh);
        qh = 0;
      }
      served++;
      sim.schedule(-Math.log(1 - rng.next()), depart);
    } else busy--;
  };
  const arrive = (): void => {
    if (++arrived < CUSTOMERS) sim.schedule(-Math.log(1 - rng.next()) / lambda, arrive);
    if (busy < c) {
      busy++;
      served++;
      sim.schedule(-Math.log(1 - rng.next()), depart);
    } else queue.push(sim.now);
  };
  sim.schedule(-Math.log(1 - rng.next()) / lambda, arrive);
  sim.run();
  return { meanWait: waitSum / served };
}

/** Callback API with a Resource (acquire/release) doing the queueing. */
function callbackResource(c: number, sim: Simulation, rng: Rng): Outcome {
  const lambda = RHO * c;
  const res = new Resource(sim, { capacity: c });
  let arrived = 0;
  let served = 0;
  let waitSum = 0;
  // FIFO: servers are granted in arrival order, so arrival times can wait in a plain queue.
  const arrivals: number[] = [];
  let head = 0;
  const granted = (req: Request): void => {
    waitSum += sim.now - arrivals[head++]!;
    if (head > 65536) {
      arrivals.splice(0, head);
      head = 0;
    }
    served++;
    sim.schedule(-Math.log(1 - rng.next()), () => res.release(req));
  };
  const arrive = (): void => {
    if (++arrived < CUSTOMERS) sim.schedule(-Math.log(1 - rng.next()) / lambda, arrive);
    arrivals.push(sim.now);
    res.acquire(granted);
  };
  sim.schedule(-Math.log(1 - rng.next()) / lambda, arrive);
  sim.run();
  return { meanWait: waitSum / served };
}

/** Process API: one generator per customer, as in SimPy. */
function processApi(c: number, sim: Simulation, rng: Rng): Outcome {
  const lambda = RHO * c;
  const res = new Resource(sim, { capacity: c });
  let served = 0;
  let waitSum = 0;
  function* customer(): Generator<Waitable<any>, void, unknown> {
    const t0 = sim.now;
    const req = res.request();
    yield req;
    waitSum += sim.now - t0;
    served++;
    yield sim.timeout(-Math.log(1 - rng.next()));
    res.release(req);
  }
  sim.process(function* () {
    for (let i = 0; i < CUSTOMERS; i++) {
      yield sim.timeout(-Math.log(1 - rng.next()) / lambda);
      sim.process(customer());
    }
  });
  sim.run();
  return { meanWait: waitSum / served };
}

interface Measured {
  /** Customers per second of wall time (best repeat). */
  rate: number;
  /** Customers per second of this process's CPU time (best repeat; includes GC threads). */
  cpuRate: number;
  outcome: Outcome;
}

function best(run: () => Outcome): Measured {
  let rate = 0;
  let cpuRate = 0;
  let outcome: Outcome = { meanWait: NaN };
  for (let r = 0; r < REPEATS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    outcome = run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    rate = Math.max(rate, CUSTOMERS / seconds);
    cpuRate = Math.max(cpuRate, CUSTOMERS / ((cpu.user + cpu.system) / 1e6));
  }
  return { rate, cpuRate, outcome };
}

function fmt(rate: number): string {
  return `${Math.round(rate).toLocaleString('en-US')}/s`;
}

function getGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose_gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

function memoryWithPendingEvents(n: number): { bytes: number; perEvent: number } {
  const gc = getGc();
  gc?.();
  const before = process.memoryUsage();
  const sim = new Simulation();
  const rng = createRng(1, 'memory');
  const noop = (): void => {};
  for (let i = 0; i < n; i++) sim.schedule(rng.next() * 1000, noop);
  gc?.();
  const after = process.memoryUsage();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  if (sim.pending !== n) throw new Error('pending count mismatch');
  return { bytes, perEvent: bytes / n };
}

export const simBenchmark = {
  name: 'sim',
  description: `simulation kernel: M/M/c at ρ = ${RHO}, ${CUSTOMERS.toLocaleString('en-US')} customers, customers simulated per second of wall time (best of ${REPEATS})`,
  async run(): Promise<void> {
    const load = loadavg();
    process.stdout.write(`load average ${load.map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (figures fall as load rises; compare the ratios)\n`);
    for (const c of [1, 4]) {
      const theory = mmc(RHO * c, 1, c).Wq;
      const bare = best(() => bareLoop(c, createRng(1, 'bench')));
      const cal = best(() => callbackCalendar(c, new Simulation({ seed: 1 }), createRng(1, 'bench')));
      const cbr = best(() => callbackResource(c, new Simulation({ seed: 1 }), createRng(1, 'bench')));
      const proc = best(() => processApi(c, new Simulation({ seed: 1 }), createRng(1, 'bench')));
      process.stdout.write(`M/M/${c}, ρ = ${RHO} (theory Wq = ${theory.toFixed(3)} s; every variant draws the same numbers, so the waits agree)\n`);
      process.stdout.write(`  ${''.padEnd(36)} ${'wall'.padStart(12)} ${'ratio'.padStart(7)}  ${'cpu time'.padStart(12)} ${'ratio'.padStart(7)}\n`);
      const row = (name: string, r: Measured): void => {
        process.stdout.write(
          `  ${name.padEnd(36)} ${fmt(r.rate).padStart(12)} ${(r.rate / bare.rate).toFixed(2).padStart(6)}×  ${fmt(r.cpuRate).padStart(12)} ${(r.cpuRate / bare.cpuRate).toFixed(2).padStart(6)}×   mean wait ${r.outcome.meanWait.toFixed(3)} s\n`,
        );
      };
      row('bare binary-heap loop (baseline)', bare);
      row('callback API (calendar only)', cal);
      row('callback API + Resource', cbr);
      row('process API (generators + Resource)', proc);
    }
    const mem = memoryWithPendingEvents(1_000_000);
    process.stdout.write(
      `memory with 10^6 pending events: ${(mem.bytes / 1048576).toFixed(1)} MB (heap + array buffers), ${mem.perEvent.toFixed(0)} bytes/event; target < 200 MB\n`,
    );
  },
};
