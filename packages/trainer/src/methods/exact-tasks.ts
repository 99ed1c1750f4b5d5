import { hessianVectorProduct, logSoftmax, scoped } from '@bomrl/core';
import type { TabularModel } from '@bomrl/envs/tabular';
import {
  disposeTabular,
  type TabularTensors,
  tabularPolicyTensor,
  tabularTensors,
  visitationAndAdvantage,
} from '@bomrl/meta-gradient';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrustRegionPieces } from './method';

/**
 * The tfjs tensors of each task's known model, uploaded once and reused across meta-iterations
 * (tasks are plain JSON, so their serialization is the cache key). Shared by every exact-mode
 * meta-method.
 */
export class ExactTaskTensors<Task> {
  private readonly cache = new Map<string, TabularTensors>();

  constructor(
    private readonly model: (task: Task) => TabularModel,
    private readonly nStates: number,
    private readonly nActions: number,
    private readonly owner: string,
  ) {}

  get(task: Task): TabularTensors {
    const key = JSON.stringify(task);
    let t = this.cache.get(key);
    if (!t) {
      t = tabularTensors(this.model(task));
      if (t.S !== this.nStates || t.A !== this.nActions) {
        disposeTabular(t);
        throw new RangeError(
          `${this.owner}: task has ${t.S} states x ${t.A} actions, expected ${this.nStates} x ${this.nActions}`,
        );
      }
      this.cache.set(key, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of this.cache.values()) disposeTabular(t);
    this.cache.clear();
  }
}

/**
 * The natural-gradient meta-step's pieces in exact mode: the Fisher matrix is the Hessian at
 * x = phi of the mean over the batch's tasks of the nu^phi-weighted KL(pi_phi || pi_x), and a
 * candidate's improvement is the exact change of the method's meta-objective.
 */
export function exactTrustRegion(
  phiValues: Float64Array,
  tasks: readonly TabularTensors[],
  currentObjective: number,
  metaObjective: (candidate: Float64Array) => number,
): TrustRegionPieces {
  const point = tf.tensor1d(Float32Array.from(phiValues));
  // pi_old must be a different tensor object from the HVP point: tfjs differentiates every use
  // of the object it is given, and KL(pi_x || pi_x) is identically 0.
  const old = tf.tensor1d(Float32Array.from(phiValues));
  const weights = tasks.map((t) =>
    tf.tidy(() => visitationAndAdvantage(t, tabularPolicyTensor(t, old)).nu),
  );
  const meanKl = (x: Tensor1D): Scalar =>
    tf.tidy(() => {
      const terms = tasks.map((t, i) => {
        const lp = logSoftmax(tf.reshape(old, [t.S, t.A]));
        const lq = logSoftmax(tf.reshape(x, [t.S, t.A]));
        return tf.sum(tf.mul(weights[i]!, tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, lq)), 1)));
      });
      return tf.div(tf.addN(terms), tasks.length) as Scalar;
    });
  return {
    fisherVector: (v) =>
      scoped(() =>
        Float64Array.from(
          hessianVectorProduct(meanKl, point, tf.tensor1d(Float32Array.from(v))).dataSync(),
        ),
      ),
    evaluate: (candidate) => ({
      kl: scoped(() => meanKl(tf.tensor1d(Float32Array.from(candidate))).dataSync()[0]!),
      improvement: metaObjective(candidate) - currentObjective,
    }),
    dispose: () => tf.dispose([point, old, ...weights]),
  };
}
