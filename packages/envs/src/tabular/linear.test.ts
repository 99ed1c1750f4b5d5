import { describe, expect, it } from 'vitest';
import { solveLinear } from './linear';

describe('solveLinear', () => {
  it('solves a pivoting-needed system exactly and leaves its inputs alone', () => {
    // [[0, 2, 1], [1, 1, 1], [2, 1, 3]] x = b with x = (1, -2, 3): the zero leading entry forces a
    // row swap; integers keep every intermediate exact up to rounding of a few divisions (1e-14)
    const M = Float64Array.of(0, 2, 1, 1, 1, 1, 2, 1, 3);
    const b = Float64Array.of(-1, 2, 9);
    const x = solveLinear(M, b, 3);
    [1, -2, 3].forEach((v, i) => expect(Math.abs((x[i] as number) - v)).toBeLessThan(1e-14));
    expect(Array.from(M)).toEqual([0, 2, 1, 1, 1, 1, 2, 1, 3]);
    expect(Array.from(b)).toEqual([-1, 2, 9]);
  });

  it('rejects singular matrices; a relative pivot tolerance also rejects nearly singular ones', () => {
    expect(() => solveLinear(Float64Array.of(1, 2, 2, 4), Float64Array.of(1, 1), 2)).toThrow(
      /singular/,
    );
    // the second pivot is 1e-16 of the largest entry: solvable in float64, below a 1e-14 tolerance
    const nearly = Float64Array.of(1, 1, 1, 1 + 1e-16 * 8);
    const rhs = Float64Array.of(1, 2);
    expect(solveLinear(nearly, rhs, 2).every(Number.isFinite)).toBe(true);
    expect(() => solveLinear(nearly, rhs, 2, 1e-14)).toThrow(/singular/);
  });
});
