import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // MuJoCo tests build hundreds of models and run thousands of physics steps: seconds alone,
    // far more on a shared, loaded machine. Speed is measured by `pnpm bench:envs`, not here.
    testTimeout: 120_000,
  },
});
