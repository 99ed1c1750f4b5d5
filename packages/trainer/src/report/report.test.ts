import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetaTestResults, metaTest } from '../evaluate/meta-test';
import { train } from '../loop/train';
import { report } from './report';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-report-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cfg = (name: string, order: 'first' | 'second') => ({
  name,
  env: {
    family: 'frozen-lake',
    variance: 'high',
    size: 3,
    horizon: 20,
    tasks: { count: 6, seed: 4 },
  },
  policy: { kind: 'tabular-softmax' },
  method: { kind: 'maml', alpha: 5, order },
  mode: 'exact',
  meta: { iterations: 4, tasksPerBatch: 2 },
  sampler: { episodesPerTask: 5 },
  metaTest: { rounds: 2 },
  backend: 'cpu',
});

let results: MetaTestResults;
const a = path.join(tmp, 'a');
const b = path.join(tmp, 'b');
beforeAll(async () => {
  await train(cfg('second', 'second'), { out: a });
  results = await metaTest(a);
  await train(cfg('first', 'first'), { out: b }); // no meta-test: results.json missing
});

const count = (s: string, sub: string) => s.split(sub).length - 1;

describe('report', () => {
  it('writes the plots and the summary of a finished run from its files', () => {
    const written = report(a);
    expect(written.dir).toBe(path.join(a, 'report'));
    expect(written.files.map((f) => path.basename(f))).toEqual([
      'training-curve.svg',
      'meta-test-return.svg',
      'meta-test-undiscounted.svg',
      'optimality-gap.svg',
      'summary.md',
    ]);
    const training = fs.readFileSync(path.join(a, 'report/training-curve.svg'), 'utf8');
    expect(training.startsWith('<svg')).toBe(true);
    expect(count(training, '<polyline')).toBe(2); // post- and pre-adaptation
    const ret = fs.readFileSync(path.join(a, 'report/meta-test-return.svg'), 'utf8');
    expect(ret).toContain('J* (all-task optimum)');
    expect(count(ret, '<polyline')).toBe(1);
    const md = fs.readFileSync(path.join(a, 'report/summary.md'), 'utf8');
    for (const r of results.rounds) {
      const J = r.exactReturn!;
      expect(md).toContain(`| ${r.round} | `);
      expect(md).toContain(`${J.mean.toFixed(4)} ± ${J.stderr.toFixed(4)}`);
    }
    expect(md).toContain('| second | maml-exact/second-order | 4 |');
  });

  it('draws one series per run and says which runs have no meta-test yet', () => {
    const out = path.join(tmp, 'both');
    const written = report([a, b], { out });
    expect(written.files).toHaveLength(5);
    const training = fs.readFileSync(path.join(out, 'training-curve.svg'), 'utf8');
    expect(count(training, '<polyline')).toBe(4);
    expect(training).toContain('first (maml-exact/first-order) post-adaptation');
    const md = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toContain('No results.json yet');
  });

  it('fails clearly on a directory that is not a run', () => {
    expect(() => report(path.join(tmp, 'nope'))).toThrow(/has no config.json/);
  });
});
