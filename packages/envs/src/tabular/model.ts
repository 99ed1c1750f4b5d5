import { EnvError } from '../errors';

/**
 * An exact finite MDP in float64, the ground truth the repository tests against.
 *
 * Layouts are row-major: `P[(s * nActions + a) * nStates + s2]` is Pr(s2 | s, a);
 * `R[s * nActions + a]` is the EXPECTED reward of taking a in s (`sum_s2 P * reward`).
 * Episodes start from `initial`, run `horizon` steps and are discounted by `gamma`.
 */
export interface TabularModel {
  readonly nStates: number;
  readonly nActions: number;
  readonly P: Float64Array;
  readonly R: Float64Array;
  readonly initial: Float64Array;
  readonly gamma: number;
  readonly horizon: number;
}

/**
 * A stochastic policy table: `policy[s * nActions + a]` = pi(a | s); each row sums to 1.
 * Finite-horizon evaluation also accepts one table per step (`PolicyTable[]` of length H).
 */
export type PolicyTable = Float64Array;

/** Whether to evaluate over the finite horizon H or the discounted infinite horizon. */
export type HorizonMode = 'finite' | 'infinite';

const TOL = 1e-9;

/** Throws an {@link EnvError} naming the first inconsistency of `model`. */
export function validateModel(model: TabularModel, mode: HorizonMode = 'finite'): void {
  const { nStates: S, nActions: A, P, R, initial, gamma, horizon } = model;
  if (!Number.isInteger(S) || S <= 0)
    throw new EnvError(`model.nStates must be a positive integer, got ${S}`);
  if (!Number.isInteger(A) || A <= 0)
    throw new EnvError(`model.nActions must be a positive integer, got ${A}`);
  if (!(P instanceof Float64Array) || P.length !== S * A * S) {
    throw new EnvError(
      `model.P must be a Float64Array of length nStates*nActions*nStates = ${S * A * S}`,
    );
  }
  if (!(R instanceof Float64Array) || R.length !== S * A) {
    throw new EnvError(`model.R must be a Float64Array of length nStates*nActions = ${S * A}`);
  }
  if (!(initial instanceof Float64Array) || initial.length !== S) {
    throw new EnvError(`model.initial must be a Float64Array of length nStates = ${S}`);
  }
  if (!(gamma >= 0 && gamma <= 1))
    throw new EnvError(`model.gamma must be in [0, 1], got ${gamma}`);
  if (mode === 'infinite' && !(gamma < 1)) {
    throw new EnvError(
      `infinite-horizon evaluation needs model.gamma < 1, got ${gamma}; use mode 'finite'`,
    );
  }
  if (!Number.isInteger(horizon) || horizon <= 0) {
    throw new EnvError(`model.horizon must be a positive integer, got ${horizon}`);
  }
  for (let i = 0; i < S * A; i++) {
    if (!Number.isFinite(R[i] as number)) throw new EnvError(`model.R[${i}] is not finite`);
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const p = P[i * S + j] as number;
      if (!(p >= 0))
        throw new EnvError(
          `model.P has a negative or NaN entry in row (s=${Math.floor(i / A)}, a=${i % A})`,
        );
      sum += p;
    }
    if (Math.abs(sum - 1) > TOL) {
      throw new EnvError(
        `model.P row (s=${Math.floor(i / A)}, a=${i % A}) sums to ${sum}, expected 1`,
      );
    }
  }
  checkDistribution(initial, 'model.initial');
}

/** Throws an {@link EnvError} unless `policy` is an S x A table of distributions. */
export function validatePolicy(model: TabularModel, policy: PolicyTable, name = 'policy'): void {
  const { nStates: S, nActions: A } = model;
  if (!(policy instanceof Float64Array) || policy.length !== S * A) {
    throw new EnvError(`${name} must be a Float64Array of length nStates*nActions = ${S * A}`);
  }
  for (let s = 0; s < S; s++)
    checkDistribution(policy.subarray(s * A, s * A + A), `${name} row ${s}`);
}

function checkDistribution(p: Float64Array, name: string): void {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (!(v >= 0)) throw new EnvError(`${name} has a negative or NaN entry at ${i}`);
    sum += v;
  }
  if (Math.abs(sum - 1) > TOL) throw new EnvError(`${name} sums to ${sum}, expected 1`);
}

/** P_pi[s, s2] = sum_a pi(a|s) P(s2|s,a) and r_pi[s] = sum_a pi(a|s) R(s,a). */
export function policyDynamics(
  model: TabularModel,
  policy: PolicyTable,
): { Ppi: Float64Array; rpi: Float64Array } {
  const { nStates: S, nActions: A, P, R } = model;
  const Ppi = new Float64Array(S * S);
  const rpi = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let r = 0;
    for (let a = 0; a < A; a++) {
      const pa = policy[s * A + a] as number;
      if (pa === 0) continue;
      r += pa * (R[s * A + a] as number);
      const row = (s * A + a) * S;
      for (let s2 = 0; s2 < S; s2++)
        Ppi[s * S + s2] = (Ppi[s * S + s2] as number) + pa * (P[row + s2] as number);
    }
    rpi[s] = r;
  }
  return { Ppi, rpi };
}

/** Q[s,a] = R[s,a] + gamma * sum_s2 P[s,a,s2] V[s2]. */
export function backup(
  model: TabularModel,
  V: Float64Array,
  out = new Float64Array(model.nStates * model.nActions),
): Float64Array {
  const { nStates: S, nActions: A, P, R, gamma } = model;
  for (let i = 0; i < S * A; i++) {
    let ev = 0;
    const row = i * S;
    for (let s2 = 0; s2 < S; s2++) ev += (P[row + s2] as number) * (V[s2] as number);
    out[i] = (R[i] as number) + gamma * ev;
  }
  return out;
}
