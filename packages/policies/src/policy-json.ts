import type { Tensor1D } from '@tensorflow/tfjs-core';
import { checkParams } from './common';
import { POLICY_FORMAT, POLICY_FORMAT_VERSION, type PolicyJSON } from './json';
import type { ObservationNormalizer } from './normalizer';
import type { Policy } from './policy';

/** The parts of a policy its saved document is built from. */
export type PolicyJSONSource = Pick<Policy, 'kind' | 'paramCount' | 'describe'>;

/**
 * The {@link PolicyJSON} document of every policy class, so the field order and the
 * parameter check are written once and every kind saves the same layout.
 *
 * @param name the class name used in the error message (`${name}.toJSON: ...`).
 * @param config the resolved configuration, already copied: the document must not alias the
 *   policy's own (readonly) arrays.
 * @param normalizer included only when present, so policies without one omit the field.
 */
export function policyJSON(
  policy: PolicyJSONSource,
  name: string,
  params: Tensor1D,
  config: Record<string, unknown>,
  normalizer: ObservationNormalizer | null = null,
): PolicyJSON {
  checkParams(params, policy.paramCount, `${name}.toJSON`, () => policy.describe());
  return {
    format: POLICY_FORMAT,
    version: POLICY_FORMAT_VERSION,
    kind: policy.kind,
    config,
    params: Array.from(params.dataSync()),
    ...(normalizer ? { normalizer: normalizer.toJSON() } : {}),
  };
}
