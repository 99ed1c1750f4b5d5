import { hessianVectorProduct, logSoftmax, scoped } from '@bomrl/core';
import type { TabularModel } from '@bomrl/envs/tabular';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { exactMamlMetaGradient } from '../exact/exact-maml';
import {
  disposeTabular,
  finiteHorizonReturn,
  policyTable,
  type TabularTensors,
  tabularTensors,
  visitationAndAdvantage,
} from '../exact/tabular-tf';
import type { MetaMethod, MetaStepInput, MetaStepResult, TrustRegionPieces } from './method';

/** MAML's inner-loop settings (shared by the exact and sampled modes). */
export interface MamlSettings {
  /** Inner step size alpha. */
  readonly alpha: number;
  /** Inner policy-gradient steps k per adaptation in meta-training. */
  readonly innerSteps: number;
  /** 'second': differentiate through the inner steps; 'first': drop the inner Jacobians. */
  readonly order: 'first' | 'second';
}

/** Settings of exact-mode MAML. */
export interface MamlExactOptions<Task> extends MamlSettings {
  /** The known model of a task (Frozen Lake: `family.make(task).model()`). */
  readonly model: (task: Task) => TabularModel;
  readonly nStates: number;
  readonly nActions: number;
  /** Every logit of the initial meta-policy (0.1 in the paper: the uniform policy). */
  readonly initLogit: number;
}

/** theta_k after k exact policy-gradient steps theta + alpha grad J(theta) (float64 out). */
function exactSteps(t: TabularTensors, phi: Float64Array, alpha: number, steps: number) {
  return scoped(() => {
    const J = (x: Tensor) => finiteHorizonReturn(t, x as Tensor1D);
    let theta: Tensor = tf.tensor1d(Float32Array.from(phi));
    for (let k = 0; k < steps; k++) theta = tf.add(theta, tf.mul(alpha, tf.grad(J)(theta)));
    return { theta: Float64Array.from(theta.dataSync()), J: J(theta).dataSync()[0]! };
  });
}

/**
 * MAML in exact mode on known tabular models (Frozen Lake): the inner step is the exact policy
 * gradient of the finite-horizon return, theta = phi + alpha grad J(phi), and the meta-gradient
 * is autodiff of J(theta(phi)) through the step(s) (second order) or grad J(theta) (first
 * order). No sampling: the meta-gradient is exact up to float32 rounding.
 */
export function createMamlExactMethod<Task>(options: MamlExactOptions<Task>): MetaMethod<Task> {
  const { alpha, innerSteps, order } = options;
  if (!(alpha > 0)) throw new RangeError(`maml: alpha must be > 0, got ${alpha}`);
  const cache = new Map<string, TabularTensors>();
  const tensorsFor = (task: Task): TabularTensors => {
    const key = JSON.stringify(task);
    let t = cache.get(key);
    if (!t) {
      t = tabularTensors(options.model(task));
      if (t.S !== options.nStates || t.A !== options.nActions) {
        const got = `${t.S}x${t.A}`;
        disposeTabular(t);
        throw new RangeError(
          `maml (exact): task has ${got} states x actions, expected ${options.nStates}x${options.nActions}`,
        );
      }
      cache.set(key, t);
    }
    return t;
  };
  const metaObjective = (tasks: readonly Task[], phi: Float64Array) =>
    tasks.reduce((s, task) => s + exactSteps(tensorsFor(task), phi, alpha, innerSteps).J, 0) /
    tasks.length;

  return {
    name: `maml-exact/${order}-order`,

    initialParams(): Float64Array {
      return new Float64Array(options.nStates * options.nActions).fill(options.initLogit);
    },

    async step(input: MetaStepInput<Task>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('maml (exact): a meta-batch needs at least one task');
      const gradient = new Float64Array(input.phi.length);
      let objective = 0;
      let pre = 0;
      let step = 0;
      for (const task of input.tasks) {
        const r = exactMamlMetaGradient(tensorsFor(task), input.phi, {
          alpha,
          steps: innerSteps,
          order,
        });
        for (let i = 0; i < gradient.length; i++) gradient[i]! += r.gradient[i]! / n;
        objective += r.postReturn / n;
        pre += r.preReturn / n;
        let d = 0;
        for (let i = 0; i < r.theta.length; i++) d += (r.theta[i]! - input.phi[i]!) ** 2;
        step += Math.sqrt(d) / n;
      }
      return {
        gradient,
        objective,
        preAdaptationReturn: pre,
        diagnostics: { meanInnerStepNorm: step },
        trustRegion: exactTrustRegion(input, tensorsFor, objective, metaObjective),
      };
    },

    async adaptRounds(phi: Float64Array, task: Task, rounds: number): Promise<Float64Array[]> {
      const t = tensorsFor(task);
      const out = [Float64Array.from(phi)];
      for (let k = 0; k < rounds; k++) out.push(exactSteps(t, out[k]!, alpha, 1).theta);
      return out;
    },

    dispose(): void {
      for (const t of cache.values()) disposeTabular(t);
      cache.clear();
    },
  };
}

/**
 * The trust-region pieces in exact mode: the Fisher matrix is the Hessian at x = phi of the
 * mean over tasks of the nu^phi-weighted KL(pi_phi || pi_x); a candidate's improvement is the
 * exact change of the MAML meta-objective.
 */
function exactTrustRegion<Task>(
  input: MetaStepInput<Task>,
  tensorsFor: (task: Task) => TabularTensors,
  current: number,
  metaObjective: (tasks: readonly Task[], phi: Float64Array) => number,
): TrustRegionPieces {
  const point = tf.tensor1d(Float32Array.from(input.phi));
  // pi_old must be a different tensor object from the HVP point: tfjs differentiates every use
  // of the object it is given, and KL(pi_x || pi_x) is identically 0.
  const old = tf.tensor1d(Float32Array.from(input.phi));
  const tasks = input.tasks.map(tensorsFor);
  const weights = tasks.map((t) =>
    tf.tidy(() => tf.reshape(visitationAndAdvantage(t, policyTable(t, old)).nu, [t.S])),
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
      improvement: metaObjective(input.tasks, candidate) - current,
    }),
    dispose: () => tf.dispose([point, old, ...weights]),
  };
}
