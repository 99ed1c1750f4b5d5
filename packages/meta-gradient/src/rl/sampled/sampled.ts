import {
  adapt,
  lowerLevelObjective,
  matchRowMeans,
  maximize,
  type RatioTransform,
  type SolverSpec,
  sampledData,
  surrogate,
} from '@bomrl/adaptation';
import { hessianVectorProduct } from '@bomrl/core';
import { type Policy, TabularSoftmaxPolicy } from '@bomrl/policies';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { crossHvp, implicitGradient } from '../../implicit/index';
import type { Episode } from '../advantages/episode';
import { LinearFeatureBaseline } from '../advantages/linear-feature-baseline';
import { solveBlockDiagonal } from '../exact/block-adjoint';
import {
  DISTANCES,
  type DistanceName,
  type HypergradientMode,
  lowerObjective,
  penaltySpec,
  type ThetaPhiObjective,
} from './dice';
import { type EpisodeTensors, episodeTensors } from './episode-tensors';
import { gaugeApplies, withGauge } from './gauge';
import { outerPolicyGradient } from './outer-gradient';

/** Settings of one task's sampled BO-MRL lower level and hypergradient. */
export interface SampledBomrlSettings {
  readonly distance: DistanceName;
  /** Penalty weight lambda > 0. */
  readonly lambda: number;
  /** Discount of returns, advantages and batch weights. */
  readonly gamma: number;
  /**
   * Lower-level solver (`@bomrl/adaptation`). Default: Newton for tabular policies (exact
   * stationarity in a few steps), Adam (lr 0.05, 500 steps, tol 1e-6) otherwise.
   */
  readonly solver?: SolverSpec;
  /**
   * How H v = g is solved: 'auto' (default) solves tabular policies under a KL distance exactly
   * per state block (nActions Hessian-vector products) and everything else by CG through
   * `@bomrl/meta-gradient`'s `implicitGradient`; 'cg' always uses CG.
   */
  readonly adjointSolver?: 'auto' | 'cg';
  /** CG settings (default max(200, 2n) products, tol 1e-8, damping 1e-6). */
  readonly cg?: { readonly maxIter?: number; readonly tol?: number; readonly damping?: number };
  /**
   * GAE lambda of the advantages of the flat batch ('ignore-data' objective) and of the outer
   * policy gradient. Default 1. The 'full' surrogate is built from returns (lambda = 1): when
   * 'full' is among the requested modes the flat batch also uses lambda = 1, so that theta' is
   * stationary for both objectives.
   */
  readonly gaeLambda?: number;
  /** Weight of the tabular gauge terms (see `gauge.ts`). Default 1. */
  readonly gaugeWeight?: number;
  /**
   * How the importance ratio enters L, in the lower level and in both hypergradient modes
   * (`@bomrl/adaptation`'s `RatioTransform`). Default 'plain'. 'smooth-clip' bounds L and
   * 'log-prob' (the REINFORCE surrogate up to a theta-free term) lets it grow only like log r,
   * so G has a maximum on Gaussian policies, whose plain ratio can outgrow the KL penalty.
   */
  readonly ratio?: RatioTransform;
  /**
   * Shift and scale the batch's advantages to mean 0, standard deviation 1 (batch statistics,
   * held constant) in the lower level and both hypergradient modes. Default false. The scale of
   * A is what lambda is measured against.
   */
  readonly normalizeAdvantages?: boolean;
}

/** The pre-update data of one task, ready for the lower level. */
export interface PreparedTask {
  readonly data: EpisodeTensors;
  /** The tabular gauge's shape, when the policy is tabular and the distance a KL. */
  readonly tabular?: { readonly nStates: number; readonly nActions: number };
}

/** What the lower-level solve reports. */
export interface LowerLevelReport {
  readonly solverSteps: number;
  /** ||grad_theta G(theta', phi)||. */
  readonly gradNorm: number;
  /** ||grad_theta G(phi, phi)||: where the solver started (the scale of gradNorm). */
  readonly initialGradNorm: number;
  /** gradNorm / initialGradNorm (0 when both are 0): how stationary theta' is. */
  readonly relativeGradNorm: number;
  readonly converged: boolean;
  /** D2(phi, theta') on the batch. */
  readonly distance: number;
  /** L(theta'; phi) on the batch. */
  readonly surrogate: number;
}

