// torch.autograd.gradcheck against Python torch 2.13's verdicts (test/fixtures/gradcheck.json, from
// scripts/make-gradcheck-fixtures.py): the same functions and inputs, the same pass/fail, and on failure
// the same first words of the error (Jacobian mismatch, the imaginary part of a complex output,
// reentrancy, a backward that ignores grad_output, a non-zero numerical gradient with no differentiable output).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as torch from '../dist/index.js';
import { decode } from '../scripts/pyvalues.mjs';

type T = torch.Tensor;
type Ctx = torch.FunctionCtx;

interface Case {
  inputs: unknown[];
  options: { eps?: number; atol?: number; rtol?: number; nondet_tol?: number };
  pass: boolean;
  error?: string;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gradcheck.json', import.meta.url), 'utf8')) as { torch: string; cases: Record<string, Case> };

/** A torch.autograd.Function from forward(x) and backward(x, gradOutput), as the Python script's custom(). */
function custom(forward: (x: T) => T, backward: (x: T, g: T) => T): (x: T) => T {
  class F extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: T) {
      ctx.saveForBackward(x);
      return forward(x);
    }
    static override backward(ctx: Ctx, g: T) {
      return backward(ctx.savedTensors[0]!, g);
    }
  }
  return (x) => F.apply(x) as T;
}

const squareConjWrong = custom((x) => x.mul(x), (x, g) => g.mul(2).mul(x));
const squareConjRight = custom((x) => x.mul(x), (x, g) => g.mul(2).mul(x.conj()));
const expTwice = custom((x) => x.exp(), (x, g) => g.mul(x.exp()).mul(2));
const sinOff = custom((x) => x.sin(), (x, g) => g.mul(x.cos()).mul(1 + 5e-4));
const ignoresGrad = custom((x) => x.clone(), (_x, g) => torch.onesLike(g));
const noisy = custom((x) => x.mul(3), (_x, g) => g.mul(3).add(torch.randLike(g).mul(1e-12)));
const toComplexRealOnly = custom((x) => torch.complex(x, x.mul(2)), (_x, g) => g.real);
const toComplexRight = custom((x) => torch.complex(x, x.mul(2)), (_x, g) => g.real.add(g.imag.mul(2)));

const FUNCTIONS: Record<string, (...xs: T[]) => T | T[]> = {
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
};

describe(`autograd.gradcheck against PyTorch ${fixture.torch}`, () => {
  it('covers every recorded case', () => {
    expect(Object.keys(FUNCTIONS).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.pass ? 'passes' : `fails (${c.error})`}`, () => {
      const inputs = (c.inputs.map(decode) as T[]).map((x) => x.requiresGrad_());
      const { nondet_tol: nondetTol, ...rest } = c.options;
      const options = { ...rest, ...(nondetTol === undefined ? {} : { nondetTol }) };
      expect(torch.autograd.gradcheck(FUNCTIONS[name]!, inputs, { ...options, raiseException: false })).toBe(c.pass);
      if (c.pass) expect(torch.autograd.gradcheck(FUNCTIONS[name]!, inputs, options)).toBe(true);
      else expect(() => torch.autograd.gradcheck(FUNCTIONS[name]!, inputs, options)).toThrow(c.error);
    });
  }
  it('throws a GradcheckError, and plain errors for misuse', () => {
    const x = torch.randn([2], { dtype: torch.float64, requiresGrad: true });
    expect(() => torch.autograd.gradcheck(expTwice, [x])).toThrow(torch.autograd.GradcheckError);
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [torch.randn([2], { dtype: torch.float64 })])).toThrow(/no input requires grad/);
    const expanded = torch.randn([1], { dtype: torch.float64 }).expand([3]).requiresGrad_();
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [expanded])).toThrow(RangeError);
    expect(() => torch.autograd.gradcheck((a) => a.sin(), [x], { tolerance: 1 } as never)).toThrow(/tolerance/);
  });
});
