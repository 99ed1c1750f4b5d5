import { selectBackend } from '@bomrl/core';
import { bomrlMetaGradient, type Episode } from '@bomrl/meta-gradient';
import { GaussianMLPPolicy } from '@bomrl/policies';

await selectBackend(); // wasm if installed, else cpu

// Your policy (any object implementing @bomrl/policies' Policy interface) and its parameters phi
const policy = new GaussianMLPPolicy({ obsDim: 2, actDim: 1, hidden: [8] });
const phi = policy.init(0).dataSync();

// Your data, as plain arrays: episodes of ONE task (here made by hand, 10 steps each)
const episode = (seed: number): Episode => ({
  observations: Float32Array.from({ length: 20 }, (_, i) => Math.sin(0.7 * i + seed)),
  actions: Float32Array.from({ length: 10 }, (_, t) => 0.5 * Math.cos(1.3 * t + seed)),
  rewards: Float32Array.from({ length: 10 }, (_, t) => Math.sin(t + seed)),
  obsDim: 2,
  actionSize: 1,
  terminated: false,
});
const pre = [episode(0), episode(1), episode(2)]; // collected with pi_phi

const { metaGradient, theta, diagnostics } = bomrlMetaGradient({
  policy,
  phi,
  episodes: pre,
  // fresh episodes with pi_theta' for the outer policy gradient (your sampler goes here)
  postEpisodes: (_thetaPrime) => [episode(3), episode(4)],
  adaptation: { distance: 'l2', lambda: 1, solver: { kind: 'newton' } }, // Alg(3); or 'forward-kl', 'reverse-kl'
  mode: 'full', // or 'ignore-data' (samples and advantages held fixed)
  gamma: 0.99,
});

console.log(metaGradient.length, theta.length, diagnostics.lowerLevel, diagnostics.warnings);
