import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Load tfjs-core exactly as Node consumers do (its CJS `main`), not Vite's `module` pick:
    // the engine under test must be the one users get.
    alias: [
      { find: /^@tensorflow\/tfjs-core$/, replacement: require.resolve('@tensorflow/tfjs-core') },
    ],
  },
  test: {
    // tfjs-core's gradient modules are ESM with extension-less imports: let Vite transform them,
    // as the published build bundles them. The CJS entry itself stays a plain Node require.
    server: { deps: { inline: [/@tensorflow[\\/]tfjs-core[\\/]dist[\\/](?!tf-core\.node\.js)/] } },
    setupFiles: ['./src/test-setup.ts'],
    // Generous: a test must not fail because ~5 processes share 2 cores (heavy tests were
    // seen at 150 s under such load). Speed is measured by benchmarks, never by tests.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
