import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : ext.test(name) ? [path] : [];
  });
}

/** Module specifiers of static imports, re-exports, dynamic imports and requires. */
function specifiers(code: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...code.matchAll(re)].map((m) => m[1] as string);
}

describe('@bomrl/envs has no TensorFlow.js', () => {
  it('declares no @tensorflow dependency of any kind', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      expect(Object.keys(pkg[field] ?? {}).filter((d) => d.startsWith('@tensorflow/'))).toEqual([]);
    }
  });

  it('imports no @tensorflow module in its sources, and the tabular entries never reach MuJoCo', () => {
    const sources = files(join(root, 'src'), /\.ts$/);
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) {
      const bad = specifiers(readFileSync(file, 'utf8')).filter((s) => s.startsWith('@tensorflow'));
      expect({ file: relative(root, file), bad }).toEqual({ file: relative(root, file), bad: [] });
    }
    // Type tests (`*.test-d.ts`) are compiled by tsc only, never bundled, so they may name
    // the MuJoCo env types.
    const outsideMujoco = sources.filter(
      (f) => !relative(join(root, 'src'), f).startsWith('mujoco') && !f.endsWith('.test-d.ts'),
    );
    for (const file of outsideMujoco) {
      const bad = specifiers(readFileSync(file, 'utf8')).filter((s) => s.includes('mujoco'));
      expect({ file: relative(root, file), bad }).toEqual({ file: relative(root, file), bad: [] });
    }
  });

  it.skipIf(!existsSync(join(root, 'dist/index.js')))(
    'built index and tabular bundles import neither tfjs nor MuJoCo',
    () => {
      for (const name of ['index.js', 'index.cjs', 'tabular.js', 'tabular.cjs']) {
        const path = join(root, 'dist', name);
        if (!existsSync(path)) continue;
        const bad = specifiers(readFileSync(path, 'utf8')).filter(
          (s) => s.startsWith('@tensorflow') || s.includes('mujoco'),
        );
        expect({ name, bad }).toEqual({ name, bad: [] });
      }
    },
  );
});
