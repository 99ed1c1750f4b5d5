import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load';
import { COMMANDS } from './commands';
import { type CliIO, runCli } from './main';
import { STARTER_FAMILIES, STARTER_METHODS } from './starter-config';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function capture(onWrite?: (text: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: {
      isTTY: false,
      write: (t: string) => {
        out.push(t);
        onWrite?.(t);
      },
    },
    stderr: { isTTY: false, write: (t: string) => err.push(t) },
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const yaml = `name: cli
env: { family: frozen-lake, variance: high, size: 3, horizon: 15, tasks: { count: 6, seed: 4 } }
policy: { kind: tabular-softmax }
method: { kind: maml, alpha: 5 }
mode: exact
meta: { iterations: 6, tasksPerBatch: 2 }
sampler: { episodesPerTask: 5 }
metaTest: { rounds: 1 }
backend: cpu
`;
const configFile = path.join(tmp, 'maml.yaml');
fs.writeFileSync(configFile, yaml);

describe('bomrl --help', () => {
  it('lists every command', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    for (const cmd of COMMANDS)
      expect(c.out()).toMatch(new RegExp(`^  ${cmd.name} +${cmd.summary}$`, 'm'));
    expect(c.out()).toMatch(/^Usage: bomrl <command>/);
  });

  it.each(COMMANDS.map((c) => c.name))(
    '%s --help shows its usage and every option it accepts',
    async (name) => {
      const c = capture();
      expect(await runCli([name, '--help'], c.io)).toBe(0);
      const spec = COMMANDS.find((s) => s.name === name)!;
      expect(c.out()).toContain(`Usage: bomrl ${name}`);
      const listed = [...c.out().matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]);
      expect(new Set(listed)).toEqual(new Set(Object.keys(spec.options)));
      // and an option that is not listed is rejected with the usage
      const bad = capture();
      expect(await runCli([name, '--no-such-option'], bad.io)).toBe(2);
      expect(bad.err()).toContain(`Usage: bomrl ${name}`);
    },
  );

  it("accepts options after pnpm's `--` separator (pnpm --filter ... verify -- --json)", async () => {
    const c = capture();
    expect(await runCli(['verify', '--', '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: bomrl verify');
  });

  it('rejects an unknown command', async () => {
    const c = capture();
    expect(await runCli(['trian'], c.io)).toBe(2);
    expect(c.err()).toContain("unknown command 'trian'");
  });
});

describe('bomrl train / test / report', () => {
  it('trains (printing the backend), tests and reports a run', async () => {
    const out = path.join(tmp, 'run');
    const t = capture();
    expect(await runCli(['train', configFile, '--out', out, '--set', 'meta.lr=0.05'], t.io)).toBe(
      0,
    );
    expect(t.out()).toContain('backend: cpu');
    expect(t.out()).toMatch(/train 6\/6 elapsed/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).meta.lr).toBe(0.05);
    const e = capture();
    expect(await runCli(['test', out, '--rounds', '2', '--tasks', '1'], e.io)).toBe(0);
    expect(e.out()).toMatch(/round 2: return/);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.rounds).toHaveLength(3);
    expect(results.tasks).toBe(1);
    const r = capture();
    expect(await runCli(['report', out], r.io)).toBe(0);
    expect(fs.existsSync(path.join(out, 'report', 'summary.md'))).toBe(true);
    expect(r.out()).toContain('summary.md');
  });

  it('fails on an invalid config before any work, naming the field (exit 2)', async () => {
    const out = path.join(tmp, 'bad');
    const c = capture();
    expect(
      await runCli(['train', configFile, '--out', out, '--set', 'meta.optimizer=lbfgs'], c.io),
    ).toBe(2);
    expect(c.err()).toContain('meta.optimizer');
    expect(fs.existsSync(out)).toBe(false);
    const d = capture();
    expect(await runCli(['test', out, '--rounds', 'x'], d.io)).toBe(2);
    expect(d.err()).toContain('--rounds must be an integer');
  });

  it('Ctrl-C stops after the current iteration with a checkpoint (exit 130); --resume finishes', async () => {
    const out = path.join(tmp, 'sigint');
    const listeners = process.listenerCount('SIGINT');
    let sent = false;
    const c = capture((text) => {
      if (!sent && text.startsWith('train ')) {
        sent = true;
        process.emit('SIGINT');
      }
    });
    const args = ['train', configFile, '--out', out, '--set', 'meta.iterations=40'];
    expect(await runCli(args, c.io)).toBe(130);
    expect(c.err()).toContain('writing a checkpoint');
    const ckpt = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints/latest.json'), 'utf8'));
    expect(ckpt.iteration).toBeGreaterThan(0);
    expect(ckpt.iteration).toBeLessThan(40);
    expect(c.out()).toContain('--set meta.iterations=40 --resume');
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    const r = capture();
    expect(await runCli([...args, '--resume'], r.io)).toBe(0);
    const rows = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(rows.map((l) => JSON.parse(l).iteration)).toEqual([...Array(40).keys()]);
  });
});

describe('bomrl init', () => {
  it('writes a starter config for every family and method that validates, and never overwrites', async () => {
    for (const family of STARTER_FAMILIES) {
      for (const method of STARTER_METHODS) {
        const file = path.join(tmp, `${family}-${method}.yaml`);
        const c = capture();
        expect(await runCli(['init', family, method, '--out', file], c.io)).toBe(0);
        expect(fs.readFileSync(file, 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
        const config = loadConfigFile(file);
        expect(config.env.family).toBe(family);
        expect(config.method.kind).toBe(method === 'maml-trpo' ? 'maml' : method);
        expect(config.meta.optimizer === 'trpo').toBe(
          method === 'maml-trpo' || family !== 'frozen-lake',
        );
      }
    }
    const again = capture();
    const file = path.join(tmp, 'frozen-lake-maml.yaml');
    expect(await runCli(['init', 'frozen-lake', 'maml', '--out', file], again.io)).toBe(1);
    expect(again.err()).toContain(`${file} already exists`);
    const bad = capture();
    expect(await runCli(['init', 'cartpole', 'maml'], bad.io)).toBe(2);
    expect(bad.err()).toContain("unknown family 'cartpole'; one of frozen-lake,");
  });

  it('the Frozen Lake starter trains as written (here for 2 iterations)', async () => {
    const file = path.join(tmp, 'frozen-lake-bomrl.yaml');
    if (!fs.existsSync(file))
      await runCli(['init', 'frozen-lake', 'bomrl', '--out', file], capture().io);
    const out = path.join(tmp, 'starter-run');
    const t = capture();
    const code = await runCli(
      ['train', file, '--out', out, '--set', 'meta.iterations=2', '--set', 'backend=cpu'],
      t.io,
    );
    expect(code, t.err()).toBe(0);
    expect(
      fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n'),
    ).toHaveLength(2);
  });
});
