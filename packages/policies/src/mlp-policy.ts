import type { Tensor1D } from '@tensorflow/tfjs-core';
import type { NormalizerOption } from './common';
import type { PolicyJSON } from './json';
import type { ObservationNormalizer } from './normalizer';
import { type PolicyJSONSource, policyJSON } from './policy-json';

/*
 * What the categorical and Gaussian MLP policies share around their network: the options and
 * config fields they both have, the one-line description and the saved document. The network
 * itself lives in `mlp.ts`.
 */

/** Options every MLP policy takes, besides the size of its output. */
export interface MLPPolicyOptions {
  readonly obsDim: number;
  /** Hidden layer sizes (tanh). Default [64, 64]. */
  readonly hidden?: readonly number[];
  /**
   * Multiplier on the Glorot-uniform init of the output layer (the logits, or the Gaussian's
   * mean). Default 0.01, so the initial policy is near uniform / near zero-mean.
   */
  readonly outputScale?: number;
  /**
   * Running observation normalizer: `true`, options for a new one, or an existing instance.
   * Default off.
   */
  readonly normalizer?: NormalizerOption;
}

/** The resolved config fields every MLP policy has. */
export interface MLPArchitecture {
  readonly obsDim: number;
  readonly hidden: readonly number[];
  readonly outputScale: number;
}

/** An MLP policy as {@link mlpPolicyJSON} sees it. */
export interface MLPPolicySource extends PolicyJSONSource {
  readonly config: MLPArchitecture;
  readonly normalizer: ObservationNormalizer | null;
}

/**
 * `a <kind> with obsDim 17, hidden [64,64], <head>`, the wording error messages and
 * `loadPolicy` use for an MLP policy.
 *
 * @param head the output layer, e.g. `actDim 6`.
 */
export function describeMLP(kind: string, config: MLPArchitecture, head: string): string {
  return `a ${kind} with obsDim ${config.obsDim}, hidden [${config.hidden.join(',')}], ${head}`;
}

/** The saved document of an MLP policy: its config (with `hidden` copied), params, normalizer. */
export function mlpPolicyJSON(policy: MLPPolicySource, name: string, params: Tensor1D): PolicyJSON {
  const config = { ...policy.config, hidden: [...policy.config.hidden] };
  return policyJSON(policy, name, params, config, policy.normalizer);
}
