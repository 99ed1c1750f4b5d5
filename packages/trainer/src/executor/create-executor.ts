import * as os from 'node:os';
import type { ConcreteBackend } from '@bomrl/core';
import type { Config } from '../config/schema';
import type { JobContext, TaskExecutor } from './executor';
import { InProcessExecutor } from './in-process-executor';
import { ThreadPoolExecutor } from './thread-pool-executor';

/** `config.executor.workers` as a number ('auto': one worker per core). */
export function workerCount(config: Config): number {
  const w = config.executor.workers;
  return w === 'auto' ? os.availableParallelism() : w;
}

/**
 * The executor of `config.executor`: in this thread with the run's own context (0 workers), or
 * a pool of worker threads that build theirs from the config on `backend`.
 */
export function createExecutor(
  config: Config,
  backend: ConcreteBackend,
  local: Pick<JobContext, 'policy' | 'sampler'>,
): TaskExecutor {
  const workers = workerCount(config);
  if (workers === 0) return new InProcessExecutor(local);
  return new ThreadPoolExecutor(workers, { config, backend });
}
