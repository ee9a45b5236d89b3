import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native tensors are process-global state (grad mode, RNG): one worker process per file, files in sequence.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
  },
});
