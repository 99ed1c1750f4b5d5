/**
 * @bomrl/policies: stochastic policies whose parameters are one flat 1-D tensor, differentiable
 * twice through `@bomrl/core`'s second-order-correct gradients; tabular softmax, categorical
 * MLP and diagonal-Gaussian MLP policies, a running observation normalizer, and versioned JSON.
 *
 * @packageDocumentation
 */

export {
  type CategoricalMLPConfig,
  type CategoricalMLPOptions,
  CategoricalMLPPolicy,
} from './categorical-mlp';
export type { NormalizerOption } from './common';
export {
  categoricalEntropy,
  categoricalKL,
  categoricalLogProb,
  gaussianEntropy,
  gaussianKL,
  gaussianLogProb,
} from './distributions';
export { PolicyFormatError } from './errors';
export { type GaussianMLPConfig, type GaussianMLPOptions, GaussianMLPPolicy } from './gaussian-mlp';
export { POLICY_FORMAT, POLICY_FORMAT_VERSION, type PolicyJSON } from './json';
export { mlpShapes } from './mlp';
export { type NormalizerJSON, type NormalizerOptions, ObservationNormalizer } from './normalizer';
export type {
  ActionArray,
  CategoricalDistribution,
  ContinuousPolicy,
  DiagGaussianDistribution,
  DiscretePolicy,
  FisherOperator,
  Policy,
  PolicyDistribution,
  PolicyKind,
} from './policy';
export { type LoadedPolicy, loadPolicy, type PolicyByKind, savePolicy } from './serialization';
export { StatefulPolicy } from './stateful';
export {
  softmaxTable,
  type TabularSoftmaxConfig,
  type TabularSoftmaxOptions,
  TabularSoftmaxPolicy,
} from './tabular-softmax';
