// torch.autograd.gradgradcheck over PyTorch's OpInfos: for every op with supports_gradgrad, the sample its OpInfo
// gradcheck uses (test/fixtures/opinfo/*.json.gz), in fast mode as PyTorch's own OpInfo tests run it; the verdict
// (or the error) must be Python's (test/fixtures/opinfo-gradgrad.json, from scripts/make-opinfo-gradgrad-fixtures.py).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { gradFunction, loadShard, SHARDS } from '../scripts/opinfo.mjs';

type Expected = ({ pass: boolean } | { raises: string; message: string }) & { sample: Record<string, unknown> };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/opinfo-gradgrad.json', import.meta.url), 'utf8')) as { torch: string; seed: number; ops: Record<string, Expected> };

describe(`gradgradcheck (fast mode) of the OpInfo gradcheck samples against PyTorch ${fixture.torch}`, () => {
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
        expect(sample, 'the OpInfo fixture now gradchecks another sample: rerun scripts/make-opinfo-gradgrad-fixtures.py').toEqual(expected.sample);
        torch.tidy(() => {
          const { fn, leaves, error } = gradFunction(entry, ops.seed);
          expect(error).toBeUndefined();
          if (!fn) return;
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
