import type { Random } from '@bomrl/core';
import { softmaxPolicy, type TabularModel } from '@bomrl/envs/tabular';
import type { Episode } from '../sampling/sampler';

/**
 * Float64 (plain TypeScript) forms of ProMP's and E-MAML's per-batch estimators for a tabular
 * softmax policy (logits phi[s * A + a], pi = softmax per state row), and the analytic
 * quantities they estimate, computed by dynamic programming on the known model. `bomrl verify`
 * compares the estimators' exact expectations (all trajectories enumerated) and their sampled
 * averages with these quantities.
 *
 * Softmax calculus used below, per state row with p = pi(.|s) and e_a the a-th unit vector:
 *     grad log pi(a|s) = e_a - p,                  Hess log pi(a|s) = -(diag p - p p^T),
 *     grad pi(a|s) = pi(a|s) (e_a - p),            Hess pi(a|s) / pi(a|s) = (e_a - p)(e_a - p)^T - (diag p - p p^T).
 */

/** One episode's state and action indices (observations of a tabular env are state indices). */
function stateAction(e: Episode, t: number): [number, number] {
  return [e.observations[t]!, e.actions[t]!];
}

/**
 * The LVC inner gradient of one episode at theta = phi, (1/H) sum_t grad log pi(a_t|s_t) A_t
 * (the gradient of mean_t pi_phi / stop(pi_phi) A_t), H the episode's length.
 */
export function lvcGradient64(
  pi: Float64Array,
  nActions: number,
  e: Episode,
  advantages: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(pi.length);
  const H = e.rewards.length;
  for (let t = 0; t < H; t++) {
    const [s, a] = stateAction(e, t);
    const w = advantages[t]! / H;
    for (let b = 0; b < nActions; b++) {
      out[s * nActions + b]! += w * ((a === b ? 1 : 0) - pi[s * nActions + b]!);
    }
  }
  return out;
}

/**
 * The LVC inner gradient's derivative w.r.t. phi times v, at theta = phi:
 * (1/H) sum_t (Hess pi / pi)(a_t|s_t) v A_t.
 */
export function lvcHessianVector64(
  pi: Float64Array,
  nActions: number,
  e: Episode,
  advantages: ArrayLike<number>,
  v: Float64Array,
): Float64Array {
  const out = new Float64Array(pi.length);
  const H = e.rewards.length;
  for (let t = 0; t < H; t++) {
    const [s, a] = stateAction(e, t);
    addHessPiOverPi(out, pi, nActions, s, a, v, advantages[t]! / H);
  }
  return out;
}

/** out[row s] += w (Hess pi(a|s) / pi(a|s)) v[row s]. */
function addHessPiOverPi(
  out: Float64Array,
  pi: Float64Array,
  A: number,
  s: number,
  a: number,
  v: Float64Array,
  w: number,
): void {
  let ev = 0; // (e_a - p) . v_s
  let pv = 0; // p . v_s
  for (let b = 0; b < A; b++) {
    ev += ((a === b ? 1 : 0) - pi[s * A + b]!) * v[s * A + b]!;
    pv += pi[s * A + b]! * v[s * A + b]!;
  }
  for (let b = 0; b < A; b++) {
    const p = pi[s * A + b]!;
    const u = (a === b ? 1 : 0) - p;
    out[s * A + b]! += w * (u * ev - (p * v[s * A + b]! - p * pv));
  }
}

/** (1/H) sum_t grad log pi(a_t|s_t): the gradient of E-MAML's mean pre-update log-probability. */
export function scoreMean64(pi: Float64Array, nActions: number, e: Episode): Float64Array {
  return lvcGradient64(pi, nActions, e, new Float64Array(e.rewards.length).fill(1));
}

/**
 * M(s, a) = (1/H) sum_{t<H} d_t(s) Q_t(s, a): the step-averaged state distribution times the
 * finite-horizon action value with H - t steps left (discount gamma inside Q_t, none across t),
 * what a mean over the H steps of an episode weights (s, a) with.
 */
