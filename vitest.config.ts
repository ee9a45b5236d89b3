import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native tensors are process-global state (grad mode, RNG): one worker process per file, files in sequence.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    setupFiles: ['test/setup-yield.ts'],
    // The golden fixtures were made on the AVX2 kernels (scripts/make-fixtures.py): libtorch 2.13 picks
    // its kernel set when it loads, so the variable must be set before any test file imports the addon.
    env: { ATEN_CPU_CAPABILITY: 'avx2' },
  },
});
