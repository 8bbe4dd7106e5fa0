// Open Jackson networks and exact mean value analysis (MVA) of closed networks; Little's law.
import { mmc, type QueueMetrics } from './erlang.js';

export interface JacksonNode {
  servers: number;
  /** Service rate per server, 1/s. */
  serviceRate: number;
}

export interface JacksonNetworkInput {
  nodes: readonly JacksonNode[];
  /** External arrival rate into each node, 1/s. */
  external: readonly number[];
  /** routing[i][j]: probability a customer leaving i goes to j (the rest leave the network). */
  routing: readonly (readonly number[])[];
}

export interface JacksonNetworkResult {
  /** Total arrival rate into each node (solution of λ = γ + λP). */
  arrivalRates: number[];
  nodes: QueueMetrics[];
  /** Mean customers in the network. */
  L: number;
  /** Mean time in the network per customer (Little: L / Σγ). */
  W: number;
  /** Σ external arrivals = departure rate. */
  throughput: number;
  /** Mean visits to each node per customer. */
  visits: number[];
}

/** Solve A x = b by Gaussian elimination with partial pivoting. */
export function solveLinear(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-14) throw new RangeError('singular system (does every customer eventually leave the network?)');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      if (f === 0) continue;
      for (let k = col; k <= n; k++) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export function jacksonNetwork(input: JacksonNetworkInput): JacksonNetworkResult {
  const n = input.nodes.length;
  if (n === 0) throw new RangeError('jacksonNetwork: at least one node is needed');
  if (input.external.length !== n) throw new RangeError(`jacksonNetwork: external needs ${n} rates, got ${input.external.length}`);
  if (input.routing.length !== n) throw new RangeError(`jacksonNetwork: routing needs ${n} rows, got ${input.routing.length}`);
  input.routing.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`jacksonNetwork: routing row ${i} needs ${n} entries, got ${row.length}`);
    const s = row.reduce((a, b) => a + b, 0);
    if (row.some((p) => !(p >= 0)) || s > 1 + 1e-12) throw new RangeError(`jacksonNetwork: routing row ${i} must hold probabilities summing to ≤ 1, got [${row.join(', ')}]`);
  });
  // (I − Pᵀ) λ = γ
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - input.routing[j]![i]!));
  const arrivalRates = solveLinear(A, input.external);
  const nodes = input.nodes.map((node, i) => {
    try {
      return mmc(arrivalRates[i]!, node.serviceRate, node.servers);
    } catch (e) {
      throw new RangeError(`jacksonNetwork: node ${i} (arrival rate ${arrivalRates[i]}): ${(e as Error).message}`);
    }
  });
  const throughput = input.external.reduce((a, b) => a + b, 0);
  const L = nodes.reduce((acc, m) => acc + m.L, 0);
  return { arrivalRates, nodes, L, W: L / throughput, throughput, visits: arrivalRates.map((l) => l / throughput) };
}

export interface MvaStation {
  kind: 'queue' | 'delay';
  /** Service demand per customer cycle (visits × mean service time), seconds. */
  demand: number;
}

export interface MvaResult {
  /** System throughput (cycles per second) at each population 1..N (index n−1). */
  throughput: number[];
  /** Response time excluding think time, at each population. */
  responseTime: number[];
  /** At population N: */
  residence: number[];
  queueLength: number[];
  utilization: number[];
}

/** Exact MVA (Reiser & Lavenberg) for a single-class closed network with N customers and think time Z. */
export function mva(stations: readonly MvaStation[], customers: number, thinkTime = 0): MvaResult {
  if (!(Number.isInteger(customers) && customers >= 1)) throw new RangeError(`mva: customers must be an integer ≥ 1, got ${customers}`);
  if (!(thinkTime >= 0)) throw new RangeError(`mva: thinkTime must be ≥ 0, got ${thinkTime}`);
  stations.forEach((s, i) => {
    if (!(s.demand >= 0 && s.demand < Infinity)) throw new RangeError(`mva: station ${i} demand must be a finite number ≥ 0, got ${s.demand}`);
    if (s.kind !== 'queue' && s.kind !== 'delay') throw new RangeError(`mva: station ${i} kind must be 'queue' or 'delay', got ${String(s.kind)}`);
  });
  const q = new Array<number>(stations.length).fill(0);
  const r = new Array<number>(stations.length).fill(0);
  const throughput: number[] = [];
  const responseTime: number[] = [];
  let x = 0;
  for (let n = 1; n <= customers; n++) {
    let total = 0;
    for (let k = 0; k < stations.length; k++) {
      const s = stations[k]!;
      r[k] = s.kind === 'delay' ? s.demand : s.demand * (1 + q[k]!);
      total += r[k]!;
    }
    x = n / (thinkTime + total);
    for (let k = 0; k < stations.length; k++) q[k] = x * r[k]!;
    throughput.push(x);
    responseTime.push(total);
  }
  return {
    throughput,
    responseTime,
    residence: r.slice(),
    queueLength: q.slice(),
    utilization: stations.map((s) => x * s.demand), // for a delay station: mean customers there
  };
}

/** Little's law L = λW. */
export function littleL(arrivalRate: number, timeInSystem: number): number {
  return arrivalRate * timeInSystem;
}
/** Little's law W = L/λ. */
export function littleW(inSystem: number, arrivalRate: number): number {
  return inSystem / arrivalRate;
}
/** Little's law λ = L/W. */
export function littleLambda(inSystem: number, timeInSystem: number): number {
  return inSystem / timeInSystem;
}
