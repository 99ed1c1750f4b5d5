import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBomrlError } from '@bomrl/core';
import { describe, expect, it } from 'vitest';
import { applyOverrides, ConfigError, loadConfigFile, resolveConfig } from './load';

const minimal = {
  env: { family: 'frozen-lake' },
  policy: { kind: 'tabular-softmax' },
  method: { kind: 'bomrl', alg: 'forward-kl', lambda: 5 },
};

function issuesOf(input: unknown): string[] {
  try {
    resolveConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('config schema', () => {
  it('throws a ConfigError that is a BomrlError with a stable code and name', () => {
    let caught: unknown;
    try {
      resolveConfig({ ...minimal, method: { kind: 'bomrl', alg: 'forward-kl', lambda: -1 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(isBomrlError(caught)).toBe(true);
    expect((caught as ConfigError).code).toBe('BOMRL_CONFIG');
    expect((caught as ConfigError).name).toBe('ConfigError');
  });

  it('fills every default of a minimal config', () => {
    const c = resolveConfig(minimal);
    expect(c.env).toEqual({
      family: 'frozen-lake',
      variance: 'high',
      size: 4,
      slip: 0,
      gamma: 0.8,
      horizon: 49,
      tasks: { count: 30, seed: 7, trainFraction: 0.8 },
    });
    expect(c.meta.optimizer).toBe('adam');
    expect(c.method).toMatchObject({
      kind: 'bomrl',
      hypergradient: 'full',
      solver: { kind: 'adam' },
    });
    expect(c.backend).toBe('auto');
  });

  it('names the field and the allowed values of a bad enumeration', () => {
    const issues = issuesOf({ ...minimal, env: { family: 'frozen-lake', variance: 'medium' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^env\.variance: .*"high".*"low"/);
  });

  it('names the discriminator of an unknown family or method', () => {
    expect(issuesOf({ ...minimal, env: { family: 'cartpole' } })[0]).toMatch(
      /^env\.family: .*frozen-lake/,
    );
    expect(issuesOf({ ...minimal, method: { kind: 'ppo' } })[0]).toMatch(
      /^method\.kind: .*bomrl.*maml/,
    );
  });

  it('rejects unknown fields (typos) by name', () => {
    const issues = issuesOf({ ...minimal, meta: { lr: 0.1, iteratons: 5 } });
    expect(issues[0]).toMatch(
      /^meta\.iteratons: unknown field\(s\) 'iteratons' \(did you mean 'iterations'\?\); allowed: optimizer, lr, iterations,/,
    );
    // a typo in a union member suggests from that member's fields; a far-off word gets no guess
    expect(issuesOf({ ...minimal, method: { kind: 'maml', alhpa: 1, zzzzzz: 2 } })[0]).toMatch(
      /^method\.alhpa: .*'alhpa' \(did you mean 'alpha'\?\), 'zzzzzz'; allowed: kind, alpha, innerSteps, order$/,
    );
    expect(issuesOf({ ...minimal, sed: 1 })[0]).toMatch(/^sed: .*did you mean 'seed'/);
  });

  it('rejects out-of-range numbers and missing required fields by path', () => {
    expect(issuesOf({ ...minimal, method: { kind: 'bomrl', alg: 'l2', lambda: 0 } })[0]).toMatch(
      /^method\.lambda: /,
    );
    expect(issuesOf({ ...minimal, env: { family: 'frozen-lake', gamma: 1.5 } })[0]).toMatch(
      /^env\.gamma: /,
    );
    expect(issuesOf({ env: minimal.env, method: minimal.method })[0]).toMatch(/^policy: /);
  });

  it('applies key.path=value overrides, JSON-typed', () => {
    const o = applyOverrides(minimal, ['meta.lr=0.01', 'env.variance=low', 'meta.iterations=3']);
    const c = resolveConfig(o);
    expect(c.meta.lr).toBe(0.01);
    expect(c.meta.iterations).toBe(3);
    expect(c.env).toMatchObject({ variance: 'low' });
    expect(() => applyOverrides(minimal, ['nonsense'])).toThrow(/expected key.path=value/);
  });

  it('loads YAML and JSON files and reports parse errors with the file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-config-'));
    const yamlFile = path.join(dir, 'c.yaml');
    fs.writeFileSync(
      yamlFile,
      'env:\n  family: frozen-lake\npolicy:\n  kind: tabular-softmax\nmethod:\n  kind: maml\n',
    );
    expect(loadConfigFile(yamlFile, ['seed=3']).seed).toBe(3);
    const jsonFile = path.join(dir, 'c.json');
    fs.writeFileSync(jsonFile, '{ not json');
    expect(() => loadConfigFile(jsonFile)).toThrow(/cannot parse .*c\.json.* as JSON/);
    expect(() => loadConfigFile(path.join(dir, 'missing.yaml'))).toThrow(/cannot read config file/);
    fs.rmSync(dir, { recursive: true });
  });
});
