// torch.autograd.gradgradcheck over PyTorch's OpInfos, in one mode (fast, slow, or forward over reverse as
// PyTorch's test_fn_fwgrad_bwgrad runs it): for every op with supports_gradgrad, the sample its OpInfo gradcheck
// uses (test/fixtures/opinfo/*.json.gz); the verdict (or the error) must be Python's (test/fixtures/opinfo-gradgrad.json,
// from scripts/make-opinfo-gradgrad-fixtures.py). One test file per mode, so that vitest runs them side by side.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { gradFunction } from '../scripts/opinfo.mjs';
import { eachGradSample } from './opinfo-grad-samples.js';

type Verdict = { pass: boolean } | { raises: string; message: string };
type Mode = 'fast' | 'slow' | 'fwdOverRev';
type Expected = { [mode in Mode]?: Verdict } & { sample: Record<string, unknown> };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/opinfo-gradgrad.json', import.meta.url), 'utf8')) as { torch: string; seed: number; ops: Record<string, Expected> };

const OPTIONS: Record<Mode, torch.GradgradcheckOptions> = {
  fast: { fastMode: true },
  slow: { fastMode: false },
  fwdOverRev: { fastMode: true, checkFwdOverRev: true, checkRevOverRev: false, checkUndefinedGrad: false },
};
const TITLES: Record<Mode, string> = { fast: 'fast mode', slow: 'slow mode', fwdOverRev: 'forward over reverse, fast mode' };

export function gradgradSuite(mode: Mode): void {
  // no slow verdict where the gradcheck itself is fast-mode only (its slow-mode Jacobians are over the caps), no
  // forward-over-reverse one where the OpInfo has no supports_fwgrad_bwgrad
  const verdicts = Object.fromEntries(Object.entries(fixture.ops).filter(([, expected]) => expected[mode] !== undefined));
  describe(`gradgradcheck (${TITLES[mode]}) of the OpInfo gradcheck samples against PyTorch ${fixture.torch}`, () => {
    it('comes from Python torch 2.13', () => {
      expect(fixture.torch).toMatch(/^2\.13\./);
    });
    eachGradSample(verdicts, 'scripts/make-opinfo-gradgrad-fixtures.py',
      (expected) => {
        const verdict = expected[mode]!;
        return 'pass' in verdict ? (verdict.pass ? 'passes' : 'fails') : `throws ${verdict.raises}`;
      },
      (entry, seed, expected) => torch.tidy(() => {
        const verdict = expected[mode]!;
        const { fn, leaves, error } = gradFunction(entry, seed);
        expect(error).toBeUndefined();
        if (!fn) return;
        torch.manualSeed(fixture.seed);
        const check = () => torch.autograd.gradgradcheck(fn, leaves, null, { ...OPTIONS[mode], raiseException: false });
        if ('pass' in verdict) expect(check()).toBe(verdict.pass);
        else expect(check).toThrow(verdict.message);
      }));
  });
}
