import { adaptationTerms, softmaxPolicy, type TabularModel } from '@bomrl/envs/tabular';
import { returnAndGradient64 } from './finite-horizon';
import { type StateProblem, solveState, stateObjective } from './state-problem';

/**
 * Float64 ground truth for exact-mode BO-MRL and MAML on tabular tasks (docs/algorithm.md,
 * sections 1-3), in plain TypeScript (no tfjs): the library's float32 gradients are checked
 * against it. Conventions (docs/algorithm.md, tabular): softmax logits, row-major
 * [state][action]; L and the KL distances weight states by the NORMALIZED finite-horizon
 * discounted visitation nu^phi and use the STATIONARY discounted advantage A^phi; J is the
 * finite-horizon return. Gauge: for the KL distances each state's mean logit is kept equal to
 * phi's (states with nu = 0 stay at phi).
 */

/** The lower-level operator of the reference. */
export type ReferenceOperator =
  | {
      readonly kind: 'penalty';
      readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
      readonly lambda: number;
    }
  | {
      readonly kind: 'constrained';
      readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
      readonly delta: number;
    }
  | { readonly kind: 'maml'; readonly alpha: number };

/** nu^phi and A^phi of the softmax policy phi (docs/algorithm.md's tabular convention). */
export function lowerLevelData64(model: TabularModel, phi: Float64Array) {
  const terms = adaptationTerms(model, softmaxPolicy(phi, model.nStates, model.nActions));
  return { visitation: terms.visitation, advantages: terms.A };
}

export function stateProblems(
  model: TabularModel,
  phi: Float64Array,
  distance: StateProblem['distance'],
  lambda: number,
) {
  const { visitation, advantages } = lowerLevelData64(model, phi);
  const A = model.nActions;
  const p = softmaxPolicy(phi, model.nStates, A);
  return Array.from({ length: model.nStates }, (_, s) => ({
    w: visitation[s]!,
    adv: advantages.subarray(s * A, s * A + A),
    phi: phi.subarray(s * A, s * A + A),
    p: p.subarray(s * A, s * A + A),
    distance,
    lambda,
  }));
}

/** theta' = argmax_theta L(theta; phi) - lambda D2(phi, theta), solved to ||grad|| < tol. */
export function solvePenalized64(
  model: TabularModel,
  phi: Float64Array,
  distance: StateProblem['distance'],
  lambda: number,
  tol = 1e-12,
): Float64Array {
  const A = model.nActions;
  const theta = new Float64Array(phi.length);
  stateProblems(model, phi, distance, lambda).forEach((pr, s) =>
    theta.set(solveState(pr, tol), s * A),
  );
  return theta;
}

/** D2(phi, theta) with phi's visitation weights (KL distances) or the plain l2 norm. */
export function distance64(
  model: TabularModel,
  phi: Float64Array,
  theta: Float64Array,
  distance: StateProblem['distance'],
): number {
  const A = model.nActions;
  return stateProblems(model, phi, distance, 1).reduce(
    (sum, pr, s) => sum + stateObjective(pr, theta.subarray(s * A, s * A + A)).dist,
    0,
  );
}

/** The penalized solution at the lambda where D2 = delta (bisection in log lambda), or lambda -> 0+. */
export function solveConstrained64(
  model: TabularModel,
  phi: Float64Array,
  distance: StateProblem['distance'],
  delta: number,
): { theta: Float64Array; multiplier: number } {
  // D2(theta'(lambda)) decreases in lambda: bracket D2 = delta by factors of 4 from lambda = 1
  // (a tiny lambda would saturate the softmax and the solve would be meaningless).
  const at = (logLambda: number) => solvePenalized64(model, phi, distance, Math.exp(logLambda));
  const above = (logLambda: number) => distance64(model, phi, at(logLambda), distance) > delta;
  let lo = 0;
  let hi = 0;
  while (above(hi)) {
    hi += Math.log(4);
    if (hi > Math.log(1e8))
      throw new Error('float64 reference: cannot bracket D2 = delta from above');
  }
  lo = hi;
  while (!above(lo)) {
    lo -= Math.log(4);
    if (lo < Math.log(1e-4)) {
      throw new Error(
        'float64 reference: D2 <= delta even at lambda 1e-4: the constraint is inactive',
      );
    }
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14; i++) {
    const mid = (lo + hi) / 2;
    if (distance64(model, phi, at(mid), distance) > delta) lo = mid;
    else hi = mid;
  }
  const multiplier = Math.exp((lo + hi) / 2);
  return { theta: at(Math.log(multiplier)), multiplier };
}

/** theta'(phi) for any reference operator. */
export function adaptExact64(
  model: TabularModel,
  phi: Float64Array,
  op: ReferenceOperator,
): Float64Array {
  if (op.kind === 'penalty') return solvePenalized64(model, phi, op.distance, op.lambda);
  if (op.kind === 'constrained') return solveConstrained64(model, phi, op.distance, op.delta).theta;
  const { grad } = returnAndGradient64(model, phi);
  return phi.map((p, i) => p + op.alpha * grad[i]!);
}

/** grad_theta G(theta, phi) with nu^phi and A^phi recomputed at phi (what phi moves). */
export function lowerLevelGradient64(
  model: TabularModel,
  phi: Float64Array,
  theta: Float64Array,
  distance: StateProblem['distance'],
  lambda: number,
): Float64Array {
  const A = model.nActions;
  const g = new Float64Array(theta.length);
  stateProblems(model, phi, distance, lambda).forEach((pr, s) =>
    g.set(stateObjective(pr, theta.subarray(s * A, s * A + A)).grad, s * A),
  );
  return g;
}
