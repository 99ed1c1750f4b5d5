// Enforces the package layering (X <- Y: Y may import X, never the reverse):
//   @bomrl/envs (no tfjs, imports no @bomrl package) | core <- policies <- adaptation <-
//   meta-gradient <- trainer <- examples
// in every package.json dependency list AND in every import/require in src. Any package may use
// @bomrl/envs (plain TypeScript). Run by `pnpm test` (node --test).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Rank of each package: a package may import only packages of lower rank (and envs). */
const RANK = {
  '@bomrl/core': 0,
  '@bomrl/policies': 1,
  '@bomrl/adaptation': 2,
  '@bomrl/meta-gradient': 3,
  '@bomrl/trainer': 4,
};
const EXAMPLES = 5;

/** Why `from` may not use `to`, or null when it may. */
function violation(from, to) {
  if (from === to) return null;
  if (from === '@bomrl/envs') {
    if (to.startsWith('@bomrl/') || to.startsWith('@bomrl-examples/'))
      return 'envs imports no @bomrl package';
    if (to.startsWith('@tensorflow/')) return 'envs uses no tfjs';
    return null;
  }
  if (to.startsWith('@bomrl-examples/')) return 'nothing imports the examples';
  if (to === '@bomrl/envs' || !(to in RANK)) return null;
  const rank = from.startsWith('@bomrl-examples/') ? EXAMPLES : RANK[from];
  if (rank === undefined) return null;
  return RANK[to] < rank
    ? null
    : `${from} (layer ${rank}) may not import ${to} (layer ${RANK[to]})`;
}

/** The package specifiers a source file imports (static, dynamic, require, export-from). */
function importsOf(source) {
  const found = new Set();
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      const spec = m[1];
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const parts = spec.split('/');
      found.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return [...found];
}

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name)) out.push(p);
  }
  return out;
}

function workspacePackages() {
  return ['packages', 'examples'].flatMap((group) =>
    fs
      .readdirSync(path.join(root, group))
      .map((d) => path.join(root, group, d))
      .filter((d) => fs.existsSync(path.join(d, 'package.json')))
      .map((dir) => ({
        dir,
        manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
      })),
  );
}

test('the checker itself catches upward imports (so the layering test can fail)', () => {
  assert.match(violation('@bomrl/policies', '@bomrl/adaptation'), /may not import/);
  assert.match(violation('@bomrl/meta-gradient', '@bomrl/trainer'), /may not import/);
  assert.match(violation('@bomrl/envs', '@bomrl/core'), /no @bomrl package/);
  assert.match(violation('@bomrl/envs', '@tensorflow/tfjs-core'), /no tfjs/);
  assert.equal(violation('@bomrl/trainer', '@bomrl/meta-gradient'), null);
  assert.equal(violation('@bomrl/meta-gradient', '@bomrl/envs'), null);
  assert.deepEqual(
    importsOf(
      "import { a } from '@bomrl/trainer';\nconst b = await import('@bomrl/core/x');\nexport * from './y';",
    ),
    ['@bomrl/trainer', '@bomrl/core'],
  );
});

test('package.json dependencies point down the layers only', () => {
  const problems = [];
  for (const { manifest } of workspacePackages()) {
    for (const field of [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
      'devDependencies',
    ]) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        const why = violation(manifest.name, dep);
        if (why) problems.push(`${manifest.name} ${field}: ${why}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('source imports point down the layers only', () => {
  const problems = [];
  let files = 0;
  for (const { dir, manifest } of workspacePackages()) {
    for (const file of [...walk(path.join(dir, 'src')), ...walk(path.join(dir, 'test'))]) {
      files++;
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        const why = violation(manifest.name, spec);
        if (why) problems.push(`${path.relative(root, file)}: ${why}`);
      }
    }
  }
  assert.ok(files > 50, `expected to scan the sources, scanned ${files} files`);
  assert.deepEqual(problems, []);
});
