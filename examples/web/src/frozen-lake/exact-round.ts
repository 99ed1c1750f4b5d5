import {
  type AdaptSpec,
  adapt,
  exactData,
  forwardKL,
  reverseKL,
  softmaxTable,
} from '@bomrl/adaptation';
import { FrozenLake, type FrozenLakeTask } from '@bomrl/envs';
import {
  adaptationTerms,
  evaluatePolicy,
  type TabularModel,
  valueIteration,
} from '@bomrl/envs/tabular';
import * as tf from '@tensorflow/tfjs-core';
import type { AdaptationSetting, FrozenLakeSettings } from './priors';

/** The known model of a map under the priors' settings (gamma, horizon, slip, variance). */
export function mapModel(map: readonly string[], settings: FrozenLakeSettings): TabularModel {
  const task: FrozenLakeTask = FrozenLake.task(map, {
    variance: settings.variance,
    slip: settings.slip,
  });
  const env = FrozenLake.make(task, { gamma: settings.gamma, horizon: settings.horizon });
  try {
    return env.model();
  } finally {
    env.close();
  }
}

/** A softmax policy's logits table with what the page shows of it. */
export interface PolicyView {
  /** Flat logits, theta[s * nActions + a]. */
  readonly logits: number[];
  /** pi(a | s), same layout. */
  readonly probabilities: number[];
  /** Exact finite-horizon J (float64 dynamic programming). */
  readonly J: number;
}

/** pi, and exact J, of the softmax policy with these logits on the model. */
export function viewPolicy(model: TabularModel, logits: ArrayLike<number>): PolicyView {
  const pi = softmaxTable(logits, model.nStates, model.nActions);
  return {
    logits: Array.from(logits),
    probabilities: Array.from(pi),
    J: evaluatePolicy(model, pi, { mode: 'finite' }).J,
  };
}

/** J*: finite-horizon value iteration, the best any policy can do on this map. */
export function optimalReturn(model: TabularModel): number {
  return valueIteration(model, { mode: 'finite' }).J;
}

/** What one adaptation round reports besides the adapted policy. */
export interface RoundDiagnostics {
  readonly operator: string;
  readonly solver: string;
  readonly steps: number;
  readonly converged: boolean;
  /** D2(phi, theta') under the operator's distance (MAML: ||theta' - phi||^2). */
  readonly distance: number;
}

function operatorSpec(setting: AdaptationSetting): AdaptSpec {
  if (setting.kind === 'maml') {
    // One step on the exact policy-gradient surrogate, scaled by sum_t gamma^t so that it follows
    // grad J itself: MAML's inner step theta = phi + alpha grad J(phi) as the demo trained it.
    return { kind: 'maml', alpha: setting.alpha, scaleByVisitationMass: true };
  }
  return {
    distance: setting.distance === 'forward-kl' ? forwardKL : reverseKL,
    lambda: setting.lambda,
  };
}

/**
 * One round of adaptation in exact mode: nu^phi and A^phi from the known model (float64), then
 * @bomrl/adaptation's operator (BO-MRL's penalized lower level, or MAML's policy-gradient step)
 * from phi. Returns the adapted logits (float64 copy of the float32 result).
 */
export function adaptOnce(
  model: TabularModel,
  phi: ArrayLike<number>,
  setting: AdaptationSetting,
): { logits: Float64Array; diagnostics: RoundDiagnostics } {
  const { nStates, nActions } = model;
  const terms = adaptationTerms(model, softmaxTable(phi, nStates, nActions));
  const data = exactData({
    nStates,
    nActions,
    visitation: terms.visitation,
    advantages: terms.A,
    visitationMass: terms.finite.visitationMass,
  });
  const phiTensor = tf.tensor1d(Float32Array.from(phi));
  try {
    const { params, diagnostics } = adapt(phiTensor, data, operatorSpec(setting));
    const logits = Float64Array.from(params.dataSync());
    params.dispose();
    return {
      logits,
      diagnostics: {
        operator: diagnostics.operator,
        solver: diagnostics.solver,
        steps: diagnostics.steps,
        converged: diagnostics.converged,
        distance: diagnostics.distance,
      },
    };
  } finally {
    phiTensor.dispose();
  }
}
