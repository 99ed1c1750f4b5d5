/**
 * The one sampled BO-MRL task both task benches time: HalfCheetahVel at the paper's settings
 * (17-128-128-6 tanh Gaussian policy, Alg(1), lambda 0.5, smooth-clip, 50 Adam steps at lr 1e-3)
 * on wasm in this thread, with the job context, the task split and the job settings.
 */
import { resolveConfig } from '../src/config/load';
import { createJobContext } from '../src/executor/job-context';
import { sampledSettings } from '../src/methods/bomrl-sampled';
import { createTaskSetup } from '../src/setup/family';

export async function halfCheetahTask(name: string, episodes: number, horizon: number) {
  const config = resolveConfig({
    name,
    env: {
      family: 'half-cheetah-vel',
      gamma: 0.995,
      horizon,
      tasks: { count: 100, seed: 7, trainFraction: 0.8 },
    },
    policy: { kind: 'gaussian-mlp', hidden: [128, 128], logStdInit: -0.7 },
    method: {
      kind: 'bomrl',
      alg: 'forward-kl',
      lambda: 0.5,
      hypergradient: 'full',
      surrogate: 'smooth-clip',
      solver: { kind: 'adam', lr: 0.001, maxSteps: 50, tol: 1e-6 },
    },
    mode: 'sampled',
    sampler: { episodesPerTask: episodes, gaeLambda: 1, normalizeAdvantages: false },
    backend: 'wasm',
    executor: { workers: 0 },
    seed: 0,
  });
  const ctx = await createJobContext({ config, backend: 'wasm' });
  const setup = await createTaskSetup(config);
  return { config, ctx, setup, settings: sampledSettings(config) };
}
