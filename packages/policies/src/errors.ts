import { BomrlError } from '@bomrl/core';

/**
 * Thrown by {@link loadPolicy} (and the constructors' config checks when they run on behalf of
 * the loader) when a saved policy is malformed or does not match what it claims to be. The
 * message names the offending field, what was expected and what was found.
 */
export class PolicyFormatError extends BomrlError {
  static override readonly code: string = 'BOMRL_POLICY_FORMAT';
  override get name(): string {
    return 'PolicyFormatError';
  }
}
