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
} from './dice';
export { type EpisodeTensorOptions, type EpisodeTensors, episodeTensors } from './episode-tensors';
export {
  finiteHorizonHypergradient64,
  finiteHorizonMetaObjective,
  finiteHorizonTerms,
  solveFiniteHorizon,
} from './finite-horizon-reference';
export { gaugeApplies, matchRowMeans, type TabularGauge, withGauge } from './gauge';
export { outerPolicyGradient } from './outer-gradient';
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
} from './sampled';
