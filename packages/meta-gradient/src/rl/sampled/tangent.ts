import { scoped } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { hostMatvec } from '../../implicit/host';
import { crossHvpTranspose, hvp } from '../../implicit/hvp';
import { conjugateGradientHost } from '../../implicit/linear-solvers';
import { type PreparedTask, type SampledBomrlSettings, taskObjective } from './sampled';

/** The lower level's first-order response to a step in phi, and how well it was solved. */
export interface LowerLevelTangent {
  /** t = d theta'/d phi . direction (float64 host copy of float32 products). */
  readonly tangent: Float64Array;
  /** Hessian-vector products spent on the solve. */
  readonly iterations: number;
  /** ||H t - b|| / ||b|| as CG tracked it. */
  readonly relativeResidual: number;
}

/**
 * How theta' = argmax_theta G(theta, phi) moves when phi moves along `direction`, to first
 * order: by the implicit function theorem at a stationary theta',
 *
 *     d theta'/d phi . d = H^{-1} (d^2 G / dtheta dphi) d,    H = -Hess_theta G(theta', phi),
 *
 * one CG solve of the adjoint's system (same H, same `settings.cg`) with a right-hand side from
 * one mixed second-order product. G is the 'ignore-data' objective on the prepared batch (the
 * data and pi_phi's recorded log-probabilities held fixed; phi enters through D2), which is what
 * re-solving the lower level from phi + s d on the SAME batch maximizes, so
 * theta' + s t approximates that re-solve to O(s^2). A TRPO line search uses this to judge
 * candidates phi + s d without re-solving every task's lower level per candidate.
 */
export function lowerLevelTangent(
  policy: Policy,
  phi: Tensor1D,
  theta: Tensor1D,
  direction: Float64Array,
  task: PreparedTask,
  settings: SampledBomrlSettings,
): LowerLevelTangent {
  const n = phi.shape[0];
  if (direction.length !== n) {
    throw new RangeError(`lowerLevelTangent: direction has ${direction.length} entries, phi ${n}`);
  }
  const G = taskObjective('ignore-data', policy, task, settings);
  const b = scoped(() => {
    const d = tf.tensor1d(Float32Array.from(direction));
    return Float64Array.from(crossHvpTranspose(G, theta, phi, d).dataSync());
  });
  const minusHessian = hostMatvec(
    (v) => tf.neg(hvp((t) => G(t, phi), theta, v)) as Tensor1D,
    theta.shape[0],
  );
  const solved = conjugateGradientHost(minusHessian, b, {
    maxIter: settings.cg?.maxIter ?? Math.max(200, 2 * n),
    tol: settings.cg?.tol ?? 1e-8,
    damping: settings.cg?.damping ?? 1e-6,
  });
  return {
    tangent: solved.x,
    iterations: solved.iterations,
    relativeResidual: solved.relativeResidual,
  };
}
