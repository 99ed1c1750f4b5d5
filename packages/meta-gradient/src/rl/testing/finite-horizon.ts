import type { TabularModel } from '@bomrl/envs/tabular';
import { softmaxPolicy } from '@bomrl/envs/tabular';

/** One forward/backward pass of a stationary policy over the finite horizon (float64). */
export interface FiniteHorizonPass {
  /** State distributions d_t, t = 0..H-1. */
  readonly distributions: readonly Float64Array[];
  /** G(s, a) = sum_t gamma^t d_t(s) Q_t(s, a), with Q_t the time-t action value. */
  readonly weightedQ: Float64Array;
  /** J = E[sum_{t<H} gamma^t r_t]. */
  readonly J: number;
}

/**
 * The exact finite-horizon pass of the policy table pi: forward state distributions, then a
 * backward induction of V_t and Q_t accumulating gamma^t d_t(s) Q_t(s, a). Both the policy
 * gradient (policy-gradient theorem) and the finite-horizon visitation-weighted Q come from it.
 */
export function finiteHorizonPass(model: TabularModel, pi: Float64Array): FiniteHorizonPass {
  const S = model.nStates;
  const A = model.nActions;
  const H = model.horizon;
  const d: Float64Array[] = [Float64Array.from(model.initial)];
  for (let t = 1; t < H; t++) {
    const prev = d[t - 1]!;
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      if (prev[s] === 0) continue;
      for (let a = 0; a < A; a++) {
        const w = prev[s]! * pi[s * A + a]!;
        if (w === 0) continue;
        for (let s2 = 0; s2 < S; s2++) next[s2]! += w * model.P[(s * A + a) * S + s2]!;
      }
    }
    d.push(next);
  }
  const G = new Float64Array(S * A);
  let vNext = new Float64Array(S);
  let J = 0;
  for (let t = H - 1; t >= 0; t--) {
    const v = new Float64Array(S);
    const discount = model.gamma ** t;
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        let q = model.R[s * A + a]!;
        for (let s2 = 0; s2 < S; s2++)
          q += model.gamma * model.P[(s * A + a) * S + s2]! * vNext[s2]!;
        v[s]! += pi[s * A + a]! * q;
        G[s * A + a]! += discount * d[t]![s]! * q;
      }
    }
    if (t === 0) for (let s = 0; s < S; s++) J += model.initial[s]! * v[s]!;
    vNext = v;
  }
  return { distributions: d, weightedQ: G, J };
}

/**
 * Finite-horizon return J of the softmax policy with these logits and its exact gradient
 * (policy-gradient theorem with time-dependent Q_t, then the softmax Jacobian).
 */
export function returnAndGradient64(
  model: TabularModel,
  logits: Float64Array,
): { J: number; grad: Float64Array } {
  const S = model.nStates;
  const A = model.nActions;
  const pi = softmaxPolicy(logits, S, A);
  const { weightedQ: G, J } = finiteHorizonPass(model, pi);
  const grad = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let mean = 0;
    for (let a = 0; a < A; a++) mean += pi[s * A + a]! * G[s * A + a]!;
    for (let a = 0; a < A; a++) grad[s * A + a] = pi[s * A + a]! * (G[s * A + a]! - mean);
  }
  return { J, grad };
}
