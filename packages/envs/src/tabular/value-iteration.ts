import { EnvError } from '../errors';
import { evaluatePolicy } from './evaluate';
import {
  backup,
  type HorizonMode,
  type PolicyTable,
  type TabularModel,
  validateModel,
} from './model';

/** Options of {@link valueIteration}. */
export interface ValueIterationOptions {
  /** `'finite'` (default): backward induction over H steps. `'infinite'`: discounted VI. */
  mode?: HorizonMode;
  /** Infinite mode: stop sweeping when max_s |V_{k+1} - V_k| < tol (default 1e-12). */
  tol?: number;
  /** Infinite mode: sweep limit before throwing (default 1e6). */
  maxIterations?: number;
}

/** The optimal values and a deterministic optimal policy. */
export interface ValueIterationResult {
  readonly mode: HorizonMode;
  /** J* = sum_s initial(s) V*(s). */
  readonly J: number;
  /** V*[s] (finite mode: at t = 0, H steps to go). */
  readonly V: Float64Array;
  /** Q*[s * nActions + a] (finite mode: at t = 0). */
  readonly Q: Float64Array;
  /** A deterministic optimal policy as a one-hot table (finite mode: the decision rule at t = 0). */
  readonly policy: PolicyTable;
  /** The chosen action per state (the argmax of each row of `policy`). */
  readonly actions: Int32Array;
  /**
   * Finite mode only: the optimal finite-horizon policy is non-stationary in general (near the
   * end of an episode it may act differently); `policyByStep[t]` is the rule at step t. Evaluate
   * it with `evaluatePolicy(model, policyByStep)` to get `J` back.
   */
  readonly policyByStep?: PolicyTable[];
  /** Sweeps performed (finite: H; infinite: VI sweeps + policy-iteration polishes). */
  readonly iterations: number;
}

/** Ties within this (relative) margin go to the lowest action index, so results are stable. */
const TIE = 1e-12;

function greedy(
  Q: Float64Array,
  S: number,
  A: number,
  actions: Int32Array,
  policy: Float64Array,
): void {
  policy.fill(0);
  for (let s = 0; s < S; s++) {
    let best = Q[s * A] as number;
    for (let a = 1; a < A; a++) best = Math.max(best, Q[s * A + a] as number);
    const margin = TIE * Math.max(1, Math.abs(best));
    let choice = 0;
    while ((Q[s * A + choice] as number) < best - margin) choice++;
    actions[s] = choice;
    policy[s * A + choice] = 1;
  }
}

/**
 * Optimal values and policy of an exact model: backward induction over the horizon (finite
 * mode, default) or value iteration to `tol` followed by policy-iteration polishing (infinite
 * mode), so the returned V* is the exact value of the returned policy.
 */
export function valueIteration(
  model: TabularModel,
  options: ValueIterationOptions = {},
): ValueIterationResult {
  const mode = options.mode ?? 'finite';
  if (mode !== 'finite' && mode !== 'infinite') {
    throw new EnvError(`valueIteration: mode must be 'finite' or 'infinite', got ${String(mode)}`);
  }
  validateModel(model, mode);
  return mode === 'finite' ? backwardInduction(model) : discountedVI(model, options);
}

function backwardInduction(model: TabularModel): ValueIterationResult {
  const { nStates: S, nActions: A, horizon: H, initial } = model;
  let V = new Float64Array(S);
  const Q = new Float64Array(S * A);
  const policyByStep: PolicyTable[] = new Array(H);
  const actions = new Int32Array(S);
  for (let t = H - 1; t >= 0; t--) {
    backup(model, V, Q);
    const pi = new Float64Array(S * A);
    greedy(Q, S, A, actions, pi);
    policyByStep[t] = pi;
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) next[s] = Q[s * A + (actions[s] as number)] as number;
    V = next;
  }
  let J = 0;
  for (let s = 0; s < S; s++) J += (initial[s] as number) * (V[s] as number);
  return {
    mode: 'finite',
    J,
    V,
    Q,
    policy: policyByStep[0] as PolicyTable,
    actions,
    policyByStep,
    iterations: H,
  };
}

function discountedVI(model: TabularModel, options: ValueIterationOptions): ValueIterationResult {
  const { nStates: S, nActions: A } = model;
  const tol = options.tol ?? 1e-12;
  const maxIterations = options.maxIterations ?? 1_000_000;
  let V = new Float64Array(S);
  const Q = new Float64Array(S * A);
  let iterations = 0;
  for (;;) {
    backup(model, V, Q);
    let delta = 0;
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      let best = Q[s * A] as number;
      for (let a = 1; a < A; a++) best = Math.max(best, Q[s * A + a] as number);
      next[s] = best;
      delta = Math.max(delta, Math.abs(best - (V[s] as number)));
    }
    V = next;
    iterations++;
    if (delta < tol) break;
    if (iterations >= maxIterations) {
      throw new EnvError(
        `valueIteration: no convergence to tol ${tol} in ${maxIterations} sweeps; raise maxIterations`,
      );
    }
  }
  // Policy-iteration polish: evaluate the greedy policy exactly and improve until no state
  // gains, so V* is exact (not tol-accurate) and the policy admits no one-state improvement.
  const actions = new Int32Array(S);
  const policy = new Float64Array(S * A);
  backup(model, V, Q);
  greedy(Q, S, A, actions, policy);
  for (let k = 0; k < 1000; k++) {
    const ev = evaluatePolicy(model, policy, { mode: 'infinite' });
    iterations++;
    let improved = false;
    for (let s = 0; s < S; s++) {
      const current = actions[s] as number;
      const vs = ev.V[s] as number;
      let best = current;
      for (let a = 0; a < A; a++) {
        if (
          (ev.Q[s * A + a] as number) >
          (ev.Q[s * A + best] as number) + TIE * Math.max(1, Math.abs(vs))
        )
          best = a;
      }
      if (best !== current) {
        actions[s] = best;
        policy[s * A + current] = 0;
        policy[s * A + best] = 1;
        improved = true;
      }
    }
    if (!improved)
      return { mode: 'infinite', J: ev.J, V: ev.V, Q: ev.Q, policy, actions, iterations };
  }
  throw new EnvError('valueIteration: policy iteration did not settle in 1000 polishes');
}
