/**
 * The browser test: builds are served by a plain static server on loopback, under a sub-path
 * (so the relative base is exercised), and driven with playwright-core in the system Chromium,
 * headless. The page's numbers are checked against the same packages run here in Node.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adapt,
  type Distance,
  exactData,
  forwardKL,
  reverseKL,
  softmaxTable,
} from '@bomrl/adaptation';
import { FrozenLake, validateMap } from '@bomrl/envs';
import {
  adaptationTerms,
  evaluatePolicy,
  type TabularModel,
  valueIteration,
} from '@bomrl/envs/tabular';
import * as tf from '@tensorflow/tfjs-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import priorsJson from '../src/frozen-lake/priors.json';
import { openSite, pageValue, type SiteSession, waitFor } from './browser';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');
const outDir = path.join(exampleDir, 'test-output', 'frozen-lake');
// The page and this test run the same float32 tfjs cpu kernels and the same float64 dynamic
// programming, so they agree far below this; 1e-4 is the precision the issue asks for and the
// page prints.
const TOLERANCE = 1e-4;

type Priors = typeof priorsJson;
const priors: Priors = priorsJson;
const settings = priors.env;

function modelOf(map: readonly string[]): TabularModel {
  const task = FrozenLake.task(map, {
    variance: settings.variance as 'high' | 'low',
    slip: settings.slip,
  });
  const env = FrozenLake.make(task, { gamma: settings.gamma, horizon: settings.horizon });
  const model = env.model();
  env.close();
  return model;
}

const J = (model: TabularModel, logits: ArrayLike<number>) =>
  evaluatePolicy(model, softmaxTable(logits, model.nStates, model.nActions), { mode: 'finite' }).J;

/** Node's value of the whole computation, written out here from the packages' public APIs. */
function nodeValues(map: readonly string[], bomrlId: 'bomrl-alg1' | 'bomrl-alg2') {
  const model = modelOf(map);
  const { nStates, nActions } = model;
  const once = (phi: number[], spec: Parameters<typeof adapt>[2]) => {
    const terms = adaptationTerms(model, softmaxTable(phi, nStates, nActions));
    const data = exactData({
      nStates,
      nActions,
      visitation: terms.visitation,
      advantages: terms.A,
      visitationMass: terms.finite.visitationMass,
    });
    const phiTensor = tf.tensor1d(Float32Array.from(phi));
    const { params } = adapt(phiTensor, data, spec);
    const adapted = J(model, params.dataSync());
    tf.dispose([phiTensor, params]);
    return adapted;
  };
  const b = priors.priors[bomrlId];
  const m = priors.priors.maml;
  const distances: Record<string, Distance> = { 'forward-kl': forwardKL, 'reverse-kl': reverseKL };
  return {
    optimal: valueIteration(model, { mode: 'finite' }).J,
    bomrlPrior: J(model, b.policy.params),
    bomrlAdapted: once(b.policy.params, {
      distance: distances[b.adaptation.distance as string]!,
      lambda: b.adaptation.lambda as number,
    }),
    mamlPrior: J(model, m.policy.params),
    mamlAdapted: once(m.policy.params, {
      kind: 'maml',
      alpha: m.adaptation.alpha as number,
      scaleByVisitationMass: true,
    }),
  };
}

async function pageMap(page: Page): Promise<string[]> {
  return page.$$eval('#map-editor .cell', (cells) => {
    const rows: string[] = [];
    for (const cell of cells as HTMLElement[]) {
      const r = Number(cell.dataset.row);
      rows[r] = (rows[r] ?? '') + cell.dataset.cell;
    }
    return rows;
  });
}

/** Clicks Adapt and waits for the worker's answer. */
async function adaptOnPage(page: Page): Promise<void> {
  await page.click('#adapt');
  await waitFor(page, 'body[data-state="ready"][data-result="adapted"]');
}

