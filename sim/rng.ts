// Seedable pseudo-random numbers: xoshiro128** (Blackman & Vigna), 128-bit state, period 2^128 − 1.
// Named streams are derived by hashing (seed, name) into the whole 128-bit state, so two names give
// generators that start far apart in practice and whose outputs are uncorrelated.

export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer on 0..n−1 (n a positive integer). */
  nextInt(n: number): number;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// murmur3's finaliser: a bijective avalanche on 32 bits.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const LANE_KEYS = [0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced4b3d];

/** 32-bit hash of (seed, stream name) for one of four lanes; lanes use different keys. */
function laneHash(seedLo: number, seedHi: number, name: string, lane: number): number {
  let h = fmix32((seedLo ^ LANE_KEYS[lane]!) >>> 0);
  h = fmix32((h ^ Math.imul(seedHi ^ 0x27d4eb2f, 0x165667b1)) >>> 0);
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d + lane * 2);
  }
  h ^= name.length;
  return fmix32(h >>> 0);
}

export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) s0 = 0x9e3779b9; // the all-zero state is a fixed point
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    // Burn in so weak (low-entropy) hash outputs have no visible effect on the first draws.
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  next(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextInt(n: number): number {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`nextInt: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }
}

/** A generator for `stream` derived from `seed` (any finite number; integers are the norm). */
export function createRng(seed: number, stream = ''): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // Split the seed into two 32-bit halves; a fractional part is folded into the name so 1 and 1.5 differ.
  const whole = Math.trunc(seed);
  const lo = whole >>> 0;
  const hi = Math.floor(whole / 4294967296) >>> 0;
  const name = whole === seed ? stream : `${stream}\u0000${seed}`;
  return new Xoshiro128(
    laneHash(lo, hi, name, 0),
    laneHash(lo, hi, name, 1),
    laneHash(lo, hi, name, 2),
    laneHash(lo, hi, name, 3),
  );
}
