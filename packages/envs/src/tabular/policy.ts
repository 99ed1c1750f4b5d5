import { EnvError } from '../errors';
import { type EvaluateOptions, evaluatePolicy, type PolicyEvaluation } from './evaluate';
import type { PolicyTable, TabularModel } from './model';

/** The uniform policy table (every action 1 / nActions). */
export function uniformPolicy(nStates: number, nActions: number): PolicyTable {
  return new Float64Array(nStates * nActions).fill(1 / nActions);
}

/** A deterministic (one-hot) policy table from one action per state. */
export function deterministicPolicy(actions: ArrayLike<number>, nActions: number): PolicyTable {
  const policy = new Float64Array(actions.length * nActions);
  for (let s = 0; s < actions.length; s++) {
    const a = actions[s] as number;
    if (!Number.isInteger(a) || a < 0 || a >= nActions) {
      throw new EnvError(
        `deterministicPolicy: actions[${s}] = ${a} is not an integer in [0, ${nActions})`,
      );
    }
    policy[s * nActions + a] = 1;
  }
  return policy;
}

/**
 * Row-wise softmax of a logits table (`logits[s * nActions + a]`), computed stably (max
 * subtracted) in float64.
 */
export function softmaxPolicy(
  logits: ArrayLike<number>,
  nStates: number,
  nActions: number,
): PolicyTable {
  if (logits.length !== nStates * nActions) {
    throw new EnvError(
      `softmaxPolicy: logits has ${logits.length} entries, expected nStates*nActions = ${nStates * nActions}`,
    );
  }
  const out = new Float64Array(nStates * nActions);
  for (let s = 0; s < nStates; s++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < nActions; a++) max = Math.max(max, logits[s * nActions + a] as number);
    if (!Number.isFinite(max))
      throw new EnvError(`softmaxPolicy: row ${s} has a non-finite maximum logit`);
    let sum = 0;
    for (let a = 0; a < nActions; a++) {
      const e = Math.exp((logits[s * nActions + a] as number) - max);
      out[s * nActions + a] = e;
      sum += e;
    }
    for (let a = 0; a < nActions; a++)
      out[s * nActions + a] = (out[s * nActions + a] as number) / sum;
  }
  return out;
}

/** {@link evaluatePolicy} of the softmax policy of a logits table. */
export function evaluateSoftmax(
  model: TabularModel,
  logits: ArrayLike<number>,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  return evaluatePolicy(model, softmaxPolicy(logits, model.nStates, model.nActions), options);
}
