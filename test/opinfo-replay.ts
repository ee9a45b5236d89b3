// One shard of the OpInfo suite (test/opinfo-<k>.test.ts each run one, so vitest can run shards in
// parallel): every OpInfo sample of the shard through the public JS API (scripts/opinfo.mjs), compared
// with Python torch 2.13; a failing call must be in test/fixtures/opinfo-known-failures.txt, and a listed
// call that passes now fails the suite, so the list only shrinks.
import { describe, expect, it } from 'vitest';
import { judge, loadKnownFailures, loadShard, replayOp } from '../scripts/opinfo.mjs';

const known = loadKnownFailures();

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
        expect({ unexpected, stale }).toEqual({ unexpected: [], stale: [] });
      });
    }
  });
}
