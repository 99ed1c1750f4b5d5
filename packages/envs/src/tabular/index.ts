/**
 * `@bomrl/envs/tabular`: exact float64 dynamic programming on known tabular MDPs (policy
 * evaluation, visitation, value iteration), the ground truth the repository tests against.
 */

export { EnvError } from '../errors';
export {
  type AdaptationTerms,
  adaptationTerms,
  type EvaluateOptions,
  evaluatePolicy,
  type PolicyEvaluation,
} from './evaluate';
export { solveLinear } from './linear';
export {
  backup,
  type HorizonMode,
  type PolicyTable,
  policyDynamics,
  type TabularModel,
  validateModel,
  validatePolicy,
} from './model';
export { deterministicPolicy, evaluateSoftmax, softmaxPolicy, uniformPolicy } from './policy';
export {
  type ValueIterationOptions,
  type ValueIterationResult,
  valueIteration,
} from './value-iteration';
