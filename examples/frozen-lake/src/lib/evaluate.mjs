/**
 * Exact meta-test (ALGORITHM.md section 5, exact mode): for every held-out task, K adaptation
 * rounds from a prior phi with a given adaptation operator, each round from the previous round's
 * policy on that policy's exact quantities; after each round the exact finite-horizon J and the
 * optimality gap J*_tau - J_tau against the all-task optimum comparator. Float64 throughout
 * (the float64 reference operators of `@bomrl/meta-gradient/testing`), mean and standard error over tasks.
 */
import { evaluatePolicy, softmaxPolicy } from '@bomrl/envs/tabular';
import { adaptExact64 } from '@bomrl/meta-gradient/testing';
import { optimalReturn } from './tasks.mjs';

/** Mean and standard error (sample std / sqrt(n); 0 for n = 1). */
export function meanStderr(xs) {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, stderr: Math.sqrt(variance / n), n };
}

/** Exact finite-horizon return of the softmax policy with these logits. */
export function exactReturn(model, logits) {
  return evaluatePolicy(model, softmaxPolicy(logits, model.nStates, model.nActions), {
    mode: 'finite',
  }).J;
}

/**
 * The adaptation operators of the comparison, as float64 reference operators:
 *   { kind: 'penalty', distance, lambda }  BO-MRL Alg(1)/(2)/(3)
 *   { kind: 'constrained', distance, delta }  the constrained variant
 *   { kind: 'maml', alpha }  one exact policy-gradient step theta = phi + alpha grad J(phi)
 */
export function adaptRounds(model, phi, operator, rounds) {
  const out = [Float64Array.from(phi)];
  for (let k = 0; k < rounds; k++) out.push(adaptExact64(model, out[k], operator));
  return out;
}

/**
 * Per-round statistics over `tasks` for one prior phi and one adaptation. `adapt(task, phi,
 * rounds)` returns the parameters after rounds 0..K (e.g. a trainer method's `adaptRounds`);
 * without it the float64 reference `operator` is used.
 */
export async function evaluateMethod({ phi, operator, adapt, tasks, model, rounds }) {
  const J = Array.from({ length: rounds + 1 }, () => []);
  const gap = Array.from({ length: rounds + 1 }, () => []);
  const jStar = [];
  for (const task of tasks) {
    const m = model(task);
    const star = optimalReturn(m);
    jStar.push(star);
    const params = adapt ? await adapt(task, phi, rounds) : adaptRounds(m, phi, operator, rounds);
    params.forEach((p, k) => {
      const j = exactReturn(m, p);
      J[k].push(j);
      gap[k].push(star - j);
    });
  }
  const optimal = meanStderr(jStar).mean;
  return J.map((js, k) => ({
    round: k,
    exactReturn: meanStderr(js),
    optimalReturn: optimal,
    optimalityGap: meanStderr(gap[k]),
  }));
}
