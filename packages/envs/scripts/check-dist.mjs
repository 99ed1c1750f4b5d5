// Checks the BUILT package (run after `pnpm build`): the index and tabular bundles import no
// TensorFlow.js (nor MuJoCo), and the README's first ```ts snippet runs as written against
// `@bomrl/envs` itself (Node resolves the package's own name through its `exports` map).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let failed = false;

for (const name of ['index.js', 'index.cjs', 'tabular.js', 'tabular.cjs']) {
  const code = readFileSync(join(root, 'dist', name), 'utf8');
  const specs = [
    ...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g),
  ].map((m) => m[1]);
  const bad = specs.filter((s) => s.startsWith('@tensorflow') || s.includes('mujoco'));
  if (bad.length > 0) {
    console.error(`dist/${name} imports ${bad.join(', ')}`);
    failed = true;
  }
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
if (!snippet) throw new Error('README.md has no ```ts block');
// Inside the package directory so that the self-reference `@bomrl/envs` resolves.
const file = join(root, '.readme-snippet.mjs');
writeFileSync(file, snippet);
try {
  await import(pathToFileURL(file).href);
} catch (error) {
  console.error('The README snippet failed:', error);
  failed = true;
} finally {
  rmSync(file, { force: true });
}

if (failed) process.exit(1);
console.log('check-dist: no tfjs in dist, README snippet runs against the build');
