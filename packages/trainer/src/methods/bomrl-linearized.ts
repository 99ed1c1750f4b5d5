import { lowerLevelTangent, type SampledBomrlSettings } from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';
import type { JobContext } from '../executor/executor';
import type { BomrlCandidateInput } from './bomrl-task';
import { postSurrogateData, prepareBomrlTask } from './bomrl-task';

/**
 * The 'linearized' line search of sampled BO-MRL's TRPO meta-step: instead of re-solving every
 * task's lower level at every candidate phi + s d, carry theta' along the step to first order,
 * theta~(s) = theta' + s t with t = d theta'/d phi . d (`@bomrl/meta-gradient`'s
 * lowerLevelTangent: one CG solve per task and step direction, on the same Hessian as the
 * adjoint). A candidate then costs one forward pass per task. The tangent rests on the same
 * implicit-function assumption (theta' stationary) as the hypergradient itself.
 */

/** What every task's tangent job shares: the step direction d (not yet scaled). */
export interface BomrlTangentShared {
  readonly phi: Float64Array;
  readonly direction: Float64Array;
  readonly settings: SampledBomrlSettings;
}

/** One task's tangent and how well its linear system was solved. */
export interface BomrlTangentOutput {
  readonly tangent: Float64Array;
  readonly iterations: number;
  readonly relativeResidual: number;
}

/** One task's t = d theta'/d phi . d on its recorded pre-update batch. */
export function bomrlTangent(
  ctx: JobContext,
  shared: BomrlTangentShared,
  input: Pick<BomrlCandidateInput, 'pre' | 'theta'>,
): BomrlTangentOutput {
  const { policy } = ctx;
  const phi = tf.tensor1d(Float32Array.from(shared.phi));
  const theta = tf.tensor1d(input.theta);
  const prepared = prepareBomrlTask(policy, phi, input.pre, shared.settings);
  try {
    return lowerLevelTangent(policy, phi, theta, shared.direction, prepared, shared.settings);
  } finally {
    prepared.data.dispose();
    tf.dispose([phi, theta]);
  }
}

/** What every task's linearized candidate job shares: the step's scale s. */
export interface BomrlLinearCandidateShared {
  readonly scale: number;
  readonly settings: SampledBomrlSettings;
}

/** One task's recorded post-update episodes, theta' and tangent. */
export interface BomrlLinearCandidateInput {
  readonly post: BomrlCandidateInput['post'];
  readonly theta: Float32Array;
  readonly tangent: Float64Array;
}

/**
 * The post-update surrogate's improvement on one task at theta~ = theta' + s t, on the SAME
 * post-update episodes (as the re-solving line search evaluates it at the re-solved theta~).
 */
export function bomrlLinearCandidate(
  ctx: JobContext,
  shared: BomrlLinearCandidateShared,
  input: BomrlLinearCandidateInput,
): number {
  const { policy } = ctx;
  const post = postSurrogateData(policy, input.post, tf.tensor1d(input.theta), shared.settings);
  const moved = tf.tensor1d(
    Float32Array.from(input.theta, (x, i) => x + shared.scale * input.tangent[i]!),
  );
  try {
    return post.improvement(moved);
  } finally {
    moved.dispose();
    post.dispose();
  }
}
