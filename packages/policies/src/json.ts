import type { NormalizerJSON } from './normalizer';
import type { PolicyKind } from './policy';

/** The `format` tag of every saved policy. */
export const POLICY_FORMAT = 'bomrl-policy';
/** The JSON layout version this build writes and reads. */
export const POLICY_FORMAT_VERSION = 1;

/**
 * A saved policy: plain JSON, `JSON.stringify`-able. Parameters are the float32 values as
 * numbers (a float64 holds every float32 exactly, so save -> load is bit-exact).
 */
export interface PolicyJSON {
  readonly format: typeof POLICY_FORMAT;
  readonly version: typeof POLICY_FORMAT_VERSION;
  readonly kind: PolicyKind;
  /** The constructor options, fully resolved (defaults filled in). */
  readonly config: Record<string, unknown>;
  /** The flat parameter vector. */
  readonly params: number[];
  /** Running observation statistics, when the policy normalizes observations. */
  readonly normalizer?: NormalizerJSON;
}
