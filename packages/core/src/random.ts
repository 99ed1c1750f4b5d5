import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Serializable generator state (for bit-exact resume). */
export interface RandomState {
  readonly s: readonly [number, number, number, number];
  /** A spare standard normal from the last Box-Muller pair, if any. */
  readonly spare: number | null;
}

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

/**
 * Seeded random numbers for tfjs code (xoshiro128**, seeded by splitmix32).
 *
 * tfjs's own seeded ops do not expose their state, so a run that stops and resumes could not
 * continue the same stream; this generator can (`getState` / `setState`). Values are drawn in
 * float64 and written into tensors, so the same seed gives the same numbers on every backend.
 */
export class Random {
  private readonly s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed))
      throw new TypeError(`Random: seed must be a finite number, got ${seed}`);
    const next = splitmix32(Math.floor(seed));
    for (let i = 0; i < 4; i++) this.s[i] = next();
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** Restores a generator from {@link Random.getState}. */
  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.setState(state);
    return r;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    // Uint32Array storage keeps every state word an unsigned 32-bit integer.
    const s = this.s as unknown as [number, number, number, number];
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`Random.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Box-Muller, spare cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A float32 tensor of standard normals. */
  normalTensor(shape: number[]): Tensor {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.normal();
    return tf.tensor(values, shape, 'float32');
  }

  /** A float32 tensor uniform in [low, high). */
  uniformTensor(shape: number[], low = 0, high = 1): Tensor {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * this.float();
    return tf.tensor(values, shape, 'float32');
  }

  /** An independent generator derived from this one (advances this one by four draws). */
  fork(): Random {
    return new Random(this.nextUint32() ^ Math.imul(this.nextUint32(), 0x27d4eb2d));
  }

  /** The full state, JSON-serializable. */
  getState(): RandomState {
    const [a, b, c, d] = this.s as unknown as [number, number, number, number];
    return { s: [a, b, c, d], spare: this.spare };
  }

  /** Restores a state from {@link Random.getState}. */
  setState(state: RandomState): void {
    const s = state?.s;
    if (
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)
    ) {
      throw new TypeError('Random.setState: state.s must be four unsigned 32-bit integers');
    }
    this.s.set(s);
    this.spare = state.spare ?? null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
