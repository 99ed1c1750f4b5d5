import { EnvError } from '../errors';

/**
 * Solves `M x = b` for a dense n x n row-major matrix by Gaussian elimination with partial
 * pivoting, in float64. Inputs are not modified. O(n^3): fine for tabular MDPs up to a few
 * thousand states.
 */
export function solveLinear(M: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(M);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    let best = Math.abs(a[col * n + col] as number);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(a[r * n + col] as number);
      if (v > best) {
        best = v;
        pivot = r;
      }
    }
    if (best < 1e-300) throw new EnvError('solveLinear: the matrix is singular');
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        const t = a[col * n + c] as number;
        a[col * n + c] = a[pivot * n + c] as number;
        a[pivot * n + c] = t;
      }
      const t = x[col] as number;
      x[col] = x[pivot] as number;
      x[pivot] = t;
    }
    const d = a[col * n + col] as number;
    for (let r = col + 1; r < n; r++) {
      const f = (a[r * n + col] as number) / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++)
        a[r * n + c] = (a[r * n + c] as number) - f * (a[col * n + c] as number);
      x[r] = (x[r] as number) - f * (x[col] as number);
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let acc = x[r] as number;
    for (let c = r + 1; c < n; c++) acc -= (a[r * n + c] as number) * (x[c] as number);
    x[r] = acc / (a[r * n + r] as number);
  }
  return x;
}
