import { describeValue } from './describe-value.js';
import { SimclrError } from './errors.js';

/** Serialisable generator state: four 32-bit words of xoshiro128**. */
export type RngState = readonly [number, number, number, number];

/**
 * A seeded pseudo-random generator (xoshiro128**, Blackman & Vigna 2018). Every random function of the
 * library takes one explicitly, so the same seed gives the same numbers on the same backend.
 */
export interface Rng {
  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A float in [lo, hi) (lo when hi = lo). */
  uniform(lo: number, hi: number): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A normal sample (Box–Muller; two uniforms per call, so the state stays four words). */
  normal(mean?: number, std?: number): number;
  /** True with probability p. */
  bernoulli(p: number): boolean;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  /** An independent generator seeded from this one's stream; advances this one. */
  fork(): Rng;
  /** The state, to store in a checkpoint. */
  getState(): RngState;
  /** Restores a state from `getState`. */
  setState(state: RngState): void;
}

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

class Xoshiro128 implements Rng {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    const sm = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.s[i] = sm();
    // An all-zero state is a fixed point; splitmix output never gives four zeros, but guard anyway.
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  private nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  uniform(lo: number, hi: number): number {
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo || !Number.isFinite(hi - lo)) {
      throw new SimclrError(
        `uniform(lo, hi) needs finite lo <= hi with a finite hi - lo, got lo=${describeValue(lo)}, hi=${describeValue(hi)}`,
      );
    }
    if (hi === lo) return lo;
    // Far from zero, lo + (hi - lo)·u can round up to hi; drawing again keeps the result in [lo, hi).
    let v = lo + (hi - lo) * this.next();
    while (v >= hi) v = lo + (hi - lo) * this.next();
    return v;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new SimclrError(`int(n) needs an integer n in [1, 2^32], got n=${describeValue(n)}`);
    }
    // Rejection sampling removes the modulo bias for n that do not divide 2^32.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  normal(mean = 0, std = 1): number {
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
      throw new SimclrError(
        `normal(mean, std) needs finite mean and std >= 0, got mean=${describeValue(mean)}, std=${describeValue(std)}`,
      );
    }
    const u1 = 1 - this.next(); // in (0, 1], so log is finite
    const u2 = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) {
      throw new SimclrError(`bernoulli(p) needs a probability p in [0, 1], got p=${describeValue(p)}`);
    }
    return this.next() < p;
  }

  shuffle<T>(array: T[]): T[] {
    if (!Array.isArray(array)) {
      throw new SimclrError(`shuffle(array) needs an array, got ${describeValue(array)}`);
    }
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i]!;
      array[i] = array[j]!;
      array[j] = tmp;
    }
    return array;
  }

  fork(): Rng {
    const child = new Xoshiro128(0);
    child.setState([this.nextUint32(), this.nextUint32(), this.nextUint32(), (this.nextUint32() | 1) >>> 0]);
    return child;
  }

  getState(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  setState(state: RngState): void {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) ||
      state.every((w) => w === 0)
    ) {
      throw new SimclrError(
        `setState(state) needs four unsigned 32-bit integers, not all zero, got ${describeValue(state)}`,
      );
    }
    this.s.set(state);
  }
}

/** Creates a seeded generator. `seed` is any integer; it is reduced to 32 bits. */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new SimclrError(`seed must be a safe integer, got ${describeValue(seed)}`);
  }
  return new Xoshiro128(seed % TWO_POW_32);
}
