import { EnvError } from '../errors';
import { solveLinear } from './linear';
import {
  backup,
  type HorizonMode,
  type PolicyTable,
  policyDynamics,
  type TabularModel,
  validateModel,
  validatePolicy,
} from './model';

/** Options of {@link evaluatePolicy}. */
export interface EvaluateOptions {
  /**
   * `'finite'` (default): t = 0 .. H-1, discounted; the J the repository reports.
   * `'infinite'`: the stationary discounted values, V = (I - gamma P_pi)^-1 r_pi.
   */
  mode?: HorizonMode;
}

/** Exact values of one policy on one model (float64). */
export interface PolicyEvaluation {
  readonly mode: HorizonMode;
  /** J = sum_s initial(s) V(s): the expected discounted return. */
  readonly J: number;
  /** V[s]; in finite mode the value at t = 0 with H steps to go. */
  readonly V: Float64Array;
  /** Q[s * nActions + a]; in finite mode at t = 0. */
  readonly Q: Float64Array;
  /** A = Q - V (same layout as Q). */
  readonly A: Float64Array;
  /**
   * NORMALIZED discounted state visitation (sums to 1). Finite mode:
   * nu(s) = sum_{t<H} gamma^t Pr(s_t = s) / sum_{t<H} gamma^t. Infinite mode:
   * d(s) = (1 - gamma) sum_{t>=0} gamma^t Pr(s_t = s).
   */
  readonly visitation: Float64Array;
  /** The same sums without the normalizer: they add up to {@link PolicyEvaluation.visitationMass}. */
  readonly visitationUnnormalized: Float64Array;
  /** sum_{t<H} gamma^t (finite) or 1 / (1 - gamma) (infinite). */
  readonly visitationMass: number;
}

/**
 * Exact V, Q, A, J and discounted state visitation of a stochastic policy table.
 *
 * In finite mode `policy` may also be an array of H tables, the t-th used at step t (a
 * non-stationary policy such as {@link valueIteration}'s `policyByStep`); V, Q and A then refer
 * to t = 0. Throws {@link EnvError} on an inconsistent model or policy.
 */
export function evaluatePolicy(
  model: TabularModel,
  policy: PolicyTable | readonly PolicyTable[],
  options: EvaluateOptions = {},
): PolicyEvaluation {
  const mode = options.mode ?? 'finite';
  if (mode !== 'finite' && mode !== 'infinite') {
    throw new EnvError(`evaluatePolicy: mode must be 'finite' or 'infinite', got ${String(mode)}`);
  }
  validateModel(model, mode);
  const tables = policyTables(model, policy, mode);
  return mode === 'finite'
    ? evaluateFinite(model, tables)
    : evaluateInfinite(model, tables[0] as PolicyTable);
}

function policyTables(
  model: TabularModel,
  policy: PolicyTable | readonly PolicyTable[],
  mode: HorizonMode,
): PolicyTable[] {
  if (policy instanceof Float64Array) {
    validatePolicy(model, policy);
    return [policy];
  }
  if (!Array.isArray(policy)) {
    throw new EnvError(
      'evaluatePolicy: policy must be a Float64Array of nStates*nActions probabilities',
    );
  }
  if (mode !== 'finite' || policy.length !== model.horizon) {
    throw new EnvError(
      `evaluatePolicy: a per-step policy needs mode 'finite' and exactly horizon = ${model.horizon} tables, got ${policy.length} in mode '${mode}'`,
    );
  }
  policy.forEach((p, t) => validatePolicy(model, p, `policy[${t}]`));
  return [...policy];
}

function tableAt(tables: PolicyTable[], t: number): PolicyTable {
  return (tables.length === 1 ? tables[0] : tables[t]) as PolicyTable;
}

