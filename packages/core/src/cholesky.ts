/**
 * Solves M x = b for a symmetric positive definite n x n matrix M (row-major, float64) by
 * Cholesky factorization M = L L^T; returns null if a pivot is not positive (M not positive
 * definite, or NaN in it), so callers can add a ridge and retry. Plain TypeScript, no tfjs: the
 * one dense SPD solver of the packages (Newton steps of the lower-level solver, the linear
 * feature baseline's ridge regression).
 */
export function choleskySolve(
  M: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i * n + j] as number;
      for (let p = 0; p < j; p++) s -= (L[i * n + p] as number) * (L[j * n + p] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / (L[j * n + j] as number);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let p = 0; p < i; p++) s -= (L[i * n + p] as number) * (y[p] as number);
    y[i] = s / (L[i * n + i] as number);
  }
  // back substitution in place: y[p] for p > i already holds x[p]
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let p = i + 1; p < n; p++) s -= (L[p * n + i] as number) * (y[p] as number);
    y[i] = s / (L[i * n + i] as number);
  }
  return y;
}
