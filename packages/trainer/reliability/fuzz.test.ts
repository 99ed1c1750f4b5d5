import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bomrl, hasStackTrace, TINY, tempDir } from './harness';

/**
 * Malformed configs and overrides: every one must exit 2 with a message naming the field (or
 * the file), print no stack trace and create no run directory, before any work.
 */
const tmp = tempDir('fuzz');

type Json = Record<string, unknown>;
const base = (): Json => structuredClone(TINY) as Json;
const at = (path: string, value: unknown) => {
  const c = base();
  const keys = path.split('.');
  let node = c;
  for (const k of keys.slice(0, -1)) {
    node[k] ??= {};
    node = node[k] as Json;
  }
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return c;
};
const mlp = (hidden: unknown) => ({ ...base(), policy: { kind: 'categorical-mlp', hidden } });
const bomrlMethod = (m: Json) => ({
  ...base(),
  method: { kind: 'bomrl', alg: 'l2', lambda: 1, ...m },
});
const sampled = (over: Json) => ({ ...base(), mode: 'sampled', ...over });

interface Case {
  readonly name: string;
  /** The config: an object (written as JSON) or raw text with the file extension. */
  readonly config: Json | unknown[] | string | { readonly text: string; readonly ext: string };
  readonly set?: readonly string[];
  /** Text the error must contain (the field, or the file). */
  readonly names: string;
}

