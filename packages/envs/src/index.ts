/**
 * `@bomrl/envs`: meta-RL environment families with a Gymnasium-style API, in plain TypeScript.
 * Exact tabular tools are in `@bomrl/envs/tabular`, MuJoCo locomotion in `@bomrl/envs/mujoco`.
 */
export type {
  Env,
  FlatStep,
  ResetOptions,
  ResetResult,
  StepResult,
  TaskEnv,
  TaskFamily,
  VectorizableEnv,
} from './env';
export {
  BomrlError,
  type BomrlErrorOptions,
  EnvError,
  InvalidArgumentError,
  isBomrlError,
} from './errors';
export { ACTION_NAMES, cellReward, DOWN, LEFT, RIGHT, UP } from './frozen-lake/dynamics';
export { FrozenLakeEnv, type FrozenLakeEnvOptions, type FrozenLakeInfo } from './frozen-lake/env';
export { FrozenLake, FrozenLakeFamily, type FrozenLakeFamilyConfig } from './frozen-lake/family';
export {
  type Cell,
  type FrozenLakeTask,
  type GenerateMapOptions,
  generateMap,
  type Variance,
  validateMap,
  validateTask as validateFrozenLakeTask,
} from './frozen-lake/map';
export {
  MAX_ACTION,
  Navigation2DEnv,
  type Navigation2DEnvOptions,
  type Navigation2DInfo,
  SUCCESS_RADIUS,
} from './navigation/env';
export {
  Navigation2D,
  Navigation2DFamily,
  type Navigation2DFamilyConfig,
} from './navigation/family';
export { type Navigation2DTask, validateNavigationTask } from './navigation/task';
export { Rng, type RngState, type SeedLike } from './rng';
export { Box, Discrete, flatSize, isNumberArray, type Space } from './spaces';
export { splitTasks } from './split';
export type { PolicyTable, TabularModel } from './tabular/model';
export { makeVector, VectorEnv, type VectorEnvOptions, type VectorStepResult } from './vector';
