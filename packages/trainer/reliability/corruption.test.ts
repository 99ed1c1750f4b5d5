import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bomrl, hasStackTrace, read, referenceRun, TINY, tempDir, writeConfig } from './harness';

/**
 * Every kind of damage to a run directory gives an error that names the damaged file, or a
 * repair that is logged; never a silent wrong result. Each case damages a copy of a run stopped
 * at iteration 12 (meta.iterations 12), then resumes it to 40 iterations.
 */
const tmp = tempDir('corrupt');
const config = writeConfig(tmp, 'tiny.json', TINY);
const base = path.join(tmp, 'base');
let reference = '';

beforeAll(async () => {
  reference = await referenceRun(tmp, config);
  const r = await bomrl(['train', config, '--out', base, '--set', 'meta.iterations=12']);
  expect(r.code, r.stderr).toBe(0);
}, 600_000);

function damaged(label: string, damage: (dir: string) => void): string {
  const dir = path.join(tmp, label);
  fs.cpSync(base, dir, { recursive: true });
  damage(dir);
  return dir;
}

const edit = (dir: string, file: string, f: (text: string) => string) =>
  fs.writeFileSync(path.join(dir, file), f(read(dir, file)));
const editJson = (dir: string, file: string, f: (json: Record<string, unknown>) => void) =>
  edit(dir, file, (t) => {
    const j = JSON.parse(t);
    f(j);
    return JSON.stringify(j);
  });

const resume = (dir: string) => bomrl(['train', config, '--out', dir, '--resume']);

/** Cases whose resume must fail with an error naming `file`. */
const FATAL: readonly [string, string, (dir: string) => void][] = [
  ['metrics.jsonl deleted', 'metrics.jsonl', (d) => fs.rmSync(path.join(d, 'metrics.jsonl'))],
  [
    'metrics.jsonl cut short',
    'metrics.jsonl',
    (d) => edit(d, 'metrics.jsonl', (t) => `${t.split('\n').slice(0, 7).join('\n')}\n`),
  ],
  [
    'a garbage line inside metrics.jsonl',
    'metrics.jsonl:3',
    (d) =>
      edit(d, 'metrics.jsonl', (t) => {
        const lines = t.split('\n');
        lines[2] = '{"iteration": 2, "objective": 0.';
        return lines.join('\n');
      }),
  ],
  [
    'metrics rows out of order',
    'metrics.jsonl:1',
    (d) =>
      edit(d, 'metrics.jsonl', (t) => {
        const lines = t.trim().split('\n');
        [lines[0], lines[1]] = [lines[1]!, lines[0]!];
        return `${lines.join('\n')}\n`;
      }),
  ],
  [
    'checkpoint iteration raised past the metrics',
    'metrics.jsonl',
    (d) => editJson(d, 'checkpoints/latest.json', (c) => (c.iteration = 20)),
  ],
  [
    'null in phi',
    'checkpoints/latest.json',
    (d) => editJson(d, 'checkpoints/latest.json', (c) => ((c.phi as unknown[])[3] = null)),
  ],
  [
    'phi of the wrong length',
    'checkpoints/latest.json',
    (d) => editJson(d, 'checkpoints/latest.json', (c) => (c.phi as unknown[]).pop()),
  ],
  [
    'optimizer state missing',
    'checkpoints/latest.json',
    (d) => editJson(d, 'checkpoints/latest.json', (c) => (c.optimizer = null)),
  ],
  [
    'Adam moments missing',
    'checkpoints/latest.json',
    (d) =>
      editJson(d, 'checkpoints/latest.json', (c) => {
        (c.optimizer as Record<string, unknown>).v = null;
      }),
  ],
  [
    'method changed in the checkpoint',
    'checkpoints/latest.json',
    (d) => editJson(d, 'checkpoints/latest.json', (c) => (c.method = 'bomrl-exact/l2')),
  ],
  [
    'checkpoint truncated (invalid JSON)',
    'checkpoints/latest.json',
    (d) => edit(d, 'checkpoints/latest.json', (t) => t.slice(0, 60)),
  ],
  [
    'checkpoint deleted while metrics remain',
    'checkpoints/latest.json',
    (d) => fs.rmSync(path.join(d, 'checkpoints/latest.json')),
  ],
  [
    'config.json changed (another seed)',
    'config.json',
    (d) => editJson(d, 'config.json', (c) => (c.seed = 5)),
  ],
  [
    'config.json invalid',
    'config.json',
    (d) => editJson(d, 'config.json', (c) => (c.meta = { lr: 'fast' })),
  ],
  ['config.json truncated', 'config.json', (d) => edit(d, 'config.json', (t) => t.slice(0, 40))],
];

