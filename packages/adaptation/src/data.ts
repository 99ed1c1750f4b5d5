import type { Tensor } from '@tensorflow/tfjs-core';
import { AdaptationError, checkFinite, checkInteger } from './errors';
import type { PolicyLike } from './policy-like';

/**
 * Exact tabular quantities of the meta-policy pi_phi on one task (exact mode). The policy is a
 * tabular softmax whose flat parameter vector is the logits table, `theta[s * nActions + a]`.
 *
 * Convention (docs/algorithm.md#tabular-conventions): `visitation` is the NORMALIZED discounted
 * state visitation of pi_phi over t = 0..H-1 (it sums to 1), `advantages` the STATIONARY
 * discounted advantage A^phi(s, a). `@bomrl/envs/tabular`'s `adaptationTerms(model, policy)`
 * returns exactly these as `visitation` and `A`. Float64 inputs are rounded to float32 (tfjs).
 */
export interface ExactData {
  readonly kind: 'exact';
  readonly nStates: number;
  readonly nActions: number;
  /** nu^phi(s), length nStates, non-negative, sums to 1. */
  readonly visitation: ArrayLike<number>;
  /** A^phi(s, a) at `[s * nActions + a]`; needed unless the surrogate weights by `q`. */
  readonly advantages?: ArrayLike<number>;
  /** Q^phi(s, a), same layout; used when the surrogate option `weighting` is `'q'`. */
  readonly q?: ArrayLike<number>;
  /**
   * sum_{t<H} gamma^t, the mass the visitation was normalized by. Only the MAML step reads it,
   * and only with `scaleByVisitationMass` (to turn the normalized gradient into grad J).
   */
  readonly visitationMass?: number;
}

/**
 * One batch of transitions collected ONCE with pi_phi (sampled mode). Entry i is the sample
 * (s_i, a_i) with its advantage estimate A_i.
 */
export interface Batch {
  /** Observations in the layout the policy expects, batched in front: [B, ...]. */
  readonly observations: Tensor;
  /** Actions in the layout the policy expects: [B] (discrete) or [B, actDim]. */
  readonly actions: Tensor;
  /** A_i, length B; needed unless the surrogate option `weighting` is `'q'`. */
  readonly advantages?: Float32Array;
  /** Q_i estimates, length B; used when `weighting` is `'q'`. */
  readonly q?: Float32Array;
  /**
   * State weights, length B, e.g. gamma^t_i; normalized to sum to 1 inside (so they play the
   * role of the normalized discounted visitation). Default: uniform 1/B.
   */
  readonly weights?: Float32Array;
  /**
   * log pi_phi(a_i | s_i) recorded at collection time. When given they are CONSTANTS in the
   * ratio's denominator (phi then does not enter L through them); when omitted they are
   * recomputed from phi inside the objective, so grad_phi sees them.
   */
  readonly oldLogProbs?: Float32Array;
}

/** A batch together with the policy that interprets it (sampled mode). */
export interface SampledData {
  readonly kind: 'sampled';
  readonly policy: PolicyLike;
  readonly batch: Batch;
}

/** What every operator adapts on: exact tabular quantities or a sampled batch. */
export type AdaptationData = ExactData | SampledData;

/** Which per-sample weight multiplies the ratio in L. */
export type Weighting = 'advantage' | 'q';

/** Builds validated {@link ExactData}. */
export function exactData(fields: Omit<ExactData, 'kind'>): ExactData {
  const data: ExactData = { kind: 'exact', ...fields };
  validateData(data, 'exactData');
  return data;
}

/** Builds validated {@link SampledData}. */
export function sampledData(policy: PolicyLike, batch: Batch): SampledData {
  const data: SampledData = { kind: 'sampled', policy, batch };
  validateData(data, 'sampledData');
  return data;
}

/** Number of samples in a batch (its leading dimension). */
export function batchSize(batch: Batch): number {
  return batch.observations.shape[0] ?? 0;
}

/**
 * Throws an {@link AdaptationError} naming the first inconsistency: empty batch, mismatched
 * lengths, NaN advantages, a visitation that is not a distribution, a wrong `phi` length.
 */
export function validateData(data: AdaptationData, where: string, phiSize?: number): void {
  if (
    typeof data !== 'object' ||
    data === null ||
    (data.kind !== 'exact' && data.kind !== 'sampled')
  ) {
    throw new AdaptationError(
      `${where}: data must be exact tabular quantities (exactData({...})) or a sampled batch (sampledData(policy, batch))`,
    );
  }
  if (data.kind === 'exact') validateExact(data, where, phiSize);
  else validateSampled(data, where);
}

