import { ensureSecondOrderGradients, gradient, hessianVectorProduct } from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Second-order products: Hessian-vector products in one argument and the cross (mixed) product
 * d/dphi <grad_theta G(theta, phi), v>, by double backpropagation or central differences.
 */

/** A scalar function of one flat parameter vector. */
export type ScalarFn = (x: Tensor1D) => Scalar;

/** A scalar function of the inner variables theta and the outer parameters phi. */
export type BilevelObjective = (theta: Tensor1D, phi: Tensor1D) => Scalar;

/**
 * How second-order products are computed.
 * - `'double-backprop'` (default): exact to float32 rounding; differentiates through tfjs's
 *   backward pass, which is correct only with `@bomrl/core`'s second-order gradients (importing
 *   this package activates them) and only for ops that have a gradient of their gradient.
 * - `'finite-difference'`: central differences of first-order gradients. A fallback for ops
 *   without (correct) second-order gradients; costs two gradients per product and in float32 is
 *   accurate to roughly 1e-3 relative at the default step on O(1)-scaled problems.
 */
export type HvpMode = 'double-backprop' | 'finite-difference';

/** Options for second-order products. */
export interface HvpOptions {
  /** Default `'double-backprop'`. */
  mode?: HvpMode;
  /**
   * Finite-difference mode only: the length of the displacement, ||t v|| = eps (the step along
   * v is t = eps / ||v||). Default 1e-2: in float32 the truncation error (~eps^2) and the
   * rounding error (~1e-7 / eps) of a central difference balance near eps ~ 5e-3 for O(1)-scaled
   * functions; rescale for functions whose curvature varies on other length scales.
   */
  eps?: number;
}

/** The default finite-difference displacement length; see {@link HvpOptions.eps}. */
export const DEFAULT_FD_EPS = 1e-2;

function fdStep(v: Tensor1D, eps: number): number {
  if (!(eps > 0)) throw new RangeError(`finite-difference eps must be > 0, got ${eps}`);
  const vNorm = tf.tidy(() => tf.norm(v).dataSync()[0]!);
  return vNorm === 0 ? 0 : eps / vNorm;
}

/**
 * Central difference of a vector-valued function of x along v:
 * (F(x + t v) - F(x - t v)) / (2 t), with t = eps / ||v||. Zero when v = 0.
 */
function centralDirectional(
  F: (x: Tensor1D) => Tensor1D,
  x: Tensor1D,
  v: Tensor1D,
  eps: number,
  outSize: number,
): Tensor1D {
  const t = fdStep(v, eps);
  if (t === 0) return tf.zeros([outSize]);
  return tf.tidy(() => {
    const plus = F(tf.add(x, tf.mul(t, v)));
    const minus = F(tf.sub(x, tf.mul(t, v)));
    return tf.div(tf.sub(plus, minus), 2 * t);
  });
}

function checkLengths(name: string, x: Tensor1D, v: Tensor1D): void {
  if (x.rank !== 1 || v.rank !== 1 || x.shape[0] !== v.shape[0]) {
    throw new RangeError(
      `${name}: expected two vectors of equal length, got shapes [${x.shape}] and [${v.shape}]`,
    );
  }
}

/**
 * Hessian-vector product Hess f(x) v.
 *
 * `'double-backprop'` is `@bomrl/core`'s `hessianVectorProduct` (the gradient of
 * <grad f(x), v>); `'finite-difference'` is (grad f(x + t v) - grad f(x - t v)) / (2t) with
 * ||t v|| = eps, needing only first-order gradients. The caller owns the result.
 */
export function hvp(f: ScalarFn, x: Tensor1D, v: Tensor1D, options: HvpOptions = {}): Tensor1D {
  checkLengths('hvp', x, v);
  const { mode = 'double-backprop', eps = DEFAULT_FD_EPS } = options;
  if (mode === 'double-backprop') return hessianVectorProduct(f, x, v);
  ensureSecondOrderGradients();
  return centralDirectional((y) => gradient(f, y), x, v, eps, x.shape[0]);
}

