// ProMP and E-MAML learn on 2D navigation: with a fixed seed and small sizes (src/improvement.mjs),
// the mean post-update return of the last 5 of 30 meta-iterations exceeds that of the first 5
// by a margin taken from the seed-to-seed spread measured by `node src/improvement-spread.mjs`
// (numbers below and in the README).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, train } from '@bomrl/trainer';
import { IMPROVEMENT_RUN, improvement } from '../src/improvement.mjs';

const configs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../configs');

/**
 * MARGINS (filled from the measurement, see the README): 3 x sqrt(2) x the seed-to-seed
 * standard deviation of the first-window mean, i.e. three standard deviations of the difference
 * of two independent window means of a policy that does not learn.
 */
const MARGIN = { promp: NaN, 'e-maml': NaN };

for (const name of ['promp', 'e-maml']) {
  test(`${name} improves the post-update return on 2D navigation (seed 0)`, {
    timeout: 1_800_000,
  }, async () => {
    const config = loadConfigFile(path.join(configs, `${name}.yaml`), [
      ...IMPROVEMENT_RUN.overrides,
      'seed=0',
    ]);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `bomrl-nav-improve-${name}-`));
    try {
      await train(config, { out: path.join(out, 'run') });
      const g = improvement(path.join(out, 'run'));
      assert.ok(
        g.gain > MARGIN[name],
        `${name}: post-update return ${g.first.toFixed(3)} -> ${g.last.toFixed(3)} (gain ${g.gain.toFixed(3)}) is not above the margin ${MARGIN[name]}`,
      );
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
}
