// Erlang B and C, M/M/c and M/M/c/K (steady state). Rates per second, times in seconds.

function checkServers(fn: string, c: number): void {
  if (!(Number.isInteger(c) && c >= 1)) throw new RangeError(`${fn}: servers must be an integer ≥ 1, got ${c}`);
}
function checkRate(fn: string, name: string, x: number): void {
  if (!(x > 0 && x < Infinity)) throw new RangeError(`${fn}: ${name} must be a finite number > 0, got ${x}`);
}

/** Erlang B: probability an arrival finds all c servers busy and is lost (offered load a = λ/μ). */
export function erlangB(c: number, a: number): number {
  if (!(Number.isInteger(c) && c >= 0)) throw new RangeError(`erlangB: servers must be an integer ≥ 0, got ${c}`);
  if (!(a >= 0 && a < Infinity)) throw new RangeError(`erlangB: offered load must be a finite number ≥ 0, got ${a}`);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability an arrival waits in M/M/c (needs a < c). */
export function erlangC(c: number, a: number): number {
  checkServers('erlangC', c);
  if (!(a >= 0 && a < c)) throw new RangeError(`erlangC: offered load must be within [0, servers=${c}) for a stable queue, got ${a}`);
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

export interface QueueMetrics {
  /** Per-server utilisation. */
  rho: number;
  /** Probability an arrival waits (M/M/c) or, for M/M/c/K, that an admitted arrival waits. */
  pWait: number;
  /** Mean number waiting. */
  Lq: number;
  /** Mean number in the system. */
  L: number;
  /** Mean wait in queue. */
  Wq: number;
  /** Mean time in system (sojourn). */
  W: number;
}

/** M/M/c with arrival rate λ, service rate μ per server. */
export function mmc(lambda: number, mu: number, c: number): QueueMetrics {
  checkRate('mmc', 'arrival rate', lambda);
  checkRate('mmc', 'service rate', mu);
  checkServers('mmc', c);
  const a = lambda / mu;
  if (!(a < c)) throw new RangeError(`mmc: unstable, offered load λ/μ = ${a} must be below servers = ${c}`);
  const pWait = erlangC(c, a);
  const Wq = pWait / (c * mu - lambda);
  const W = Wq + 1 / mu;
  return { rho: a / c, pWait, Wq, W, Lq: lambda * Wq, L: lambda * W };
}

export interface FiniteQueueMetrics extends QueueMetrics {
  /** Probability an arrival finds K present and is lost. */
  pBlock: number;
  /** Rate of admitted arrivals λ(1 − pBlock). */
  throughput: number;
  /** Stationary distribution of the number present, 0..K. */
  p: number[];
}

/** M/M/c/K: at most K customers present (c in service, K − c waiting); arrivals finding K are lost. */
export function mmck(lambda: number, mu: number, c: number, K: number): FiniteQueueMetrics {
  checkRate('mmck', 'arrival rate', lambda);
  checkRate('mmck', 'service rate', mu);
  checkServers('mmck', c);
  if (!(Number.isInteger(K) && K >= c)) throw new RangeError(`mmck: capacity K must be an integer ≥ servers (${c}), got ${K}`);
  const a = lambda / mu;
  const w = new Array<number>(K + 1);
  w[0] = 1;
  let total = 1;
  for (let n = 1; n <= K; n++) {
    w[n] = (w[n - 1]! * a) / Math.min(n, c);
    total += w[n]!;
    if (total > 1e250) {
      for (let j = 0; j <= n; j++) w[j]! /= total;
      total = 1;
    }
  }
  const p = w.map((x) => x / total);
  let L = 0;
  let Lq = 0;
  let waitMass = 0;
  for (let n = 0; n <= K; n++) {
    L += n * p[n]!;
    if (n > c) Lq += (n - c) * p[n]!;
    if (n >= c && n < K) waitMass += p[n]!;
  }
  const pBlock = p[K]!;
  const throughput = lambda * (1 - pBlock);
  return {
    rho: throughput / (c * mu),
    pWait: waitMass / (1 - pBlock),
    pBlock,
    throughput,
    p,
    L,
    Lq,
    W: L / throughput,
    Wq: Lq / throughput,
  };
}
