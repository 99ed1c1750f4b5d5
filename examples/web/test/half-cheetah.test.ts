/**
 * The HalfCheetahVel page in headless Chromium: picks a target velocity, runs the page's batch
 * and BO-MRL round in its worker, and checks that the adapted policy's return beats the prior's.
 * The prior's return on the page's evaluation episodes is recomputed here in Node with the page's
 * own code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCheetahPrior } from '../src/half-cheetah/prior';
import priorJson from '../src/half-cheetah/prior.json';
import { evaluatePolicy } from '../src/half-cheetah/round';
import { EVALUATION } from '../src/half-cheetah/seeds';
import { cheetahFamily } from '../src/half-cheetah/session';
import { openSite, pageValue, type SiteSession, waitFor } from './browser';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');
const outDir = path.join(exampleDir, 'test-output', 'half-cheetah');
const doc = checkCheetahPrior(priorJson);

// The target the test picks and the margin it demands. `pnpm --filter @bomrl-examples/web
// cheetah-margin -- --velocities 1.5 --batch-seeds 1,2,3,4,5,6,7,8` measures, in Node with the
// page's code, adapted-minus-prior returns of 10.8 for the page's batch (seed 1) and between 3.5
// and 15.1 over eight different batches: a margin of 2 holds for every batch tried, so the check
// is not a coin flip (and everything here is seeded: batch, actions, evaluation episodes).
const TARGET = 1.5;
const MARGIN = 2;
// Page and Node run the same MuJoCo WebAssembly build and the same JavaScript tfjs cpu kernels
// on the same seeds: the prior's mean-action returns agree to the bit, its sampled returns to
// about 4e-3 here (a last-bit difference somewhere in the sampling path between Chromium's and
// Node's JavaScript engines, grown by 100 chaotic physics steps). 0.1 on a return of about -150
// leaves room for that and is far below the smallest margin adaptation showed (3.5).
const PRIOR_TOLERANCE = 0.1;

describe('the HalfCheetahVel page in headless Chromium', () => {
  let site: SiteSession;
  let page: Page;

  beforeAll(async () => {
    site = await openSite({
      exampleDir,
      entry: 'half-cheetah.html',
      outDir,
      viewport: { width: 1240, height: 900 },
    });
    page = site.page;
  });

  afterAll(async () => {
    await site?.close();
  });

  it('loads MuJoCo and tfjs in its worker from a sub-path of a static server', async () => {
    await page.goto(`${site.siteUrl}half-cheetah.html`);
    await waitFor(page, 'body[data-state="ready"]', 180_000);
    expect(await page.textContent('#backend')).toMatch(/tfjs backend: cpu/);
    await page.screenshot({ path: path.join(outDir, '1-ready.png'), fullPage: true });
  });

  it('adapts to a target velocity with one round of BO-MRL and beats the prior', async () => {
    // a range input: set its value and fire the event the page listens to
    await page.$eval(
      '#target-velocity',
      (el, v) => {
        const input = el as HTMLInputElement;
        input.value = String(v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      },
      TARGET,
    );
    expect(await page.textContent('#target-value')).toBe(TARGET.toFixed(2));
    await page.click('#adapt');
    await waitFor(page, 'body[data-state="ready"][data-result="adapted"]', 600_000);
    // the worker reported its steps: the progress bar's scale comes only from progress messages
    expect(Number(await page.getAttribute('#progress', 'max'))).toBeGreaterThan(1);
    expect(Number(await page.getAttribute('#round', 'data-velocity'))).toBe(TARGET);

    const prior = await pageValue(page, 'prior-return');
    const adapted = await pageValue(page, 'adapted-return');
    const priorVelocity = await pageValue(page, 'prior-velocity');
    const adaptedVelocity = await pageValue(page, 'adapted-velocity');
    console.log(
      `v* = ${TARGET}: prior return ${prior.toFixed(3)} (v ${priorVelocity.toFixed(3)}), adapted ${adapted.toFixed(3)} (v ${adaptedVelocity.toFixed(3)})`,
    );
    expect(adapted).toBeGreaterThan(prior + MARGIN);
    // the adapted cheetah runs closer to the target velocity
    expect(Math.abs(adaptedVelocity - TARGET)).toBeLessThan(Math.abs(priorVelocity - TARGET));

    // the prior's return, recomputed in Node with the page's code on the same seeds
    const family = await cheetahFamily(doc);
    const { policy, params } = loadPolicy(doc.policy, 'gaussian-mlp');
    const node = evaluatePolicy(family, policy, params, { velocity: TARGET }, EVALUATION);
    tf.dispose(params);
    console.log(`prior return: page ${prior}, Node ${node.meanReturn}`);
    expect(Math.abs(prior - node.meanReturn)).toBeLessThan(PRIOR_TOLERANCE);

    await page.screenshot({ path: path.join(outDir, '2-adapted.png'), fullPage: true });
    await page.waitForTimeout(2500); // the replay is running: a later frame
    await page.screenshot({ path: path.join(outDir, '3-replay.png'), fullPage: true });
  }, 900_000);

  it('logged no console errors', () => {
    expect(site.errors).toEqual([]);
  });
});
