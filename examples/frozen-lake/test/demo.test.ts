// The demo end to end with tiny settings (2 meta-iterations, 2 held-out maps): it must write
// results.json (per method and round: mean, standard error, optimality gap), the plots and the
// report, and its numbers must be consistent with the exact model.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '@bomrl/trainer';
import type { DemoResults } from '../src/lib/results';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('every config validates against the trainer schema', () => {
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const files = walk(path.join(dir, 'configs')).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 15);
  for (const f of files) {
    const c = loadConfigFile(f);
    assert.equal(c.env.family, 'frozen-lake', f);
  }
});

test('demo (tiny) writes results.json, plots and report', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-demo-'));
  execFileSync(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      path.join(dir, 'src/demo.ts'),
      ...['--out', out, '--iterations', '2', '--tasks', '2', '--quiet'],
    ],
    { stdio: 'pipe' },
  );
  const results = JSON.parse(
    fs.readFileSync(path.join(out, 'results.json'), 'utf8'),
  ) as DemoResults;
  const ids = results.methods.map((m) => m.id);
  for (const id of ['bomrl-alg1', 'maml', 'pg-from-bomrl-prior', 'random-init'])
    assert.ok(ids.includes(id), id);
  for (const m of results.methods) {
    assert.equal(m.rounds.length, 5);
    assert.equal(m.tasks, 2);
    for (const r of m.rounds) {
      assert.ok(Number.isFinite(r.mean) && Number.isFinite(r.stderr) && r.stderr >= 0);
      // gap = J* - J, J* is optimal: the gap is non-negative and consistent with the mean
      assert.ok(r.optimalityGap.mean >= -1e-6);
      assert.ok(Math.abs(r.optimalReturn - r.mean - r.optimalityGap.mean) < 1e-6);
    }
  }
  // same prior, same round 0
  const byId = Object.fromEntries(results.methods.map((m) => [m.id, m]));
  assert.equal(byId['bomrl-alg1']?.rounds[0]?.mean, byId['pg-from-bomrl-prior']?.rounds[0]?.mean);
  // the paper's maps ship with the example: their task variance is in the theory check
  assert.ok(results.theory.families.some((f) => f.source.endsWith('data/paper-maps.json')));
  assert.ok(results.theory.families.some((f) => f.variance === 'high' && f.taskVariance > 0));
  for (const f of ['adaptation.svg', 'optimality-gap.svg', 'training.svg']) {
    assert.match(fs.readFileSync(path.join(out, f), 'utf8'), /^<svg/);
  }
  const report = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(report, /not computed/);
  assert.match(report, /\| BO-MRL Alg\(1\) \|/);
});
