import { defineConfig } from 'vitest/config';

// Generous: MuJoCo model compilation and the Monte Carlo checks take seconds on a loaded
// 2-core machine. No test depends on machine speed; the heaviest also set their own timeout.
export default defineConfig({
  test: {
    testTimeout: 120_000,
  },
});
