import { randomUUID } from 'node:crypto';
import { scoped } from '@bomrl/core';
import type { SampledBomrlSettings } from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { TaskExecutor } from '../executor/executor';
import type { BomrlTaskOutput } from './bomrl-task';
import { shardedKlFisher } from './kl-fisher';
import { concatSteps } from './maml-batch';
import type { IterationWork, TrustRegionPieces } from './method';

/**
 * The TRPO meta-step's pieces in sampled mode. Fisher-vector products: the Hessian at x = phi of
 * the mean over tasks of the mean KL(pi_phi || pi_x) over the pre-update observations, sharded by
 * task on the executor ({@link shardedKlFisher}). A
 * candidate phi~ is judged by its (cheap) KL first; only within the bound does every task
 * re-adapt from phi~ on its SAME pre-update batch and evaluate the importance-weighted
 * post-update surrogate on its SAME post-update episodes ({@link bomrlCandidateImprovement}, one
 * executor job per task), averaged in task order.
 */
export function bomrlTrustRegion(
  policy: Policy,
  executor: TaskExecutor,
  phiValues: Float64Array,
  tasks: readonly BomrlTaskOutput[],
  settings: SampledBomrlSettings,
  onWork?: (work: IterationWork) => void,
): TrustRegionPieces {
  // a distinct tensor for pi_old: tfjs would otherwise differentiate through both arguments
  const old = tf.tensor1d(Float32Array.from(phiValues));
  const rows = tasks.map((t) => concatSteps(t.pre).obs);
  const observations: Tensor[] = rows.map((o) => policy.obsTensor(o));
  const meanKl = (candidate: Float64Array): number =>
    scoped(() => {
      const x = tf.tensor1d(Float32Array.from(candidate));
      const kls = observations.map((o) => tf.mean(policy.kl(old, x, o)));
      return (tf.div(tf.addN(kls), kls.length) as Scalar).dataSync()[0]!;
    });
  const improvementAt = async (candidate: Float64Array): Promise<number> => {
    let done = 0;
    const per = await executor.run(
      'bomrl-candidate',
      { phi: phiValues, candidate, settings },
      tasks.map((t) => ({ pre: t.pre, post: t.post, theta: t.theta })),
      () => onWork?.({ phase: 'line search', done: ++done, total: tasks.length }),
    );
    return per.reduce((a, b) => a + b, 0) / per.length;
  };
  return {
    fisherVector: shardedKlFisher(executor, randomUUID(), phiValues, rows),
    evaluate: (candidate) => {
      const kl = meanKl(candidate);
      let improvement: Promise<number> | undefined;
      // Lazy: re-solving every task's lower level is the expensive part, and the line search
      // reads the improvement only for candidates whose KL is within the bound.
      return {
        kl,
        get improvement() {
          improvement ??= improvementAt(candidate);
          return improvement;
        },
      };
    },
    dispose: () => {
      // the Fisher jobs' operators: in this thread freed now, on workers by the next call
      executor.releaseCache?.();
      tf.dispose([old, ...observations]);
    },
  };
}
