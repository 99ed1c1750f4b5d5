/**
 * Generic implicit differentiation (knows no RL): d outer(theta*(phi)) / d phi through the
 * solution theta* of any inner problem, by the implicit function theorem.
 */

export {
  type ConstrainedGradientDiagnostics,
  type ConstrainedGradientOptions,
  type ConstrainedGradientResult,
  constrainedImplicitGradient,
  type SaddleMethod,
} from './constrained';
export {
  type CustomRootConditionSpec,
  type CustomRootDiagnostics,
  type CustomRootObjectiveSpec,
  customRoot,
} from './custom-root';
export type { HostMatvec, Matvec } from './host';
export {
  type BilevelObjective,
  crossHvp,
  crossHvpTranspose,
  DEFAULT_FD_EPS,
  gradPhi,
  gradTheta,
  type HvpMode,
  type HvpOptions,
  hvp,
  type ScalarFn,
} from './hvp';
export {
  type ConditionGradientOptions,
  type ConditionGradientResult,
  type ConditionSolveSpec,
  implicitGradientFromCondition,
  type OptimalityCondition,
} from './implicit-condition';
export {
  DEFAULT_STATIONARITY_TOL,
  type ImplicitGradientDiagnostics,
  type ImplicitGradientOptions,
  type ImplicitGradientResult,
  implicitGradient,
  type Sense,
} from './implicit-gradient';
export {
  type BiCGStabOptions,
  bicgstab,
  type CGOptions,
  conjugateGradient,
  conjugateGradientHost,
  conjugateGradientHostAsync,
  type DirectOptions,
  directSolve,
  type HostSolveResult,
  type LinearSolveResult,
  type NeumannOptions,
  neumannSeries,
  type SolveReport,
} from './linear-solvers';
export type { SolverKind, SolveSpec } from './solve';