export function stepAveragedQ(model: TabularModel, pi: Float64Array): Float64Array {
  const { nStates: S, nActions: A, horizon: H, gamma, P, R } = model;
  const d: Float64Array[] = [Float64Array.from(model.initial)];
  for (let t = 1; t < H; t++) {
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++)
      for (let a = 0; a < A; a++)
        for (let s2 = 0; s2 < S; s2++)
          next[s2]! += d[t - 1]![s]! * pi[s * A + a]! * P[(s * A + a) * S + s2]!;
    d.push(next);
  }
  const M = new Float64Array(S * A);
  let vNext = new Float64Array(S);
  for (let t = H - 1; t >= 0; t--) {
    const v = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        let q = R[s * A + a]!;
        for (let s2 = 0; s2 < S; s2++) q += gamma * P[(s * A + a) * S + s2]! * vNext[s2]!;
        v[s]! += pi[s * A + a]! * q;
        M[s * A + a]! += (d[t]![s]! * q) / H;
      }
    }
    vNext = v;
  }
  return M;
}

/**
 * What the LVC inner gradient estimates: sum_{s,a} M(s, a) grad pi(a|s), the policy gradient of
 * the per-step mean objective with the state distributions and Q_t held at phi (the baseline
 * drops out: sum_a grad pi(a|s) = 0).
 */
export function lvcGradientTruth64(model: TabularModel, phi: Float64Array): Float64Array {
  const A = model.nActions;
  const pi = softmaxPolicy(phi, phi.length / A, A);
  const M = stepAveragedQ(model, pi);
  const out = new Float64Array(phi.length);
  for (let s = 0; s < model.nStates; s++)
    for (let a = 0; a < A; a++)
      for (let b = 0; b < A; b++)
        out[s * A + b]! += M[s * A + a]! * pi[s * A + a]! * ((a === b ? 1 : 0) - pi[s * A + b]!);
  return out;
}

/**
 * What the LVC Hessian estimates (ProMP's H1 + H2, without H12): sum_{s,a} M(s, a) Hess pi(a|s) v.
 */
export function lvcHessianTruth64(
  model: TabularModel,
  phi: Float64Array,
  v: Float64Array,
): Float64Array {
  const A = model.nActions;
  const pi = softmaxPolicy(phi, phi.length / A, A);
  const M = stepAveragedQ(model, pi);
  const out = new Float64Array(phi.length);
  for (let s = 0; s < model.nStates; s++)
    for (let a = 0; a < A; a++)
      addHessPiOverPi(out, pi, A, s, a, v, M[s * A + a]! * pi[s * A + a]!);
  return out;
}

/** E[sum_{t<H} r_t] (undiscounted) of the softmax policy with these logits, by DP. */
export function undiscountedReturn64(model: TabularModel, logits: Float64Array): number {
  const { nStates: S, nActions: A, horizon: H, P, R } = model;
  const pi = softmaxPolicy(logits, logits.length / A, A);
  let v = new Float64Array(S);
  for (let t = H - 1; t >= 0; t--) {
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++)
      for (let a = 0; a < A; a++) {
        let q = R[s * A + a]!;
        for (let s2 = 0; s2 < S; s2++) q += P[(s * A + a) * S + s2]! * v[s2]!;
        next[s]! += pi[s * A + a]! * q;
      }
    v = next;
  }
  let J = 0;
  for (let s = 0; s < S; s++) J += model.initial[s]! * v[s]!;
  return J;
}

/** log p_phi(tau) = sum_t log pi(a_t|s_t) of an episode (deterministic dynamics). */
export function episodeLogProb(pi: Float64Array, nActions: number, e: Episode): number {
  let lp = 0;
  for (let t = 0; t < e.rewards.length; t++) {
    const [s, a] = stateAction(e, t);
    lp += Math.log(pi[s * nActions + a]!);
  }
  return lp;
}

/** One episode of the model under the policy table pi, drawn with rng (float64, no tfjs). */
export function sampleEpisode64(model: TabularModel, pi: Float64Array, rng: Random): Episode {
  const { nStates: S, nActions: A, horizon: H, P, R } = model;
  const draw = (probs: (i: number) => number, n: number) => {
    const u = rng.float();
    let acc = 0;
    for (let i = 0; i < n - 1; i++) {
      acc += probs(i);
      if (u < acc) return i;
    }
    return n - 1;
  };
  const observations = new Float32Array(H);
  const actions = new Float32Array(H);
  const rewards = new Float32Array(H);
  let s = draw((i) => model.initial[i]!, S);
  for (let t = 0; t < H; t++) {
    const a = draw((i) => pi[s * A + i]!, A);
    observations[t] = s;
    actions[t] = a;
    rewards[t] = R[s * A + a]!;
    const from = s;
    s = draw((i) => P[(from * A + a) * S + i]!, S);
  }
  return { observations, actions, rewards, obsDim: 1, actionSize: 1, terminated: false };
}
