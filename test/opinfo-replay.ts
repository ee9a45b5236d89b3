// One shard of the OpInfo suite (test/opinfo-<k>.test.ts each run one, so vitest can run shards in
// parallel): every OpInfo sample of the shard through the public JS API (scripts/opinfo.mjs), compared
// with Python torch 2.13; a failing call must be in test/fixtures/opinfo-known-failures.txt, and a listed
// call that passes now fails the suite, so the list only shrinks.
import { describe, expect, it } from 'vitest';
import { judge, loadKnownFailures, loadShard, replayOp } from '../scripts/opinfo.mjs';
import { sameKernels } from './cpu-model.js';

const known = loadKnownFailures();
// oneDNN's bfloat16 transposed convolutions (bf16 arithmetic on AVX512_CORE_BF16, converted on AVX2) and its
// complex64 conv2d round beyond OpInfo's tolerances off the fixture's ISA (test/cpu-model.ts): not judged there.
const ISA_DEPENDENT = /^nn\.functional\.conv(_transpose[123]d function bfloat16|2d function complex64) /;

export function opinfoShard(shard: number): void {
  const fixture = loadShard(shard);
  describe(`OpInfo shard ${shard} (PyTorch ${fixture.torch})`, () => {
    it('comes from Python torch 2.13', () => {
      expect(fixture.torch).toMatch(/^2\.13\./);
    });
    for (const [key, entry] of Object.entries(fixture.ops)) {
      if (entry.excluded || (!entry.grad && Object.keys(entry.dtypes ?? {}).length === 0)) continue;
      it(key, () => {
        const { unexpected, stale } = judge(replayOp(key, entry, fixture.seed), known.filter((k) => k.key === key));
        expect({ unexpected: sameKernels ? unexpected : unexpected.filter((u: string) => !ISA_DEPENDENT.test(u)), stale }).toEqual({ unexpected: [], stale: [] });
      });
    }
  });
}
