import {
  FrozenLake,
  Navigation2D,
  splitTasks,
  type TaskFamily,
  type VectorizableEnv,
} from '@bomrl/envs';
import type { TabularModel } from '@bomrl/envs/tabular';
import type { Config } from '../config/schema';

/** A task family as the trainer uses it: environments the in-process sampler can vectorize. */
export type TrainerFamily = TaskFamily<unknown, VectorizableEnv<unknown>>;

/** The task side of a run, built from a resolved config. */
export interface TaskSetup {
  readonly family: TrainerFamily;
  /** Meta-training tasks (plain JSON). */
  readonly train: readonly unknown[];
  /** Held-out meta-test tasks (never seen in training). */
  readonly test: readonly unknown[];
  /** Discount used for returns and advantages. */
  readonly gamma: number;
  /** The known model of a task where there is one (Frozen Lake), else undefined. */
  readonly model?: (task: unknown) => TabularModel;
  /** Observation size (tabular: number of states) and action count / dimension. */
  readonly obs: { readonly kind: 'discrete' | 'box'; readonly size: number };
  readonly action: { readonly kind: 'discrete' | 'box'; readonly size: number };
}

function spaceInfo(space: TrainerFamily['observationSpace']) {
  return space.kind === 'discrete'
    ? { kind: 'discrete' as const, size: space.n }
    : { kind: 'box' as const, size: space.size };
}

/** Loads a locomotion family (MuJoCo is loaded lazily so tabular runs never pay for it). */
async function locomotionFamily(
  name: 'half-cheetah-vel' | 'half-cheetah-dir' | 'ant-vel' | 'ant-dir',
  horizon: number,
): Promise<TrainerFamily> {
  const m = await import('@bomrl/envs/mujoco');
  const options = { horizon };
  switch (name) {
    case 'half-cheetah-vel':
      return (await m.HalfCheetahVel.family(options)) as unknown as TrainerFamily;
    case 'half-cheetah-dir':
      return (await m.HalfCheetahDir.family(options)) as unknown as TrainerFamily;
    case 'ant-vel':
      return (await m.AntVel.family(options)) as unknown as TrainerFamily;
    case 'ant-dir':
      return (await m.AntDir.family(options)) as unknown as TrainerFamily;
  }
}

/**
 * Builds the task family of `config.env` and its reproducible train/test split: `tasks.count`
 * tasks drawn with `tasks.seed`, shuffled and split by `trainFraction` (same seed, same split),
 * so meta-test always uses tasks that meta-training never saw.
 */
export async function createTaskSetup(config: Config): Promise<TaskSetup> {
  const env = config.env;
  let family: TrainerFamily;
  let model: TaskSetup['model'];
  if (env.family === 'frozen-lake') {
    const fl = FrozenLake.family({
      variance: env.variance,
      size: env.size,
      slip: env.slip,
      gamma: env.gamma,
      horizon: env.horizon,
    });
    family = fl as unknown as TrainerFamily;
    // Building the model is cheap but not free: memoize per task (tasks are plain JSON).
    const models = new Map<string, TabularModel>();
    model = (task) => {
      const key = JSON.stringify(task);
      let m = models.get(key);
      if (!m) {
        const e = fl.make(fl.validateTask(task));
        m = e.model();
        e.close();
        models.set(key, m);
      }
      return m;
    };
  } else if (env.family === 'navigation-2d') {
    family = Navigation2D.family({ horizon: env.horizon }) as unknown as TrainerFamily;
  } else {
    family = await locomotionFamily(env.family, env.horizon);
  }
  const all = family.sampleTasks(env.tasks.count, env.tasks.seed);
  const [train, test] = splitTasks(all, env.tasks.trainFraction, env.tasks.seed);
  if (train.length === 0 || test.length === 0) {
    throw new RangeError(
      `env.tasks: count ${env.tasks.count} with trainFraction ${env.tasks.trainFraction} leaves ${train.length} train and ${test.length} test tasks; both need at least one`,
    );
  }
  return {
    family,
    train,
    test,
    gamma: env.gamma,
    ...(model ? { model } : {}),
    obs: spaceInfo(family.observationSpace),
    action: spaceInfo(family.actionSpace),
  };
}
