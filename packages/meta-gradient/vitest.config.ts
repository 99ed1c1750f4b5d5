import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    alias: [
      // Load tfjs-core exactly as Node consumers do (its CJS `main`), as @bomrl/core's tests do:
      // one engine, the one users get.
      { find: /^@tensorflow\/tfjs-core$/, replacement: require.resolve('@tensorflow/tfjs-core') },
      // The README snippet imports the package by its public name; test it against the source.
      {
        find: /^@bomrl\/meta-gradient$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    server: { deps: { inline: [/@tensorflow[\\/]tfjs-core[\\/]dist[\\/](?!tf-core\.node\.js)/] } },
    setupFiles: ['./src/test-setup.ts'],
    // Generous: a test must not fail because ~5 processes share 2 cores (heavy tests were
    // seen at 150 s under such load). Speed is measured by benchmarks, never by tests.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
