import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { availableMethods, loadConfigFile, metaTest, train } from '@bomrl/trainer';

const configs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../configs');
const TINY = [
  'meta.iterations=1',
  'meta.tasksPerBatch=2',
  'sampler.episodesPerTask=4',
  'env.horizon=20',
  'policy.hidden=[8,8]',
];

test('configs validate and hold the standard 2D-navigation settings', () => {
  for (const file of fs.readdirSync(configs)) {
    const c = loadConfigFile(path.join(configs, file));
    assert.equal(c.env.family, 'navigation-2d');
    assert.equal(c.mode, 'sampled');
    // ProMP has its own meta-optimizer (Adam 1e-3, 5 steps per batch); the others use TRPO
    assert.equal(c.meta.optimizer, c.method.kind === 'promp' ? 'adam' : 'trpo');
    assert.equal(c.meta.tasksPerBatch, 20);
    assert.equal(c.sampler.episodesPerTask, 20);
  }
});

for (const name of ['maml-trpo', 'bomrl', 'promp', 'e-maml']) {
  test(`${name}: one meta-iteration and a meta-test round`, { timeout: 600_000 }, async () => {
    const config = loadConfigFile(path.join(configs, `${name}.yaml`), TINY);
    const key = `${config.method.kind}/${config.mode}`;
    // a method missing from the build fails the test (no skip)
    assert.ok(availableMethods().includes(key), `'${key}' is not in this build`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `bomrl-nav-${name}-`));
    const run = await train(config, { out: path.join(out, 'run') });
    assert.equal(run.status, 'completed');
    const results = await metaTest(path.join(out, 'run'), { rounds: 1, tasks: 2 });
    assert.equal(results.rounds.length, 2);
    // rewards are -distance to the goal: every return is negative and finite
    for (const r of results.rounds) assert.ok(r.return.mean < 0 && Number.isFinite(r.return.mean));
  });
}
