// torch.autograd.gradgradcheck against Python torch 2.13's verdicts (test/fixtures/gradgradcheck.json, from
// scripts/make-gradgradcheck-fixtures.py): the same functions, inputs and seed give the same pass/fail and the
// same first words of the error, in slow and fast mode and forward over reverse; random grad_outputs are Python's draws (the RNG stands
// where Python left it after the check) and fast mode's projections v^T J u are Python's to the last digit.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { decode } from '../scripts/pyvalues.mjs';
import { custom } from './custom-function.js';

type T = torch.Tensor;

interface Verdict {
  pass: boolean;
  error?: string;
  /** the Python class of an error other than GradcheckError (a custom Function without jvp under forward AD) */
  raises?: string;
  slowOk?: boolean;
  projections?: [string, string];
  /** two torch.rand float64 draws made right after the check */
  after: [number, number];
}
interface Case {
  inputs: unknown[];
  gradOutputs?: { value: unknown; requiresGrad: boolean }[];
  options: { eps?: number; atol?: number; rtol?: number; nondet_tol?: number; check_undefined_grad?: boolean; gen_non_contig_grad_outputs?: boolean; check_batched_grad?: boolean };
  slow: Verdict;
  fast: Verdict;
  /** checkFwdOverRev: true, checkRevOverRev: false, checkUndefinedGrad: false (slow mode) */
  fwdOverRev: Verdict;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gradgradcheck.json', import.meta.url), 'utf8')) as { torch: string; seed: number; cases: Record<string, Case> };

const cubeRight = custom((x) => x.pow(3), (x, g) => g.mul(3).mul(x.pow(2)));
const cubeDetached = custom((x) => x.pow(3), (x, g) => g.mul(3).mul(x.detach().pow(2)));
const noisyTriple = custom((x) => x.mul(3), (_x, g) => g.mul(torch.randLike(g).mul(1e-12).add(3)));
const cubeNoisyBackward = custom((x) => x.pow(3), (x, g) => noisyTriple(g).mul(x.pow(2)));

/** x^2 whose backward runs g through a Function (times 2) coping with an all-zero grad once in its own backward. */
function zeroGradOnce(fail: 'raise' | 'ones'): (x: T) => T {
  let seen = 0;
  const twice = custom((y) => y.mul(2), (_y, h) => {
    if (h.eq(0).all().item()) {
      seen += 1;
      if (seen > 1) {
        if (fail === 'raise') throw new Error('double backward got an undefined grad');
        return torch.onesLike(h);
      }
    }
    return h.mul(2);
  });
  return custom((x) => x.mul(x), (x, g) => twice(g).mul(x));
}

const sinOfProduct = (a: T, b: T) => a.mul(b).sin();
const FUNCTIONS: Record<string, () => (...xs: T[]) => T | T[]> = {
  'sin of a product': () => sinOfProduct,
  'sin of a product, non-contiguous grad_outputs': () => sinOfProduct,
  'two outputs (std_mean)': () => (a) => torch.stdMean(a!, 0),
  'sin of a product, check_batched_grad': () => sinOfProduct,
  'given grad_output': () => (a) => a!.exp().mul(a!),
  'given grad_output that does not require grad': () => (a) => a!.exp().mul(a!),
  'abs of complex input': () => (a) => a!.abs(),
  'z times conj z': () => (a) => a!.mul(a!.conj()),
  'fft of real input (complex output)': () => (a) => torch.fft.fft(a!),
  'right double backward (cube)': () => (a) => cubeRight(a!),
  'wrong double backward (detached in backward)': () => (a) => cubeDetached(a!),
  'double backward not reentrant': () => (a) => cubeNoisyBackward(a!),
  'double backward not reentrant within nondet_tol': () => (a) => cubeNoisyBackward(a!),
  'double backward raises on an undefined grad': () => zeroGradOnce('raise'),
  'double backward gives non-zero grads for an undefined grad': () => zeroGradOnce('ones'),
  'double backward raises on an undefined grad, check_undefined_grad off': () => zeroGradOnce('raise'),
  'larger eps': () => (a) => a!.pow(3).sin(),
  'larger eps and atol': () => (a) => a!.pow(3).sin(),
};

/** Python's options in camelCase. */
function jsOptions(options: Case['options'], mode: 'slow' | 'fast' | 'fwdOverRev'): torch.GradgradcheckOptions {
  const names: Record<string, string> = { nondet_tol: 'nondetTol', check_undefined_grad: 'checkUndefinedGrad', gen_non_contig_grad_outputs: 'genNonContigGradOutputs', check_batched_grad: 'checkBatchedGrad' };
  const camel = Object.fromEntries(Object.entries(options).map(([k, v]) => [names[k] ?? k, v]));
  if (mode !== 'fwdOverRev') return { ...camel, fastMode: mode === 'fast' };
  // forward over reverse only: the options reverse mode needs are dropped, as the fixture script drops them
  const { checkUndefinedGrad: _undefined, checkBatchedGrad: _batched, ...rest } = camel;
  return { ...rest, checkFwdOverRev: true, checkRevOverRev: false, checkUndefinedGrad: false };
}

describe(`autograd.gradgradcheck against PyTorch ${fixture.torch}`, () => {
  it('covers every recorded case', () => {
    expect(Object.keys(FUNCTIONS).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
  for (const [name, c] of Object.entries(fixture.cases)) {
    for (const mode of ['slow', 'fast', 'fwdOverRev'] as const) {
      const expected = c[mode];
      it(`${name}, ${mode === 'fwdOverRev' ? 'forward over reverse' : `${mode} mode`}: ${expected.pass ? 'passes' : expected.raises ? `throws ${expected.raises}` : `fails (${expected.error})`}`, () => {
        const inputs = (c.inputs.map(decode) as T[]).map((x) => x.requiresGrad_());
        const gradOutputs = c.gradOutputs?.map((g) => (decode(g.value) as T).requiresGrad_(g.requiresGrad)) ?? null;
        const options = jsOptions(c.options, mode);
        torch.manualSeed(fixture.seed);
        if (expected.raises) {
          expect(() => torch.autograd.gradgradcheck(FUNCTIONS[name]!(), inputs, gradOutputs, { ...options, raiseException: false })).toThrow(expected.error);
          expect(torch.rand([2], { dtype: torch.float64 }).tolist()).toEqual(expected.after);
          return;
        }
        expect(torch.autograd.gradgradcheck(FUNCTIONS[name]!(), inputs, gradOutputs, { ...options, raiseException: false })).toBe(expected.pass);
        expect(torch.rand([2], { dtype: torch.float64 }).tolist()).toEqual(expected.after);
        torch.manualSeed(fixture.seed);
        let error: Error | null = null;
        try {
          expect(torch.autograd.gradgradcheck(FUNCTIONS[name]!(), inputs, gradOutputs, options)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(torch.autograd.GradcheckError);
          error = e as Error;
        }
        expect(torch.rand([2], { dtype: torch.float64 }).tolist()).toEqual(expected.after);
        if (expected.pass) return;
        expect(error?.message).toContain(expected.error);
        if (expected.slowOk !== undefined) expect(error!.message.includes('Fast gradcheck failed but element-wise differences are small')).toBe(expected.slowOk);
        if (expected.projections) expect(/numerical:(\S+)\nanalytical:(\S+)\n/.exec(error!.message)?.slice(1)).toEqual(expected.projections);
      });
    }
  }
  it('takes the options object in place of gradOutputs, and refuses misuse', () => {
    const x = torch.randn([3], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradgradcheck((a) => a.pow(3), [x], { fastMode: true })).toBe(true);
    expect(torch.autograd.gradgradcheck((a) => a.pow(3), x, undefined, { eps: 1e-6 })).toBe(true);
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [x], null, { nonContig: true } as never)).toThrow(/nonContig/);
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [x], [3 as never])).toThrow(TypeError);
    expect(torch.autograd.gradgradcheck((a) => a.pow(3), [x], { checkFwdOverRev: false, checkRevOverRev: true })).toBe(true);
    expect(torch.autograd.gradgradcheck((a) => a.pow(3), [x], { checkFwdOverRev: true })).toBe(true);   // both modes
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [x], { checkFwdOverRev: false, checkRevOverRev: false })).toThrow(/at least one of check_fwd_over_rev or check_rev_over_rev/);
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [x], { checkFwdOverRev: true, checkRevOverRev: false })).toThrow(/check_undefined_grad=True requires check_rev_over_rev/);
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [x], { checkFwdOverRev: true, checkRevOverRev: false, checkUndefinedGrad: false, checkBatchedGrad: true })).toThrow(/check_batched_grad=True requires check_rev_over_rev/);
    expect(() => torch.autograd.gradgradcheck((a) => a.pow(3), [x.detach()])).toThrow(/gradcheck expects at least one input tensor to require gradient/);
  });
});
