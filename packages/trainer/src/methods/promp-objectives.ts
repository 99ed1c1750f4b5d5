import { gradient } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The objectives of ProMP (Rothfuss et al., ICLR 2019) on one task's sampled data, as
 * differentiable tfjs functions of the flat parameters. Everything recorded at collection time
 * (observations, actions, advantages, the behaviour policy's log-probabilities) is a constant.
 */

/** One task's batch with the log-probabilities of the policy that collected it. */
export interface RecordedBatch {
  readonly observations: Tensor;
  readonly actions: Tensor;
  /** A_i (GAE, linear feature baseline, optionally normalized), [B]. */
  readonly advantages: Tensor1D;
  /** log pi_behaviour(a_i|s_i) recorded at collection time (a constant), [B]. */
  readonly logProbs: Tensor1D;
}

/**
 * The low-variance curvature (LVC) inner objective
 *     J_LVC(p) = mean_i pi_p(a_i|s_i) / pi_old(a_i|s_i) * A_i,
 * with pi_old the recorded behaviour policy. At p = phi_old (the parameters that collected the
 * batch) the ratio is pi_phi / stop(pi_phi): its gradient is the REINFORCE gradient
 * mean_i grad log pi(a_i|s_i) A_i, and its Hessian is mean_i (Hess pi / pi)(a_i|s_i) A_i, whose
 * expectation keeps ProMP's H1 + H2 terms and drops H12. At other p (ProMP's repeated steps on
 * one batch) the recorded denominator makes it an importance-weighted policy-gradient objective,
 * as in the authors' code.
 */
export function lvcObjective(policy: Policy, batch: RecordedBatch): (p: Tensor1D) => Scalar {
  return (p) =>
    tf.tidy(() => {
      const logp = policy.logProb(p, batch.observations, batch.actions);
      const ratio = tf.exp(tf.sub(logp, batch.logProbs));
      return tf.mean(tf.mul(ratio, batch.advantages)) as Scalar;
    });
}

/** ProMP's inner step theta' = p + alpha grad J_LVC(p); differentiable in p (to second order). */
export function lvcStep(
  policy: Policy,
  p: Tensor1D,
  batch: RecordedBatch,
  alpha: number,
): Tensor1D {
  const J = lvcObjective(policy, batch);
  return tf.tidy(() => tf.add(p, tf.mul(alpha, gradient(J, p))) as Tensor1D);
}

/**
 * PPO's clipped objective on post-update data, r = pi_theta(a|s) / pi_theta_old(a|s):
 *     mean_i min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i).
 */
export function clippedObjective(
  policy: Policy,
  theta: Tensor1D,
  batch: RecordedBatch,
  clipEps: number,
): Scalar {
  return tf.tidy(() => {
    const ratio = tf.exp(
      tf.sub(policy.logProb(theta, batch.observations, batch.actions), batch.logProbs),
    );
    const plain = tf.mul(ratio, batch.advantages);
    const clipped = tf.mul(tf.clipByValue(ratio, 1 - clipEps, 1 + clipEps), batch.advantages);
    return tf.mean(tf.minimum(plain, clipped)) as Scalar;
  });
}

/** Settings of ProMP's per-task meta-objective. */
export interface PrompObjectiveSettings {
  /** Inner step size alpha. */
  readonly alpha: number;
  /** PPO clip range eps. */
  readonly clipEps: number;
  /** Weight eta of the inner KL penalty. */
  readonly klCoef: number;
}

/** One task's data for ProMP's meta-objective. */
export interface PrompTaskBatches {
  /** Pre-update batch, collected with pi_phi_old. */
  readonly pre: RecordedBatch;
  /** Post-update batch, collected with pi_theta'_old, theta'_old = lvcStep(phi_old). */
  readonly post: RecordedBatch;
  /** phi_old as a tensor distinct from any differentiated one (the KL's fixed argument). */
  readonly phiOld: Tensor1D;
}

/**
 * ProMP's per-task meta-objective (to maximize), eqs. 12-13 of the paper:
 *     clipped(theta'(p); post) - eta * mean_{pre states} KL(pi_phi_old || pi_p),
 * with theta'(p) = lvcStep(p; pre), so the gradient flows through the inner step.
 */
export function prompTaskObjective(
  policy: Policy,
  p: Tensor1D,
  data: PrompTaskBatches,
  settings: PrompObjectiveSettings,
): Scalar {
  return tf.tidy(() => {
    const theta = lvcStep(policy, p, data.pre, settings.alpha);
    const outer = clippedObjective(policy, theta, data.post, settings.clipEps);
    const kl = tf.mean(policy.kl(data.phiOld, p, data.pre.observations));
    return tf.sub(outer, tf.mul(settings.klCoef, kl)) as Scalar;
  });
}

/** Mean over tasks of the inner KL(pi_phi_old || pi_p) on the pre-update states. */
export function meanInnerKl(
  policy: Policy,
  p: Tensor1D,
  data: readonly PrompTaskBatches[],
): Scalar {
  return tf.tidy(
    () =>
      tf.div(
        tf.addN(data.map((d) => tf.mean(policy.kl(d.phiOld, p, d.pre.observations)))),
        data.length,
      ) as Scalar,
  );
}

/**
 * The adaptive KL weight of the authors' code: halve eta when the measured KL is below
 * target / 1.5, double it above target * 1.5, otherwise keep it.
 */
export function adaptKlCoef(klCoef: number, kl: number, target: number): number {
  if (kl < target / 1.5) return klCoef / 2;
  if (kl > target * 1.5) return klCoef * 2;
  return klCoef;
}
