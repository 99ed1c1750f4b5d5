import { ensureSecondOrderGradients } from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type HostMatvec, hostMatvec, toHost, toTensor } from './host';
import {
  DEFAULT_STATIONARITY_TOL,
  type ImplicitGradientDiagnostics,
  type ImplicitGradientResult,
  stationarityWarning,
} from './implicit-gradient';
import {
  type BiCGStabOptions,
  bicgstabHost,
  type CGOptions,
  conjugateGradientHost,
  type DirectOptions,
  directSolveHost,
  type HostSolveResult,
} from './linear-solvers';
import { solveWarnings } from './solve';

/** An optimality condition F(theta, phi) with F(theta*(phi), phi) = 0; F has theta's length. */
export type OptimalityCondition = (theta: Tensor1D, phi: Tensor1D) => Tensor1D;

/**
 * How to solve the transposed-Jacobian system A^T u = g, A = dF/dtheta at (theta*, phi).
 * - `bicgstab` (default): any nonsingular A, products with A^T only (one VJP each).
 * - `normal-cg`: CG on the normal equations (A A^T + damping I) u = A g; needs A^T and A
 *   products (a VJP and a JVP, the JVP by double backprop) and squares the condition number,
 *   but cannot break down. Damping here is Tikhonov regularization of the normal equations.
 * - `cg`: only if A is symmetric positive definite (e.g. F = grad G for an argmin, or
 *   F = -grad G for an argmax); solves (A + damping I) u = g.
 * - `direct`: dense A^T from n VJPs, float64 LU; for small n.
 * Damping otherwise means (A^T + damping I) u = g.
 */
export type ConditionSolveSpec =
  | ({ kind: 'bicgstab' } & BiCGStabOptions)
  | ({ kind: 'normal-cg' } & CGOptions)
  | ({ kind: 'cg' } & CGOptions)
  | ({ kind: 'direct' } & DirectOptions);

/** Inputs of {@link implicitGradientFromCondition}. */
export interface ConditionGradientOptions {
  /** F(theta, phi), zero at the solution; differentiable in theta and phi. */
  condition: OptimalityCondition;
  /** theta*(phi) with F(theta*, phi) = 0. Not disposed. */
  solution: Tensor1D;
  /** phi. Not disposed. */
  params: Tensor1D;
  /** g = grad_theta outer(theta) at theta*. Not disposed. */
  outerGradient: Tensor1D;
  /** Default `{ kind: 'bicgstab' }` (100 iterations, tol 1e-6). */
  solve?: ConditionSolveSpec;
  /** Warn when ||F(theta*, phi)|| exceeds this. Default 1e-3. */
  stationarityTol?: number;
}

/** Output of {@link implicitGradientFromCondition}: as {@link ImplicitGradientResult}. */
export interface ConditionGradientResult extends Omit<ImplicitGradientResult, 'diagnostics'> {
  diagnostics: Omit<ImplicitGradientDiagnostics, 'solver'> & { solver: ConditionSolveSpec['kind'] };
}

/** u -> grad_x <F(x), u>: the vector-Jacobian product A^T u. */
function vjp(F: (x: Tensor1D) => Tensor1D, x: Tensor1D, u: Tensor1D): Tensor1D {
  return tf.grad((y: Tensor) => tf.sum(tf.mul(F(y as Tensor1D), u)) as Scalar)(x) as Tensor1D;
}

/**
 * x -> A x, the Jacobian-vector product, by differentiating the (linear) VJP w -> A^T w:
 * A x = grad_w <A^T w, x>. tfjs has no forward mode; this costs a double backprop.
 */
function jvp(F: (x: Tensor1D) => Tensor1D, x: Tensor1D, dx: Tensor1D, outSize: number): Tensor1D {
  return tf.grad((w: Tensor) => tf.sum(tf.mul(vjp(F, x, w as Tensor1D), dx)) as Scalar)(
    tf.zeros([outSize]),
  ) as Tensor1D;
}

function solveCondition(
  spec: ConditionSolveSpec,
  F: (x: Tensor1D) => Tensor1D,
  theta: Tensor1D,
  g: Float64Array,
): HostSolveResult {
  const n = g.length;
  const At: HostMatvec = hostMatvec((u) => vjp(F, theta, u), n);
  switch (spec.kind) {
    case 'bicgstab':
      return bicgstabHost(At, g, spec);
    case 'cg':
      return conjugateGradientHost(At, g, spec);
    case 'direct':
      return directSolveHost(At, g, spec);
    case 'normal-cg': {
      const A: HostMatvec = hostMatvec((x) => jvp(F, theta, x, n), n);
      return conjugateGradientHost((u) => A(At(u)), A(g), spec);
    }
  }
}

/**
 * Implicit gradient from an optimality condition F(theta*(phi), phi) = 0 (the general
 * `custom_root` form: F may be a gradient, a fixed-point residual theta - T(theta, phi), a KKT
 * system, ...). With A = dF/dtheta and B = dF/dphi at the solution, d theta* / d phi = -A^{-1} B, so
 *
 *     solve A^T u = g,   d outer / d phi = -grad_phi <F(theta, phi), u>  at theta*, u fixed.
 *
 * A need not be symmetric (default solver BiCGSTAB). Products with A^T are VJPs of F, so F
 * itself needs only first-order gradients, unless F is built from tf.grad (then its ops need
 * correct second-order gradients, which `@bomrl/core` provides for the ops it lists).
 */
export function implicitGradientFromCondition(
  options: ConditionGradientOptions,
): ConditionGradientResult {
  const {
    condition,
    solution,
    params,
    outerGradient,
    solve = { kind: 'bicgstab' },
    stationarityTol = DEFAULT_STATIONARITY_TOL,
  } = options;
  if (solution.rank !== 1 || params.rank !== 1 || outerGradient.rank !== 1) {
    throw new RangeError('implicitGradientFromCondition: inputs must be 1-D tensors');
  }
  if (outerGradient.shape[0] !== solution.shape[0]) {
    throw new RangeError(
      'implicitGradientFromCondition: outerGradient and solution differ in length',
    );
  }
  ensureSecondOrderGradients();
  const stationarity = tf.tidy(() => {
    const F = condition(solution, params);
    if (F.rank !== 1 || F.shape[0] !== solution.shape[0]) {
      throw new RangeError(
        `implicitGradientFromCondition: F has shape [${F.shape}], expected [${solution.shape[0]}]`,
      );
    }
    return tf.norm(F).dataSync()[0]!;
  });
  const g = toHost(outerGradient);
  const { x: u, ...report } = solveCondition(solve, (th) => condition(th, params), solution, g);
  const adjoint = toTensor(u);
  const gradient = tf.tidy(() =>
    tf.neg(vjp((p) => tf.add(condition(solution, p), tf.mul(0, tf.sum(p))), params, adjoint)),
  );
  return {
    gradient,
    adjoint,
    diagnostics: {
      solver: solve.kind,
      ...report,
      stationarity,
      warnings: [
        ...stationarityWarning(stationarity, stationarityTol, '||F(theta*, phi)||'),
        ...solveWarnings(solve.kind, { x: u, ...report }),
      ],
    },
  };
}
