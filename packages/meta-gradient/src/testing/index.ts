/**
 * `@bomrl/meta-gradient/testing`: float64 plain-TypeScript ground truth for the RL
 * meta-gradients on known tabular models (no tfjs). Tests, benchmarks and `bomrl verify` compare
 * the library's float32 gradients with these; production code never imports them.
 *
 * Names end in `64` (float64 reference) so they never collide with the library's own solvers.
 */

export {
  type FiniteHorizonPass,
  finiteHorizonPass,
  returnAndGradient64,
} from '../rl/testing/finite-horizon';
export {
  finiteHorizonHypergradient64,
  finiteHorizonMetaObjective64,
  finiteHorizonTerms64,
  solveFiniteHorizon64,
} from '../rl/testing/finite-horizon-reference';
export { enumerateEpisodes, frozenLakeTask } from '../rl/testing/fixtures';
export {
  constrainedHypergradient64,
  iftHypergradient64,
  mamlHypergradient64,
} from '../rl/testing/ift';
export {
  adaptExact64,
  distance64,
  lowerLevelData64,
  type ReferenceOperator,
  solveConstrained64,
  solvePenalized64,
} from '../rl/testing/lower-level';
export { finiteDifferenceHypergradient64, metaObjective64 } from '../rl/testing/meta-objective';
export { type StateProblem, stateObjective } from '../rl/testing/state-problem';
