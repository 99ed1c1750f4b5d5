import type { Episode } from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BomrlLinearCandidateInput,
  type BomrlLinearCandidateShared,
  type BomrlTangentOutput,
  type BomrlTangentShared,
  bomrlLinearCandidate,
  bomrlTangent,
} from '../methods/bomrl-linearized';
import {
  type BomrlCandidateInput,
  type BomrlCandidateShared,
  type BomrlTaskInput,
  type BomrlTaskOutput,
  type BomrlTaskShared,
  bomrlCandidateImprovement,
  runBomrlTask,
} from '../methods/bomrl-task';
import { type KlFisherInput, type KlFisherShared, taskKlFisherVector } from '../methods/kl-fisher';
import {
  type MamlTaskInput,
  type MamlTaskOutput,
  type MamlTaskShared,
  runMamlTask,
} from '../methods/maml-task';
import {
  type MamlCandidateInput,
  type MamlCandidateShared,
  mamlCandidateValues,
} from '../methods/maml-trust-region';
import type { JobContext } from './executor';

/** Parameter vectors that sampling requests refer to by index (each travels once per call). */
export interface SampleShared {
  readonly params: readonly Float32Array[];
}

/** Collect `episodes` episodes of `task` with `params[paramsIndex]`. */
export interface SampleInput {
  readonly task: unknown;
  readonly paramsIndex: number;
  readonly episodes: number;
  readonly seed: number;
}

/** Every job kind: what its calls share, each job's input, and its output (all plain data). */
export interface JobTypes {
  sample: { shared: SampleShared; input: SampleInput; output: Episode[] };
  'bomrl-task': { shared: BomrlTaskShared; input: BomrlTaskInput; output: BomrlTaskOutput };
  'bomrl-candidate': {
    shared: BomrlCandidateShared;
    input: BomrlCandidateInput;
    output: number;
  };
  'bomrl-tangent': {
    shared: BomrlTangentShared;
    input: Pick<BomrlCandidateInput, 'pre' | 'theta'>;
    output: BomrlTangentOutput;
  };
  'bomrl-linear-candidate': {
    shared: BomrlLinearCandidateShared;
    input: BomrlLinearCandidateInput;
    output: number;
  };
  'maml-task': { shared: MamlTaskShared; input: MamlTaskInput; output: MamlTaskOutput };
  'maml-candidate': {
    shared: MamlCandidateShared;
    input: MamlCandidateInput;
    output: number[];
  };
  'kl-fisher': { shared: KlFisherShared; input: KlFisherInput; output: Float64Array };
}

type Handler<K extends keyof JobTypes> = (
  ctx: JobContext,
  shared: JobTypes[K]['shared'],
  input: JobTypes[K]['input'],
) => Promise<JobTypes[K]['output']> | JobTypes[K]['output'];

async function sampleJob(
  ctx: JobContext,
  shared: SampleShared,
  input: SampleInput,
): Promise<Episode[]> {
  const values = shared.params[input.paramsIndex];
  if (!values) throw new RangeError(`sample job: no parameter vector ${input.paramsIndex}`);
  const params = tf.tensor1d(values);
  try {
    const [episodes] = await ctx.sampler.sample([
      { task: input.task, params, episodes: input.episodes, seed: input.seed },
    ]);
    return episodes!;
  } finally {
    params.dispose();
  }
}

const HANDLERS: { readonly [K in keyof JobTypes]: Handler<K> } = {
  sample: sampleJob,
  'bomrl-task': runBomrlTask,
  'bomrl-candidate': bomrlCandidateImprovement,
  'bomrl-tangent': bomrlTangent,
  'bomrl-linear-candidate': bomrlLinearCandidate,
  'maml-task': runMamlTask,
  'maml-candidate': mamlCandidateValues,
  'kl-fisher': taskKlFisherVector,
};

/**
 * Kinds whose jobs keep tensors in the context's cache (job-cache.ts) for the rest of their call
 * sequence (a trust-region step); a job of any other kind frees the cache first.
 */
const CACHING: ReadonlySet<keyof JobTypes> = new Set(['maml-candidate', 'kl-fisher']);

/**
 * Whether jobs of `kind` reuse what earlier jobs of their call sequence cached on the same
 * worker, so an executor should send a task to the same worker every time when it can.
 */
export const cachesBetweenJobs = (kind: keyof JobTypes): boolean => CACHING.has(kind);

/** The job kinds, for validating what arrives from another thread or machine. */
export const JOB_KINDS = Object.keys(HANDLERS) as readonly (keyof JobTypes)[];

/** Runs one job in `ctx`. */
export async function runJob<K extends keyof JobTypes>(
  ctx: JobContext,
  kind: K,
  shared: JobTypes[K]['shared'],
  input: JobTypes[K]['input'],
): Promise<JobTypes[K]['output']> {
  const handler = HANDLERS[kind] as Handler<K> | undefined;
  if (!handler) throw new RangeError(`executor: unknown job kind '${String(kind)}'`);
  if (!CACHING.has(kind)) ctx.cache.clear();
  return handler(ctx, shared, input);
}
