import { randomUUID } from 'node:crypto';
import { scoped } from '@bomrl/core';
import type { SampledBomrlSettings } from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { TaskExecutor } from '../executor/executor';
import type { CandidateStep } from '../optim/trust-region-step';
import type { BomrlTangentOutput } from './bomrl-linearized';
import type { BomrlTaskOutput } from './bomrl-task';
import { shardedKlFisher } from './kl-fisher';
import { concatSteps } from './maml-batch';
import type { IterationWork, TrustRegionPieces } from './method';

/**
 * How the line search judges a candidate phi~ within the KL bound: 'resolve' solves every task's
 * lower level again from phi~ (exact for the lower-level solver; costs a full lower level per
 * candidate), 'linearized' moves theta' along its implicit-function tangent (one CG solve per
 * task and step, then a forward pass per candidate; see bomrl-linearized.ts), 'first-order'
 * takes the meta-gradient's linear model g . (phi~ - phi) (positive along the natural-gradient
 * step, so the first candidate within the KL bound is taken; no per-task work).
 */
export type BomrlLineSearch = 'resolve' | 'linearized' | 'first-order';

/**
 * The TRPO meta-step's pieces in sampled mode. Fisher-vector products: the Hessian at x = phi of
 * the mean over tasks of the mean KL(pi_phi || pi_x) over the pre-update observations, sharded by
 * task on the executor ({@link shardedKlFisher}). A
 * candidate phi~ is judged by its (cheap) KL first; only within the bound does every task
 * find its theta~ (by `lineSearch`) and evaluate the importance-weighted post-update surrogate
 * on its SAME post-update episodes (one executor job per task), averaged in task order.
 */
export function bomrlTrustRegion(
  policy: Policy,
  executor: TaskExecutor,
  phiValues: Float64Array,
  tasks: readonly BomrlTaskOutput[],
  settings: SampledBomrlSettings,
  lineSearch: BomrlLineSearch,
  /** The step's meta-gradient (the 'first-order' model's slope). */
  gradient: Float64Array,
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
  const progress = (phase: IterationWork['phase']) => {
    let done = 0;
    return () => onWork?.({ phase, done: ++done, total: tasks.length });
  };
  const mean = (per: readonly number[]) => per.reduce((a, b) => a + b, 0) / per.length;
  const firstOrder = (candidate: Float64Array): number => {
    let change = 0;
    for (let i = 0; i < gradient.length; i++)
      change += gradient[i]! * (candidate[i]! - phiValues[i]!);
    return change;
  };
  const resolved = async (candidate: Float64Array): Promise<number> =>
    mean(
      await executor.run(
        'bomrl-candidate',
        { phi: phiValues, candidate, settings },
        tasks.map((t) => ({ pre: t.pre, post: t.post, theta: t.theta })),
        progress('line search'),
      ),
    );
  let tangentDiagnostics: Record<string, number> = {};
  // 'linearized': one tangent per task for the step's direction (the same for every candidate)
  let tangents: { direction: Float64Array; done: Promise<BomrlTangentOutput[]> } | undefined;
  const tangentsFor = (direction: Float64Array) => {
    if (tangents?.direction !== direction) {
      tangents = {
        direction,
        done: executor
          .run(
            'bomrl-tangent',
            { phi: phiValues, direction, settings },
            tasks.map((t) => ({ pre: t.pre, theta: t.theta })),
            progress('line search'),
          )
          .then((out) => {
            tangentDiagnostics = {
              tangentProducts: mean(out.map((t) => t.iterations)),
              maxTangentResidual: Math.max(...out.map((t) => t.relativeResidual)),
            };
            return out;
          }),
      };
    }
    return tangents.done;
  };
  const linearized = async (step: CandidateStep): Promise<number> => {
    const ts = await tangentsFor(step.direction);
    return mean(
      await executor.run(
        'bomrl-linear-candidate',
        { scale: step.scale, settings },
        tasks.map((t, i) => ({ post: t.post, theta: t.theta, tangent: ts[i]!.tangent })),
        progress('line search'),
      ),
    );
  };
  return {
    fisherVector: shardedKlFisher(executor, randomUUID(), phiValues, rows),
    evaluate: (candidate, step) => {
      const kl = meanKl(candidate);
      let improvement: Promise<number> | undefined;
      // Lazy: the tasks' theta~ are the expensive part, and the line search reads the
      // improvement only for candidates whose KL is within the bound.
      return {
        kl,
        get improvement() {
          if (lineSearch === 'linearized' && !step) {
            throw new TypeError(
              "bomrlTrustRegion: the 'linearized' line search needs evaluate(candidate, { direction, scale })",
            );
          }
          improvement ??=
            lineSearch === 'first-order'
              ? Promise.resolve(firstOrder(candidate))
              : step && lineSearch === 'linearized'
                ? linearized(step)
                : resolved(candidate);
          return improvement;
        },
      };
    },
    diagnostics: () => tangentDiagnostics,
    dispose: () => {
      // the Fisher jobs' operators: in this thread freed now, on workers by the next call
      executor.releaseCache?.();
      tf.dispose([old, ...observations]);
    },
  };
}
