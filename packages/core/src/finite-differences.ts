import { InvalidArgumentError } from '@bomrl/envs';
/**
 * Float64 central finite differences: the reference that every gradient and Hessian-vector
 * product in bomrl is tested against. Plain TypeScript, no tfjs, so the reference does not
 * share any code (or float32 rounding) with what it checks.
 */

/** A scalar function of a float64 vector. */
export type Float64Fn = (x: Float64Array) => number;

/** Central-difference gradient, step `h` per coordinate (error O(h^2)). */
export function centralGradient(f: Float64Fn, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  const y = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    y[i] = xi + h;
    const fp = f(y);
    y[i] = xi - h;
    const fm = f(y);
    y[i] = xi;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/**
 * Central-difference Hessian-vector product from function values only:
 * (Hv)_i = [f(x+hv+he_i) - f(x+hv-he_i) - f(x-hv+he_i) + f(x-hv-he_i)] / (4h^2).
 * With float64 and h ~ 1e-4 the error is ~1e-8 relative for smooth f.
 */
export function centralHessianVectorProduct(
  f: Float64Fn,
  x: Float64Array,
  v: Float64Array,
  h = 1e-4,
): Float64Array {
  if (x.length !== v.length)
    throw new InvalidArgumentError('centralHessianVectorProduct: x and v differ in length');
  const vn = Math.hypot(...v) || 1;
  const plus = x.map((xi, i) => xi + (h * v[i]!) / vn);
  const minus = x.map((xi, i) => xi - (h * v[i]!) / vn);
  const gp = centralGradient(f, plus, h);
  const gm = centralGradient(f, minus, h);
  return gp.map((g, i) => ((g - gm[i]!) / (2 * h)) * vn);
}

/** Relative error ||a - b|| / max(||b||, floor). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) throw new InvalidArgumentError('relativeError: lengths differ');
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), floor);
}
