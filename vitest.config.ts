import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native tensors are process-global state (grad mode, RNG): one worker process per file, files in sequence.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    // A describe.concurrent block starts all its tests at once (test/crash.test.ts runs them in shared children).
    maxConcurrency: 1000,
    setupFiles: ['test/setup-yield.ts'],
    // The golden fixtures were made on the AVX2 kernels (scripts/make-fixtures.py): libtorch 2.13 picks
    // its kernel set when it loads, so the variable must be set before any test file imports the addon.
    // MKL and oneDNN pick kernels by processor too: pinned to what made the fixtures (an AMD EPYC: MKL's
    // AVX2 kernels, oneDNN's AVX-512 ones), so that an Intel machine with AMX or MKL's AVX-512 paths gives the same bits.
    // A machine without AVX-512 cannot run oneDNN's: test/cpu-model.ts says which comparisons loosen there.
    env: { ATEN_CPU_CAPABILITY: 'avx2', MKL_ENABLE_INSTRUCTIONS: 'AVX2', ONEDNN_MAX_CPU_ISA: 'AVX512_CORE_BF16' },
  },
});
