import { scoped } from '@bomrl/core';
import type { TabularModel } from '@bomrl/envs/tabular';
import {
  exactMamlMetaGradient,
  finiteHorizonReturn,
  type TabularTensors,
} from '@bomrl/meta-gradient';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { ExactTaskTensors, exactTrustRegion } from './exact-tasks';
import type { MetaMethod, MetaStepInput, MetaStepResult } from './method';

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
  const tasks = new ExactTaskTensors(
    options.model,
    options.nStates,
    options.nActions,
    'maml-exact',
  );
  const tensorsFor = (task: Task): TabularTensors => tasks.get(task);
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
        trustRegion: exactTrustRegion(input.phi, input.tasks.map(tensorsFor), objective, (c) =>
          metaObjective(input.tasks, c),
        ),
      };
    },

    async adaptRounds(phi: Float64Array, task: Task, rounds: number): Promise<Float64Array[]> {
      const t = tensorsFor(task);
      const out = [Float64Array.from(phi)];
      for (let k = 0; k < rounds; k++) out.push(exactSteps(t, out[k]!, alpha, 1).theta);
      return out;
    },

    dispose(): void {
      tasks.dispose();
    },
  };
}
