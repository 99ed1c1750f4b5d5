import { defineConfig, type Options } from 'tsup';

/**
 * The one build every package uses: dual ESM/CJS with per-format declaration files
 * (`.d.ts` next to `.js`, `.d.cts` next to `.cjs`), so `exports` can give each condition its
 * own types. `extra` lets a package bundle what it must (e.g. tfjs-core's gradient modules).
 */
export function packageBuild(entry: Record<string, string>, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
