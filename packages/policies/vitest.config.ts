import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const require = createRequire(import.meta.url);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * `virtual:readme-snippet` is the README's first ```js block, served as a module that lives in
 * this package's directory (so its bare imports resolve as a user's would). The README test
 * imports it: the snippet users copy is exactly the code that runs.
 */
function readmeSnippet(): Plugin {
  const id = here('./README.snippet.virtual.js');
  return {
    name: 'bomrl-readme-snippet',
    resolveId: (source) => (source === 'virtual:readme-snippet' ? id : null),
    load(source) {
      if (source !== id) return null;
      const match = readFileSync(here('./README.md'), 'utf8').match(/```js\n([\s\S]*?)```/);
      if (!match?.[1]) throw new Error('README.md has no ```js snippet');
      return match[1];
    },
  };
}

export default defineConfig({
  plugins: [readmeSnippet()],
  resolve: {
    alias: [
      // One tfjs engine, loaded exactly as Node consumers load it (tfjs-core's CJS `main`), for
      // both these tests and @bomrl/core's built dist.
      { find: /^@tensorflow\/tfjs-core$/, replacement: require.resolve('@tensorflow/tfjs-core') },
      // The README snippet imports the package by name; tests run it against the sources.
      {
        find: /^@bomrl\/policies$/,
        replacement: here('./src/index.ts'),
      },
    ],
  },
  test: {
    setupFiles: ['./src/test-setup.ts'],
    // Generous: a test must not fail because ~5 processes share 2 cores (heavy tests were
    // seen at 150 s under such load). Speed is measured by benchmarks, never by tests.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
