/**
 * The margin the browser test relies on, measured in Node with the page's own code: for each
 * target velocity and batch seed, the return of the prior and of the policy after the page's one
 * round of BO-MRL, on the page's evaluation episodes (the stochastic policy, 16 seeded episodes)
 * and, for comparison, with the mean action on the same reset states.
 *
 *   pnpm --filter @bomrl-examples/web cheetah-margin [-- --velocities 0.2,1,1.8 --batch-seeds 1,2,3]
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '@bomrl/core';
import { loadPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { checkCheetahPrior } from '../src/half-cheetah/prior';
import priorJson from '../src/half-cheetah/prior.json';
import { evaluatePolicy } from '../src/half-cheetah/round';
import { BATCH_SEED, EVALUATION } from '../src/half-cheetah/seeds';
import { cheetahFamily, runRound } from '../src/half-cheetah/session';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    velocities: { type: 'string', default: '0.1,0.5,1,1.5,2' },
    // other batches than the page's (seed 1): how much the margin depends on the one batch
    'batch-seeds': { type: 'string', default: String(BATCH_SEED) },
  },
});
await selectBackend('cpu');
const doc = checkCheetahPrior(priorJson);
const family = await cheetahFamily(doc);
const { policy, params: phi } = loadPolicy(doc.policy, 'gaussian-mlp');
const meanAction = { ...EVALUATION, actions: 'mean' } as const;
const f = (x: number) => x.toFixed(2);
console.log(
  'v*    batch seed  prior -> adapted return (velocity)        margin   KL     | mean action: prior -> adapted (margin)',
);
for (const v of values.velocities.split(',').map(Number)) {
  const priorMean = evaluatePolicy(family, policy, phi, { velocity: v }, meanAction);
  for (const seed of values['batch-seeds'].split(',').map(Number)) {
    const r = runRound(doc, family, v, undefined, seed);
    // the adapted policy's mean action: one more round on the same batch (deterministic)
    const again = runRound(doc, family, v, undefined, seed, meanAction);
    console.log(
      `${f(v)}  ${seed}  ${f(r.prior.meanReturn)} (${f(r.prior.meanVelocity)}) -> ${f(r.adapted.meanReturn)} (${f(r.adapted.meanVelocity)})  ${f(r.adapted.meanReturn - r.prior.meanReturn)}  ${r.lowerLevel.kl.toFixed(3)}  | ${f(priorMean.meanReturn)} -> ${f(again.adapted.meanReturn)} (${f(again.adapted.meanReturn - priorMean.meanReturn)})`,
    );
  }
}
tf.dispose(phi);
