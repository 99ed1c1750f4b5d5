/**
 * The task variance of the theory check (docs/algorithm.md#theory-check), exact and in float64.
 *
 * Var(P(Gamma)) = min_theta (1/N) sum_tau sum_s nu^{pi*_tau}(s) KL( pi*_tau(.|s) || pi_theta(.|s) ),
 * pi*_tau the maximum-entropy optimal policy and nu^{pi*_tau} its normalized discounted
 * visitation over t = 0..H-1. Each term is a cross-entropy of the optimal actions, convex in
 * theta; per state the minimizer over the closure of the softmax class is the
 * visitation-weighted mixture pbar_s = sum_tau nu_tau(s) pi*_tau(.|s) / sum_tau nu_tau(s), and
 * Var = (1/N) sum_s [ W(s) H(pbar_s) - sum_tau nu_tau(s) H(pi*_tau(.|s)) ]. We also minimize over
 * theta numerically and report both.
 */
import {
  evaluatePolicy,
  type PolicyTable,
  softmaxPolicy,
  type TabularModel,
  valueIteration,
} from '@bomrl/envs/tabular';

/** Relative margin under which two Q* values count as tied (float64 value iteration noise). */
const TIE = 1e-9;

/** One task's optimal policy and its visitation, the inputs of the variance. */
export interface VarianceTerm {
  readonly pi: PolicyTable;
  readonly nu: Float64Array;
}

/** The closed form, the numeric minimum, and what they were computed from. */
export interface TaskVariance {
  readonly variance: number;
  readonly numeric: number;
  readonly steps: number;
  readonly tasks: number;
  readonly minimizer: Float64Array;
  readonly terms: readonly VarianceTerm[];
}

/** The maximum-entropy optimal policy (uniform over argmax_a Q*(s, a), infinite horizon). */
export function maxEntropyOptimalPolicy(model: TabularModel): PolicyTable {
  const { Q } = valueIteration(model, { mode: 'infinite' });
  const { nStates: S, nActions: A } = model;
  const q = (s: number, a: number) => Q[s * A + a] as number;
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < A; a++) best = Math.max(best, q(s, a));
    const margin = TIE * Math.max(1, Math.abs(best));
    let count = 0;
    for (let a = 0; a < A; a++) if (q(s, a) >= best - margin) count++;
    for (let a = 0; a < A; a++) pi[s * A + a] = q(s, a) >= best - margin ? 1 / count : 0;
  }
  return pi;
}

const entropy = (p: ArrayLike<number>): number => {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const x = p[i] as number;
    if (x > 0) h -= x * Math.log(x);
  }
  return h;
};

/** E_tau D2(pi*_tau, pi_theta) for a logits vector theta (the objective that is minimized). */
export function varianceObjective(
  terms: readonly VarianceTerm[],
  theta: ArrayLike<number>,
  nActions: number,
): number {
  const q = softmaxPolicy(theta, theta.length / nActions, nActions);
  let total = 0;
  for (const { nu, pi } of terms) {
    for (let s = 0; s < nu.length; s++) {
      const w = nu[s] as number;
      if (w === 0) continue;
      let kl = 0;
      for (let a = 0; a < nActions; a++) {
        const p = pi[s * nActions + a] as number;
        if (p > 0) kl += p * (Math.log(p) - Math.log(q[s * nActions + a] as number));
      }
      total += w * kl;
    }
  }
  return total / terms.length;
}

/** Task variance of a set of tabular tasks (closed form and numeric minimization over theta). */
export function taskVariance(
  models: readonly TabularModel[],
  { steps = 20000 }: { steps?: number } = {},
): TaskVariance {
  const first = models[0];
  if (!first) throw new Error('taskVariance: models is empty; pass at least one task model');
  const { nStates: S, nActions: A } = first;
  const terms = models.map((model): VarianceTerm => {
    const pi = maxEntropyOptimalPolicy(model);
    const { visitation } = evaluatePolicy(model, pi, { mode: 'finite' });
    return { pi, nu: visitation };
  });
  const N = terms.length;
  // closed form: per state, the nu-weighted mixture of the optimal policies
  let closed = 0;
  const mixture = new Float64Array(S * A);
  const W = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let mass = 0;
    let within = 0;
    const pbar = new Float64Array(A);
    for (const { nu, pi } of terms) {
      const w = nu[s] as number;
      mass += w;
      const row = pi.subarray(s * A, s * A + A);
      within += w * entropy(row);
      for (let a = 0; a < A; a++) pbar[a] = (pbar[a] as number) + w * (row[a] as number);
    }
    W[s] = mass / N;
    if (mass === 0) {
      mixture.fill(1 / A, s * A, s * A + A);
      continue;
    }
    for (let a = 0; a < A; a++) pbar[a] = (pbar[a] as number) / mass;
    mixture.set(pbar, s * A);
    closed += (mass * entropy(pbar) - within) / N;
  }
  // numeric: gradient descent on theta from the uniform policy. The objective is convex and
  // separates over states; state s's block is W(s) * CE(pbar_s, softmax(theta_s)) + const with
  // gradient W(s) (q_s - pbar_s) and curvature <= W(s)/2, so the preconditioned step
  // theta_s -= (2 / W(s)) * gradient is a stable descent step. Its limit is the closed form;
  // the remaining difference is the tail of logits that saturate towards -infinity.
  const theta = new Float64Array(S * A);
  for (let it = 0; it < steps; it++) {
    const q = softmaxPolicy(theta, S, A);
    for (let s = 0; s < S; s++) {
      if (W[s] === 0) continue;
      for (let a = 0; a < A; a++) {
        const i = s * A + a;
        theta[i] = (theta[i] as number) - ((q[i] as number) - (mixture[i] as number)) * 2;
      }
    }
  }
  const numeric = varianceObjective(terms, theta, A);
  return { variance: closed, numeric, steps, tasks: N, minimizer: mixture, terms };
}
