/**
 * Type test (compiled by `pnpm typecheck`, never run): generic Gymnasium-style code typed
 * `Env<Obs, Act>` accepts every environment of the package, and still rejects a wrong action
 * type. A regression (e.g. a narrower `Info` default) makes `tsc` fail here.
 */
import type { Env, TaskEnv } from './env';
import type { FrozenLakeEnv } from './frozen-lake/env';
import type { FrozenLakeTask } from './frozen-lake/map';
import type { AntDir, AntVel, HalfCheetahDir, HalfCheetahVel } from './mujoco/index';
import type { Navigation2DEnv } from './navigation/env';

/** What a user writes: one episode with any env and a policy for its observations. */
function episodeReturn<Obs, Act>(env: Env<Obs, Act>, policy: (obs: Obs) => Act): number {
  let { obs } = env.reset({ seed: 0 });
  let total = 0;
  for (;;) {
    const step = env.step(policy(obs));
    total += step.reward;
    obs = step.obs;
    if (step.terminated || step.truncated) return total;
  }
}

declare const frozenLake: FrozenLakeEnv;
declare const navigation: Navigation2DEnv;
declare const halfCheetahVel: HalfCheetahVel;
declare const halfCheetahDir: HalfCheetahDir;
declare const antVel: AntVel;
declare const antDir: AntDir;

const zeros = (n: number) => () => new Float64Array(n);

export const accepted: readonly number[] = [
  episodeReturn(frozenLake, (state: number) => state % 4),
  episodeReturn(navigation, zeros(2)),
  episodeReturn(halfCheetahVel, zeros(6)),
  episodeReturn(halfCheetahDir, zeros(6)),
  episodeReturn(antVel, zeros(8)),
  episodeReturn(antDir, zeros(8)),
];

// The task-aware contract too.
export const taskEnv: TaskEnv<FrozenLakeTask, number, number> = frozenLake;

// @ts-expect-error a Frozen Lake action is a number, not a vector
episodeReturn(frozenLake, zeros(2));