const CASES: Case[] = [
  { name: 'negative lr', config: at('meta.lr', -1), names: 'meta.lr' },
  { name: 'zero lr', config: at('meta.lr', 0), names: 'meta.lr' },
  { name: 'string lr', config: at('meta.lr', 'fast'), names: 'meta.lr' },
  { name: 'iterations 1e12', config: at('meta.iterations', 1e12), names: 'meta.iterations' },
  { name: 'iterations 0', config: at('meta.iterations', 0), names: 'meta.iterations' },
  { name: 'fractional iterations', config: at('meta.iterations', 2.5), names: 'meta.iterations' },
  { name: 'tasksPerBatch 1e6', config: at('meta.tasksPerBatch', 1e6), names: 'meta.tasksPerBatch' },
  { name: 'unknown optimizer', config: at('meta.optimizer', 'lbfgs'), names: 'meta.optimizer' },
  { name: 'maxKl negative', config: at('meta.maxKl', -0.1), names: 'meta.maxKl' },
  { name: 'cgIterations 1e9', config: at('meta.cgIterations', 1e9), names: 'meta.cgIterations' },
  { name: 'horizon 1e9', config: at('env.horizon', 1e9), names: 'env.horizon' },
  { name: 'size 100', config: at('env.size', 100), names: 'env.size' },
  { name: 'size 1', config: at('env.size', 1), names: 'env.size' },
  { name: 'gamma 1.5', config: at('env.gamma', 1.5), names: 'env.gamma' },
  { name: 'negative slip', config: at('env.slip', -0.1), names: 'env.slip' },
  { name: 'unknown variance', config: at('env.variance', 'medium'), names: 'env.variance' },
  { name: 'unknown family', config: at('env.family', 'cartpole'), names: 'env.family' },
  { name: 'one task', config: at('env.tasks.count', 1), names: 'env.tasks.count' },
  { name: '1e9 tasks', config: at('env.tasks.count', 1e9), names: 'env.tasks.count' },
  {
    name: 'trainFraction 1',
    config: at('env.tasks.trainFraction', 1),
    names: 'env.tasks.trainFraction',
  },
  {
    name: 'episodes 1e9',
    config: at('sampler.episodesPerTask', 1e9),
    names: 'sampler.episodesPerTask',
  },
  { name: 'gaeLambda 2', config: at('sampler.gaeLambda', 2), names: 'sampler.gaeLambda' },
  { name: 'unknown policy', config: at('policy.kind', 'transformer'), names: 'policy.kind' },
  { name: 'hidden [1e6, 1e6]', config: mlp([1e6, 1e6]), names: 'policy.hidden' },
  { name: 'negative hidden', config: mlp([-1]), names: 'policy.hidden' },
  { name: 'hidden not a list', config: mlp('big'), names: 'policy.hidden' },
  { name: 'hidden too many parameters', config: mlp([4096, 4096, 4096]), names: 'policy.hidden' },
  { name: 'hidden 20 layers', config: mlp(Array(20).fill(8)), names: 'policy.hidden' },
  { name: 'unknown method', config: at('method.kind', 'reinforce'), names: 'method.kind' },
  { name: 'negative alpha', config: at('method.alpha', -1), names: 'method.alpha' },
  { name: 'innerSteps 1000', config: at('method.innerSteps', 1000), names: 'method.innerSteps' },
  { name: 'order third', config: at('method.order', 'third'), names: 'method.order' },
  {
    name: 'bomrl without lambda',
    config: bomrlMethod({ lambda: undefined }),
    names: 'method.lambda',
  },
  { name: 'bomrl unknown alg', config: bomrlMethod({ alg: 'kl' }), names: 'method.alg' },
  { name: 'bomrl lambda 0', config: bomrlMethod({ lambda: 0 }), names: 'method.lambda' },
  {
    name: 'bomrl unknown solver',
    config: bomrlMethod({ solver: { kind: 'newton' } }),
    names: 'method.solver.kind',
  },
  { name: 'unknown mode', config: at('mode', 'approximate'), names: 'mode' },
  {
    name: 'exact mode without a model',
    config: { ...base(), env: { family: 'navigation-2d' }, policy: { kind: 'gaussian-mlp' } },
    names: 'mode',
  },
  { name: 'unknown backend', config: at('backend', 'gpu'), names: 'backend' },
  { name: 'checkpointEvery 0', config: at('checkpointEvery', 0), names: 'checkpointEvery' },
  { name: 'negative rounds', config: at('metaTest.rounds', -1), names: 'metaTest.rounds' },
  { name: 'seeds 1e9', config: at('metaTest.seeds', 1e9), names: 'metaTest.seeds' },
  { name: 'name escapes runs/', config: at('name', '../../x'), names: 'name' },
  { name: 'empty name', config: at('name', ''), names: 'name' },
  { name: 'absolute name', config: at('name', '/etc'), names: 'name' },
  { name: 'fractional seed', config: at('seed', 1.5), names: 'seed' },
  { name: 'unknown top-level key', config: { ...base(), sed: 1 }, names: "did you mean 'seed'" },
  { name: 'typo in meta', config: at('meta.iteratons', 5), names: 'meta.iteratons' },
  { name: 'env missing', config: at('env', undefined), names: 'env' },
  { name: 'a list, not a mapping', config: [1, 2], names: '(root)' },
  {
    name: 'sampled work per iteration too large',
    config: sampled({
      meta: { tasksPerBatch: 1000 },
      sampler: { episodesPerTask: 1000 },
      env: { family: 'frozen-lake', horizon: 1000 },
    }),
    names: 'meta.tasksPerBatch x sampler.episodesPerTask x env.horizon',
  },
  {
    name: 'YAML syntax error',
    config: { text: 'env: [\n  family: x', ext: 'yaml' },
    names: '.yaml',
  },
  { name: 'invalid JSON', config: { text: '{"env": ', ext: 'json' }, names: '.json' },
  { name: 'empty YAML file', config: { text: '', ext: 'yaml' }, names: 'env' },
  { name: 'YAML scalar', config: { text: 'hello', ext: 'yaml' }, names: '(root)' },
  {
    name: 'YAML infinite lr',
    config: { text: 'meta: { lr: .inf }', ext: 'yaml' },
    names: 'meta.lr',
  },
  {
    name: 'YAML __proto__ key',
    config: { text: '__proto__: { polluted: 1 }\nenv: { family: frozen-lake }', ext: 'yaml' },
    names: '__proto__',
  },
  { name: 'config file missing', config: 'missing', names: 'missing.json' },
  { name: 'config file is a directory', config: 'dir', names: 'dir.json' },
  { name: 'override __proto__', config: base(), set: ['__proto__.polluted=1'], names: '__proto__' },
  {
    name: 'override constructor.prototype',
    config: base(),
    set: ['constructor.prototype.polluted=1'],
    names: 'constructor',
  },
  {
    name: 'override meta.prototype',
    config: base(),
    set: ['meta.prototype=1'],
    names: 'prototype',
  },
  { name: 'override empty segment', config: base(), set: ['meta..lr=1'], names: 'meta..lr' },
  { name: 'override without key', config: base(), set: ['=5'], names: 'key.path=value' },
  { name: 'override without =', config: base(), set: ['meta.lr'], names: 'key.path=value' },
  { name: 'override through a number', config: base(), set: ['meta.lr.x=1'], names: "'lr'" },
  { name: 'override family', config: base(), set: ['env.family=cartpole'], names: 'env.family' },
  {
    name: 'override iterations 1e12',
    config: base(),
    set: ['meta.iterations=1e12'],
    names: 'meta.iterations',
  },
  { name: 'override NaN', config: base(), set: ['meta.lr=NaN'], names: 'meta.lr' },
  { name: 'override 1e400', config: base(), set: ['meta.lr=1e400'], names: 'meta.lr' },
  { name: 'override name', config: base(), set: ['name=../../x'], names: 'name' },
  {
    name: 'override unknown key',
    config: base(),
    set: ['meta.lrr=0.1'],
    names: "did you mean 'lr'",
  },
  {
    name: 'override hidden [1e6, 1e6]',
    config: mlp([8]),
    set: ['policy.hidden=[1e6,1e6]'],
    names: 'policy.hidden',
  },
  { name: 'override horizon 1e9', config: base(), set: ['env.horizon=1e9'], names: 'env.horizon' },
];

