import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Load tfjs-core exactly as Node consumers do (its CJS `main`), not Vite's `module` pick:
    // the engine under test must be the one users get.
    alias: [
      { find: /^@tensorflow\/tfjs-core$/, replacement: require.resolve('@tensorflow/tfjs-core') },
      // Tests only: the exact tabular toolkit straight from its source (no build needed).
      {
        find: /^@bomrl\/envs\/tabular$/,
        replacement: fileURLToPath(new URL('../envs/src/tabular/index.ts', import.meta.url)),
      },
      // The README snippet imports the package by name.
      {
        find: /^@bomrl\/adaptation$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
      {
        find: /^@bomrl\/envs$/,
        replacement: fileURLToPath(new URL('../envs/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    // tfjs-core's gradient modules are ESM with extension-less imports: let Vite transform them,
    // as the published build bundles them. The CJS entry itself stays a plain Node require.
    server: { deps: { inline: [/@tensorflow[\\/]tfjs-core[\\/]dist[\\/](?!tf-core\.node\.js)/] } },
    setupFiles: ['./src/test-setup.ts'],
    testTimeout: 60_000,
  },
});
