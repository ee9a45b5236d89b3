"""Writes test/fixtures/gradcheck.json: Python torch 2.13's torch.autograd.gradcheck verdicts (and the first
words of its error) for functions that test/autograd-gradcheck.test.ts writes again in JS: real, complex
input, complex output, outputs that do not require grad, and custom Functions with wrong, non-reentrant
or grad_output-ignoring backwards, under default and explicit tolerances.
Usage: .venv/bin/python scripts/make-gradcheck-fixtures.py"""
import json
import os
import sys

import torch
from torch.autograd.gradcheck import GradcheckError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, enc_tensor_b64  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test/fixtures/gradcheck.json')


def custom(forward, backward):
    """A torch.autograd.Function from a forward(x) and a backward(x, grad_output)."""
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return forward(x)

        @staticmethod
        def backward(ctx, g):
            return backward(ctx.saved_tensors[0], g)
    return F.apply


square_conj_wrong = custom(lambda x: x * x, lambda x, g: g * 2 * x)              # misses the conjugate
square_conj_right = custom(lambda x: x * x, lambda x, g: g * 2 * x.conj())
exp_twice = custom(lambda x: x.exp(), lambda x, g: g * x.exp() * 2)
sin_off = custom(lambda x: x.sin(), lambda x, g: g * x.cos() * (1 + 5e-4))      # 5e-4 relative error
ignores_grad = custom(lambda x: x.clone(), lambda x, g: torch.ones_like(g))
noisy = custom(lambda x: x * 3, lambda x, g: g * 3 + torch.rand_like(g) * 1e-12)
to_complex_real_only = custom(lambda x: torch.complex(x, 2 * x), lambda x, g: g.real)  # misses 2 * g.imag
to_complex_right = custom(lambda x: torch.complex(x, 2 * x), lambda x, g: g.real + 2 * g.imag)

# name: (function, inputs as (dtype, shape), options); test/autograd-gradcheck.test.ts has the same names
CASES = {
    'sin of a product': (lambda a, b: (a * b).sin(), [('float64', [3, 2]), ('float64', [2])], {}),
    'fft of real input (complex output)': (lambda a: torch.fft.fft(a), [('float64', [5])], {}),
    'fft of complex input': (lambda a: torch.fft.fft(a), [('complex128', [4])], {}),
    'abs of complex input': (lambda a: a.abs(), [('complex128', [4])], {}),
    'view_as_real': (lambda a: torch.view_as_real(a), [('complex128', [3])], {}),
    'polar (complex output of two real inputs)': (lambda a, b: torch.polar(a, b), [('float64', [3]), ('float64', [3])], {}),
    'eigvals (complex output)': (lambda a: torch.linalg.eigvals(a), [('float64', [3, 3])], {}),
    'z times conj z': (lambda a: a * a.conj(), [('complex128', [3])], {}),
    'mixed complex and real inputs': (lambda a, b: (a * b).real, [('complex128', [3]), ('float64', [3])], {}),
    'output that does not require grad, zero numerical gradient': (lambda a: (a.detach() * 0, a.sin()), [('float64', [3])], {}),
    'no output requires grad but the function depends on the input': (lambda a: a.detach() * 2, [('float64', [3])], {}),
    'no output requires grad and a constant function': (lambda a: a.detach() * 0, [('float64', [3])], {}),
    'wrong backward (exp times 2)': (lambda a: exp_twice(a), [('float64', [4])], {}),
    'wrong complex backward (conjugate missing)': (lambda a: square_conj_wrong(a), [('complex128', [3])], {}),
    'right complex backward': (lambda a: square_conj_right(a), [('complex128', [3])], {}),
    'wrong backward seen only in the imaginary part': (lambda a: to_complex_real_only(a), [('float64', [3])], {}),
    'right backward of a complex output': (lambda a: to_complex_right(a), [('float64', [3])], {}),
    'backward ignores grad_output': (lambda a: ignores_grad(a), [('float64', [1])], {}),
    'backward not reentrant': (lambda a: noisy(a), [('float64', [3])], {}),
    'backward not reentrant within nondet_tol': (lambda a: noisy(a), [('float64', [3])], {'nondet_tol': 1e-9}),
    'small error within the default rtol': (lambda a: sin_off(a), [('float64', [4])], {}),
    'small error over a tighter rtol': (lambda a: sin_off(a), [('float64', [4])], {'rtol': 1e-4}),
    'larger eps and atol': (lambda a: a.pow(3), [('float64', [4])], {'eps': 1e-3, 'atol': 1e-2}),
    'larger eps, default atol': (lambda a: a.pow(3).mul(100), [('float64', [4])], {'eps': 1e-2}),
}


def main():
    torch.manual_seed(0)
    out = {'torch': torch.__version__, 'cases': {}}
    for name, (fn, specs, options) in CASES.items():
        inputs = [torch.randn(shape, dtype=getattr(torch, dtype)).requires_grad_() for dtype, shape in specs]
        torch.manual_seed(1)
        try:
            verdict, error = torch.autograd.gradcheck(fn, inputs, **options), None
        except GradcheckError as e:
            verdict, error = False, str(e).strip().split('\n')[0].split(',')[0]
        out['cases'][name] = {'inputs': [enc(x.detach(), enc_tensor_b64) for x in inputs], 'options': options,
                              'pass': verdict, **({'error': error} if error else {})}
        print(f'{name}: {verdict} {error or ""}', file=sys.stderr)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