function validateExact(data: ExactData, where: string, phiSize?: number): void {
  const { nStates: S, nActions: A, visitation, advantages, q } = data;
  checkInteger(S, 'data.nStates', where, 1);
  checkInteger(A, 'data.nActions', where, 1);
  if (visitation === undefined || visitation.length !== S) {
    throw new AdaptationError(
      `${where}: data.visitation must have nStates = ${S} entries, got ${visitation?.length ?? 'none'}`,
    );
  }
  checkFinite(visitation, 'data.visitation', where);
  let sum = 0;
  for (let s = 0; s < S; s++) {
    const v = visitation[s] as number;
    if (v < 0) throw new AdaptationError(`${where}: data.visitation[${s}] = ${v} is negative`);
    sum += v;
  }
  if (Math.abs(sum - 1) > 1e-4) {
    throw new AdaptationError(
      `${where}: data.visitation sums to ${sum}; pass the NORMALIZED discounted visitation (divide by its sum, and put that sum in data.visitationMass)`,
    );
  }
  if (advantages === undefined && q === undefined) {
    throw new AdaptationError(`${where}: data.advantages (or data.q) is required in exact mode`);
  }
  for (const [field, values] of [
    ['data.advantages', advantages],
    ['data.q', q],
  ] as const) {
    if (values === undefined) continue;
    if (values.length !== S * A) {
      throw new AdaptationError(
        `${where}: ${field} must have nStates*nActions = ${S * A} entries (row-major [s * nActions + a]), got ${values.length}`,
      );
    }
    checkFinite(values, field, where);
  }
  if (phiSize !== undefined && phiSize !== S * A) {
    throw new AdaptationError(
      `${where}: phi has ${phiSize} entries but exact mode needs the nStates*nActions = ${S * A} logits table`,
    );
  }
}

function validateSampled(data: SampledData, where: string): void {
  const { policy, batch } = data;
  if (typeof policy !== 'object' || policy === null || typeof policy.logProb !== 'function') {
    throw new AdaptationError(`${where}: data.policy must implement logProb(params, obs, actions)`);
  }
  if (
    typeof batch !== 'object' ||
    batch === null ||
    batch.observations === undefined ||
    batch.actions === undefined
  ) {
    throw new AdaptationError(`${where}: data.batch needs observations and actions tensors`);
  }
  const B = batchSize(batch);
  if (B === 0) {
    throw new AdaptationError(
      `${where}: the batch is empty (observations has 0 rows); collect at least one transition`,
    );
  }
  if (batch.actions.shape[0] !== B) {
    throw new AdaptationError(
      `${where}: batch.actions has ${batch.actions.shape[0]} rows but batch.observations has ${B}; they must match`,
    );
  }
  if (batch.advantages === undefined && batch.q === undefined) {
    throw new AdaptationError(`${where}: batch.advantages (or batch.q) is required`);
  }
  for (const [field, values] of [
    ['batch.advantages', batch.advantages],
    ['batch.q', batch.q],
    ['batch.weights', batch.weights],
    ['batch.oldLogProbs', batch.oldLogProbs],
  ] as const) {
    if (values === undefined) continue;
    if (values.length !== B) {
      throw new AdaptationError(
        `${where}: ${field} has ${values.length} entries but the batch has ${B} samples`,
      );
    }
    checkFinite(values, field, where);
  }
  if (batch.weights !== undefined) {
    let sum = 0;
    for (const w of batch.weights) {
      if (w < 0) throw new AdaptationError(`${where}: batch.weights has a negative entry (${w})`);
      sum += w;
    }
    if (!(sum > 0))
      throw new AdaptationError(
        `${where}: batch.weights sums to 0; pass positive weights (e.g. gamma^t)`,
      );
  }
}

/** The weight array the surrogate multiplies ratios by, per the `weighting` option. */
export function weightValues(
  data: AdaptationData,
  weighting: Weighting,
  where: string,
): ArrayLike<number> {
  const source = data.kind === 'exact' ? data : data.batch;
  const prefix = data.kind === 'exact' ? 'data' : 'batch';
  const values = weighting === 'q' ? source.q : source.advantages;
  if (values === undefined) {
    throw new AdaptationError(
      `${where}: weighting '${weighting}' needs ${prefix}.${weighting === 'q' ? 'q' : 'advantages'}`,
    );
  }
  return values;
}
