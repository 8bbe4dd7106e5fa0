// Seeded randomness for schedules and service times, so a load run is reproducible from its seed.
// A small local generator keeps loadgen/ independent of the simulation kernel's internals.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** splitmix32: tiny, fast, and good enough to space arrivals. */
export function seededRng(seed: number, stream = 0): Rng {
  let state = (Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.imul((stream + 1) >>> 0, 0x85ebca6b)) >>> 0;
  return {
    next(): number {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      z = (z ^ (z >>> 15)) >>> 0;
      return z / 4294967296;
    },
  };
}

/** Exponential with the given mean (inverse transform; 1 − u avoids log(0)). */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}
