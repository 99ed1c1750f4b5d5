/**
 * What the lower-level benches and probes share: the wasm backend, the HalfCheetahVel BO-MRL
 * config at the given episodes and horizon, its run setup (policy, sampler, tasks) and the
 * initial policy phi.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@bomrl/core';
import { createRunSetup, loadConfigFile } from '@bomrl/trainer';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function halfCheetahSetup({ episodes, horizon }) {
  await selectBackend('wasm');
  const config = loadConfigFile(path.join(here, '..', 'configs', 'half-cheetah-vel-bomrl.yaml'), [
    `sampler.episodesPerTask=${episodes}`,
    `env.horizon=${horizon}`,
  ]);
  const setup = await createRunSetup(config);
  return {
    config,
    setup,
    policy: setup.policy,
    sampler: setup.sampler,
    phi: setup.policy.init(config.seed),
  };
}
