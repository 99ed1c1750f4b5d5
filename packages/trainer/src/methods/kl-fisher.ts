import { hessianVectorProduct, scoped } from '@bomrl/core';
import type { FisherOperator, Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { JobContext, TaskExecutor } from '../executor/executor';

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

/** What every job of one sharded Fisher-vector product shares. */
export interface KlFisherShared {
  /**
   * The trust-region step's id: a worker keeps each task's operator (cached activations) for
   * all the step's products, and frees them when another step's id arrives.
   */
  readonly call: string;
  readonly phi: Float64Array;
  readonly v: Float64Array;
}

/** One task's share of a Fisher-vector product. */
export interface KlFisherInput {
  /** Position in the meta-batch (the cache key within the call). */
  readonly index: number;
  /** The task's observations (rows of the policy's obsDim), the KL's reference states. */
  readonly observations: Float32Array;
}

/**
 * One task's Fisher-vector product F_i v, F_i the Hessian at x = phi of the mean KL over the
 * task's observations ({@link meanKlFisher} on that task alone). The operator is built on the
 * first product of a call and reused by its later ones on the same worker (a rebuild on another
 * worker gives the same floats).
 */
export function taskKlFisherVector(
  ctx: JobContext,
  shared: KlFisherShared,
  input: KlFisherInput,
): Float64Array {
  const { policy } = ctx;
  const entry = ctx.cache.get(
    shared.call,
    `kl-fisher:${input.index}`,
    () => {
      const observations = policy.obsTensor(input.observations);
      return { observations, fisher: meanKlFisher(policy, shared.phi, [observations]) };
    },
    (e) => {
      e.fisher.dispose();
      e.observations.dispose();
    },
  );
  return entry.fisher.fisherVector(shared.v);
}

/**
 * Products with the same metric as {@link meanKlFisher} (the Hessian of the mean over tasks of
 * each task's mean KL), sharded by task: one 'kl-fisher' job per task on `executor`, summed in
 * task order in float64 and divided by the task count, so any number of workers (0 included)
 * gives the same floats.
 */
export function shardedKlFisher(
  executor: TaskExecutor,
  call: string,
  phi: Float64Array,
  observations: readonly Float32Array[],
): (v: Float64Array) => Promise<Float64Array> {
  const n = observations.length;
  const inputs = observations.map((o, index) => ({ index, observations: o }));
  return async (v) => {
    const shares = await executor.run('kl-fisher', { call, phi, v }, inputs);
    const out = new Float64Array(v.length);
    for (const share of shares) for (let j = 0; j < out.length; j++) out[j]! += share[j]!;
    for (let j = 0; j < out.length; j++) out[j]! /= n;
    return out;
  };
}
