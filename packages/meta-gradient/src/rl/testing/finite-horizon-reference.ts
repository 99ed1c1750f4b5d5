import { softmaxPolicy, type TabularModel } from '@bomrl/envs/tabular';
import type { DistanceName } from '../sampled/dice';
import { finiteHorizonPass, returnAndGradient64 } from './finite-horizon';
import { type StateProblem, solveFlat, stateObjective } from './state-problem';

/**
 * The float64 ground truth that SAMPLED BO-MRL estimates on a known tabular task, in plain
 * TypeScript (no tfjs).
 *
 * What the sampled lower level converges to: with N episodes of fixed length H collected by
 * pi_phi, weights gamma^t / Z (Z = N sum_{t<H} gamma^t) and advantages A_t = G_t - b(s_t) from
 * the return-to-go G_t, the batch's L has expectation (up to a theta-free constant)
 *
 *     L_H(theta; phi) = sum_s sum_a pi_theta(a|s) W(s, a),
 *     W(s, a) = (1/sum_t gamma^t) sum_{t<H} gamma^t d_t^phi(s) Q_t^phi(s, a),
 *
 * with d_t the state distribution at step t and Q_t the FINITE-horizon action value with H - t
 * steps left. That is the exact mode's L with nu^phi (the same normalized finite-horizon
 * visitation, nu(s) = sum_a-free part of W) but with the time-averaged finite-horizon Q in place
 * of the STATIONARY advantage A^phi: they differ by terms of order gamma^(H - t) near the horizon
 * end. D2 is the nu^phi-weighted KL (or l2), as in exact mode. Per state the problem is the exact
 * reference's `stateObjective` with w = nu(s) and "advantage" W(s, .)/nu(s).
 */

/** nu^phi (normalized finite-horizon discounted visitation) and W of the header, float64. */
export function finiteHorizonTerms64(
  model: TabularModel,
  phi: Float64Array,
): { nu: Float64Array; W: Float64Array } {
  const { nStates: S, horizon: H, gamma } = model;
  const { distributions, weightedQ } = finiteHorizonPass(
    model,
    softmaxPolicy(phi, model.nStates, model.nActions),
  );
  let mass = 0;
  for (let t = 0; t < H; t++) mass += gamma ** t;
  const nu = new Float64Array(S);
  for (let t = 0; t < H; t++)
    for (let s = 0; s < S; s++) nu[s]! += (gamma ** t / mass) * distributions[t]![s]!;
  return { nu, W: weightedQ.map((x) => x / mass) };
}

const norm = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! ** 2;
  return Math.sqrt(s);
};

/**
 * Maximizes one state's problem by Levenberg-Marquardt-damped Newton on the gauge complement
 * (KL distances keep the row's mean logit), with steps capped at 1, to ||grad|| < 1e-13 * scale.
 */
function solveState(pr: StateProblem): Float64Array {
  const n = pr.phi.length;
  const gauge = pr.distance !== 'l2';
  if (gauge && pr.w === 0) return Float64Array.from(pr.phi);
  const scale = (gauge ? pr.w : 1) * (1 + pr.lambda);
  let theta = Float64Array.from(pr.phi);
  let cur = stateObjective(pr, theta);
  let mu = 1e-3;
  for (let iter = 0; iter < 2000; iter++) {
    const gn = norm(cur.grad);
    if (gn / scale < 1e-13) return theta;
    const M = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) M[i] = -cur.hess[i]! + (gauge ? scale : 0);
    for (let i = 0; i < n; i++) M[i * n + i]! += mu * scale;
    let dir = solveFlat(M, cur.grad, n);
    const dn = norm(dir);
    if (dn > 1) dir = dir.map((x) => x / dn);
    const next = theta.map((x, i) => x + dir[i]!);
    const cand = stateObjective(pr, next);
    const floor = 1e-14 * (Math.abs(cur.value) + scale);
    if (cand.value > cur.value || (cand.value >= cur.value - floor && norm(cand.grad) < gn)) {
      theta = next;
      cur = cand;
      mu = Math.max(mu / 10, 1e-14);
    } else mu *= 10;
  }
  throw new Error(`finite-horizon reference: a state did not converge (w=${pr.w})`);
}

/** theta'(phi) of the finite-horizon lower level (see the module header), float64. */
export function solveFiniteHorizon64(
  model: TabularModel,
  phi: Float64Array,
  distance: DistanceName,
  lambda: number,
): Float64Array {
  const A = model.nActions;
  const { nu, W } = finiteHorizonTerms64(model, phi);
  const p = softmaxPolicy(phi, model.nStates, A);
  const theta = new Float64Array(phi.length);
  for (let s = 0; s < model.nStates; s++) {
    const w = nu[s]!;
    const adv = new Float64Array(A);
    if (w > 0) for (let a = 0; a < A; a++) adv[a] = W[s * A + a]! / w;
    const pr: StateProblem = {
      w,
      adv,
      phi: phi.subarray(s * A, s * A + A),
      p: p.subarray(s * A, s * A + A),
      distance,
      lambda,
    };
    theta.set(solveState(pr), s * A);
  }
  return theta;
}

/** F(phi) = J_H(theta'(phi)) on one task. */
export function finiteHorizonMetaObjective64(
  model: TabularModel,
  phi: Float64Array,
  distance: DistanceName,
  lambda: number,
): number {
  return returnAndGradient64(model, solveFiniteHorizon64(model, phi, distance, lambda)).J;
}

/** Central finite differences of {@link finiteHorizonMetaObjective64}: the exact hypergradient. */
export function finiteHorizonHypergradient64(
  model: TabularModel,
  phi: Float64Array,
  distance: DistanceName,
  lambda: number,
  h = 1e-5,
): Float64Array {
  const x = Float64Array.from(phi);
  const out = new Float64Array(phi.length);
  for (let i = 0; i < phi.length; i++) {
    x[i] = phi[i]! + h;
    const up = finiteHorizonMetaObjective64(model, x, distance, lambda);
    x[i] = phi[i]! - h;
    const down = finiteHorizonMetaObjective64(model, x, distance, lambda);
    x[i] = phi[i]!;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}
