import type { TabularModel } from '@bomrl/envs/tabular';
import {
  adaptExact,
  DEFAULT_RELATIVE_STATIONARITY_TOL,
  type ExactBomrlSpec,
  exactHypergradient,
  finiteHorizonReturn,
  nonStationaryWarning,
  type TabularTensors,
} from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';
import { ExactTaskTensors, exactTrustRegion } from './exact-tasks';
import type { MetaMethod, MetaStepInput, MetaStepResult } from './method';

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
  const tasks = new ExactTaskTensors(
    options.model,
    options.nStates,
    options.nActions,
    'bomrl-exact',
  );
  const tensorsFor = (task: Task): TabularTensors => tasks.get(task);

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
        adjointProducts: 0,
        multiplier: 0,
        nonStationaryTasks: 0,
      };
      const warnings: string[] = [];
      for (const task of input.tasks) {
        const r = exactHypergradient(tensorsFor(task), input.phi, spec);
        for (let i = 0; i < gradient.length; i++) gradient[i]! += r.gradient[i]! / n;
        objective += r.postReturn / n;
        pre += r.preReturn / n;
        d.solverSteps += r.diagnostics.solverSteps / n;
        d.maxLowerGradNorm = Math.max(d.maxLowerGradNorm, r.diagnostics.gradNorm);
        const { gradNorm, initialGradNorm } = r.diagnostics;
        const relative = initialGradNorm > 0 ? gradNorm / initialGradNorm : 0;
        const warning = nonStationaryWarning(gradNorm, relative, DEFAULT_RELATIVE_STATIONARITY_TOL);
        if (warning.length > 0) d.nonStationaryTasks++;
        warnings.push(...warning, ...r.diagnostics.warnings);
        d.distance += r.diagnostics.distance / n;
        d.adjointProducts += r.diagnostics.adjointProducts / n;
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
          meanAdjointProducts: d.adjointProducts,
          meanMultiplier: d.multiplier,
          nonStationaryTasks: d.nonStationaryTasks,
        },
        warnings,
        trustRegion: exactTrustRegion(input.phi, input.tasks.map(tensorsFor), objective, (c) =>
          metaObjective(input.tasks, c),
        ),
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
      tasks.dispose();
    },
  };
}
