import type { Policy } from '@bomrl/policies';
import type { Config } from '../config/schema';
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
  readonly method: MetaMethod<unknown>;
  /** Frees the method and closes the sampler. */
  dispose(): void;
}

/** Config to task family + split, policy, in-process sampler and meta-method. */
export async function createRunSetup(config: Config): Promise<RunSetup> {
  const tasks = await createTaskSetup(config);
  const policy = createPolicy(config, tasks);
  const sampler = new InProcessSampler(tasks.family, policy);
  let method: MetaMethod<unknown>;
  try {
    method = createMethod({ config, setup: tasks, policy, sampler });
  } catch (error) {
    sampler.close();
    throw error;
  }
  return {
    config,
    tasks,
    policy,
    sampler,
    method,
    dispose() {
      method.dispose();
      sampler.close();
    },
  };
}
