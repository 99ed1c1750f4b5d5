// The report's investigation tables: gains and medians computed from synthetic runs whose answers
// are worked out by hand below, and the rendered section carrying exactly those numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  adaptationRows,
  BOMRL_DIAGNOSTICS,
  diagnosticsRows,
  type InvestigatedRun,
  investigationMarkdown,
  median,
} from '../src/experiment/investigation';
import { markdownTable, verdictLines } from '../src/experiment/report';

const run = (
  method: string,
  seed: number,
  rounds: number[],
  pre: number[],
  post: number[],
  lowerLevel?: Record<string, number[]>,
): InvestigatedRun => ({
  family: 'half-cheetah-vel',
  method,
  seed,
  metaTest: { rounds: rounds.map((mean) => ({ mean })) },
  curve: { preAdaptationReturn: pre, postAdaptationReturn: post },
  ...(lowerLevel ? { lowerLevel } : {}),
});

const RUNS: InvestigatedRun[] = [
  // meta-test gains 6 and 10 (mean 8, s.e. 2); training gains mean(2, 4) = 3 and mean(1, 1) = 1
  // (mean 2, s.e. 1)
  run('bomrl-alg1', 0, [-20, -18, -16, -14], [-10, -12], [-8, -8], {
    meanLowerRelGradNorm: [0.2, 0.4],
    maxAdjointResidual: [3, 1],
    modeCosine: [0.1, -0.3],
  }),
  run('bomrl-alg1', 1, [-30, -25, -22, -20], [-5, -6], [-4, -5], {
    meanLowerRelGradNorm: [0.1, 0.3],
    maxAdjointResidual: [5, 2],
    modeCosine: [0.5, 0.2],
  }),
  // one seed: s.e. 0; a negative gain keeps its sign
  run('maml-trpo', 0, [-10, -11, -12, -13], [-4], [-6]),
];

test('median of finite values, odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([Number.NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});

test('adaptation gains: last round minus round 0 at meta-test, post minus pre in training', () => {
  const rows = adaptationRows(RUNS);
  assert.deepEqual(
    rows.map((r) => r.method),
    ['bomrl-alg1', 'maml-trpo'],
  );
  const [bomrl, maml] = rows;
  assert.deepEqual(bomrl?.metaTestGain, { mean: 8, stderr: 2, n: 2 });
  assert.deepEqual(bomrl?.trainingGain, { mean: 2, stderr: 1, n: 2 });
  assert.deepEqual(maml?.metaTestGain, { mean: -3, stderr: 0, n: 1 });
  assert.deepEqual(maml?.trainingGain, { mean: -2, stderr: 0, n: 1 });
});

test('BO-MRL diagnostics: medians over iterations x seeds, only for runs that record them', () => {
  const rows = diagnosticsRows(RUNS);
  assert.equal(rows.length, 1);
  const medians = Object.fromEntries(
    BOMRL_DIAGNOSTICS.map(([key], i) => [key, rows[0]?.medians[i]]),
  );
  assert.equal(medians.meanLowerRelGradNorm, 0.25);
  assert.equal(medians.maxAdjointResidual, 2.5);
  assert.ok(Math.abs((medians.modeCosine ?? Number.NaN) - 0.15) < 1e-15);
  // not recorded by these runs
  assert.ok(Number.isNaN(medians.meanDistance ?? 0));
});

test('the rendered section carries the computed numbers', () => {
  const text = investigationMarkdown(RUNS, markdownTable);
  assert.match(
    text,
    /\| HalfCheetahVel +\| BO-MRL Alg\(1\) +\| \+8\.0 ± 2\.0 +\| \+2\.0 ± 1\.0 +\|/,
  );
  assert.match(text, /\| MAML-TRPO +\| -3\.0 ± 0\.0 +\| -2\.0 ± 0\.0 +\|/);
  assert.match(text, /\| BO-MRL Alg\(1\) +\| 0\.250 +\| 2\.50 +\| 0\.150 +\| n\/a +\| n\/a +\|/);
  assert.equal(investigationMarkdown([], markdownTable), '');
});

test('the verdict names the highest compared method per family and the best BO-MRL variant', () => {
  const agg = (method: string, last: number) => ({
    family: 'half-cheetah-vel' as const,
    method,
    seeds: [0],
    rounds: [
      { round: 0, mean: -50, stderr: 1, n: 3 },
      { round: 1, mean: last, stderr: 2, n: 3 },
    ],
    curve: [],
  });
  const results = (aggregates: ReturnType<typeof agg>[]) => ({ scale: null, runs: [], aggregates });
  // an ablation scoring highest is not the verdict's winner
  assert.deepEqual(
    verdictLines(
      results([agg('maml-trpo', -10), agg('bomrl-alg1', -20), agg('bomrl-ignore-data', -5)]),
    ),
    [
      '- HalfCheetahVel, after 1 round: highest MAML-TRPO (-10.0 ± 2.0); best BO-MRL variant BO-MRL Alg(1) (-20.0 ± 2.0).',
    ],
  );
  assert.deepEqual(verdictLines(results([agg('maml-trpo', -10), agg('bomrl-alg2', -9)])), [
    '- HalfCheetahVel, after 1 round: highest BO-MRL Alg(2) (-9.0 ± 2.0) (a BO-MRL variant).',
  ]);
});
