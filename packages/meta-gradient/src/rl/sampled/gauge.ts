import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { DistanceName, ThetaPhiObjective } from './dice';

/**
 * The softmax gauge of a TABULAR policy under the KL distances (docs/algorithm.md, tabular
 * conventions). Adding a constant to one state's logits changes nothing, so -Hess_theta G is
 * singular along every state's ones vector, and a state the batch never visited does not enter G
 * at all (its theta stays at phi). The gauge fixes both without moving theta' or the
 * hypergradient:
 *
 *     G_gauged = G - (c/2) [ sum_s (1^T (theta_s - phi_s))^2 + sum_{s unvisited} ||theta_s - phi_s||^2 ]
 *
 * At a theta' whose rows keep phi's mean logits the extra terms have zero value and gradient; the
 * row term adds c 1 1^T to each block of -Hess (the adjoint is orthogonal to the ones vectors
 * because every policy gradient is, so the hypergradient does not see it), and the anchor makes
 * d theta_s / d phi_s = I explicit for unvisited states.
 */
export interface TabularGauge {
  readonly nStates: number;
  readonly nActions: number;
  /** States present in the pre-update batch. */
  readonly visited: ReadonlySet<number>;
  /** Weight c of the gauge terms (default 1). */
  readonly weight?: number;
}

/** Whether the gauge applies: only the shift-invariant (KL) distances have it. */
export function gaugeApplies(distance: DistanceName): boolean {
  return distance !== 'l2';
}

/**
 * The gauge penalty (c/2) [ sum_s (1^T (theta_s - phi_s))^2 + sum (mask * (theta - phi)^2) ] with
 * `unvisitedMask` 1 on the logits of unvisited states and 0 elsewhere (any shape holding S*A
 * entries). The one implementation behind the sampled ({@link withGauge}) and the exact gauge.
 */
export function gaugePenalty(
  theta: Tensor,
  phi: Tensor,
  unvisitedMask: Tensor,
  nStates: number,
  nActions: number,
  weight: number,
): Scalar {
  return tf.tidy(() => {
    const diff = tf.reshape(tf.sub(theta, phi), [nStates, nActions]);
    const rows = tf.sum(diff, 1);
    const anchor = tf.sum(tf.mul(tf.reshape(unvisitedMask, [nStates, nActions]), tf.square(diff)));
    return tf.mul(0.5 * weight, tf.add(tf.sum(tf.square(rows)), anchor)) as Scalar;
  });
}

/** G with the gauge terms of {@link TabularGauge}. */
export function withGauge(G: ThetaPhiObjective, gauge: TabularGauge): ThetaPhiObjective {
  const { nStates: S, nActions: A } = gauge;
  const unvisited = new Float32Array(S * A);
  for (let s = 0; s < S; s++) {
    if (!gauge.visited.has(s)) unvisited.fill(1, s * A, (s + 1) * A);
  }
  const c = gauge.weight ?? 1;
  return (theta, phi) =>
    tf.tidy(
      () =>
        tf.sub(G(theta, phi), gaugePenalty(theta, phi, tf.tensor1d(unvisited), S, A, c)) as Scalar,
    );
}
