// Every shipped config has been trained at its stated size for one meta-iteration, and the
// README's cost table is exactly config-costs.json (both written by src/costs/config-costs.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  COSTS_END,
  COSTS_START,
  costsSection,
  readCosts,
  replaceCostsSection,
} from '../src/costs/cost-table';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const costs = readCosts(path.join(exampleDir, 'config-costs.json'));

test('every config in configs/ has a measured one-iteration cost at its stated size', () => {
  const configs = fs
    .readdirSync(path.join(exampleDir, 'configs'))
    .filter((f) => f.endsWith('.yaml'));
  const measured = new Set(costs.map((c) => c.config));
  const missing = configs.filter((f) => !measured.has(f));
  assert.deepEqual(
    missing,
    [],
    `run: pnpm --filter @bomrl-examples/locomotion config-costs --only <name>`,
  );
  for (const c of costs) {
    assert.ok(configs.includes(c.config), `${c.config} is measured but no longer shipped`);
    assert.ok(c.wallSeconds > 0 && c.cpuSeconds > 0 && c.peakRssMB > 0, c.config);
  }
});

test("the README's cost table equals config-costs.json", () => {
  const readme = fs.readFileSync(path.join(exampleDir, 'README.md'), 'utf8');
  assert.equal(readme, replaceCostsSection(readme, costsSection(costs)));
  assert.ok(readme.includes(COSTS_START) && readme.includes(COSTS_END));
});

test('replaceCostsSection refuses a README without markers and replaces only between them', () => {
  assert.throws(() => replaceCostsSection('no markers', 'x'), /markers/);
  const text = `a\n${COSTS_START}\nold\n${COSTS_END}\nb`;
  assert.equal(replaceCostsSection(text, 'new'), `a\n${COSTS_START}\nnew\n${COSTS_END}\nb`);
});
