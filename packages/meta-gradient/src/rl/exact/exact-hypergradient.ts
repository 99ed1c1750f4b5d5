import {
  type AdaptSpec,
  adapt,
  type Distance,
  exactData,
  forwardKL,
  l2,
  reverseKL,
} from '@bomrl/adaptation';
import { hessianVectorProduct, logSoftmax } from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { constrainedImplicitGradient, crossHvp } from '../../implicit/index';
import { gaugePenalty } from '../sampled/gauge';
import { solveBlockDiagonal } from './block-adjoint';
import {
  finiteHorizonReturn,
  type TabularTensors,
  tabularPolicyTensor,
  visitationAndAdvantage,
} from './tabular-tf';

/** The BO-MRL lower level in exact mode. */
export interface ExactBomrlSpec {
  readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
  /** Penalty weight (penalized operator). */
  readonly lambda: number;
  /** Trust-region radius: when set, the constrained operator D2 <= delta is used. */
  readonly delta?: number;
  /**
   * 'full': nu^phi and A^phi are differentiated (phi moves the data); 'ignore-data': they are
   * constants (the authors' approximation). D2's explicit dependence on pi_phi is kept in both.
   */
  readonly hypergradient: 'full' | 'ignore-data';
  /**
   * Weight of the gauge term. Softmax logits are shift-invariant per state, so -Hess G is
   * singular along each state's ones vector under the KL distances; the term
   * -(c/2) sum_s (1^T (theta_s - phi_s))^2 removes that null space without moving theta' (which
   * keeps each state's mean logit) or the hypergradient (the adjoint is orthogonal to the ones
   * vectors). States that phi never visits get -(c/2)||theta_s - phi_s||^2: G ignores them, the
   * solver leaves them at phi, and this makes d theta_s / d phi_s = I explicit. Default 1.
   */
  readonly gaugeWeight?: number;
}

const DISTANCES: Record<ExactBomrlSpec['distance'], Distance> = {
  'forward-kl': forwardKL,
  'reverse-kl': reverseKL,
  l2,
};

/** The exact quantities of phi the objective needs, computed once per (task, phi). */
// a type alias (not an interface) so tf.tidy accepts it as a tensor container
type PhiTerms = { nu: Tensor1D; A: Tensor2D };

function termsAt(m: TabularTensors, phi: Tensor1D): PhiTerms {
  return visitationAndAdvantage(m, tabularPolicyTensor(m, phi));
}

/** Per-state KL rows [S] between the softmax tables of two logit vectors: KL(p || q). */
function klRows(m: TabularTensors, pLogits: Tensor1D, qLogits: Tensor1D): Tensor1D {
  const lp = logSoftmax(tf.reshape(pLogits, [m.S, m.A]));
  const lq = logSoftmax(tf.reshape(qLogits, [m.S, m.A]));
  return tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, lq)), 1) as Tensor1D;
}

/** L(theta; phi) = sum_s nu(s) sum_a pi_theta(a|s) A(s, a), the exact surrogate. */
function surrogateL(m: TabularTensors, theta: Tensor1D, terms: PhiTerms): Scalar {
  const pi = tabularPolicyTensor(m, theta);
  return tf.sum(tf.mul(tf.reshape(terms.nu, [m.S, 1]), tf.mul(pi, terms.A))) as Scalar;
}

/** D2(phi, theta) with phi's visitation weights (KL) or the plain l2 norm. */
function distanceD2(
  m: TabularTensors,
  distance: ExactBomrlSpec['distance'],
  theta: Tensor1D,
  phi: Tensor1D,
  nu: Tensor1D,
): Scalar {
  if (distance === 'l2') return tf.sum(tf.square(tf.sub(theta, phi))) as Scalar;
  const rows = distance === 'forward-kl' ? klRows(m, phi, theta) : klRows(m, theta, phi);
  return tf.sum(tf.mul(nu, rows)) as Scalar;
}

/** The gauge term (see {@link ExactBomrlSpec.gaugeWeight}); zero value and gradient at theta'. */
function gaugeTerm(
  m: TabularTensors,
  theta: Tensor1D,
  phi: Tensor1D,
  unvisited: Tensor2D,
  c: number,
): Scalar {
  return tf.tidy(() => tf.neg(gaugePenalty(theta, phi, unvisited, m.S, m.A, c)) as Scalar);
}

/** A lower-level objective G(theta, phi) whose constant tensors `dispose` frees. */
export interface ExactLowerObjective {
  readonly objective: (theta: Tensor1D, phi: Tensor1D) => Scalar;
  dispose(): void;
}