async function expectPageMatchesNode(page: Page, bomrlId: 'bomrl-alg1' | 'bomrl-alg2') {
  const map = await pageMap(page);
  const node = nodeValues(map, bomrlId);
  const checks: [string, number][] = [
    ['bomrl-optimal-J', node.optimal],
    ['bomrl-prior-J', node.bomrlPrior],
    ['bomrl-adapted-J', node.bomrlAdapted],
    ['maml-prior-J', node.mamlPrior],
    ['maml-adapted-J', node.mamlAdapted],
  ];
  let largest = 0;
  for (const [id, expected] of checks) {
    const shown = await pageValue(page, id);
    largest = Math.max(largest, Math.abs(shown - expected));
    expect(Math.abs(shown - expected), `${id}: page ${shown}, Node ${expected}`).toBeLessThan(
      TOLERANCE,
    );
  }
  console.log(`${bomrlId} on ${map.join('/')}: largest |page - Node| over the five J = ${largest}`);
  // invariants: no policy beats J*, and the gaps shown are J* - J
  expect(node.bomrlAdapted).toBeLessThanOrEqual(node.optimal + 1e-9);
  const gap = await pageValue(page, 'bomrl-adapted-gap');
  expect(Math.abs(gap - (node.optimal - node.bomrlAdapted))).toBeLessThan(TOLERANCE);
  return node;
}

describe('the web example in headless Chromium', () => {
  let site: SiteSession;
  let page: Page;

  beforeAll(async () => {
    // Serve the example folder and open dist/ below it: relative asset URLs must work there.
    site = await openSite({
      exampleDir,
      entry: 'index.html',
      outDir,
      viewport: { width: 1240, height: 1000 },
    });
    page = site.page;
  });

  afterAll(async () => {
    await site?.close();
  });

  it('loads from a sub-path of a static server and shows the priors on the default map', async () => {
    await page.goto(site.siteUrl);
    await waitFor(page, 'body[data-state="ready"][data-result="priors"]');
    expect(await pageMap(page)).toEqual(priors.defaultMap);
    await page.screenshot({ path: path.join(outDir, '1-priors.png'), fullPage: true });
  });

  it('edits the map by clicking, adapts with Alg(1), and the page J equals Node J', async () => {
    // A frozen cell that may become a hole: the map must keep an S-to-G path avoiding holes.
    const before = await pageMap(page);
    const cols = before[0]!.length;
    let target: [number, number] | undefined;
    for (let s = before.length * cols - 1; s >= 0 && !target; s--) {
      const [r, c] = [Math.floor(s / cols), s % cols];
      if (before[r]![c] !== 'F') continue;
      const edited = before.map((row, i) =>
        i === r ? `${row.slice(0, c)}H${row.slice(c + 1)}` : row,
      );
      try {
        validateMap(edited);
        target = [r, c];
      } catch {
        // this cell would cut every path to the goal
      }
    }
    if (!target) throw new Error('the default map has no frozen cell that can become a hole');
    const [r, c] = target;
    await page.click(`#map-editor .cell[data-row="${r}"][data-col="${c}"]`);
    await waitFor(page, 'body[data-state="ready"][data-result="priors"]');
    const after = await pageMap(page);
    expect(after[r]![c]).toBe('H');
    expect(after.filter((row, i) => row !== before[i])).toHaveLength(1);
    await page.screenshot({ path: path.join(outDir, '2-edited.png'), fullPage: true });

    await adaptOnPage(page);
    // the worker reported its steps: the progress bar's scale comes only from progress messages
    expect(Number(await page.getAttribute('#progress', 'max'))).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(outDir, '3-adapted-alg1.png'), fullPage: true });
    const node = await expectPageMatchesNode(page, 'bomrl-alg1');
    expect(node.bomrlAdapted).not.toBeCloseTo(node.bomrlPrior, 3); // adaptation moved the policy
  });

  it('adapts with Alg(2) on the same map and matches Node too', async () => {
    await page.check('input[name="bomrl"][value="bomrl-alg2"]');
    await waitFor(page, 'body[data-state="ready"][data-result="priors"]');
    await adaptOnPage(page);
    await page.screenshot({ path: path.join(outDir, '4-adapted-alg2.png'), fullPage: true });
    await expectPageMatchesNode(page, 'bomrl-alg2');
  });

  it('rejects a map without a path to the goal, naming the problem', async () => {
    // surround the start with holes: the right and lower neighbours of (0, 0)
    for (const [r, c] of [
      [0, 1],
      [1, 0],
    ]) {
      const cell = `#map-editor .cell[data-row="${r}"][data-col="${c}"]`;
      while ((await page.getAttribute(cell, 'data-cell')) !== 'H') await page.click(cell);
    }
    await page.waitForSelector('body[data-state="invalid"]');
    expect(await page.textContent('#map-error')).toMatch(/no path from 'S' to 'G'/);
    expect(await page.isDisabled('#adapt')).toBe(true);
    await page.screenshot({ path: path.join(outDir, '5-invalid-map.png'), fullPage: true });
  });

  it('logged no console errors', () => {
    expect(site.errors).toEqual([]);
  });
});
