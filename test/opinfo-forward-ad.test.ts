// torch.autograd.gradcheck with forward-mode AD only (checkForwardAd: true, checkBackwardAd: false,
// checkUndefinedGrad: false: PyTorch's own test_forward_mode_AD settings), in fast and in slow mode, over PyTorch's OpInfos: for every
// op with supports_forward_ad, the sample its OpInfo gradcheck uses (test/fixtures/opinfo/*.json.gz); the verdict (or
// the error) must be Python's (test/fixtures/opinfo-forward-ad.json, from scripts/make-opinfo-forward-ad-fixtures.py).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { gradFunction } from '../scripts/opinfo.mjs';
import { eachGradSample } from './opinfo-grad-samples.js';

type Verdict = { pass: boolean } | { raises: string; message: string };
type Expected = { fast: Verdict; slow: Verdict; sample: Record<string, unknown> };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/opinfo-forward-ad.json', import.meta.url), 'utf8')) as { torch: string; ops: Record<string, Expected> };
const OPTIONS = { checkForwardAd: true, checkBackwardAd: false, checkUndefinedGrad: false, raiseException: false } as const;
const said = (v: Verdict): string => ('pass' in v ? (v.pass ? 'passes' : 'fails') : `throws ${v.raises}`);

describe(`gradcheck with forward-mode AD (fast and slow mode) of the OpInfo gradcheck samples against PyTorch ${fixture.torch}`, () => {
  it('comes from Python torch 2.13', () => {
    expect(fixture.torch).toMatch(/^2\.13\./);
  });
  eachGradSample(fixture.ops, 'scripts/make-opinfo-forward-ad-fixtures.py',
    (expected) => `fast mode ${said(expected.fast)}, slow mode ${said(expected.slow)}`,
    (entry, seed, expected) => {
      for (const mode of ['fast', 'slow'] as const) {
        torch.tidy(() => {
          const { fn, leaves, error } = gradFunction(entry, seed);
          expect(error).toBeUndefined();
          if (!fn) return;
          const check = () => torch.autograd.gradcheck(fn, leaves, { ...OPTIONS, fastMode: mode === 'fast' });
          const want = expected[mode];
          if ('pass' in want) expect(check(), `${mode} mode`).toBe(want.pass);
          else expect(check, `${mode} mode`).toThrow(want.message);
        });
      }
    });
});
