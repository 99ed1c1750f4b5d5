import { type ConcreteBackend, selectBackend } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '../config/schema';
import { createExecutor } from '../executor/create-executor';
import type { TaskExecutor } from '../executor/executor';
import { ExecutorSampler } from '../executor/executor-sampler';
import { RedisExecutor } from '../executor/redis-executor';
import type { MetaMethod } from '../methods/method';
import { createMethod } from '../methods/registry';
import { InProcessSampler } from '../sampling/in-process-sampler';
import type { Sampler } from '../sampling/sampler';
import { createTaskSetup, type TaskSetup } from './family';
import { createPolicy } from './policy';

export { createTaskSetup, type TaskSetup, type TrainerFamily } from './family';
export { createPolicy } from './policy';

/** Everything a run needs, built from a resolved config. */
export interface RunSetup {
  readonly config: Config;
  readonly tasks: TaskSetup;
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** Runs the sampled methods' per-task jobs (`config.executor`). */
  readonly executor: TaskExecutor;
  readonly method: MetaMethod<unknown>;
  /** Frees the method, closes the sampler and stops the executor's workers. */
  dispose(): Promise<void>;
}

/** The tfjs engine's backend as `selectBackend` names it (workers select the same one). */
async function currentBackend(): Promise<ConcreteBackend> {
  const name = tf.getBackend();
  if (name === 'wasm' || name === 'cpu' || name === 'tensorflow') return name;
  return (await selectBackend('auto')).backend;
}

/** Options of {@link createRunSetup}. */
export interface RunSetupOptions {
  /**
   * Run the sampled methods' jobs on `bomrl worker` processes through Redis instead of
   * `config.executor` (kept out of the config: the URL may hold a password).
   */
  readonly redis?: { readonly url: string; readonly runKey: string };
  readonly log?: (line: string) => void;
}

/**
 * Config to task family + split, policy, executor, sampler and meta-method. With worker threads
 * (`config.executor.workers` > 0, sampled mode) or Redis workers sampling runs on them too; in
 * exact mode nothing samples, so no workers start.
 */
export async function createRunSetup(
  config: Config,
  options: RunSetupOptions = {},
): Promise<RunSetup> {
  const tasks = await createTaskSetup(config);
  const policy = createPolicy(config, tasks);
  const local = new InProcessSampler(tasks.family, policy);
  const context = { policy, sampler: local };
  let executor: TaskExecutor;
  if (config.mode === 'exact') {
    if (options.redis) options.log?.('redis: exact mode samples nothing; the run stays in process');
    executor = createExecutor({ ...config, executor: { workers: 0 } }, 'cpu', context);
  } else if (options.redis) {
    executor = await RedisExecutor.connect({
      ...options.redis,
      spec: { config, backend: await currentBackend() },
      ...(options.log ? { log: options.log } : {}),
    });
  } else {
    executor = createExecutor(config, await currentBackend(), context);
  }
  const sampler = executor.workers > 0 ? new ExecutorSampler(executor) : local;
  let method: MetaMethod<unknown>;
  try {
    method = createMethod({ config, setup: tasks, policy, sampler, executor });
  } catch (error) {
    local.close();
    await executor.close();
    throw error;
  }
  return {
    config,
    tasks,
    policy,
    sampler,
    executor,
    method,
    async dispose() {
      method.dispose();
      local.close();
      await executor.close();
    },
  };
}
