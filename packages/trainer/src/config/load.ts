import fs from 'node:fs';
import path from 'node:path';
import { BomrlError } from '@bomrl/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { resourceIssues } from './limits';
import { type Config, configSchema, envSchema, methodSchema, policySchema } from './schema';
import { closestKey, knownKeysAt } from './suggest';

/** Allowed values of each discriminator, read off the schema so the message cannot drift. */
function discriminatorValues(
  union: { options: readonly { shape: Record<string, unknown> }[] },
  key: string,
): string[] {
  return union.options.flatMap((option) => {
    const field = option.shape[key] as { values?: Set<unknown>; options?: readonly unknown[] };
    return [...(field.values ?? field.options ?? [])].map(String);
  });
}

const DISCRIMINATORS: Record<string, string[]> = {
  'env.family': discriminatorValues(envSchema, 'family'),
  'policy.kind': discriminatorValues(policySchema, 'kind'),
  'method.kind': discriminatorValues(methodSchema, 'kind'),
};

/** Thrown for an invalid configuration; `issues` lists each bad field with its message. */
export class ConfigError extends BomrlError {
  static override readonly code: string = 'BOMRL_CONFIG';
  constructor(readonly issues: readonly string[]) {
    super(`invalid bomrl config:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
  override get name(): string {
    return 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.length ? issue.path.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(configSchema, issue.path, input);
    const each = issue.keys.map((k) => {
      const near = closestKey(k, known);
      return near ? `'${k}' (did you mean '${near}'?)` : `'${k}'`;
    });
    const prefix = issue.path.length ? `${field}.` : '';
    return `${prefix}${issue.keys[0]}: unknown field(s) ${each.join(', ')}; allowed: ${known.join(', ')}`;
  }
  const allowed = DISCRIMINATORS[field];
  if (issue.code === 'invalid_union' && allowed) {
    return `${field}: expected one of ${allowed.map((v) => `"${v}"`).join(', ')}`;
  }
  return `${field}: ${issue.message}`;
}

/**
 * Validates a config object and fills in defaults. Throws {@link ConfigError} naming every bad
 * field and, for enumerations, the allowed values.
 */
export function resolveConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => describeIssue(i, input)));
  const limits = resourceIssues(result.data);
  if (limits.length) throw new ConfigError(limits);
  return result.data;
}

/** Keys that would reach an object's prototype instead of a config field. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses a `key.path=value` override; the value is JSON when it parses, else a string. */
export function parseOverride(text: string): { path: string[]; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new ConfigError([`override '${text}': expected key.path=value, e.g. meta.lr=0.01`]);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  const keys = key.split('.');
  for (const k of keys) {
    if (k === '' || !/^[A-Za-z0-9_-]+$/.test(k)) {
      throw new ConfigError([
        `override '${text}': '${key}' is not a field path (dot-separated names such as meta.lr)`,
      ]);
    }
    if (FORBIDDEN_KEYS.has(k)) {
      throw new ConfigError([`override '${text}': '${k}' is not a config field`]);
    }
  }
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a bare word such as `high` stays a string
  }
  return { path: keys, value };
}

/** Applies overrides to a (plain JSON) config object, returning a new object. */
export function applyOverrides(config: unknown, overrides: readonly string[]): unknown {
  const out = structuredClone(config ?? {}) as Record<string, unknown>;
  if (overrides.length && (typeof out !== 'object' || out === null || Array.isArray(out))) {
    throw new ConfigError(['(root): the config must be a mapping of fields (env, policy, ...)']);
  }
  for (const text of overrides) {
    const { path: keys, value } = parseOverride(text);
    let node: Record<string, unknown> = out;
    keys.slice(0, -1).forEach((k) => {
      const next = Object.hasOwn(node, k) ? node[k] : undefined;
      if (next === undefined) node[k] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new ConfigError([`override '${text}': '${k}' is not an object`]);
      }
      node = node[k] as Record<string, unknown>;
    });
    Object.defineProperty(node, keys[keys.length - 1]!, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Reads a JSON or YAML config file (by extension), applies overrides, validates. */
export function loadConfigFile(file: string, overrides: readonly string[] = []): Config {
  let text: string;
  try {
    // a FIFO or device (/dev/zero) would block or never end: only regular, small files are read
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_CONFIG_BYTES) {
      throw new Error(`${stat.size} bytes is larger than a config can be (${MAX_CONFIG_BYTES})`);
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`cannot read config file '${file}': ${(error as Error).message}`]);
  }
  const ext = path.extname(file).toLowerCase();
  let data: unknown;
  try {
    data = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError([
      `cannot parse '${file}' as ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    ]);
  }
  try {
    return resolveConfig(applyOverrides(data, overrides));
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError([
        ...error.issues,
        `(in ${file}${overrides.length ? ' with the --set overrides' : ''})`,
      ]);
    }
    throw error;
  }
}

/** Config files are small; anything larger is a mistake (and would be slow to parse). */
const MAX_CONFIG_BYTES = 1 << 20;
