/**
 * `@bomrl/adaptation`: BO-MRL's universal policy adaptation operator
 * theta' = argmax_theta L(theta; phi) - lambda D2(phi, theta) with forward KL (Alg(1)), reverse KL
 * (Alg(2)), l2 (Alg(3)) or your own distance, its trust-region (constrained) variant, and MAML's
 * policy-gradient inner step behind the same interface; on sampled batches or, for tabular
 * softmax policies, on exact tabular quantities.
 *
 * @packageDocumentation
 */

export { closedFormApplies, reverseKLClosedForm } from './closed-form';
export {
  type ConstrainedProblem,
  type ConstraintReport,
  type MultiplierSearch,
  solveConstrained,
} from './constrained';
export {
  type AdaptationData,
  type Batch,
  batchSize,
  type ExactData,
  exactData,
  type SampledData,
  sampledData,
  validateData,
  type Weighting,
} from './data';
export { type Distance, defineDistance, forwardKL, l2, reverseKL } from './distances';
export { AdaptationError } from './errors';
export { logPolicyTable, matchRowMeans, policyTable, softmaxTable } from './exact';
export { type MamlProblem, mamlAdapt, policyGradientStep } from './maml';
export { type LowerLevelObjective, lowerLevelObjective, type PenaltySpec } from './objective';
export {
  type Adaptation,
  type AdaptationOperator,
  type AdaptDiagnostics,
  type AdaptSpec,
  adapt,
  type ConstrainedSpec,
  createOperator,
  type MamlSpec,
  type PenalizedSpec,
} from './operator';
export { type PenalizedProblem, type PenalizedSolution, solvePenalized } from './penalized';
export type { PolicyLike } from './policy-like';
export {
  type AdamSolver,
  type GradientAscentSolver,
  type IterativeSolver,
  type LbfgsSolver,
  maximize,
  type NewtonCgSolver,
  type NewtonSolver,
  type ProblemStructure,
  type SolveResult,
  type SolverSpec,
} from './solvers';
export {
  policyGradientSurrogate,
  type RatioTransform,
  type SurrogateOptions,
  smoothClip,
  surrogate,
  type ThetaPhiFn,
  transformLogRatio,
} from './surrogates';
