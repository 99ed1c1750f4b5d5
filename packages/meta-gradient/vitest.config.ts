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
    // the exact-mode and sampled checks moved here from the trainer are heavy (float64 finite
    // differences, many episodes): generous, so that no test depends on machine speed
    testTimeout: 300_000,
  },
});
