import * as v8 from 'node:v8';
import type { Config } from '../config/schema';
import type { WorkerSpec } from './job-context';
import { JOB_KINDS, type JobTypes } from './jobs';

/**
 * What travels through Redis is v8-serialized (typed arrays, nested objects and exact float64
 * values survive, unlike JSON), and everything that arrives is checked before use: Redis is
 * shared, so a foreign or damaged value must give a clear error, never a wrong result.
 */
export const encode = (value: unknown): Buffer => v8.serialize(value);

/** Deserializes a Buffer, naming `what` if it is not a v8 value. */
export function decode(bytes: Buffer, what: string): unknown {
  try {
    return v8.deserialize(bytes);
  } catch (error) {
    throw new TypeError(`${what}: not a v8-serialized value (${(error as Error).message})`);
  }
}

/** A BullMQ job's data (JSON): which run and call it belongs to and its own input. */
export interface RedisJobData {
  readonly runId: string;
  readonly call: number;
  readonly kind: keyof JobTypes;
  /** v8-serialized job input, base64. */
  readonly input: string;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks a job's data as a worker receives it. */
export function checkJobData(data: unknown, isRunId: (x: unknown) => boolean): RedisJobData {
  if (!isObject(data)) throw new TypeError('job data: expected an object');
  if (!isRunId(data.runId)) throw new TypeError('job data: runId is not a bomrl run id');
  if (!Number.isInteger(data.call) || (data.call as number) < 0) {
    throw new TypeError('job data: call must be an integer >= 0');
  }
  if (!JOB_KINDS.includes(data.kind as keyof JobTypes)) {
    throw new TypeError(`job data: unknown job kind '${String(data.kind)}'`);
  }
  if (typeof data.input !== 'string') throw new TypeError('job data: input must be base64 text');
  return data as unknown as RedisJobData;
}

/** Checks a WorkerSpec as a worker reads it from Redis. */
export function checkSpec(value: unknown): WorkerSpec {
  if (!isObject(value) || !isObject(value.config)) {
    throw new TypeError('run spec: expected { config, backend }');
  }
  if (!['cpu', 'wasm', 'tensorflow'].includes(value.backend as string)) {
    throw new TypeError(`run spec: unknown backend '${String(value.backend)}'`);
  }
  return { config: value.config as unknown as Config, backend: value.backend as never };
}

/** Checks a job's input or a call's shared value: both are plain objects for every kind. */
export function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw new TypeError(`${what}: expected an object`);
  return value;
}

/** Checks a job's output against the shape of its kind (the coordinator reduces it next). */
export function checkOutput(kind: keyof JobTypes, value: unknown, what: string): unknown {
  const fail = (expected: string): never => {
    throw new TypeError(`${what}: a '${kind}' job must return ${expected}`);
  };
  switch (kind) {
    case 'sample':
      if (!Array.isArray(value)) fail('an array of episodes');
      break;
    case 'bomrl-candidate':
    case 'bomrl-linear-candidate':
      if (typeof value !== 'number') fail('a number');
      break;
    case 'bomrl-tangent':
      if (
        !isObject(value) ||
        !(value.tangent instanceof Float64Array) ||
        typeof value.iterations !== 'number' ||
        typeof value.relativeResidual !== 'number'
      ) {
        fail('{ tangent: Float64Array, iterations, relativeResidual }');
      }
      break;
    case 'maml-candidate':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
        fail('an array of numbers');
      }
      break;
    case 'kl-fisher':
      if (!(value instanceof Float64Array)) fail('a Float64Array');
      break;
    case 'bomrl-task':
      if (
        !isObject(value) ||
        !(value.theta instanceof Float32Array) ||
        !isObject(value.gradients) ||
        !(value.gradients.full instanceof Float64Array)
      ) {
        fail('{ pre, post, theta: Float32Array, gradients: { full: Float64Array, ... }, ... }');
      }
      break;
    case 'maml-task':
      if (
        !isObject(value) ||
        !Array.isArray(value.episodes) ||
        !(value.gradient instanceof Float64Array)
      ) {
        fail('{ episodes, gradient: Float64Array, seconds }');
      }
      break;
  }
  return value;
}