/** One task's hypergradient estimates (float64 host copies). */
export interface SampledHypergradient {
  /** d J(theta'(phi)) / d phi per requested mode. */
  readonly gradients: Partial<Record<HypergradientMode, Float64Array>>;
  /** The adapted parameters theta'. */
  readonly theta: Float64Array;
  readonly lowerLevel: LowerLevelReport;
  readonly adjoint: {
    /** 'cg' (general policies) or 'block-direct' (tabular: exact per-state blocks). */
    readonly solver: 'cg' | 'block-direct';
    /** Hessian-vector products spent on the adjoint solve. */
    readonly iterations: number;
    readonly relativeResidual: number;
    /** ||grad_theta G|| at theta' as the implicit gradient measured it. */
    readonly stationarity: number;
    readonly warnings: readonly string[];
  };
}

function tabularShape(policy: Policy): { nStates: number; nActions: number } | undefined {
  return policy instanceof TabularSoftmaxPolicy
    ? { nStates: policy.numStates, nActions: policy.numActions }
    : undefined;
}

/**
 * Fits a fresh linear feature baseline to the pre-update episodes and lays them out for both
 * objectives ({@link episodeTensors}).
 */
export function prepareTask(
  policy: Policy,
  phi: Tensor1D,
  episodes: readonly Episode[],
  settings: SampledBomrlSettings,
  modes: readonly HypergradientMode[],
): PreparedTask {
  const baseline = new LinearFeatureBaseline();
  baseline.fit(episodes, settings.gamma);
  const tabular = tabularShape(policy);
  const data = episodeTensors(policy, phi, episodes, {
    gamma: settings.gamma,
    gaeLambda: modes.includes('full') ? 1 : (settings.gaeLambda ?? 1),
    baseline,
    tabular: tabular !== undefined,
    normalizeAdvantages: settings.normalizeAdvantages === true,
  });
  return {
    data,
    ...(tabular && gaugeApplies(settings.distance) ? { tabular } : {}),
  };
}

/**
 * theta' = argmax_theta G(theta, phi) on the prepared batch with `@bomrl/adaptation`'s `adapt`
 * (tabular policies with Newton: the package's `maximize` with the per-state block structure).
 * For a tabular policy under a KL distance the rows of theta' are shifted back to phi's mean
 * logits afterwards (the package's gauge; probabilities, G and its gradient are unchanged).
 * The reported ||grad_theta G|| is measured at the returned theta'.
 */
export function solveLowerLevel(
  policy: Policy,
  phi: Tensor1D,
  task: PreparedTask,
  settings: SampledBomrlSettings,
): { theta: Tensor1D; report: LowerLevelReport } {
  const tabular = tabularShape(policy);
  const data = sampledData(policy, task.data.batch);
  const problem = penaltySpec(settings);
  const solver: SolverSpec =
    settings.solver ??
    (tabular ? { kind: 'newton' } : { kind: 'adam', lr: 0.05, maxSteps: 500, tol: 1e-6 });
  let theta: Tensor1D;
  let steps: number;
  let converged: boolean;
  /** What `adapt` measured at the theta' returned here (not when it is re-centred below). */
  let atTheta: Pick<LowerLevelReport, 'gradNorm' | 'distance' | 'surrogate'> | undefined;
  if (tabular && solver.kind === 'newton') {
    // A tabular G on samples is a sum of per-state terms (each sample touches only its state's
    // logits), so Newton needs nActions Hessian-vector products per step, not nStates * nActions:
    // `adapt` passes this structure only for exact data, so call its solver with it directly.
    const G = lowerLevelObjective(problem, data);
    const solved = maximize((t) => G(t, phi), phi, solver, {
      ...tabular,
      separable: true,
      shiftInvariant: gaugeApplies(settings.distance),
    });
    ({ theta, steps, converged } = solved);
  } else {
    const result = adapt(phi, data, { ...problem, solver });
    theta = result.params;
    steps = result.diagnostics.steps;
    converged = result.diagnostics.converged;
    const { gradNorm, distance, surrogate } = result.diagnostics;
    atTheta = { gradNorm, distance, surrogate };
  }
  if (task.tabular) {
    atTheta = undefined;
    const { nStates, nActions } = task.tabular;
    const centered = matchRowMeans(theta.dataSync(), phi.dataSync(), nStates, nActions);
    theta.dispose();
    theta = tf.tensor1d(Float32Array.from(centered));
  }
  const measured = measure(policy, phi, theta, task, settings, atTheta);
  return { theta, report: { solverSteps: steps, converged, ...measured } };
}

