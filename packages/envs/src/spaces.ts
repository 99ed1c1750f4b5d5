import { EnvError } from './errors';
import type { Rng } from './rng';

/** A finite set of integer actions or observations `{0, 1, ..., n - 1}`. */
export class Discrete {
  readonly kind = 'discrete' as const;
  /** Discrete values are scalars. */
  readonly shape: readonly number[] = [];

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n <= 0) {
      throw new EnvError(`Discrete: n must be a positive integer, got ${n}`);
    }
  }

  /** Whether `x` is an integer in [0, n). */
  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < this.n;
  }

  /** A uniform element. */
  sample(rng: Rng): number {
    return rng.int(this.n);
  }

  /** Plain JSON description. */
  toJSON(): { kind: 'discrete'; n: number } {
    return { kind: 'discrete', n: this.n };
  }
}

/** A box of real vectors `low <= x <= high` (elementwise), flattened to `size` numbers. */
export class Box {
  readonly kind = 'box' as const;
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Number of elements (product of `shape`). */
  readonly size: number;

  /**
   * @param low scalar (broadcast) or one bound per element
   * @param high scalar (broadcast) or one bound per element
   * @param shape the element shape, e.g. `[2]`
   */
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    readonly shape: readonly number[],
  ) {
    if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new EnvError(`Box: shape must be positive integers, got [${shape.join(', ')}]`);
    }
    this.size = shape.reduce((a, b) => a * b, 1);
    this.low = broadcast(low, this.size, 'low');
    this.high = broadcast(high, this.size, 'high');
    for (let i = 0; i < this.size; i++) {
      if (!((this.low[i] as number) <= (this.high[i] as number))) {
        throw new EnvError(`Box: low[${i}] must be <= high[${i}]`);
      }
    }
  }

  /** Whether `x` is an array of `size` numbers inside the bounds. */
  contains(x: unknown): x is ArrayLike<number> {
    if (!isNumberArray(x) || x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = x[i] as number;
      if (!(v >= (this.low[i] as number) && v <= (this.high[i] as number))) return false;
    }
    return true;
  }

  /** A uniform element (requires finite bounds). */
  sample(rng: Rng): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
        throw new EnvError('Box.sample: bounds must be finite to sample uniformly');
      }
      out[i] = rng.uniform(lo, hi);
    }
    return out;
  }

  /** Plain JSON description (infinite bounds become null, as JSON has no Infinity). */
  toJSON(): { kind: 'box'; shape: number[]; low: (number | null)[]; high: (number | null)[] } {
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return {
      kind: 'box',
      shape: [...this.shape],
      low: Array.from(this.low, finite),
      high: Array.from(this.high, finite),
    };
  }
}

/** Any space this package uses. */
export type Space = Discrete | Box;

/** Whether `x` is a number[] or a typed array of numbers (not BigInt). */
export function isNumberArray(x: unknown): x is ArrayLike<number> {
  if (Array.isArray(x)) return x.every((v) => typeof v === 'number');
  return (
    ArrayBuffer.isView(x) &&
    !(x instanceof DataView) &&
    !(x instanceof BigInt64Array) &&
    !(x instanceof BigUint64Array)
  );
}

/** Floats a space occupies in a flat Float32Array buffer (a discrete value takes one). */
export function flatSize(space: Space): number {
  return space.kind === 'discrete' ? 1 : space.size;
}

function broadcast(v: number | ArrayLike<number>, size: number, name: string): Float64Array {
  if (typeof v === 'number') return new Float64Array(size).fill(v);
  if (v.length !== size) {
    throw new EnvError(`Box: ${name} has ${v.length} elements but the shape has ${size}`);
  }
  return Float64Array.from(v);
}
