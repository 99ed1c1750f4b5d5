import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { CategoricalMLPPolicy, resolveCategoricalMLPConfig } from './categorical-mlp';
import { PolicyFormatError } from './errors';
import { GaussianMLPPolicy, resolveGaussianMLPConfig } from './gaussian-mlp';
import { POLICY_FORMAT, POLICY_FORMAT_VERSION, type PolicyJSON } from './json';
import { ObservationNormalizer } from './normalizer';
import type { ActionArray, Policy, PolicyKind } from './policy';
import { resolveTabularSoftmaxConfig, TabularSoftmaxPolicy } from './tabular-softmax';
import {
  type ErrorFactory,
  expectFiniteArray,
  expectKnownKeys,
  expectRecord,
  show,
} from './validation';

/** Maps each saved `kind` to its class. */
export interface PolicyByKind {
  'tabular-softmax': TabularSoftmaxPolicy;
  'categorical-mlp': CategoricalMLPPolicy;
  'gaussian-mlp': GaussianMLPPolicy;
}

/** What {@link loadPolicy} returns: the policy and its parameters (the caller owns the tensor). */
export interface LoadedPolicy<P extends Policy<ActionArray> = PolicyByKind[PolicyKind]> {
  readonly policy: P;
  readonly params: Tensor1D;
}

const KINDS: readonly PolicyKind[] = ['tabular-softmax', 'categorical-mlp', 'gaussian-mlp'];
const TOP_KEYS = ['format', 'version', 'kind', 'config', 'params', 'normalizer'];
const fail: ErrorFactory = (message) => new PolicyFormatError(message);
const NAME = 'loadPolicy';

/** `policy.toJSON(params)` as a string. */
export function savePolicy(policy: Policy<ActionArray>, params: Tensor1D, space?: number): string {
  return JSON.stringify(policy.toJSON(params), null, space);
}

/**
 * Rebuilds a policy and its parameters from {@link PolicyJSON} (an object or its JSON text),
 * validating everything: format tag, version, kind, every config field, the parameter count
 * against the architecture, and the normalizer. Every failure is a {@link PolicyFormatError}
 * whose message names the field, e.g.
 * `loadPolicy: params has 130 entries but a gaussian-mlp with obsDim 17, hidden [64,64], actDim 6 needs 5708`.
 *
 * @param expectedKind if given, a file holding another kind of policy is rejected.
 */
export function loadPolicy<K extends PolicyKind>(
  json: unknown,
  expectedKind: K,
): LoadedPolicy<PolicyByKind[K]>;
export function loadPolicy(json: unknown): LoadedPolicy;
export function loadPolicy(json: unknown, expectedKind?: PolicyKind): LoadedPolicy {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (error) {
      throw fail(`${NAME}: not valid JSON (${(error as Error).message})`);
    }
  }
  const r = expectRecord(doc, `${NAME}: the document`, fail);
  expectKnownKeys(r, TOP_KEYS, `${NAME}: the document`, fail);
  if (r.format !== POLICY_FORMAT) {
    throw fail(
      `${NAME}: format is ${show(r.format)}, expected '${POLICY_FORMAT}' (not a saved bomrl policy)`,
    );
  }
  if (r.version !== POLICY_FORMAT_VERSION) {
    throw fail(
      `${NAME}: version ${show(r.version)} is not supported (this build of @bomrl/policies reads version ${POLICY_FORMAT_VERSION})`,
    );
  }
  const kind = r.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind as PolicyKind)) {
    throw fail(`${NAME}: kind is ${show(kind)}, expected one of ${KINDS.join(', ')}`);
  }
  if (expectedKind !== undefined && kind !== expectedKind) {
    throw fail(`${NAME}: the file holds a ${kind} policy, expected ${expectedKind}`);
  }
  const policy = buildPolicy(kind as PolicyKind, r.config, r.normalizer);
  const params = expectFiniteArray(r.params, `${NAME}: params`, fail);
  if (params.length !== policy.paramCount) {
    throw fail(
      `${NAME}: params has ${params.length} entries but ${policy.describe()} needs ${policy.paramCount}`,
    );
  }
  return { policy, params: tf.tensor1d(Float32Array.from(params), 'float32') };
}

function buildPolicy(
  kind: PolicyKind,
  config: unknown,
  normalizer: unknown,
): PolicyByKind[PolicyKind] {
  const name = `${NAME}: config`;
  if (kind === 'tabular-softmax') {
    if (normalizer !== undefined) {
      throw fail(
        `${NAME}: a tabular-softmax policy has no observation normalizer, but the file has one`,
      );
    }
    return new TabularSoftmaxPolicy(resolveTabularSoftmaxConfig(config, name, fail));
  }
  if (kind === 'categorical-mlp') {
    const c = resolveCategoricalMLPConfig(config, name, fail);
    return new CategoricalMLPPolicy({ ...c, normalizer: loadNormalizer(normalizer, c.obsDim) });
  }
  const c = resolveGaussianMLPConfig(config, name, fail);
  return new GaussianMLPPolicy({ ...c, normalizer: loadNormalizer(normalizer, c.obsDim) });
}

function loadNormalizer(json: unknown, obsDim: number): ObservationNormalizer | false {
  if (json === undefined) return false;
  return ObservationNormalizer.fromJSON(json, obsDim, `${NAME}: normalizer`, fail);
}
