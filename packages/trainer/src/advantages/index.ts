export { generalizedAdvantages, normalizeAdvantages } from './gae';
export {
  discountedReturns,
  LinearFeatureBaseline,
  type LinearFeatureBaselineOptions,
} from './linear-feature-baseline';
export { type Trajectory, trajectoryLength } from './trajectory';
