/**
 * The RL meta-gradients: BO-MRL's implicit meta-gradient (exact on a known tabular model, and
 * sampled on a batch of episodes, in 'full' and 'ignore-data' modes) and MAML's, assembled from
 * `@bomrl/adaptation`, the `@bomrl/policies` interface and this package's implicit part.
 */

export type { Episode } from './advantages/episode';
export { type FlatEpisodes, flattenEpisodes } from './advantages/flat-episodes';
export { generalizedAdvantages, normalizeAdvantages } from './advantages/gae';
export {
  discountedReturns,
  LinearFeatureBaseline,
  type LinearFeatureBaselineOptions,
} from './advantages/linear-feature-baseline';
export { type Trajectory, trajectoryLength } from './advantages/trajectory';
export { type BomrlMetaGradientOptions, bomrlMetaGradient } from './bomrl-meta-gradient';
export { type BlockSolve, solveBlockDiagonal } from './exact/block-adjoint';
export {
  adaptExact,
  type ExactBomrlSpec,
  type ExactHypergradient,
  type ExactLowerObjective,
  exactHypergradient,
  exactLowerObjective,
} from './exact/exact-hypergradient';
export { type ExactMamlResult, exactMamlMetaGradient } from './exact/exact-maml';
export {
  disposeTabular,
  finiteHorizonReturn,
  type TabularTensors,
  tabularPolicyTensor,
  tabularTensors,
  visitationAndAdvantage,
} from './exact/tabular-tf';
export {
  type ExactBomrlMetaGradientOptions,
  type ExactMetaGradientResult,
  exactBomrlMetaGradient,
} from './exact-bomrl-meta-gradient';
export { type MamlMetaGradientOptions, mamlMetaGradient } from './maml-meta-gradient';
export {
  type AdaptationSettings,
  DEFAULT_RELATIVE_STATIONARITY_TOL,
  type MetaGradientDiagnostics,
  type MetaGradientResult,
  nonStationaryWarning,
} from './meta-gradient-result';
export {
  DISTANCES,
  type DistanceName,
  diceSurrogate,
  fullDistance,
  fullObjective,
  type HypergradientMode,
  ignoreDataObjective,
  lowerObjective,
  magicBox,
  type PenaltySettings,
  stopGradient,
  type ThetaPhiObjective,
} from './sampled/dice';
export {
  type EpisodeTensorOptions,
  type EpisodeTensors,
  episodeTensors,
} from './sampled/episode-tensors';
export { gaugeApplies, type TabularGauge, withGauge } from './sampled/gauge';
export {
  outerPolicyGradient,
  type ReturnSurrogate,
  returnSurrogate,
} from './sampled/outer-gradient';
export {
  implicitHypergradients,
  type LowerLevelReport,
  type PreparedTask,
  prepareTask,
  type SampledBomrlSettings,
  type SampledHypergradient,
  sampledHypergradient,
  solveLowerLevel,
  taskObjective,
} from './sampled/sampled';
export { type LowerLevelTangent, lowerLevelTangent } from './sampled/tangent';