describe('a damaged run directory is never resumed silently', () => {
  it.each(FATAL)('%s: resume fails naming %s', async (_label, file, damage) => {
    const dir = damaged(_label.replaceAll(/\W+/g, '-'), damage);
    const before = fs.existsSync(path.join(dir, 'metrics.jsonl')) ? read(dir, 'metrics.jsonl') : '';
    const r = await resume(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(dir, file));
    expect(hasStackTrace(r.stderr)).toBe(false);
    // nothing was changed by the refused resume
    const after = fs.existsSync(path.join(dir, 'metrics.jsonl')) ? read(dir, 'metrics.jsonl') : '';
    expect(after).toBe(before);
  });

  it('a torn last metrics line is dropped with a message; the run then finishes identically', async () => {
    const dir = damaged('torn', (d) =>
      fs.appendFileSync(path.join(d, 'metrics.jsonl'), '{"iteration":12,"objective":0.3'),
    );
    const r = await resume(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${path.join(dir, 'metrics.jsonl')}: dropped a torn last line`);
    expect(read(dir, 'metrics.jsonl')).toBe(reference);
  });

  it('rows after the checkpoint are dropped with a message (they are recomputed identically)', async () => {
    const dir = damaged('extra-rows', (d) =>
      editJson(d, 'checkpoints/latest.json', (c) => (c.iteration = 9)),
    );
    const r = await resume(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /metrics\.jsonl: dropped 3 row\(s\) after the checkpoint \(iteration 9\)/,
    );
  });

  it('stale temporary files are removed on start, with a message', async () => {
    const dir = damaged('stale-tmp', (d) => {
      fs.writeFileSync(path.join(d, '.metrics.csv.99999.1.tmp'), 'half');
      fs.writeFileSync(path.join(d, 'checkpoints', '.latest.json.99999.1.tmp'), '{"ha');
    });
    const r = await resume(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('removed a stale temporary file');
    expect(read(dir, 'metrics.jsonl')).toBe(reference);
    const all = [...fs.readdirSync(dir), ...fs.readdirSync(path.join(dir, 'checkpoints'))];
    expect(all.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a changed config resumes only with --accept-config-change, which is logged', async () => {
    const dir = damaged('accept', () => {});
    const r = await bomrl([
      'train',
      config,
      '--out',
      dir,
      '--resume',
      '--set',
      'meta.lr=0.02',
      '--accept-config-change',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('continuing with a changed config (meta.lr)');
  });

  it('report marks an unfinished run and a torn metrics line; test refuses it unless asked', async () => {
    const dir = damaged('report', (d) => {
      editJson(d, 'run.json', (i) => (i.status = 'running'));
      fs.appendFileSync(path.join(d, 'metrics.jsonl'), '{"iteration":12,"obj');
    });
    const rep = await bomrl(['report', dir]);
    expect(rep.code, rep.stderr).toBe(0);
    const summary = read(dir, 'report/summary.md');
    expect(summary).toMatch(/\| 12 \(incomplete: stopped or still running, 12 of 12\) \|/);
    expect(summary).toContain('metrics.jsonl ends with a torn line');
    const refused = await bomrl(['test', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a finished run .*--allow-incomplete/);
    const asked = await bomrl(['test', dir, '--allow-incomplete', '--tasks', '1']);
    expect(asked.code, asked.stderr).toBe(0);
    expect(JSON.parse(read(dir, 'results.json'))).toMatchObject({ iteration: 12, complete: false });
  });

  it('a non-empty directory that is not a run is refused and left untouched', async () => {
    const dir = path.join(tmp, 'not-a-run');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), '{"mine": true}');
    for (const args of [[], ['--resume']]) {
      const r = await bomrl(['train', config, '--out', dir, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a bomrl run directory|holds no bomrl run/);
    }
    expect(fs.readdirSync(dir)).toEqual(['config.json']);
    expect(read(dir, 'config.json')).toBe('{"mine": true}');
  });
});
