// torch.autograd.gradgradcheck over PyTorch's OpInfos: for every op with supports_gradgrad, the sample its OpInfo
// gradcheck uses (test/fixtures/opinfo/*.json.gz), in fast mode as PyTorch's own OpInfo tests run it; the verdict
// (or the error) must be Python's (test/fixtures/opinfo-gradgrad.json, from scripts/make-opinfo-gradgrad-fixtures.py).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { gradFunction, loadShard, SHARDS } from '../scripts/opinfo.mjs';

type Expected = { pass: boolean } | { raises: string; message: string };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/opinfo-gradgrad.json', import.meta.url), 'utf8')) as { torch: string; seed: number; ops: Record<string, Expected> };

describe(`gradgradcheck (fast mode) of the OpInfo gradcheck samples against PyTorch ${fixture.torch}`, () => {
  it('comes from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
  });
  const seen = new Set<string>();
  for (let shard = 0; shard < SHARDS; shard++) {
    const ops = loadShard(shard);
    for (const [key, entry] of Object.entries(ops.ops as Record<string, { grad?: unknown; excluded?: string }>)) {
      const expected = fixture.ops[key];
      if (!expected || entry.excluded || !entry.grad) continue;
      seen.add(key);
      it(`${key}: ${'pass' in expected ? (expected.pass ? 'passes' : 'fails') : `throws ${expected.raises}`}`, () => {
        torch.tidy(() => {
          const { fn, leaves, error } = gradFunction(entry, ops.seed) as { fn: (...xs: torch.Tensor[]) => torch.Tensor[]; leaves: torch.Tensor[]; error?: string };
          expect(error).toBeUndefined();
          torch.manualSeed(fixture.seed);
          const check = () => torch.autograd.gradgradcheck(fn, leaves, null, { fastMode: true, raiseException: false });
          if ('pass' in expected) expect(check()).toBe(expected.pass);
          else expect(check).toThrow(expected.message);
        });
      });
    }
  }
  it('covers every op of the fixture', () => {
    expect(Object.keys(fixture.ops).filter((key) => !seen.has(key))).toEqual([]);
  });
});
