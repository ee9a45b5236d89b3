// Golden tests: each case is a snippet run by real PyTorch 2.13 (scripts/make-fixtures.py, which
// also translates it to the torchnode spelling); the fixtures hold the inputs, the JS snippet and
// PyTorch's result. Regenerate with: npm run fixtures (the project venv's torch 2.13)
//
// Comparison is bit-exact (dtype, shape, every value; -0 and NaN included) except where a case
// carries a tolerance: float matmul/mm/bmm/mv/dot go through BLAS, which picks its kernel by CPU
// model, so those allow rtol 1e-6 (float32) / 1e-13 (float64). Everything else is the same libtorch
// kernel on the same inputs, which is deterministic once the vectorised kernel set and the thread
// count are pinned as the generator pinned them (below).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { caseName, replay, type GoldenFixture } from './golden-replay.js';

// ATEN_CPU_CAPABILITY=avx2 comes from vitest.config.ts (libtorch reads it when it loads).
torch.setNumThreads(1);

const FAMILIES = ['creation', 'arithmetic', 'comparison', 'reductions', 'views', 'autograd', 'printing'];
const fixtures = new Map<string, GoldenFixture>(
  FAMILIES.map((f) => [f, JSON.parse(readFileSync(new URL(`./fixtures/${f}.json`, import.meta.url), 'utf8')) as GoldenFixture]),
);

// ---- the tests ------------------------------------------------------------------------------

// The fixtures come from Python torch 2.13: bit-exact comparison needs the same libtorch release.
// On another release (the GPU machine's 2.11) the cases are skipped, and the first test says why.
const fixtureSeries = fixtures.get('creation')!.meta.torch.split('.').slice(0, 2).join('.');
const sameRelease = torch.buildInfo().torchVersion.startsWith(fixtureSeries + '.');

describe('golden fixtures', () => {
  if (!sameRelease) it.skip(`cases skipped: the fixtures are from torch ${fixtureSeries}, this libtorch is ${torch.buildInfo().torchVersion}`, () => {});

  it.runIf(sameRelease)('run on the kernels the fixtures were made with', () => {
    const meta = fixtures.get('creation')!.meta;
    expect(fixtureSeries).toBe('2.13');
    expect(torch.buildInfo().config).toContain(`CPU capability usage: ${meta.cpuCapability}`);
    expect(torch.getNumThreads()).toBe(meta.threads);
  });

  it('cover enough cases', () => {
    const n = [...fixtures.values()].reduce((s, f) => s + f.cases.length, 0);
    expect(n).toBeGreaterThanOrEqual(250);
  });
});

for (const [family, fx] of fixtures) {
  describe.runIf(sameRelease)(family, () => {
    for (const c of fx.cases) it(caseName(c), () => replay(fx, c));
  });
}
