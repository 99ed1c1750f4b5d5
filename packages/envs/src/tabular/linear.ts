import { EnvError } from '../errors';

/**
 * Solves `M x = b` for a dense n x n row-major matrix by Gaussian elimination with partial
 * pivoting, in float64. Inputs are not modified. O(n^3): fine for tabular MDPs up to a few
 * thousand states. This is the one dense float64 solver of bomrl; other packages call it too.
 *
 * `relativePivotTolerance` declares M singular when the best pivot is at most that fraction of
 * M's largest entry (e.g. 1e-14 for "singular to working precision"); the default 0 rejects only
 * pivots below 1e-300, which suits the well-conditioned `I - gamma P` systems of tabular MDPs.
 */
export function solveLinear(
  M: Float64Array,
  b: Float64Array,
  n: number,
  relativePivotTolerance = 0,
): Float64Array {
  const a = Float64Array.from(M);
  const x = Float64Array.from(b);
  let scale = 0;
  if (relativePivotTolerance > 0) for (const v of a) scale = Math.max(scale, Math.abs(v));
  const singular = (pivot: number) =>
    relativePivotTolerance > 0 ? !(pivot > relativePivotTolerance * scale) : pivot < 1e-300;
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
    if (singular(best)) {
      throw new EnvError('solveLinear: the matrix is singular to working precision');
    }
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