/**
 * The exact penalized lower-level objective the implicit function theorem differentiates:
 * G(theta, phi) = L(theta; phi) - lambda D2(phi, theta) plus the gauge terms (see
 * {@link ExactBomrlSpec.gaugeWeight}), with nu and A recomputed from the phi argument ('full')
 * or held at `phiAt` ('ignore-data'). theta' keeps phi's mean logits, where the gauge terms are
 * flat, so G's maximizer is the operator's theta'. Use it with `customRoot` or
 * `implicitGradient` (sense 'max').
 */
export function exactLowerObjective(
  m: TabularTensors,
  phiAt: Tensor1D,
  spec: Pick<ExactBomrlSpec, 'distance' | 'lambda' | 'hypergradient' | 'gaugeWeight'>,
): ExactLowerObjective {
  const fixed = tf.tidy(() => termsAt(m, phiAt));
  const unvisited = tf.tidy(
    () =>
      tf.tile(tf.reshape(tf.cast(tf.equal(fixed.nu, 0), 'float32'), [m.S, 1]), [
        1,
        m.A,
      ]) as Tensor2D,
  );
  const gauge = spec.distance === 'l2' ? 0 : (spec.gaugeWeight ?? 1);
  return {
    objective: (t, p) =>
      tf.tidy(() => {
        const terms = spec.hypergradient === 'full' ? termsAt(m, p) : fixed;
        const value = tf.sub(
          surrogateL(m, t, terms),
          tf.mul(spec.lambda, distanceD2(m, spec.distance, t, p, terms.nu)),
        );
        return tf.add(value, gaugeTerm(m, t, p, unvisited, gauge)) as Scalar;
      }),
    dispose: () => tf.dispose([fixed.nu, fixed.A, unvisited]),
  };
}

/** What one task's exact hypergradient reports. */
export interface ExactHypergradient {
  /** d J(theta'(phi)) / d phi (float64 copy). */
  readonly gradient: Float64Array;
  /** J(phi) and J(theta'). */
  readonly preReturn: number;
  readonly postReturn: number;
  /** theta' (float64 copy). */
  readonly theta: Float64Array;
  readonly diagnostics: {
    readonly solverSteps: number;
    /** ||grad_theta G(theta', phi)|| as the adaptation operator measured it. */
    readonly gradNorm: number;
    /** ||grad_theta G(phi, phi)|| (= ||grad_theta L|| at phi): the scale of gradNorm. */
    readonly initialGradNorm: number;
    readonly distance: number;
    readonly multiplier: number;
    /** Hessian-vector products of the adjoint solve, and its relative residual. */
    readonly adjointProducts: number;
    readonly adjointResidual: number;
    /** What looked wrong in the adjoint solve (empty when nothing did). */
    readonly warnings: readonly string[];
  };
}

/** Solves the exact lower level with `@bomrl/adaptation` (nu^phi, A^phi as constants). */
export function adaptExact(
  m: TabularTensors,
  phi: Tensor1D,
  spec: Pick<ExactBomrlSpec, 'distance' | 'lambda' | 'delta'>,
): ReturnType<typeof adapt> {
  const terms = tf.tidy(() => termsAt(m, phi));
  const data = exactData({
    nStates: m.S,
    nActions: m.A,
    visitation: terms.nu.dataSync(),
    advantages: terms.A.dataSync(),
  });
  tf.dispose([terms.nu, terms.A]);
  const op: AdaptSpec =
    spec.delta !== undefined
      ? // the KKT hypergradient assumes D2 = delta: search the multiplier to float32 precision
        {
          kind: 'constrained',
          distance: DISTANCES[spec.distance],
          delta: spec.delta,
          search: { relTol: 1e-6, maxIter: 100 },
        }
      : { distance: DISTANCES[spec.distance], lambda: spec.lambda };
  return adapt(phi, data, op);
}

/**
 * The exact BO-MRL hypergradient of J_tau(theta'(phi)) on one known tabular task: theta' from
 * the adaptation operator, g = grad J(theta') by autodiff of the exact finite-horizon return,
 * then the implicit function theorem through G(theta, phi) = L - lambda D2 (or the KKT system of
 * the constrained operator) with `@bomrl/meta-gradient`.
 */
