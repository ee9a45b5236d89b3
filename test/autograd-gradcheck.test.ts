// torch.autograd.gradcheck against Python torch 2.13's verdicts (test/fixtures/gradcheck.json, from
// scripts/make-gradcheck-fixtures.py): the same functions and inputs, the same pass/fail, and on failure
// the same first words of the error (Jacobian mismatch, the imaginary part of a complex output,
// reentrancy, a backward that ignores grad_output, a non-zero numerical gradient with no differentiable output,
// a backward that does not handle undefined output grads), in slow mode and in fast mode, where the random
// projections v^T J u printed in the error must be Python's to the last digit.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { decode } from '../scripts/pyvalues.mjs';
import { custom } from './custom-function.js';

type T = torch.Tensor;

interface Verdict {
  pass: boolean;
  error?: string;
  /** fast mode: Python's 'Fast gradcheck failed but element-wise differences are small' */
  slowOk?: boolean;
  /** fast mode: the numerical and analytical v^T J u of the error message */
  projections?: [string, string];
}
interface Case extends Verdict {
  inputs: unknown[];
  options: { eps?: number; atol?: number; rtol?: number; nondet_tol?: number; check_undefined_grad?: boolean };
  fast: Verdict;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gradcheck.json', import.meta.url), 'utf8')) as { torch: string; cases: Record<string, Case> };

const squareConjWrong = custom((x) => x.mul(x), (x, g) => g.mul(2).mul(x));
const squareConjRight = custom((x) => x.mul(x), (x, g) => g.mul(2).mul(x.conj()));
const expTwice = custom((x) => x.exp(), (x, g) => g.mul(x.exp()).mul(2));
const sinOff = custom((x) => x.sin(), (x, g) => g.mul(x.cos()).mul(1 + 5e-4));
const ignoresGrad = custom((x) => x.clone(), (_x, g) => torch.onesLike(g));
const noisy = custom((x) => x.mul(3), (_x, g) => g.mul(torch.randLike(g).mul(1e-12).add(3)));
const toComplexRealOnly = custom((x) => torch.complex(x, x.mul(2)), (_x, g) => g.real);
const toComplexRight = custom((x) => torch.complex(x, x.mul(2)), (_x, g) => g.real.add(g.imag.mul(2)));

const firstMinusThirdOff = custom((x) => x.narrow(0, 0, 1).sub(x.narrow(0, 2, 1)), (_x, g) => torch.cat([g.mul(1 + 9e-4), torch.zerosLike(g), g.neg()]));

/** sin whose backward copes with an all-zero grad once; the next (the undefined-grad check's) raises or gives ones. */
function zeroGradOnce(fail: 'raise' | 'ones'): (x: T) => T {
  let seen = 0;
  return custom((x) => x.sin(), (x, g) => {
    if (g.eq(0).all().item()) {
      seen += 1;
      if (seen > 1) {
        if (fail === 'raise') throw new Error('backward got an undefined grad');
        return torch.onesLike(g);
      }
    }
    return g.mul(x.cos());
  });
}

// a case's function; a fresh one per gradcheck for the stateful zero-grad-once ones
const FUNCTIONS: Record<string, () => (...xs: T[]) => T | T[]> = Object.fromEntries(Object.entries({
  'sin of a product': (a, b) => a!.mul(b!).sin(),
  'fft of real input (complex output)': (a) => torch.fft.fft(a!),
  'fft of complex input': (a) => torch.fft.fft(a!),
  'abs of complex input': (a) => a!.abs(),
  'view_as_real': (a) => torch.viewAsReal(a!),
  'polar (complex output of two real inputs)': (a, b) => torch.polar(a!, b!),
  'eigvals (complex output)': (a) => torch.linalg.eigvals(a!),
  'z times conj z': (a) => a!.mul(a!.conj()),
  'mixed complex and real inputs': (a, b) => a!.mul(b!).real,
  'output that does not require grad, zero numerical gradient': (a) => [a!.detach().mul(0), a!.sin()],
  'no output requires grad but the function depends on the input': (a) => a!.detach().mul(2),
  'no output requires grad and a constant function': (a) => a!.detach().mul(0),
  'wrong backward (exp times 2)': (a) => expTwice(a!),
  'wrong complex backward (conjugate missing)': (a) => squareConjWrong(a!),
  'right complex backward': (a) => squareConjRight(a!),
  'wrong backward seen only in the imaginary part': (a) => toComplexRealOnly(a!),
  'right backward of a complex output': (a) => toComplexRight(a!),
  'backward ignores grad_output': (a) => ignoresGrad(a!),
  'backward not reentrant': (a) => noisy(a!),
  'backward not reentrant within nondet_tol': (a) => noisy(a!),
  'small error within the default rtol': (a) => sinOff(a!),
  'small error over a tighter rtol': (a) => sinOff(a!),
  'larger eps and atol': (a) => a!.pow(3),
  'larger eps, default atol': (a) => a!.pow(3).mul(100),
  'two outputs (std_mean)': (a) => torch.stdMean(a!, 0),
  'several view outputs (unbind)': (a) => a!.unbind(0),
  'fast mode fails, slow mode passes': (a) => firstMinusThirdOff(a!),
} as Record<string, (...xs: T[]) => T | T[]>).map(([name, f]) => [name, () => f]).concat([
  ['backward raises on an undefined grad', () => zeroGradOnce('raise')],
  ['backward gives non-zero input grads for an undefined grad', () => zeroGradOnce('ones')],
  ['backward raises on an undefined grad, check_undefined_grad off', () => zeroGradOnce('raise')],
]));

/** Python's options in camelCase. */
function jsOptions(options: Case['options']): torch.GradcheckOptions {
  const { nondet_tol: nondetTol, check_undefined_grad: checkUndefinedGrad, ...rest } = options;
  return { ...rest, ...(nondetTol === undefined ? {} : { nondetTol }), ...(checkUndefinedGrad === undefined ? {} : { checkUndefinedGrad }) };
}

/** The GradcheckError gradcheck throws (null when it passes). */
function errorOf(check: () => boolean): Error | null {
  try {
    expect(check()).toBe(true);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(torch.autograd.GradcheckError);
    return e as Error;
  }
}

describe(`autograd.gradcheck against PyTorch ${fixture.torch}`, () => {
  it('covers every recorded case', () => {
    expect(Object.keys(FUNCTIONS).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
  for (const [name, c] of Object.entries(fixture.cases)) {
    for (const [mode, expected] of [['slow', c], ['fast', c.fast]] as const) {
      it(`${name}, ${mode} mode: ${expected.pass ? 'passes' : `fails (${expected.error})`}`, () => {
        const inputs = (c.inputs.map(decode) as T[]).map((x) => x.requiresGrad_());
        const options = { ...jsOptions(c.options), fastMode: mode === 'fast' };
        torch.manualSeed(1);
        expect(torch.autograd.gradcheck(FUNCTIONS[name]!(), inputs, { ...options, raiseException: false })).toBe(expected.pass);
        torch.manualSeed(1);
        const error = errorOf(() => torch.autograd.gradcheck(FUNCTIONS[name]!(), inputs, options));
        if (expected.pass) return;
        expect(error?.message).toContain(expected.error);
        if (expected.slowOk !== undefined) expect(error!.message.includes('Fast gradcheck failed but element-wise differences are small')).toBe(expected.slowOk);
        if (expected.projections) expect(/numerical:(\S+)\nanalytical:(\S+)\n/.exec(error!.message)?.slice(1)).toEqual(expected.projections);
      });
    }
  }
  it('throws a GradcheckError, and plain errors for misuse', () => {
    expect(() => torch.autograd.gradcheck(expTwice, [torch.randn([2], { dtype: torch.float64, requiresGrad: true })], { fastMode: true })).toThrow(torch.autograd.GradcheckError);
    const x = torch.randn([2], { dtype: torch.float64, requiresGrad: true });
    expect(() => torch.autograd.gradcheck(expTwice, [x])).toThrow(torch.autograd.GradcheckError);
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [torch.randn([2], { dtype: torch.float64 })])).toThrow(/gradcheck expects at least one input tensor to require gradient/);
    const expanded = torch.randn([1], { dtype: torch.float64 }).expand([3]).requiresGrad_();
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [expanded])).toThrow(RangeError);
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [x], { tolerance: 1 } as never)).toThrow(/tolerance/);
    // Python's options for forward-mode AD and masked inputs: accepted at the value that needs neither
    expect(torch.autograd.gradcheck((a) => a.sin(), [x], { checkForwardAd: false, checkBackwardAd: true, masked: null })).toBe(true);
    expect(torch.autograd.gradcheck((a) => a.sin(), [x], { checkForwardAd: true, checkBatchedForwardGrad: true })).toBe(true);
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [x], { checkBatchedForwardGrad: true })).toThrow(/check_batched_forward_grad=True requires check_forward_ad/);
  });
});
