// M/G/1 (Pollaczek–Khinchine), M/G/1 non-preemptive priorities (Cobham), M/M/1 processor sharing.

export interface ServiceMoments {
  arrivalRate: number;
  meanService: number;
  /** Coefficient of variation of the service time (1 = exponential, 0 = deterministic). */
  serviceCv: number;
}

function check(fn: string, s: ServiceMoments): void {
  if (!(s.arrivalRate >= 0 && s.arrivalRate < Infinity)) throw new RangeError(`${fn}: arrivalRate must be a finite number ≥ 0, got ${s.arrivalRate}`);
  if (!(s.meanService > 0 && s.meanService < Infinity)) throw new RangeError(`${fn}: meanService must be a finite number > 0, got ${s.meanService}`);
  if (!(s.serviceCv >= 0 && s.serviceCv < Infinity)) throw new RangeError(`${fn}: serviceCv must be a finite number ≥ 0, got ${s.serviceCv}`);
}

const secondMoment = (s: ServiceMoments): number => s.meanService * s.meanService * (1 + s.serviceCv * s.serviceCv);

export interface SingleServerMetrics {
  rho: number;
  Wq: number;
  W: number;
  Lq: number;
  L: number;
}

/** Pollaczek–Khinchine: Wq = λ E[S²] / (2 (1 − ρ)). */
export function mg1(s: ServiceMoments): SingleServerMetrics {
  check('mg1', s);
  const rho = s.arrivalRate * s.meanService;
  if (!(rho < 1)) throw new RangeError(`mg1: unstable, ρ = λ E[S] = ${rho} must be below 1`);
  const Wq = (s.arrivalRate * secondMoment(s)) / (2 * (1 - rho));
  const W = Wq + s.meanService;
  return { rho, Wq, W, Lq: s.arrivalRate * Wq, L: s.arrivalRate * W };
}

/**
 * Cobham's formula, M/G/1 with non-preemptive priority classes (index 0 most urgent):
 * Wq_k = W0 / ((1 − σ_{k−1})(1 − σ_k)), W0 = Σ λ_i E[S_i²] / 2, σ_k = Σ_{i≤k} ρ_i.
 */
export function cobham(classes: readonly ServiceMoments[]): { rho: number; classes: SingleServerMetrics[] } {
  if (classes.length === 0) throw new RangeError('cobham: at least one class is needed');
  classes.forEach((c, i) => check(`cobham (class ${i})`, c));
  const rhos = classes.map((c) => c.arrivalRate * c.meanService);
  const rho = rhos.reduce((a, b) => a + b, 0);
  if (!(rho < 1)) throw new RangeError(`cobham: unstable, total ρ = ${rho} must be below 1`);
  const w0 = classes.reduce((acc, c) => acc + (c.arrivalRate * secondMoment(c)) / 2, 0);
  let sigmaBefore = 0;
  const out = classes.map((c, i) => {
    const sigma = sigmaBefore + rhos[i]!;
    const Wq = w0 / ((1 - sigmaBefore) * (1 - sigma));
    sigmaBefore = sigma;
    const W = Wq + c.meanService;
    return { rho: rhos[i]!, Wq, W, Lq: c.arrivalRate * Wq, L: c.arrivalRate * W };
  });
  return { rho, classes: out };
}

/** M/M/1 processor sharing: mean sojourn 1/(μ − λ); a job of size x stays x/(1 − ρ) on average. */
export function mm1ps(lambda: number, mu: number): { rho: number; W: number; L: number; sojourn: (work: number) => number } {
  if (!(lambda >= 0 && lambda < Infinity)) throw new RangeError(`mm1ps: arrival rate must be a finite number ≥ 0, got ${lambda}`);
  if (!(mu > 0 && mu < Infinity)) throw new RangeError(`mm1ps: service rate must be a finite number > 0, got ${mu}`);
  const rho = lambda / mu;
  if (!(rho < 1)) throw new RangeError(`mm1ps: unstable, ρ = λ/μ = ${rho} must be below 1`);
  return { rho, W: 1 / (mu - lambda), L: rho / (1 - rho), sojourn: (work) => work / (1 - rho) };
}
