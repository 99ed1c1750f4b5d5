import type { TabularModel } from '@bomrl/envs/tabular';
import { exactHypergradient } from './exact/exact-hypergradient';
import { disposeTabular, tabularTensors } from './exact/tabular-tf';
import {
  type AdaptationSettings,
  checkedParams,
  DEFAULT_RELATIVE_STATIONARITY_TOL,
  type MetaGradientResult,
  nonStationaryWarning,
  operatorOf,
} from './meta-gradient-result';
import type { HypergradientMode } from './sampled/dice';

/** Inputs of {@link exactBomrlMetaGradient}. */
export interface ExactBomrlMetaGradientOptions {
  /** A known tabular model (e.g. `FrozenLake` `env.model()` from `@bomrl/envs`). */
  readonly model: TabularModel;
  /** Tabular softmax logits phi, row-major [state][action]. */
  readonly phi: ArrayLike<number>;
  /** Distance and lambda (penalized) or delta (trust region). The solver is the package's. */
  readonly adaptation: Omit<AdaptationSettings, 'solver'>;
  /** 'full': nu^phi and A^phi are differentiated; 'ignore-data': they are constants. */
  readonly mode: HypergradientMode;
  /** Warn when ||grad G(theta')|| / ||grad G(phi)|| exceeds this (default 1e-3). */
  readonly stationarityTol?: number;
}

/** {@link MetaGradientResult} plus the exact returns before and after adaptation. */
export interface ExactMetaGradientResult extends MetaGradientResult {
  /** J(phi) and J(theta'), the exact finite-horizon returns. */
  readonly preReturn: number;
  readonly postReturn: number;
}

/**
 * BO-MRL's exact meta-gradient d J(theta'(phi)) / d phi on a known tabular model (tabular
 * softmax policy): nu^phi, A^phi and J come from the model, theta' from `@bomrl/adaptation`,
 * and the implicit function theorem (the KKT system for `delta`) gives the gradient. The same
 * result shape as {@link bomrlMetaGradient}, plus the exact returns.
 */
export function exactBomrlMetaGradient(
  options: ExactBomrlMetaGradientOptions,
): ExactMetaGradientResult {
  const name = 'exactBomrlMetaGradient';
  const { model, mode, adaptation } = options;
  if (mode !== 'full' && mode !== 'ignore-data') {
    throw new RangeError(
      `${name}: mode must be 'full' or 'ignore-data', got ${JSON.stringify(mode)}`,
    );
  }
  const op = operatorOf(name, adaptation);
  const phi = checkedParams(name, options.phi, model.nStates * model.nActions);
  const tensors = tabularTensors(model);
  try {
    const r = exactHypergradient(tensors, phi, {
      distance: adaptation.distance,
      lambda: op.kind === 'penalty' ? op.lambda : 0,
      ...(op.kind === 'constrained' ? { delta: op.delta } : {}),
      hypergradient: mode,
    });
    const d = r.diagnostics;
    const relative =
      d.initialGradNorm > 0 ? d.gradNorm / d.initialGradNorm : d.gradNorm > 0 ? Infinity : 0;
    const tol = options.stationarityTol ?? DEFAULT_RELATIVE_STATIONARITY_TOL;
    return {
      metaGradient: r.gradient,
      theta: r.theta,
      preReturn: r.preReturn,
      postReturn: r.postReturn,
      diagnostics: {
        lowerLevel: {
          gradNorm: d.gradNorm,
          initialGradNorm: d.initialGradNorm,
          relativeGradNorm: relative,
          solverSteps: d.solverSteps,
          converged: relative <= tol,
          distance: d.distance,
          multiplier: d.multiplier,
        },
        adjoint: {
          solver: op.kind === 'constrained' && d.multiplier > 0 ? 'direct' : 'block-direct',
          iterations: d.adjointProducts,
          relativeResidual: d.adjointResidual,
        },
        warnings: [
          ...nonStationaryWarning(d.gradNorm, relative, tol),
          ...d.warnings.filter((w) => !w.includes('not stationary')),
        ],
      },
    };
  } finally {
    disposeTabular(tensors);
  }
}