/**
 * ||grad_theta G|| at theta' and at phi, D2 and L at theta' on the flat batch (those at theta'
 * taken from `atTheta` when the solver already measured them there: the same G, so the same
 * numbers up to the rounding of the norm).
 */
function measure(
  policy: Policy,
  phi: Tensor1D,
  theta: Tensor1D,
  task: PreparedTask,
  settings: SampledBomrlSettings,
  atTheta?: Pick<LowerLevelReport, 'gradNorm' | 'distance' | 'surrogate'>,
): Omit<LowerLevelReport, 'solverSteps' | 'converged'> {
  return tf.tidy(() => {
    const data = sampledData(policy, task.data.batch);
    const G = lowerLevelObjective(penaltySpec(settings), data);
    const gradG = tf.grad((t: Tensor) => G(t as Tensor1D, phi));
    // theta = phi as a DIFFERENT tensor: tfjs would differentiate every use of phi itself
    const start = tf.tensor1d(phi.dataSync());
    const initialGradNorm = tf.norm(gradG(start)).dataSync()[0]!;
    const {
      gradNorm,
      distance,
      surrogate: surrogateValue,
    } = atTheta ?? {
      gradNorm: tf.norm(gradG(theta)).dataSync()[0]!,
      distance: DISTANCES[settings.distance].value(theta, phi, data).dataSync()[0]!,
      surrogate: surrogate(data, { ratio: settings.ratio ?? 'plain' })(theta, phi).dataSync()[0]!,
    };
    return {
      gradNorm,
      initialGradNorm,
      relativeGradNorm:
        initialGradNorm > 0 ? gradNorm / initialGradNorm : gradNorm > 0 ? Infinity : 0,
      distance,
      surrogate: surrogateValue,
    };
  });
}

/** The lower-level objective of `mode` on the prepared task, gauged where that applies. */
export function taskObjective(
  mode: HypergradientMode,
  policy: Policy,
  task: PreparedTask,
  settings: SampledBomrlSettings,
): ThetaPhiObjective {
  const G = lowerObjective(mode, policy, task.data, settings);
  if (!task.tabular) return G;
  return withGauge(G, {
    ...task.tabular,
    visited: task.data.visitedStates ?? new Set<number>(),
    ...(settings.gaugeWeight === undefined ? {} : { weight: settings.gaugeWeight }),
  });
}

/**
 * The implicit hypergradient(s) at a solved theta': v = H^{-1} g with H = -Hess_theta G(theta',
 * phi) by CG with meta-gradient's `implicitGradient` (one solve: the theta-Hessian is the same in
 * both modes), then
 * grad_phi <grad_theta G_mode(theta', phi), v> for every requested mode.
 */
export function implicitHypergradients(
  policy: Policy,
  phi: Tensor1D,
  theta: Tensor1D,
  outerGradient: Tensor1D,
  task: PreparedTask,
  settings: SampledBomrlSettings,
  modes: readonly HypergradientMode[],
): Pick<SampledHypergradient, 'gradients' | 'adjoint'> {
  if (modes.length === 0) throw new RangeError('implicitHypergradients: no modes requested');
  // -Hess_theta G is the same for both modes (box = 1 in value): solve the adjoint with the
  // cheaper 'ignore-data' objective, then take each mode's cross term with that adjoint.
  const base = taskObjective('ignore-data', policy, task, settings);
  const solved =
    task.tabular && settings.adjointSolver !== 'cg'
      ? tabularAdjoint(base, theta, phi, outerGradient, task.tabular)
      : cgAdjoint(base, theta, phi, outerGradient, settings);
  const gradients: Partial<Record<HypergradientMode, Float64Array>> = {};
  for (const mode of modes) {
    if (mode === 'ignore-data' && solved.gradient !== undefined) {
      gradients[mode] = solved.gradient;
      continue;
    }
    const G = mode === 'ignore-data' ? base : taskObjective(mode, policy, task, settings);
    const cross = crossHvp(G, theta, phi, solved.adjoint);
    gradients[mode] = Float64Array.from(cross.dataSync());
    cross.dispose();
  }
  solved.adjoint.dispose();
  return { gradients, adjoint: solved.report };
}

