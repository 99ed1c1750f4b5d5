import { EnvError } from './errors';

/** JSON-serializable state of an {@link Rng} (for bit-exact resume). */
export interface RngState {
  /** The four 32-bit words of xoshiro128**. */
  readonly s: readonly [number, number, number, number];
  /** The spare standard normal of the last Box-Muller pair, if any. */
  readonly spare: number | null;
}

/** A seed (any safe integer) or an existing generator to draw from. */
export type SeedLike = number | Rng;

const TWO_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A small, fast, seeded generator (xoshiro128**, seeded through splitmix32), with no
 * dependencies. Every random draw in this package goes through one, so the same seed gives the
 * same maps, tasks and trajectories on every platform. Its state is plain JSON
 * ({@link Rng.getState}), so a trainer can stop and resume the exact stream.
 */
export class Rng {
  // Not `private`: TypeScript treats classes with private members nominally, and each entry
  // point bundles its own copy of Rng; plain fields keep the copies interchangeable.
  /** @internal xoshiro128** state. */
  s: [number, number, number, number] = [1, 0, 0, 0];
  /** @internal spare normal. */
  spare: number | null = null;

  /** @param seed any safe integer (negative and > 2^32 seeds are mixed, not truncated). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** `seed` as a fresh generator, or the generator itself (shared, not copied). */
  static from(seed: SeedLike): Rng {
    // Duck-typed rather than `instanceof`: two installed copies of the package must interoperate.
    if (typeof seed === 'number') return new Rng(seed);
    if (typeof seed === 'object' && seed !== null && typeof seed.nextUint32 === 'function')
      return seed;
    throw new EnvError(`expected a seed (safe integer) or an Rng, got ${typeof seed}`);
  }

  /** A generator restored from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Re-seeds in place (the same seed restarts the same stream). */
  seed(seed: number): void {
    if (!Number.isSafeInteger(seed)) {
      throw new EnvError(`Rng: seed must be a safe integer, got ${seed}`);
    }
    // Fold the high bits in so seeds that differ only above bit 32 give different streams.
    const hi = Math.floor(seed / TWO_32);
    const next = splitmix32((seed >>> 0) ^ Math.imul(hi >>> 0, 0x27d4eb2d));
    this.s = [next(), next(), next(), next()];
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spare = null;
  }

  /** The next raw unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** @deprecated Use {@link Rng.next} (the same draw; kept for code written against core's `Random`). */
  float(): number {
    return this.next();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n), for a positive integer n <= 2^32 (unbiased: rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_32) {
      throw new EnvError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Reject the top partial block so every residue is equally likely.
    const limit = TWO_32 - (TWO_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A standard normal (Box-Muller; the pair's second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Draws an index from the categorical distribution `probs[offset .. offset + length)` (the
   * probabilities should sum to 1; the last index absorbs rounding).
   */
  categorical(probs: ArrayLike<number>, offset = 0, length = probs.length - offset): number {
    const u = this.next();
    let acc = 0;
    for (let i = 0; i < length - 1; i++) {
      acc += probs[offset + i] as number;
      if (u < acc) return i;
    }
    return length - 1;
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** An independent generator derived from this one (advances this one by two draws). */
  fork(): Rng {
    const a = this.nextUint32();
    const b = this.nextUint32();
    return new Rng(a * 2097152 + (b >>> 11));
  }

  /** A copy with the same state (both then produce the same stream). */
  clone(): Rng {
    return Rng.fromState(this.getState());
  }

  /** The full state, JSON-serializable. */
  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spare: this.spare };
  }

  /** Restores a state from {@link Rng.getState}. */
  setState(state: RngState): void {
    const s = state?.s;
    if (
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((x) => Number.isInteger(x) && x >= 0 && x < TWO_32) ||
      s.every((x) => x === 0)
    ) {
      throw new EnvError(
        'Rng.setState: state.s must be four unsigned 32-bit integers, not all zero (use getState())',
      );
    }
    const spare = state.spare ?? null;
    if (spare !== null && !Number.isFinite(spare)) {
      throw new EnvError('Rng.setState: state.spare must be a finite number or null');
    }
    this.s = [s[0], s[1], s[2], s[3]] as [number, number, number, number];
    this.spare = spare;
  }
}
