// torch.autograd.gradcheck with forward-mode AD only (checkForwardAd: true, checkBackwardAd: false,
// checkUndefinedGrad: false, fast mode: PyTorch's own test_forward_mode_AD settings) over PyTorch's OpInfos: for every
// op with supports_forward_ad, the sample its OpInfo gradcheck uses (test/fixtures/opinfo/*.json.gz); the verdict (or
// the error) must be Python's (test/fixtures/opinfo-forward-ad.json, from scripts/make-opinfo-forward-ad-fixtures.py).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { gradFunction, loadShard, SHARDS } from '../scripts/opinfo.mjs';

type Expected = ({ pass: boolean } | { raises: string; message: string }) & { sample: Record<string, unknown> };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/opinfo-forward-ad.json', import.meta.url), 'utf8')) as { torch: string; ops: Record<string, Expected> };
const OPTIONS = { checkForwardAd: true, checkBackwardAd: false, checkUndefinedGrad: false, fastMode: true, raiseException: false } as const;

describe(`gradcheck with forward-mode AD (fast mode) of the OpInfo gradcheck samples against PyTorch ${fixture.torch}`, () => {
  it('comes from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
  });
  const seen = new Set<string>();
  for (let shard = 0; shard < SHARDS; shard++) {
    const ops = loadShard(shard);
    for (const [key, entry] of Object.entries(ops.ops)) {
      const expected = fixture.ops[key];
      if (!expected || entry.excluded || !entry.grad) continue;
      seen.add(key);
      it(`${key}: ${'pass' in expected ? (expected.pass ? 'passes' : 'fails') : `throws ${expected.raises}`}`, () => {
        const { pass: _pass, elements: _elements, args: _args, kwargs: _kwargs, ...sample } = entry.grad!;
        expect(sample, 'the OpInfo fixture now gradchecks another sample: rerun scripts/make-opinfo-forward-ad-fixtures.py').toEqual(expected.sample);
        torch.tidy(() => {
          const { fn, leaves, error } = gradFunction(entry, ops.seed);
          expect(error).toBeUndefined();
          if (!fn) return;
          const check = () => torch.autograd.gradcheck(fn, leaves, OPTIONS);
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