interface AdjointSolve {
  /** v (caller disposes). */
  readonly adjoint: Tensor1D;
  /** The 'ignore-data' hypergradient when the solve produced it on the way. */
  readonly gradient?: Float64Array;
  readonly report: SampledHypergradient['adjoint'];
}

/** General policies: meta-gradient's `implicitGradient` with CG on Hessian-vector products. */
function cgAdjoint(
  G: ThetaPhiObjective,
  theta: Tensor1D,
  phi: Tensor1D,
  g: Tensor1D,
  settings: SampledBomrlSettings,
): AdjointSolve {
  const n = phi.shape[0];
  const result = implicitGradient({
    objective: G,
    solution: theta,
    params: phi,
    outerGradient: g,
    sense: 'max',
    solve: {
      kind: 'cg',
      maxIter: settings.cg?.maxIter ?? Math.max(200, 2 * n),
      tol: settings.cg?.tol ?? 1e-8,
      damping: settings.cg?.damping ?? 1e-6,
    },
  });
  const gradient = Float64Array.from(result.gradient.dataSync());
  result.gradient.dispose();
  const d = result.diagnostics;
  return {
    adjoint: result.adjoint,
    gradient,
    report: {
      solver: 'cg',
      iterations: d.iterations,
      relativeResidual: d.relativeResidual,
      stationarity: d.stationarity,
      warnings: d.warnings,
    },
  };
}

/**
 * Tabular policies: G on samples is a sum of per-state terms, so -Hess_theta G is block diagonal
 * (one nActions x nActions block per state; the gauge makes every block positive definite). Its
 * blocks come from nActions Hessian-vector products (probe c = the indicator of action c in
 * every state), and v is solved exactly per block in float64: the adjoint of the implicit
 * function theorem without CG's many products.
 */
function tabularAdjoint(
  G: ThetaPhiObjective,
  theta: Tensor1D,
  phi: Tensor1D,
  g: Tensor1D,
  shape: { readonly nStates: number; readonly nActions: number },
): AdjointSolve {
  const f = (t: Tensor1D) => G(t, phi);
  const solve = solveBlockDiagonal(
    (v) => tf.neg(hessianVectorProduct(f, theta, v)) as Tensor1D,
    g.dataSync(),
    shape.nStates,
    shape.nActions,
  );
  const stationarity = tf.tidy(
    () => tf.norm(tf.grad((t: Tensor) => f(t as Tensor1D))(theta)).dataSync()[0]!,
  );
  return {
    adjoint: tf.tensor1d(Float32Array.from(solve.x)),
    report: {
      solver: 'block-direct',
      iterations: solve.products,
      relativeResidual: solve.relativeResidual,
      stationarity,
      warnings: solve.indefiniteStates.map(
        (s) => `state ${s}: -Hess G is not positive definite (v^T H v < 0)`,
      ),
    },
  };
}

/**
 * One task's sampled BO-MRL hypergradient from episodes: `pre` collected with pi_phi,
 * and `collectPost(theta')` collecting fresh episodes with pi_theta' for the outer policy
 * gradient. Returns host arrays; every tensor made here is freed.
 */
export async function sampledHypergradient(options: {
  readonly policy: Policy;
  readonly phi: Float64Array;
  readonly pre: readonly Episode[];
  readonly collectPost: (theta: Tensor1D) => Promise<readonly Episode[]>;
  readonly settings: SampledBomrlSettings;
  readonly modes: readonly HypergradientMode[];
}): Promise<SampledHypergradient & { readonly post: readonly Episode[] }> {
  const { policy, settings, modes } = options;
  const phi = tf.tensor1d(Float32Array.from(options.phi));
  const task = prepareTask(policy, phi, options.pre, settings, modes);
  let theta: Tensor1D | undefined;
  let g: Tensor1D | undefined;
  try {
    const solved = solveLowerLevel(policy, phi, task, settings);
    theta = solved.theta;
    const post = await options.collectPost(theta);
    g = outerPolicyGradient(policy, theta, post, settings.gamma, settings.gaeLambda ?? 1);
    const out = implicitHypergradients(policy, phi, theta, g, task, settings, modes);
    return {
      ...out,
      theta: Float64Array.from(theta.dataSync()),
      lowerLevel: solved.report,
      post,
    };
  } finally {
    tf.dispose([phi, ...(theta ? [theta] : []), ...(g ? [g] : [])]);
    task.data.dispose();
  }
}
