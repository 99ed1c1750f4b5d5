/**
 * The margin the browser test relies on, measured in Node with the page's own code: for each
 * target velocity, the mean-action return of the prior and of the policy after the page's one
 * round of BO-MRL (same seeds as the page).
 *
 *   pnpm --filter @bomrl-examples/web cheetah-margin [-- --velocities 0.2,1,1.8]
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '@bomrl/core';
import { checkCheetahPrior } from '../src/half-cheetah/prior';
import priorJson from '../src/half-cheetah/prior.json';
import { cheetahFamily, runRound } from '../src/half-cheetah/session';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { velocities: { type: 'string', default: '0.1,0.5,1,1.5,2' } },
});
await selectBackend('cpu');
const doc = checkCheetahPrior(priorJson);
const family = await cheetahFamily(doc);
console.log('v*    prior return (v)      adapted return (v)    margin   KL      batch return');
for (const v of values.velocities.split(',').map(Number)) {
  const started = performance.now();
  const r = runRound(doc, family, v);
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${f(v)}  ${f(r.prior.meanReturn)} (${f(r.prior.meanVelocity)})  ${f(r.adapted.meanReturn)} (${f(r.adapted.meanVelocity)})  ${f(r.adapted.meanReturn - r.prior.meanReturn)}  ${r.lowerLevel.kl.toFixed(3)}  ${f(r.batch.meanReturn)}  [${((performance.now() - started) / 1000).toFixed(1)} s; per-seed adapted - prior: ${r.adapted.returns.map((a, i) => f(a - r.prior.returns[i]!)).join(', ')}]`,
  );
}