/**
 * Cross product of the mixed second derivative with a vector:
 * d/dphi <grad_theta G(theta, phi), v> = (d^2 G / dphi dtheta) v, at fixed theta and v.
 *
 * This is the term that carries the inner problem's dependence on phi into an implicit
 * gradient. `'double-backprop'` differentiates grad_theta G in phi (through the backward pass);
 * `'finite-difference'` uses that the same quantity is the directional derivative of grad_phi G
 * along v in theta: (grad_phi G(theta + t v, phi) - grad_phi G(theta - t v, phi)) / (2t).
 * Returns zeros (not an error) where G's theta-gradient does not depend on phi.
 */
export function crossHvp(
  G: BilevelObjective,
  theta: Tensor1D,
  phi: Tensor1D,
  v: Tensor1D,
  options: HvpOptions = {},
): Tensor1D {
  checkLengths('crossHvp', theta, v);
  const { mode = 'double-backprop', eps = DEFAULT_FD_EPS } = options;
  ensureSecondOrderGradients();
  if (mode === 'finite-difference') {
    return centralDirectional((th) => gradPhi(G, th, phi), theta, v, eps, phi.shape[0]);
  }
  return tf.tidy(() => {
    const inner = (p: Tensor) => {
      const gTheta = tf.grad((th: Tensor) => G(th as Tensor1D, p as Tensor1D))(theta);
      // `+ 0 * sum(phi)`: tf.grad throws when its output does not depend on its input; a
      // theta-gradient free of phi has a cross term of exactly zero, which this returns.
      return tf.add(tf.sum(tf.mul(gTheta, v)), tf.mul(0, tf.sum(p))) as Scalar;
    };
    return tf.grad(inner)(phi) as Tensor1D;
  });
}

/**
 * The other mixed product: d/dtheta <grad_phi G(theta, phi), d> = (d^2 G / dtheta dphi) d, a
 * vector in theta's space for a direction d in phi's space (the transpose of {@link crossHvp}).
 * By the implicit function theorem the solution's tangent along d is
 * d theta'/d phi . d = (-Hess_theta G)^{-1} (this product), which is how a step in phi is carried
 * to theta* without solving the inner problem again. Double backpropagation only (exact to
 * float32 rounding); zeros where grad_phi G does not depend on theta.
 */
export function crossHvpTranspose(
  G: BilevelObjective,
  theta: Tensor1D,
  phi: Tensor1D,
  d: Tensor1D,
): Tensor1D {
  checkLengths('crossHvpTranspose', phi, d);
  ensureSecondOrderGradients();
  return tf.tidy(() => {
    const inner = (th: Tensor) => {
      const gPhi = tf.grad((p: Tensor) =>
        tf.add(G(th as Tensor1D, p as Tensor1D), tf.mul(0, tf.sum(p))),
      )(phi);
      // `+ 0 * sum(theta)`: as in crossHvp, a phi-gradient free of theta gives exact zeros
      return tf.add(tf.sum(tf.mul(gPhi, d)), tf.mul(0, tf.sum(th))) as Scalar;
    };
    return tf.grad(inner)(theta) as Tensor1D;
  });
}

/** grad_phi G(theta, phi) at fixed theta (zeros if G does not depend on phi). */
export function gradPhi(G: BilevelObjective, theta: Tensor1D, phi: Tensor1D): Tensor1D {
  ensureSecondOrderGradients();
  return tf.tidy(
    () =>
      tf.grad((p: Tensor) => tf.add(G(theta, p as Tensor1D), tf.mul(0, tf.sum(p))))(
        phi,
      ) as Tensor1D,
  );
}

/** grad_theta G(theta, phi) at fixed phi. */
export function gradTheta(G: BilevelObjective, theta: Tensor1D, phi: Tensor1D): Tensor1D {
  return gradient((th) => G(th, phi), theta);
}