function configFile(c: Case, i: number): string {
  const file = path.join(tmp, `case-${i}`);
  if (c.config === 'missing') return path.join(tmp, 'missing.json');
  if (c.config === 'dir') {
    const d = path.join(tmp, 'dir.json');
    fs.mkdirSync(d, { recursive: true });
    return d;
  }
  if (typeof c.config === 'object' && 'text' in c.config && 'ext' in c.config) {
    fs.writeFileSync(`${file}.${c.config.ext}`, c.config.text as string);
    return `${file}.${c.config.ext}`;
  }
  fs.writeFileSync(`${file}.json`, JSON.stringify(c.config));
  return `${file}.json`;
}

describe('malformed configs and overrides', () => {
  it(`${CASES.length} cases: exit 2 naming the field, no stack trace, no run directory`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const failures: string[] = [];
    const queue = CASES.map((c, i) => [c, i] as const);
    // a few CLI processes at a time: each spends most of its time loading modules
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [c, i] = next;
        const out = path.join(tmp, `out-${i}`);
        const args = ['train', configFile(c, i), '--out', out];
        for (const s of c.set ?? []) args.push('--set', s);
        const r = await bomrl(args);
        const problems = [
          r.code !== 2 && `exit ${r.code}`,
          !r.stderr.includes(c.names) && `does not name '${c.names}'`,
          hasStackTrace(r.stderr) && 'stack trace',
          fs.existsSync(out) && 'created the run directory',
        ].filter(Boolean);
        if (problems.length) failures.push(`${c.name}: ${problems.join(', ')}\n${r.stderr}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    // and nothing was written under a default runs/ directory either
    expect(fs.existsSync(path.join(process.cwd(), 'runs'))).toBe(false);
  }, 600_000);

  it('--out "" and an --out under a file are refused before any work', async () => {
    const cfg = configFile({ name: 'ok', config: base(), names: '' }, 999);
    const empty = await bomrl(['train', cfg, '--out', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--out must not be empty');
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const under = await bomrl(['train', cfg, '--out', path.join(file, 'run')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toContain(`'${file}' is not a directory`);
    const proc = await bomrl(['train', cfg, '--out', '/proc/nonexistent/run']);
    expect(proc.code).toBe(2);
    expect(proc.stderr).toContain('/proc/nonexistent');
  });
});
