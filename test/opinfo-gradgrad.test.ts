// torch.autograd.gradgradcheck over PyTorch's OpInfos: for every op with supports_gradgrad, the sample its OpInfo
// gradcheck uses (test/fixtures/opinfo/*.json.gz), in fast mode as PyTorch's own OpInfo tests run it; the verdict
// (or the error) must be Python's (test/fixtures/opinfo-gradgrad.json, from scripts/make-opinfo-gradgrad-fixtures.py).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { gradFunction } from '../scripts/opinfo.mjs';
import { eachGradSample } from './opinfo-grad-samples.js';

type Expected = ({ pass: boolean } | { raises: string; message: string }) & { sample: Record<string, unknown> };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/opinfo-gradgrad.json', import.meta.url), 'utf8')) as { torch: string; seed: number; ops: Record<string, Expected> };

describe(`gradgradcheck (fast mode) of the OpInfo gradcheck samples against PyTorch ${fixture.torch}`, () => {
  it('comes from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
  });
  eachGradSample(fixture.ops, 'scripts/make-opinfo-gradgrad-fixtures.py',
    (expected) => ('pass' in expected ? (expected.pass ? 'passes' : 'fails') : `throws ${expected.raises}`),
    (entry, seed, expected) => torch.tidy(() => {
      const { fn, leaves, error } = gradFunction(entry, seed);
      expect(error).toBeUndefined();
      if (!fn) return;
      torch.manualSeed(fixture.seed);
      const check = () => torch.autograd.gradgradcheck(fn, leaves, null, { fastMode: true, raiseException: false });
      if ('pass' in expected) expect(check()).toBe(expected.pass);
      else expect(check).toThrow(expected.message);
    }));
});
