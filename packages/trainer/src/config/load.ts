import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema, envSchema, methodSchema, policySchema } from './schema';

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
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid bomrl config:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    return `${field}: unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
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
  if (!result.success) throw new ConfigError(result.error.issues.map(describeIssue));
  return result.data;
}

/** Parses a `key.path=value` override; the value is JSON when it parses, else a string. */
export function parseOverride(text: string): { path: string[]; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new ConfigError([`override '${text}': expected key.path=value, e.g. meta.lr=0.01`]);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a bare word such as `high` stays a string
  }
  return { path: key.split('.'), value };
}

/** Applies overrides to a (plain JSON) config object, returning a new object. */
export function applyOverrides(config: unknown, overrides: readonly string[]): unknown {
  const out = structuredClone(config ?? {}) as Record<string, unknown>;
  for (const text of overrides) {
    const { path: keys, value } = parseOverride(text);
    let node: Record<string, unknown> = out;
    keys.slice(0, -1).forEach((k) => {
      const next = node[k];
      if (next === undefined) node[k] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new ConfigError([`override '${text}': '${k}' is not an object`]);
      }
      node = node[k] as Record<string, unknown>;
    });
    node[keys[keys.length - 1]!] = value;
  }
  return out;
}

/** Reads a JSON or YAML config file (by extension), applies overrides, validates. */
export function loadConfigFile(file: string, overrides: readonly string[] = []): Config {
  let text: string;
  try {
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
  return resolveConfig(applyOverrides(data, overrides));
}
