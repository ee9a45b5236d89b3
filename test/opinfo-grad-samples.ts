// The OpInfo gradcheck samples (test/fixtures/opinfo/*.json.gz) re-run through another check whose Python
// verdicts a fixture holds (gradgradcheck, forward-mode gradcheck): one test per op the fixture has, each first
// checking that the OpInfo fixture still gradchecks the sample the verdict was recorded for.
import { expect, it } from 'vitest';

import { loadShard, SHARDS } from '../scripts/opinfo.mjs';
import type { OpInfoEntry } from '../scripts/opinfo.mjs';

export function eachGradSample<E extends { sample: Record<string, unknown> }>(
  verdicts: Record<string, E>,
  fixtureScript: string,
  title: (expected: E) => string,
  check: (entry: OpInfoEntry, seed: number, expected: E) => void,
): void {
  const seen = new Set<string>();
  for (let shard = 0; shard < SHARDS; shard++) {
    const ops = loadShard(shard);
    for (const [key, entry] of Object.entries(ops.ops)) {
      const expected = verdicts[key];
      if (!expected || entry.excluded || !entry.grad) continue;
      seen.add(key);
      it(`${key}: ${title(expected)}`, () => {
        const { pass: _pass, elements: _elements, args: _args, kwargs: _kwargs, wrapped: _wrapped, ...sample } = entry.grad!;
        expect(sample, `the OpInfo fixture now gradchecks another sample: rerun ${fixtureScript}`).toEqual(expected.sample);
        check(entry, ops.seed, expected);
      });
    }
  }
  it('covers every op of the fixture', () => {
    expect(Object.keys(verdicts).filter((key) => !seen.has(key))).toEqual([]);
  });
}
