import { describe, expect, it } from 'vitest';
import { choleskySolve } from './cholesky';

describe('choleskySolve', () => {
  it('solves an SPD system: M x reproduces b to rounding', () => {
    // M = A A^T + I is SPD for any A
    const n = 6;
    const A = Float64Array.from({ length: n * n }, (_, i) => Math.sin(1.7 * i + 0.3));
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) s += A[i * n + k]! * A[j * n + k]!;
        M[i * n + j] = s;
      }
    const b = Float64Array.from({ length: n }, (_, i) => i - 2.5);
    const x = choleskySolve(M, b, n)!;
    for (let i = 0; i < n; i++) {
      let r = -b[i]!;
      for (let j = 0; j < n; j++) r += M[i * n + j]! * x[j]!;
      // residual at float64 rounding of a well-conditioned 6 x 6 system
      expect(Math.abs(r)).toBeLessThan(1e-12);
    }
  });

  it('returns null for a matrix that is not positive definite, or has NaN', () => {
    expect(choleskySolve([1, 2, 2, 1], [1, 1], 2)).toBeNull(); // eigenvalues 3 and -1
    expect(choleskySolve([Number.NaN, 0, 0, 1], [1, 1], 2)).toBeNull();
    expect(Array.from(choleskySolve([4, 0, 0, 9], [8, 9], 2)!)).toEqual([2, 1]);
  });
});