export function exactHypergradient(
  m: TabularTensors,
  phiValues: Float64Array,
  spec: ExactBomrlSpec,
): ExactHypergradient {
  const phi = tf.tensor1d(Float32Array.from(phiValues));
  const adapted = adaptExact(m, phi, spec);
  const theta = adapted.params;
  const c = spec.gaugeWeight ?? 1;
  try {
    const preReturn = tf.tidy(() => finiteHorizonReturn(m, phi).dataSync()[0]!);
    const postReturn = tf.tidy(() => finiteHorizonReturn(m, theta).dataSync()[0]!);
    const g = tf.tidy(
      () => tf.grad((x: Tensor) => finiteHorizonReturn(m, x as Tensor1D))(theta) as Tensor1D,
    );
    // constants at phi for 'ignore-data' (and the unvisited-state mask for the gauge)
    const fixed = tf.tidy(() => termsAt(m, phi));
    const unvisited = tf.tidy(
      () =>
        tf.tile(tf.reshape(tf.cast(tf.equal(fixed.nu, 0), 'float32'), [m.S, 1]), [
          1,
          m.A,
        ]) as Tensor2D,
    );
    const gauge = spec.distance === 'l2' ? 0 : c;
    // grad_theta G at theta = phi is grad_theta L (D2 and the gauge are flat there); a distinct
    // tensor for theta = phi, since tfjs differentiates every use of the tensor it is given
    const initialGradNorm = tf.tidy(() => {
      const start = tf.tensor1d(phi.dataSync());
      const grad = tf.grad((x: Tensor) => surrogateL(m, x as Tensor1D, fixed))(start);
      return tf.norm(grad).dataSync()[0]!;
    });
    const termsFor = (p: Tensor1D): PhiTerms =>
      spec.hypergradient === 'full' ? termsAt(m, p) : fixed;
    try {
      if (spec.delta !== undefined && adapted.diagnostics.constraint?.active) {
        const mu = adapted.diagnostics.constraint.multiplier;
        const result = constrainedImplicitGradient({
          objective: (t, p) =>
            tf.add(surrogateL(m, t, termsFor(p)), gaugeTerm(m, t, p, unvisited, gauge)) as Scalar,
          constraint: (t, p) => distanceD2(m, spec.distance, t, p, termsFor(p).nu),
          bound: spec.delta,
          multiplier: mu,
          sense: 'max',
          solution: theta,
          params: phi,
          outerGradient: g,
          // n is small in tabular problems: a dense direct solve is exact and cheap
          solve: { kind: 'direct' },
          // the operator meets D2 = delta to its bisection tolerance, not to float32 rounding
          constraintTol: 1e-3 * spec.delta,
        });
        result.adjoint.dispose();
        const out = finish(
          result.gradient,
          result.diagnostics,
          result.diagnostics.warnings,
          initialGradNorm,
        );
        return {
          ...out,
          preReturn,
          postReturn,
          theta: Float64Array.from(theta.dataSync()),
          diagnostics: { ...out.diagnostics, multiplier: mu },
        };
      }
      const lambda = spec.delta !== undefined ? 0 : spec.lambda;
      const constants = exactLowerObjective(m, phi, {
        ...spec,
        lambda,
        hypergradient: 'ignore-data',
      });
      const moving = exactLowerObjective(m, phi, { ...spec, lambda });
      // The custom_root recipe by hand, to keep the adjoint solve cheap: Hess_theta G does not
      // depend on how phi moves nu and A (those matvecs use nu^phi and A^phi as constants), and
      // G is a sum of per-state terms, so -Hess_theta G is block diagonal: nActions products
      // assemble it and each block is solved exactly. Only the final cross term differentiates
      // nu^phi and A^phi ('full') or not ('ignore-data').
      const negHessian = (v: Tensor1D): Tensor1D =>
        tf.neg(hessianVectorProduct((t) => constants.objective(t, phi), theta, v)) as Tensor1D;
      const solve = solveBlockDiagonal(negHessian, g.dataSync(), m.S, m.A);
      const v = tf.tensor1d(Float32Array.from(solve.x));
      const gradient = crossHvp(moving.objective, theta, phi, v);
      tf.dispose(v);
      constants.dispose();
      moving.dispose();
      const out = finish(
        gradient,
        { iterations: solve.products, residualNorm: solve.relativeResidual },
        solve.indefiniteStates.map(
          (s) => `state ${s}: -Hess G is not positive definite (v^T H v < 0)`,
        ),
        initialGradNorm,
      );
      return {
        ...out,
        preReturn,
        postReturn,
        theta: Float64Array.from(theta.dataSync()),
        diagnostics: { ...out.diagnostics, multiplier: 0 },
      };
    } finally {
      tf.dispose([g, fixed.nu, fixed.A, unvisited]);
    }
  } finally {
    tf.dispose([phi, theta]);
  }

  function finish(
    gradient: Tensor1D,
    solve: { iterations: number; residualNorm: number },
    warnings: readonly string[],
    initialGradNorm: number,
  ) {
    const values = Float64Array.from(gradient.dataSync());
    gradient.dispose();
    return {
      gradient: values,
      diagnostics: {
        solverSteps: adapted.diagnostics.steps,
        gradNorm: adapted.diagnostics.gradNorm,
        initialGradNorm,
        distance: adapted.diagnostics.distance,
        multiplier: 0,
        adjointProducts: solve.iterations,
        adjointResidual: solve.residualNorm,
        warnings,
      },
    };
  }
}
