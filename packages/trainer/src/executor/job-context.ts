import { type ConcreteBackend, selectBackend } from '@bomrl/core';
import type { Config } from '../config/schema';
import { InProcessSampler } from '../sampling/in-process-sampler';
import { createTaskSetup } from '../setup/family';
import { createPolicy } from '../setup/policy';
import type { JobContext } from './executor';
import { JobCache } from './job-cache';

/** What a worker (thread or machine) needs to build its own {@link JobContext}. */
export interface WorkerSpec {
  /** The run's resolved config (plain JSON). */
  readonly config: Config;
  /** The coordinator's backend: workers use the same one, so results are bit-identical. */
  readonly backend: ConcreteBackend;
}

/** A job context of one's own: backend, task family (MuJoCo models), policy and sampler. */
export async function createJobContext(spec: WorkerSpec): Promise<JobContext & { close(): void }> {
  await selectBackend(spec.backend);
  const tasks = await createTaskSetup(spec.config);
  const policy = createPolicy(spec.config, tasks);
  const sampler = new InProcessSampler(tasks.family, policy);
  const cache = new JobCache();
  return {
    policy,
    sampler,
    cache,
    close: () => {
      cache.clear();
      sampler.close();
    },
  };
}
