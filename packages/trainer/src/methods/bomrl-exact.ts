import { hessianVectorProduct, logSoftmax, scoped } from '@bomrl/core';
import type { TabularModel } from '@bomrl/envs/tabular';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { adaptExact, type ExactBomrlSpec, exactHypergradient } from '../exact/exact-hypergradient';
import {
  disposeTabular,
  finiteHorizonReturn,
  policyTable,
  type TabularTensors,
  tabularTensors,
  visitationAndAdvantage,
} from '../exact/tabular-tf';
import type { MetaMethod, MetaStepInput, MetaStepResult, TrustRegionPieces } from './method';

/** Settings of exact-mode BO-MRL. */
export interface BomrlExactOptions<Task> {
  /** The known model of a task (Frozen Lake: `family.make(task).model()`). */
  readonly model: (task: Task) => TabularModel;
  readonly nStates: number;
  readonly nActions: number;
  /** The lower level used in meta-training. */
  readonly spec: ExactBomrlSpec;
  /** Penalty weight at meta-test (the paper adapts with a smaller lambda). Default spec.lambda. */
  readonly testLambda?: number;
  /** Every logit of the initial meta-policy (the paper: 0.1, i.e. uniform). */
  readonly initLogit: number;
}

/**
 * BO-MRL in exact mode (known tabular models): each meta-iteration solves every task's lower
 * level with the adaptation operator and computes the implicit hypergradient from exact
 * quantities ('full' or 'ignore-data'), so the meta-gradient carries no sampling noise.
 */
export function createBomrlExactMethod<Task>(options: BomrlExactOptions<Task>): MetaMethod<Task> {
  const cache = new Map<string, TabularTensors>();
  const tensorsFor = (task: Task): TabularTensors => {
    const key = JSON.stringify(task);
    let t = cache.get(key);
    if (!t) {
      t = tabularTensors(options.model(task));
      if (t.S !== options.nStates || t.A !== options.nActions) {
        throw new RangeError(
          `bomrl-exact: task has ${t.S}x${t.A} states x actions, expected ${options.nStates}x${options.nActions}`,
        );
      }
      cache.set(key, t);
    }
    return t;
  };

  /** F(phi) = mean_tau J_tau(theta'_tau(phi)), exactly (re-solving the lower levels). */
  const metaObjective = (tasks: readonly Task[], phi: Float64Array): number => {
    let total = 0;
    for (const task of tasks) {
      const t = tensorsFor(task);
      const p = tf.tensor1d(Float32Array.from(phi));
      const adapted = adaptExact(t, p, options.spec);
      total += tf.tidy(() => finiteHorizonReturn(t, adapted.params).dataSync()[0]!);
      tf.dispose([p, adapted.params]);
    }
    return total / tasks.length;
  };

  const spec = options.spec;
  const kind = spec.delta !== undefined ? `constrained-${spec.distance}` : spec.distance;
  return {
    name: `bomrl-exact/${kind}/${spec.hypergradient}`,

    initialParams(): Float64Array {
      return new Float64Array(options.nStates * options.nActions).fill(options.initLogit);
    },

    async step(input: MetaStepInput<Task>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('bomrl-exact: a meta-batch needs at least one task');
      const gradient = new Float64Array(input.phi.length);
      let objective = 0;
      let pre = 0;
      const d = {
        solverSteps: 0,
        maxLowerGradNorm: 0,
        distance: 0,
        cgIterations: 0,
        multiplier: 0,
      };
      for (const task of input.tasks) {
        const r = exactHypergradient(tensorsFor(task), input.phi, spec);
        for (let i = 0; i < gradient.length; i++) gradient[i]! += r.gradient[i]! / n;
        objective += r.postReturn / n;
        pre += r.preReturn / n;
        d.solverSteps += r.diagnostics.solverSteps / n;
        d.maxLowerGradNorm = Math.max(d.maxLowerGradNorm, r.diagnostics.gradNorm);
        d.distance += r.diagnostics.distance / n;
        d.cgIterations += r.diagnostics.cgIterations / n;
        d.multiplier += r.diagnostics.multiplier / n;
      }
      return {
        gradient,
        objective,
        preAdaptationReturn: pre,
        diagnostics: {
          meanSolverSteps: d.solverSteps,
          maxLowerGradNorm: d.maxLowerGradNorm,
          meanDistance: d.distance,
          meanCgIterations: d.cgIterations,
          meanMultiplier: d.multiplier,
        },
        trustRegion: exactTrustRegion(input, tensorsFor, objective, metaObjective),
      };
    },

    async adaptRounds(phi: Float64Array, task: Task, rounds: number): Promise<Float64Array[]> {
      const t = tensorsFor(task);
      const testSpec = { ...spec, lambda: options.testLambda ?? spec.lambda };
      const out = [Float64Array.from(phi)];
      for (let k = 0; k < rounds; k++) {
        const current = tf.tensor1d(Float32Array.from(out[k]!));
        const adapted = adaptExact(t, current, testSpec);
        out.push(Float64Array.from(adapted.params.dataSync()));
        tf.dispose([current, adapted.params]);
      }
      return out;
    },

    dispose(): void {
      for (const t of cache.values()) disposeTabular(t);
      cache.clear();
    },
  };
}

/**
 * The natural-gradient meta-step's pieces in exact mode: the Fisher matrix is the Hessian of the
 * visitation-weighted KL(pi_phi || pi_x) at x = phi (mean over the batch's tasks), and a
 * candidate's improvement is the exact change of the meta-objective.
 */
function exactTrustRegion<Task>(
  input: MetaStepInput<Task>,
  tensorsFor: (task: Task) => TabularTensors,
  currentObjective: number,
  metaObjective: (tasks: readonly Task[], phi: Float64Array) => number,
): TrustRegionPieces {
  const phi = tf.tensor1d(Float32Array.from(input.phi));
  // pi_old must be a different tensor object from the point x the Fisher HVP is taken at: tfjs
  // differentiates every use of the object it is given, and KL(pi_x || pi_x) is identically 0.
  const phiOld = tf.tensor1d(Float32Array.from(input.phi));
  const tasks = input.tasks.map(tensorsFor);
  const weights = tasks.map((t) =>
    tf.tidy(() => visitationAndAdvantage(t, policyTable(t, phi)).nu),
  );
  const meanKl = (x: Tensor1D): Scalar =>
    tf.tidy(() => {
      const terms = tasks.map((t, i) => {
        const lp = logSoftmax(tf.reshape(phiOld, [t.S, t.A]));
        const lq = logSoftmax(tf.reshape(x, [t.S, t.A]));
        return tf.sum(tf.mul(weights[i]!, tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, lq)), 1)));
      });
      return tf.div(tf.addN(terms), tasks.length) as Scalar;
    });
  return {
    fisherVector(v: Float64Array): Float64Array {
      return scoped(() =>
        Float64Array.from(
          hessianVectorProduct(meanKl, phi, tf.tensor1d(Float32Array.from(v))).dataSync(),
        ),
      );
    },
    evaluate(candidate: Float64Array) {
      const kl = tf.tidy(() => meanKl(tf.tensor1d(Float32Array.from(candidate))).dataSync()[0]!);
      return { kl, improvement: metaObjective(input.tasks, candidate) - currentObjective };
    },
    dispose(): void {
      tf.dispose([phi, phiOld, ...weights]);
    },
  };
}
