/**
 * @bomrl/trainer: meta-training and meta-test for BO-MRL and MAML — config, samplers,
 * meta-methods (exact and sampled), meta-optimizers, run directories, reports and the
 * hypergradient verification. The meta-gradients themselves (and advantage estimation) are
 * `@bomrl/meta-gradient`'s; the float64 references are `@bomrl/meta-gradient/testing`'s.
 *
 * @packageDocumentation
 */
export { type CliIO, runCli } from './cli/main';
export { configJsonSchema } from './config/json-schema';
export {
  applyOverrides,
  ConfigError,
  loadConfigFile,
  parseOverride,
  resolveConfig,
} from './config/load';
export type { Config, ConfigInput } from './config/schema';
export {
  evaluateMetaPolicy,
  type MetaTestOptions,
  type MetaTestResults,
  metaTest,
  type RoundResult,
} from './evaluate/meta-test';
export { type MeanStderr, meanStderr } from './evaluate/stats';
export { type Checkpoint, readCheckpoint } from './loop/checkpoint';
export { NumericFailure } from './loop/numeric-guard';
export { iterationSeed, pickTasks } from './loop/seeds';
export {
  type RunInfo,
  type RunResult,
  type TrainOptions,
  type TrainProgress,
  train,
} from './loop/train';
export { type BomrlExactOptions, createBomrlExactMethod } from './methods/bomrl-exact';
export { createEmamlSampledMethod, type EmamlSampledOptions } from './methods/e-maml-sampled';
export {
  createMamlExactMethod,
  createMamlSampledMethod,
  type MamlExactOptions,
  type MamlSampledOptions,
  type MamlSettings,
} from './methods/maml';
export {
  type AdvantageSettings,
  buildBatch,
  episodeReturns,
  type ReturnStats,
  type TensorBatch,
} from './methods/maml-batch';
export type {
  MetaMethod,
  MetaStepInput,
  MetaStepResult,
  SameBatchSteps,
  TrustRegionPieces,
} from './methods/method';
export type { PrompObjectiveSettings } from './methods/promp-objectives';
export { createPrompSampledMethod, type PrompSampledOptions } from './methods/promp-sampled';
export { availableMethods, createMethod, type MethodContext } from './methods/registry';
export {
  FirstOrderOptimizer,
  type FirstOrderOptions,
  type OptimizerState,
} from './optim/first-order';
export {
  type Candidate,
  type CandidateStep,
  type TrustRegionOptions,
  type TrustRegionResult,
  trustRegionStep,
} from './optim/trust-region-step';
export { type ReportFiles, type ReportOptions, report } from './report/report';
export {
  type ChartPoint,
  type ChartSeries,
  type LineChartSpec,
  lineChart,
} from './report/svg-chart';
export { writeFileAtomic, writeJsonAtomic } from './run/atomic-file';
export { type MetricsRecord, RUN_FILES, RunDirectory } from './run/run-directory';
export { RunDirectoryError } from './run/run-errors';
export { InProcessSampler } from './sampling/in-process-sampler';
export type { Episode, SampleRequest, Sampler } from './sampling/sampler';
export {
  createPolicy,
  createRunSetup,
  createTaskSetup,
  type RunSetup,
  type TaskSetup,
  type TrainerFamily,
} from './setup/index';
export * from './verify/index';
