import { hessianVectorProduct, Random, relativeError, scoped } from '@bomrl/core';
import { softmaxPolicy, type TabularModel } from '@bomrl/envs/tabular';
import { generalizedAdvantages, LinearFeatureBaseline } from '@bomrl/meta-gradient';
import { enumerateEpisodes, frozenLakeTask } from '@bomrl/meta-gradient/testing';
import { TabularSoftmaxPolicy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { explorationTerm } from '../methods/e-maml-objectives';
import { lvcObjective } from '../methods/promp-objectives';
import type { Episode } from '../sampling/sampler';
import {
  episodeLogProb,
  lvcGradient64,
  lvcGradientTruth64,
  lvcHessianTruth64,
  lvcHessianVector64,
  sampleEpisode64,
  scoreMean64,
  undiscountedReturn64,
} from './estimators64';

/**
 * Acceptance bounds of the ProMP / E-MAML estimator checks: the float64 exact expectation
 * against the analytic quantity (both exact, so only rounding separates them), the library's
 * tfjs (float32) estimator's exact expectation (float32 rounding of ~16 summed terms), and the
 * sampled average (standard errors).
 */
export const ESTIMATOR_TOLERANCE = { exact: 1e-6, tfjs: 1e-4, standardErrors: 3 } as const;

/** One row of the estimator table. */
export interface EstimatorCase {
  readonly estimator: string;
  /** What the estimator's expectation is checked against. */
  readonly truth: string;
  /** ||E[estimator] - truth|| / ||truth||, E by enumerating every trajectory, float64. */
  readonly exactRelativeError: number;
  /** The same for the library's tfjs (float32) estimator. */
  readonly tfjsRelativeError: number;
  /**
   * Sampled average of `samples` estimates: |u . (mean - truth)| / SE(u . estimate), the larger
   * over two fixed unit directions u (the truth's and a random one).
   */
  readonly standardErrors: number;
  /** The largest per-component |mean - truth| / SE (informational: many components, so a value
   * somewhat above 3 is expected now and then without bias). */
  readonly maxComponentStandardErrors: number;
  readonly samples: number;
  /** ||truth||, so a tiny error is not a vacuous comparison. */
  readonly truthNorm: number;
  readonly pass: boolean;
}

/** Options of {@link runEstimatorChecks}. */
export interface EstimatorCheckOptions {
  /** Seeds phi, the probe vector and the sampling (default 0). */
  readonly seed?: number;
  /** Sampled estimates averaged per case (default 20000). */
  readonly samples?: number;
  /** E-MAML's inner step size in the check (default 2: large enough that the term matters). */
  readonly alpha?: number;
}

/** The per-trajectory pieces of one case. */
interface EstimatorSpec {
  readonly estimator: string;
  readonly truth: string;
  /** The analytic quantity. */
  readonly value: Float64Array;
  /** The float64 estimate of one (pre-update) episode, with its exact conditional expectation
   * over anything drawn after it (E-MAML's post-update episode). */
  readonly exact: (e: Episode) => Float64Array;
  /** One sampled estimate from a pre-update episode (draws the rest with rng). */
  readonly sampled: (e: Episode, rng: Random) => Float64Array;
  /** The library's tfjs estimate on the one-episode batch (exact conditional expectation). */
  readonly library: (e: Episode) => Float64Array;
}

function weightedSum(parts: readonly Float64Array[], weights: readonly number[]): Float64Array {
  const out = new Float64Array(parts[0]!.length);
  parts.forEach((p, i) => {
    for (let j = 0; j < out.length; j++) out[j]! += weights[i]! * p[j]!;
  });
  return out;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Sampled agreement: z along two directions and the largest per-component z. */
function sampledAgreement(
  draws: readonly Float64Array[],
  truth: Float64Array,
  probe: Float64Array,
) {
  const n = draws.length;
  const zOf = (xs: number[], target: number) => {
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const diff = Math.abs(mean - target);
    // a component that never varies (an unvisited state) must then match to rounding
    if (sd === 0) return diff < 1e-12 ? 0 : Number.POSITIVE_INFINITY;
    return diff / (sd / Math.sqrt(n));
  };
  const unit = (x: Float64Array) => x.map((v) => v / Math.sqrt(dot(x, x)));
  const directions = [unit(truth), unit(probe)];
  const standardErrors = Math.max(
    ...directions.map((u) =>
      zOf(
        draws.map((d) => dot(u, d)),
        dot(u, truth),
      ),
    ),
  );
  let maxComponent = 0;
  for (let j = 0; j < truth.length; j++) {
    maxComponent = Math.max(
      maxComponent,
      zOf(
        draws.map((d) => d[j]!),
        truth[j]!,
      ),
    );
  }
  return { standardErrors, maxComponent };
}

/** The task and fixed pieces the checks share. */
function fixture(seed: number) {
  // 2x2 deterministic Frozen Lake, horizon 3: 4^3 = 64 trajectories, all enumerable
  const { model } = frozenLakeTask(2, 3, 1);
  const episodes = enumerateEpisodes(model);
  const rng = new Random(seed * 7919 + 11);
  const n = model.nStates * model.nActions;
  const phi = Float64Array.from({ length: n }, () => Math.fround(0.6 * rng.normal()));
  const probe = Float64Array.from({ length: n }, () => rng.normal());
  // any FIXED baseline keeps the estimators unbiased; one fitted to all trajectories is realistic
  const baseline = new LinearFeatureBaseline();
  baseline.fit(episodes, model.gamma);
  const advantages = (e: Episode) =>
    generalizedAdvantages(e.rewards, baseline.predict(e), model.gamma, 1);
  return { model, episodes, phi, probe, advantages, rng };
}

/** tfjs tensors of a one-episode batch recorded by phi (the LVC ratio's denominator). */
function withBatch<T>(
  policy: TabularSoftmaxPolicy,
  phi: Tensor1D,
  e: Episode,
  advantages: ArrayLike<number>,
  fn: (batch: Parameters<typeof lvcObjective>[1]) => T,
): T {
  return scoped(() => {
    const observations = policy.obsTensor(e.observations);
    const actions = policy.actionTensor(e.actions);
    const batch = {
      observations,
      actions,
      advantages: tf.tensor1d(Float32Array.from(advantages)),
      logProbs: policy.logProb(phi, observations, actions),
    };
    return fn(batch);
  });
}

/**
 * ProMP's LVC inner gradient and its Hessian-vector product, and E-MAML's exploration-term
 * gradient, on a tabular task whose trajectories can all be enumerated:
 *
 * - LVC gradient: E[(1/H) sum_t grad log pi(a_t|s_t) A_t] = sum_{s,a} M(s,a) grad pi(a|s), with
 *   M(s,a) = (1/H) sum_t d_t(s) Q_t(s,a) from dynamic programming (fixed baseline).
 * - LVC Hessian: E[(1/H) sum_t (Hess pi / pi)(a_t|s_t) A_t] v = sum_{s,a} M(s,a) Hess pi(a|s) v,
 *   ProMP's H1 + H2 (it has no H12 term).
 * - E-MAML: with one pre-update episode tau, theta' = phi + alpha (REINFORCE gradient of tau),
 *   and c = mean reward per step of one post-update episode (unstandardized: standardizing over a
 *   meta-batch is an affine map with batch statistics), E[c * (1/H) sum_t grad log pi_phi(a_t|s_t)]
 *   = (1/H^2) grad_psi E_{tau ~ pi_psi}[ J(theta'(phi, tau)) ] at psi = phi: the gradient of the
 *   expected post-update (undiscounted) return through the pre-update sampling distribution
 *   only. The truth is computed by float64 central finite differences of that expectation
 *   (enumerated tau, J by dynamic programming), not by the score-function identity.
 */
export function runEstimatorChecks(options: EstimatorCheckOptions = {}): EstimatorCase[] {
  const seed = options.seed ?? 0;
  const samples = options.samples ?? 20000;
  const alpha = options.alpha ?? 2;
  const { model, episodes, phi, probe, advantages, rng } = fixture(seed);
  const A = model.nActions;
  const pi = softmaxPolicy(phi, phi.length / A, A);
  const probs = episodes.map((e) => Math.exp(episodeLogProb(pi, A, e)));
  const policy = new TabularSoftmaxPolicy({ numStates: model.nStates, numActions: A });
  const phiTensor = tf.tensor1d(Float32Array.from(phi));
  const probeTensor = tf.tensor1d(Float32Array.from(probe));
  const host = (t: Tensor1D) => Float64Array.from(t.dataSync());
  try {
    const specs = [
      lvcGradientSpec(model, phi, pi, advantages, policy, phiTensor, host),
      lvcHessianSpec(model, phi, pi, probe, advantages, policy, phiTensor, probeTensor, host),
      explorationSpec(model, episodes, phi, pi, alpha, advantages, policy, phiTensor, host),
    ];
    return specs.map((spec) => {
      const exact = weightedSum(episodes.map(spec.exact), probs);
      const library = weightedSum(episodes.map(spec.library), probs);
      const draws: Float64Array[] = [];
      for (let i = 0; i < samples; i++)
        draws.push(spec.sampled(sampleEpisode64(model, pi, rng), rng));
      const agreement = sampledAgreement(draws, spec.value, probe);
      const exactRelativeError = relativeError(exact, spec.value);
      const tfjsRelativeError = relativeError(library, spec.value);
      return {
        estimator: spec.estimator,
        truth: spec.truth,
        exactRelativeError,
        tfjsRelativeError,
        standardErrors: agreement.standardErrors,
        maxComponentStandardErrors: agreement.maxComponent,
        samples,
        truthNorm: Math.sqrt(dot(spec.value, spec.value)),
        pass:
          exactRelativeError <= ESTIMATOR_TOLERANCE.exact &&
          tfjsRelativeError <= ESTIMATOR_TOLERANCE.tfjs &&
          agreement.standardErrors <= ESTIMATOR_TOLERANCE.standardErrors,
      };
    });
  } finally {
    tf.dispose([phiTensor, probeTensor]);
  }
}

type Host = (t: Tensor1D) => Float64Array;

function lvcGradientSpec(
  model: TabularModel,
  phi: Float64Array,
  pi: Float64Array,
  advantages: (e: Episode) => Float64Array,
  policy: TabularSoftmaxPolicy,
  phiTensor: Tensor1D,
  host: Host,
): EstimatorSpec {
  const A = model.nActions;
  const estimate = (e: Episode) => lvcGradient64(pi, A, e, advantages(e));
  return {
    estimator: 'ProMP LVC inner gradient',
    truth: 'sum_{s,a} M(s,a) grad pi(a|s)',
    value: lvcGradientTruth64(model, phi),
    exact: estimate,
    sampled: estimate,
    library: (e) =>
      withBatch(policy, phiTensor, e, advantages(e), (batch) =>
        host(tf.grad((p) => lvcObjective(policy, batch)(p as Tensor1D))(phiTensor) as Tensor1D),
      ),
  };
}

function lvcHessianSpec(
  model: TabularModel,
  phi: Float64Array,
  pi: Float64Array,
  probe: Float64Array,
  advantages: (e: Episode) => Float64Array,
  policy: TabularSoftmaxPolicy,
  phiTensor: Tensor1D,
  probeTensor: Tensor1D,
  host: Host,
): EstimatorSpec {
  const A = model.nActions;
  const estimate = (e: Episode) => lvcHessianVector64(pi, A, e, advantages(e), probe);
  return {
    estimator: 'ProMP LVC Hessian-vector product',
    truth: '(H1 + H2) v = sum_{s,a} M(s,a) Hess pi(a|s) v',
    value: lvcHessianTruth64(model, phi, probe),
    exact: estimate,
    sampled: estimate,
    library: (e) =>
      withBatch(policy, phiTensor, e, advantages(e), (batch) =>
        host(hessianVectorProduct(lvcObjective(policy, batch), phiTensor, probeTensor)),
      ),
  };
}

function explorationSpec(
  model: TabularModel,
  episodes: readonly Episode[],
  phi: Float64Array,
  pi: Float64Array,
  alpha: number,
  advantages: (e: Episode) => Float64Array,
  policy: TabularSoftmaxPolicy,
  phiTensor: Tensor1D,
  host: Host,
): EstimatorSpec {
  const A = model.nActions;
  const H = model.horizon;
  /** theta'(phi, tau): the REINFORCE inner step on one pre-update episode. */
  const adapted = (e: Episode) => {
    const g = lvcGradient64(pi, A, e, advantages(e));
    return phi.map((p, i) => p + alpha * g[i]!);
  };
  const meanReward = (e: Episode) => e.rewards.reduce((a, b) => a + b, 0) / e.rewards.length;
  /** E[c | tau] by enumerating the post-update episodes under pi_theta'. */
  const expectedC = (e: Episode) => {
    const post = softmaxPolicy(adapted(e), model.nStates, A);
    return episodes.reduce(
      (acc, e2) => acc + Math.exp(episodeLogProb(post, A, e2)) * meanReward(e2),
      0,
    );
  };
  // the truth: central differences of Phi(psi) = sum_tau p_psi(tau) J(theta'(phi, tau)) / H^2
  const returns = episodes.map((e) => undiscountedReturn64(model, adapted(e)));
  const Phi = (psi: Float64Array) => {
    const p = softmaxPolicy(psi, psi.length / A, A);
    return (
      episodes.reduce((acc, e, i) => acc + Math.exp(episodeLogProb(p, A, e)) * returns[i]!, 0) /
      H ** 2
    );
  };
  const h = 1e-5; // truncation O(h^2) ~ 1e-10, rounding ~ 1e-16 / h ~ 1e-11: far below 1e-6
  const value = new Float64Array(phi.length);
  const x = Float64Array.from(phi);
  for (let i = 0; i < phi.length; i++) {
    x[i] = phi[i]! + h;
    const up = Phi(x);
    x[i] = phi[i]! - h;
    const down = Phi(x);
    x[i] = phi[i]!;
    value[i] = (up - down) / (2 * h);
  }
  return {
    estimator: 'E-MAML exploration-term gradient',
    truth: '(1/H^2) grad_psi E_{tau~pi_psi} J(theta(phi, tau)) (central differences)',
    value,
    exact: (e) => scoreMean64(pi, A, e).map((g) => g * expectedC(e)),
    sampled: (e, rng) => {
      const post = sampleEpisode64(model, softmaxPolicy(adapted(e), model.nStates, A), rng);
      const c = meanReward(post);
      return scoreMean64(pi, A, e).map((g) => g * c);
    },
    library: (e) =>
      scoped(() => {
        const c = expectedC(e);
        const observations = policy.obsTensor(e.observations);
        const actions = policy.actionTensor(e.actions);
        return host(
          tf.grad((p) => explorationTerm(policy, p as Tensor1D, observations, actions, c))(
            phiTensor,
          ) as Tensor1D,
        );
      }),
  };
}
