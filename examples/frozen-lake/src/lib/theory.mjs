/**
 * The theory check (docs/algorithm.md#theory-check), exact and in float64.
 *
 * Task variance Var(P(Gamma)) = min_theta E_tau D2(pi_theta, pi*_tau). With a deterministic
 * optimal policy pi*_tau, the literal Alg(1) direction E_{s~nu^theta} KL(pi_theta || pi*_tau) is
 * +infinity for every softmax pi_theta (pi_theta puts mass where pi*_tau has none), so it cannot
 * rank task families. We use the finite direction
 *
 *   Var = min_theta (1/N) sum_tau sum_s nu^{pi*_tau}(s) KL( pi*_tau(.|s) || pi_theta(.|s) ),
 *
 * where pi*_tau is the maximum-entropy optimal policy (uniform over the actions that tie for
 * max Q*_tau; a tie-breaking rule would add or remove variance arbitrarily) and nu^{pi*_tau} is its
 * normalized discounted visitation over t = 0..H-1 (the library's D2 convention). Each term is a
 * cross-entropy of the optimal actions, convex in theta; per state the minimizer over the
 * closure of the softmax class is the visitation-weighted mixture
 *   pbar_s = sum_tau nu_tau(s) pi*_tau(.|s) / sum_tau nu_tau(s),
 * and Var = (1/N) sum_s [ W(s) H(pbar_s) - sum_tau nu_tau(s) H(pi*_tau(.|s)) ] (a generalized
 * Jensen-Shannon divergence). We also minimize over theta numerically and report both.
 */
import { evaluatePolicy, valueIteration } from '@bomrl/envs/tabular';
import { softmaxTable } from '@bomrl/trainer';

const TIE = 1e-9;

/** The maximum-entropy optimal policy (uniform over argmax_a Q*(s, a), infinite horizon). */
export function maxEntropyOptimalPolicy(model) {
  const { Q } = valueIteration(model, { mode: 'infinite' });
  const { nStates: S, nActions: A } = model;
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < A; a++) best = Math.max(best, Q[s * A + a]);
    const margin = TIE * Math.max(1, Math.abs(best));
    let count = 0;
    for (let a = 0; a < A; a++) if (Q[s * A + a] >= best - margin) count++;
    for (let a = 0; a < A; a++) pi[s * A + a] = Q[s * A + a] >= best - margin ? 1 / count : 0;
  }
  return pi;
}

const entropy = (p) => p.reduce((h, x) => (x > 0 ? h - x * Math.log(x) : h), 0);

/** E_tau D2(pi*_tau, pi_theta) for a logits vector theta (the objective that is minimized). */
export function varianceObjective(terms, theta, nActions) {
  const q = softmaxTable(theta, nActions);
  let total = 0;
  for (const { nu, pi } of terms) {
    for (let s = 0; s < nu.length; s++) {
      if (nu[s] === 0) continue;
      let kl = 0;
      for (let a = 0; a < nActions; a++) {
        const p = pi[s * nActions + a];
        if (p > 0) kl += p * (Math.log(p) - Math.log(q[s * nActions + a]));
      }
      total += nu[s] * kl;
    }
  }
  return total / terms.length;
}

/** Task variance of a set of tabular tasks (closed form and numeric minimization over theta). */
export function taskVariance(models, { steps = 20000 } = {}) {
  const { nStates: S, nActions: A } = models[0];
  const terms = models.map((model) => {
    const pi = maxEntropyOptimalPolicy(model);
    const { visitation } = evaluatePolicy(model, pi, { mode: 'finite' });
    return { pi, nu: visitation };
  });
  const N = terms.length;
  // closed form: per state, the nu-weighted mixture of the optimal policies
  let closed = 0;
  const mixture = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let W = 0;
    let within = 0;
    const pbar = new Float64Array(A);
    for (const { nu, pi } of terms) {
      W += nu[s];
      const row = pi.subarray(s * A, s * A + A);
      within += nu[s] * entropy(row);
      for (let a = 0; a < A; a++) pbar[a] += nu[s] * row[a];
    }
    if (W === 0) {
      mixture.fill(1 / A, s * A, s * A + A);
      continue;
    }
    for (let a = 0; a < A; a++) pbar[a] /= W;
    mixture.set(pbar, s * A);
    closed += (W * entropy(pbar) - within) / N;
  }
  // numeric: gradient descent on theta from the uniform policy. The objective is convex and
  // separates over states; state s's block is W(s) * CE(pbar_s, softmax(theta_s)) + const with
  // gradient W(s) (q_s - pbar_s) and curvature <= W(s)/2, so the preconditioned step
  // theta_s -= (2 / W(s)) * gradient is a stable descent step. Its limit is the closed form;
  // the remaining difference is the tail of logits that saturate towards -infinity.
  const W = new Float64Array(S);
  for (const { nu } of terms) for (let s = 0; s < S; s++) W[s] += nu[s] / N;
  const theta = new Float64Array(S * A);
  for (let it = 0; it < steps; it++) {
    const q = softmaxTable(theta, A);
    for (let s = 0; s < S; s++) {
      if (W[s] === 0) continue;
      for (let a = 0; a < A; a++) theta[s * A + a] -= (q[s * A + a] - mixture[s * A + a]) * 2;
    }
  }
  const numeric = varianceObjective(terms, theta, A);
  return { variance: closed, numeric, steps, tasks: N, minimizer: mixture, terms };
}
