import { hessianVectorProduct, scoped } from '@bomrl/core';
import type { FisherOperator, Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Fisher-vector products for the TRPO meta-step, on host arrays. */
export interface MeanKlFisher {
  fisherVector(v: Float64Array): Float64Array;
  dispose(): void;
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/**
 * Products with the Hessian at x = phi of the mean over tasks of the mean KL(pi_phi || pi_x)
 * over each task's observations (the TRPO meta-step's metric). Where the policy has an analytic
 * `fisher` operator, it is built once on all tasks' observations together (row weights
 * 1 / (tasks * rows of that task), so the weighting is the same mean of means) and every
 * product reuses its cached activations; otherwise each product is a double-backprop
 * Hessian-vector product. Both give the same numbers (the KL's gradient vanishes at x = phi,
 * so its Hessian is exactly the Gauss-Newton form the operator applies).
 */
export function meanKlFisher(
  policy: Policy,
  phi: Float64Array,
  observations: readonly Tensor[],
): MeanKlFisher {
  const n = observations.length;
  if (policy.fisher) {
    const fisher = policy.fisher.bind(policy);
    let operator: FisherOperator | undefined;
    const build = (): FisherOperator => {
      const params = toTensor(phi);
      const obs = n === 1 ? observations[0]! : tf.concat(observations as Tensor[], 0);
      const weights = tf.tensor1d(
        Float32Array.from(
          observations.flatMap((o) => new Array<number>(o.shape[0]!).fill(1 / (n * o.shape[0]!))),
        ),
      );
      try {
        return fisher(params, obs, weights);
      } finally {
        tf.dispose([params, weights]);
        if (n !== 1) obs.dispose(); // the operator keeps its own reference
      }
    };
    return {
      fisherVector: (v) => {
        operator ??= build();
        const op = operator;
        return scoped(() => Float64Array.from(op.apply(toTensor(v)).dataSync()));
      },
      dispose: () => operator?.dispose(),
    };
  }
  const point = toTensor(phi);
  // a distinct tensor for pi_old: tfjs would otherwise differentiate through both arguments
  const old = toTensor(phi);
  const meanKl = (x: Tensor1D): Scalar =>
    tf.tidy(
      () => tf.div(tf.addN(observations.map((o) => tf.mean(policy.kl(old, x, o)))), n) as Scalar,
    );
  return {
    fisherVector: (v) =>
      scoped(() => Float64Array.from(hessianVectorProduct(meanKl, point, toTensor(v)).dataSync())),
    dispose: () => tf.dispose([point, old]),
  };
}
