import type { RatioTransform } from '@bomrl/adaptation';
import type { Policy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from './advantages/episode';
import {
  type AdaptationSettings,
  checkedParams,
  DEFAULT_RELATIVE_STATIONARITY_TOL,
  type MetaGradientResult,
  nonStationaryWarning,
  operatorOf,
} from './meta-gradient-result';
import type { HypergradientMode } from './sampled/dice';
import { outerPolicyGradient } from './sampled/outer-gradient';
import {
  implicitHypergradients,
  prepareTask,
  type SampledBomrlSettings,
  solveLowerLevel,
} from './sampled/sampled';

/** Inputs of {@link bomrlMetaGradient}. */
export interface BomrlMetaGradientOptions {
  /** Any `@bomrl/policies` policy, or any object implementing its `Policy` interface. */
  readonly policy: Policy;
  /** The meta-parameters phi (flat, `policy.paramCount` numbers). */
  readonly phi: ArrayLike<number>;
  /** Pre-update episodes of ONE task, collected once with pi_phi (plain arrays). */
  readonly episodes: readonly Episode[];
  /**
   * g = grad_theta J(theta') for the outer objective: a vector, or a function of theta' (for a
   * known outer objective). Give exactly one of `outerGradient` and `postEpisodes`.
   */
  readonly outerGradient?: ArrayLike<number> | ((theta: Float64Array) => ArrayLike<number>);
  /**
   * Fresh episodes collected with pi_theta', from which g is estimated by REINFORCE with a linear
   * feature baseline: a function of theta' (collect them there), or an array collected with the
   * theta' a previous call returned for the same inputs.
   */
  readonly postEpisodes?: readonly Episode[] | ((theta: Float64Array) => readonly Episode[]);
  /** The lower level: distance, lambda and solver (sampled mode: the penalized operator). */
  readonly adaptation: AdaptationSettings;
  /**
   * 'full': the DiCE-style surrogate that also differentiates how phi moved the data;
   * 'ignore-data': samples and advantages held fixed (the authors' approximation).
   */
  readonly mode: HypergradientMode;
  /** Discount of the returns, advantages and batch weights. */
  readonly gamma: number;
  /** GAE lambda of the advantages (default 1; 'full' always uses 1). */
  readonly gaeLambda?: number;
  /**
   * How the importance ratio enters L (default 'plain'): 'smooth-clip' f(r) = 2 sigmoid(2r - 2)
   * bounds L; 'log-prob' f(r) = 1 + log r is the REINFORCE surrogate up to a theta-free term.
   * Used by the lower level and by both hypergradient modes alike.
   */
  readonly ratio?: RatioTransform;
  /**
   * Normalize the pre-update batch's advantages to mean 0, std 1 (batch constants) in the lower
   * level and both hypergradient modes (default false). The outer gradient is not affected.
   */
  readonly normalizeAdvantages?: boolean;
  /** How H v = g is solved ('auto': exact per-state blocks for tabular policies, else CG). */
  readonly adjoint?: {
    readonly solver?: 'auto' | 'cg';
    readonly maxIter?: number;
    readonly tol?: number;
    readonly damping?: number;
  };
  /** Warn when ||grad G(theta')|| / ||grad G(phi)|| exceeds this (default 1e-3). */
  readonly stationarityTol?: number;
}

function outerGradientAt(
  options: BomrlMetaGradientOptions,
  theta: Tensor1D,
  gaeLambda: number,
): Tensor1D {
  const { outerGradient, postEpisodes, policy } = options;
  const thetaHost = Float64Array.from(theta.dataSync());
  if (outerGradient !== undefined) {
    const g = typeof outerGradient === 'function' ? outerGradient(thetaHost) : outerGradient;
    if (g.length !== thetaHost.length) {
      throw new RangeError(
        `bomrlMetaGradient: outerGradient has ${g.length} entries, the policy has ${thetaHost.length} parameters`,
      );
    }
    return tf.tensor1d(Float32Array.from(g));
  }
  const post = typeof postEpisodes === 'function' ? postEpisodes(thetaHost) : postEpisodes!;
  return outerPolicyGradient(policy, theta, post, options.gamma, gaeLambda);
}

/**
 * BO-MRL's meta-gradient d J(theta'(phi)) / d phi on YOUR batch of one task (docs/algorithm.md,
 * section 3): theta' = argmax_theta L(theta; phi) - lambda D2(phi, theta) solved on the
 * pre-update episodes with `@bomrl/adaptation`, then the implicit function theorem, solve
 * H v = g with H = -Hess_theta G(theta', phi), and grad_phi <grad_theta G(theta', phi), v> in the
 * chosen mode. Average it over tasks yourself. Every tensor made here is freed.
 *
 * Default lower-level solver: Newton for tabular policies, Adam (lr 0.05, 500 steps, tol 1e-6)
 * otherwise. A theta' whose relative gradient norm exceeds `stationarityTol` is returned with a
 * warning (never silently).
 */
export function bomrlMetaGradient(options: BomrlMetaGradientOptions): MetaGradientResult {
  const name = 'bomrlMetaGradient';
  const { policy, mode, adaptation } = options;
  if (mode !== 'full' && mode !== 'ignore-data') {
    throw new RangeError(
      `${name}: mode must be 'full' or 'ignore-data', got ${JSON.stringify(mode)}`,
    );
  }
  const op = operatorOf(name, adaptation);
  if (op.kind !== 'penalty') {
    throw new RangeError(
      `${name}: adaptation.delta (the trust-region operator) is supported in exact mode only ` +
        '(exactBomrlMetaGradient); on sampled episodes give adaptation.lambda',
    );
  }
  if ((options.outerGradient === undefined) === (options.postEpisodes === undefined)) {
    throw new RangeError(`${name}: give exactly one of outerGradient and postEpisodes`);
  }
  if (options.episodes.length === 0) throw new RangeError(`${name}: episodes is empty`);
  if (!(options.gamma > 0 && options.gamma <= 1)) {
    throw new RangeError(`${name}: gamma must be in (0, 1], got ${options.gamma}`);
  }
  const phiValues = checkedParams(name, options.phi, policy.paramCount);
  const settings: SampledBomrlSettings = {
    distance: adaptation.distance,
    lambda: op.lambda,
    gamma: options.gamma,
    ...(adaptation.solver ? { solver: adaptation.solver } : {}),
    ...(options.gaeLambda === undefined ? {} : { gaeLambda: options.gaeLambda }),
    ...(options.ratio === undefined ? {} : { ratio: options.ratio }),
    ...(options.normalizeAdvantages === undefined
      ? {}
      : { normalizeAdvantages: options.normalizeAdvantages }),
    ...(options.adjoint?.solver ? { adjointSolver: options.adjoint.solver } : {}),
    cg: {
      ...(options.adjoint?.maxIter === undefined ? {} : { maxIter: options.adjoint.maxIter }),
      ...(options.adjoint?.tol === undefined ? {} : { tol: options.adjoint.tol }),
      ...(options.adjoint?.damping === undefined ? {} : { damping: options.adjoint.damping }),
    },
  };
  const phi = tf.tensor1d(Float32Array.from(phiValues));
  const task = prepareTask(policy, phi, options.episodes, settings, [mode]);
  let theta: Tensor1D | undefined;
  let g: Tensor1D | undefined;
  try {
    const solved = solveLowerLevel(policy, phi, task, settings);
    theta = solved.theta;
    g = outerGradientAt(options, theta, mode === 'full' ? 1 : (options.gaeLambda ?? 1));
    const out = implicitHypergradients(policy, phi, theta, g, task, settings, [mode]);
    const lower = solved.report;
    const tol = options.stationarityTol ?? DEFAULT_RELATIVE_STATIONARITY_TOL;
    return {
      metaGradient: out.gradients[mode]!,
      theta: Float64Array.from(theta.dataSync()),
      diagnostics: {
        lowerLevel: {
          gradNorm: lower.gradNorm,
          initialGradNorm: lower.initialGradNorm,
          relativeGradNorm: lower.relativeGradNorm,
          solverSteps: lower.solverSteps,
          converged: lower.converged,
          distance: lower.distance,
          multiplier: 0,
        },
        adjoint: {
          solver: out.adjoint.solver,
          iterations: out.adjoint.iterations,
          relativeResidual: out.adjoint.relativeResidual,
        },
        warnings: [
          ...nonStationaryWarning(lower.gradNorm, lower.relativeGradNorm, tol),
          // the adjoint's own stationarity check is absolute; the relative one above replaces it
          ...out.adjoint.warnings.filter((w) => !w.includes('not stationary')),
        ],
      },
    };
  } finally {
    tf.dispose([phi, ...(theta ? [theta] : []), ...(g ? [g] : [])]);
    task.data.dispose();
  }
}
