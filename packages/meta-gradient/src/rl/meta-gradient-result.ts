import type { SolverSpec } from '@bomrl/adaptation';
import type { DistanceName } from './sampled/dice';

/** The lower level Alg(pi_phi, lambda, tau) (or its trust-region variant) to differentiate. */
export interface AdaptationSettings {
  /** D2: 'forward-kl' (Alg(1)), 'reverse-kl' (Alg(2)) or 'l2' (Alg(3)). */
  readonly distance: DistanceName;
  /** Penalty weight lambda > 0 of G = L - lambda D2. Give exactly one of `lambda` and `delta`. */
  readonly lambda?: number;
  /** Trust-region radius delta > 0: theta' = argmax L subject to D2 <= delta (exact mode). */
  readonly delta?: number;
  /** Lower-level solver of `@bomrl/adaptation` (defaults: see each function). */
  readonly solver?: SolverSpec;
}

/** What a meta-gradient computation reports besides the gradient. */
export interface MetaGradientDiagnostics {
  readonly lowerLevel: {
    /** ||grad_theta G(theta', phi)|| (MAML: the norm of the last inner policy gradient). */
    readonly gradNorm: number;
    /** ||grad_theta G(phi, phi)|| (MAML: of the first inner policy gradient). */
    readonly initialGradNorm: number;
    /** gradNorm / initialGradNorm: the stationarity the implicit function theorem assumes. */
    readonly relativeGradNorm: number;
    /** Lower-level solver iterations (MAML: inner steps). */
    readonly solverSteps: number;
    /** Whether the solver met its own tolerance. */
    readonly converged: boolean;
    /** D2(phi, theta'). */
    readonly distance: number;
    /** The KKT multiplier of the trust-region variant (0 when inactive or penalized). */
    readonly multiplier: number;
  };
  readonly adjoint: {
    /** 'cg', 'block-direct' (tabular), 'direct' (KKT), or 'autodiff' / 'none' for MAML. */
    readonly solver: string;
    /** Matrix-vector products spent on the adjoint system H v = g. */
    readonly iterations: number;
    /** ||H v - g|| / ||g||. */
    readonly relativeResidual: number;
  };
  /** Everything that looked wrong; empty when nothing did. Nothing is logged. */
  readonly warnings: readonly string[];
}

/** A meta-gradient d J(theta'(phi)) / d phi, the adapted theta' and how it went. */
export interface MetaGradientResult {
  /** d J(theta'(phi)) / d phi (float64 copy of the float32 computation). */
  readonly metaGradient: Float64Array;
  /** theta' = Alg(phi) (MAML: the inner-loop result). */
  readonly theta: Float64Array;
  readonly diagnostics: MetaGradientDiagnostics;
}

/** Default bound on the lower level's relative gradient norm before a warning. */
export const DEFAULT_RELATIVE_STATIONARITY_TOL = 1e-3;

/**
 * The warning for a lower level that is not stationary: the implicit function theorem (and so
 * the meta-gradient) assumes grad_theta G(theta', phi) = 0.
 */
export function nonStationaryWarning(
  gradNorm: number,
  relative: number,
  tol: number,
): readonly string[] {
  if (relative <= tol) return [];
  return [
    `lower level not stationary: ||grad G(theta')|| = ${gradNorm.toExponential(2)}, ` +
      `${relative.toExponential(2)} of ||grad G(phi)|| (tolerance ${tol.toExponential(0)}); ` +
      'the implicit meta-gradient assumes stationarity: give the solver more steps, a larger ' +
      'learning rate or a smaller tol',
  ];
}

/** Checks the adaptation settings; returns which operator they name. */
export function operatorOf(
  name: string,
  adaptation: AdaptationSettings,
): { kind: 'penalty'; lambda: number } | { kind: 'constrained'; delta: number } {
  const { lambda, delta, distance } = adaptation;
  if (distance !== 'forward-kl' && distance !== 'reverse-kl' && distance !== 'l2') {
    throw new RangeError(
      `${name}: adaptation.distance must be 'forward-kl', 'reverse-kl' or 'l2', got ${JSON.stringify(distance)}`,
    );
  }
  if ((lambda === undefined) === (delta === undefined)) {
    throw new RangeError(
      `${name}: give exactly one of adaptation.lambda (penalty weight) and adaptation.delta (trust-region radius)`,
    );
  }
  if (lambda !== undefined) {
    if (!(lambda > 0) || !Number.isFinite(lambda)) {
      throw new RangeError(`${name}: adaptation.lambda must be a finite number > 0, got ${lambda}`);
    }
    return { kind: 'penalty', lambda };
  }
  if (!(delta! > 0) || !Number.isFinite(delta)) {
    throw new RangeError(`${name}: adaptation.delta must be a finite number > 0, got ${delta}`);
  }
  return { kind: 'constrained', delta: delta! };
}

/** The float32 parameter vector of user input, checked against the policy's size. */
export function checkedParams(
  name: string,
  phi: ArrayLike<number>,
  expected: number,
): Float64Array {
  if (phi.length !== expected) {
    throw new RangeError(
      `${name}: phi has ${phi.length} entries, the policy has ${expected} parameters`,
    );
  }
  const out = Float64Array.from(phi);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`${name}: phi[${bad}] = ${out[bad]} is not finite`);
  return out;
}