function evaluateFinite(model: TabularModel, tables: PolicyTable[]): PolicyEvaluation {
  const { nStates: S, nActions: A, horizon: H, gamma, P, initial } = model;
  // Backward: V_H = 0, Q_t = R + gamma P V_{t+1}, V_t = sum_a pi_t Q_t.
  let Vnext = new Float64Array(S);
  const Q = new Float64Array(S * A);
  for (let t = H - 1; t >= 0; t--) {
    backup(model, Vnext, Q);
    const pi = tableAt(tables, t);
    const V = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      let v = 0;
      for (let a = 0; a < A; a++) v += (pi[s * A + a] as number) * (Q[s * A + a] as number);
      V[s] = v;
    }
    Vnext = V;
  }
  const V = Vnext;
  // Forward: d_0 = initial, d_{t+1}(s2) = sum_{s,a} d_t(s) pi_t(a|s) P(s2|s,a).
  const unnorm = new Float64Array(S);
  let d = Float64Array.from(initial);
  let mass = 0;
  let discount = 1;
  for (let t = 0; t < H; t++) {
    for (let s = 0; s < S; s++) unnorm[s] = (unnorm[s] as number) + discount * (d[s] as number);
    mass += discount;
    discount *= gamma;
    if (t === H - 1) break;
    const pi = tableAt(tables, t);
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      const ds = d[s] as number;
      if (ds === 0) continue;
      for (let a = 0; a < A; a++) {
        const w = ds * (pi[s * A + a] as number);
        if (w === 0) continue;
        const row = (s * A + a) * S;
        for (let s2 = 0; s2 < S; s2++)
          next[s2] = (next[s2] as number) + w * (P[row + s2] as number);
      }
    }
    d = next;
  }
  return finish('finite', model, V, Q, unnorm, mass);
}

function evaluateInfinite(model: TabularModel, pi: PolicyTable): PolicyEvaluation {
  const { nStates: S, nActions: A, gamma, initial } = model;
  const { Ppi, rpi } = policyDynamics(model, pi);
  // M = I - gamma P_pi; V solves M V = r_pi, the visitation solves M^T d = initial.
  const M = new Float64Array(S * S);
  const MT = new Float64Array(S * S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      const v = (i === j ? 1 : 0) - gamma * (Ppi[i * S + j] as number);
      M[i * S + j] = v;
      MT[j * S + i] = v;
    }
  }
  const V = solveLinear(M, rpi, S);
  const Q = backup(model, V, new Float64Array(S * A));
  const unnorm = solveLinear(MT, initial, S);
  return finish('infinite', model, V, Q, unnorm, 1 / (1 - gamma));
}

function finish(
  mode: HorizonMode,
  model: TabularModel,
  V: Float64Array,
  Q: Float64Array,
  unnorm: Float64Array,
  mass: number,
): PolicyEvaluation {
  const { nStates: S, nActions: A, initial } = model;
  const Adv = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) Adv[s * A + a] = (Q[s * A + a] as number) - (V[s] as number);
  }
  let J = 0;
  for (let s = 0; s < S; s++) J += (initial[s] as number) * (V[s] as number);
  const visitation = unnorm.map((x) => x / mass);
  return {
    mode,
    J,
    V,
    Q,
    A: Adv,
    visitation,
    visitationUnnormalized: unnorm,
    visitationMass: mass,
  };
}

/** The quantities BO-MRL's tabular lower level needs, under the tabular convention of docs/algorithm.md#tabular-conventions. */
export interface AdaptationTerms {
  /** Finite-horizon J (t < H): the objective that is reported and meta-optimized. */
  readonly J: number;
  /** Normalized FINITE-horizon discounted visitation nu (sums to 1): weights L and D2. */
  readonly visitation: Float64Array;
  /** STATIONARY infinite-horizon advantage A (S x A): the advantage inside L. */
  readonly A: Float64Array;
  /** Stationary infinite-horizon Q (S x A). */
  readonly Q: Float64Array;
  /** Stationary infinite-horizon V (S). */
  readonly V: Float64Array;
  readonly finite: PolicyEvaluation;
  readonly infinite: PolicyEvaluation;
}

/**
 * Both evaluations at once, combined as the tabular convention (docs/algorithm.md#tabular-conventions) prescribes: states
 * weighted by the normalized finite-horizon discounted visitation, the stationary
 * infinite-horizon advantage, and the finite-horizon J.
 */
export function adaptationTerms(model: TabularModel, policy: PolicyTable): AdaptationTerms {
  const finite = evaluatePolicy(model, policy, { mode: 'finite' });
  const infinite = evaluatePolicy(model, policy, { mode: 'infinite' });
  return {
    J: finite.J,
    visitation: finite.visitation,
    A: infinite.A,
    Q: infinite.Q,
    V: infinite.V,
    finite,
    infinite,
  };
}
