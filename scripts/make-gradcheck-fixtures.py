"""Writes test/fixtures/gradcheck.json: Python torch 2.13's torch.autograd.gradcheck verdicts (and the first
words of its error) for functions that test/autograd-gradcheck.test.ts writes again in JS: real, complex
input, complex output, outputs that do not require grad, and custom Functions with wrong, non-reentrant,
grad_output-ignoring or undefined-grad-refusing backwards, under default and explicit tolerances; each in
slow mode and in fast mode (whose random projections come from a fresh torch.Generator, so they agree).
Usage: .venv/bin/python scripts/make-gradcheck-fixtures.py"""
import json
import os
import re
import sys

import torch
from torch.autograd.gradcheck import GradcheckError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from custom_function import custom  # noqa: E402
from pyvalues import enc, enc_tensor_b64  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test/fixtures/gradcheck.json')


square_conj_wrong = custom(lambda x: x * x, lambda x, g: g * 2 * x)              # misses the conjugate
square_conj_right = custom(lambda x: x * x, lambda x, g: g * 2 * x.conj())
exp_twice = custom(lambda x: x.exp(), lambda x, g: g * x.exp() * 2)
sin_off = custom(lambda x: x.sin(), lambda x, g: g * x.cos() * (1 + 5e-4))      # 5e-4 relative error
ignores_grad = custom(lambda x: x.clone(), lambda x, g: torch.ones_like(g))
noisy = custom(lambda x: x * 3, lambda x, g: g * (3 + torch.rand_like(g) * 1e-12))   # zero for a zero grad
to_complex_real_only = custom(lambda x: torch.complex(x, 2 * x), lambda x, g: g.real)  # misses 2 * g.imag
to_complex_right = custom(lambda x: torch.complex(x, 2 * x), lambda x, g: g.real + 2 * g.imag)
first_minus_third_off = custom(lambda x: x[0:1] - x[2:3], lambda x, g: torch.cat([g * (1 + 9e-4), torch.zeros_like(g), -g]))


def zero_grad_once(fail):
    """sin whose backward copes with an all-zero grad (gradcheck's zero grad_output) only once: the next one,
    the undefined grad that gradcheck's undefined-grad check sends (materialized as zeros), raises or gives
    a non-zero gradient, as a backward that does not handle undefined output grads."""
    seen = [0]

    def backward(x, g):
        if bool(g.eq(0).all()):
            seen[0] += 1
            if seen[0] > 1:
                if fail == 'raise':
                    raise RuntimeError('backward got an undefined grad')
                return torch.ones_like(g)
        return g * x.cos()
    return custom(lambda x: x.sin(), backward)

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
    'two outputs (std_mean)': (lambda a: torch.std_mean(a, dim=0), [('float64', [3, 2])], {}),
    'several view outputs (unbind)': (lambda a: a.unbind(0), [('float64', [3, 2])], {}),
    'backward raises on an undefined grad': ('zero grad once: raise', [('float64', [3])], {}),
    'backward gives non-zero input grads for an undefined grad': ('zero grad once: ones', [('float64', [3])], {}),
    'backward raises on an undefined grad, check_undefined_grad off': ('zero grad once: raise', [('float64', [3])], {'check_undefined_grad': False}),
    # fast mode's first u is about equal in elements 0 and 2: the projection hides most of the Jacobian, not the error
    'fast mode fails, slow mode passes': (lambda a: first_minus_third_off(a), [('float64', [3])], {}),
}


def function_of(fn):
    """The case's function: a fresh stateful one for the zero-grad-once cases."""
    if isinstance(fn, str):
        return zero_grad_once(fn.rsplit(' ', 1)[1])
    return fn


def verdict(fn, inputs, options):
    """{pass, error?, slowOk?}: Python's verdict, the first words of its error, and for fast mode whether the
    recomputed slow-mode Jacobians agree (Python's 'Fast gradcheck failed but element-wise differences are small')."""
    torch.manual_seed(1)
    try:
        return {'pass': torch.autograd.gradcheck(function_of(fn), inputs, **options)}
    except GradcheckError as e:
        text = str(e)
        projections = re.search(r'numerical:(\S+)\nanalytical:(\S+)\n', text) if options.get('fast_mode') else None
        return {'pass': False, 'error': text.strip().split('\n')[0].split(',')[0],
                **({'slowOk': 'Fast gradcheck failed but element-wise differences are small' in text} if options.get('fast_mode') else {}),
                **({'projections': [projections[1], projections[2]]} if projections else {})}


def main():
    torch.manual_seed(0)
    out = {'torch': torch.__version__, 'cases': {}}
    for name, (fn, specs, options) in CASES.items():
        inputs = [torch.randn(shape, dtype=getattr(torch, dtype)).requires_grad_() for dtype, shape in specs]
        slow = verdict(fn, inputs, options)
        fast = verdict(fn, inputs, {**options, 'fast_mode': True})
        out['cases'][name] = {'inputs': [enc(x.detach(), enc_tensor_b64) for x in inputs], 'options': options, **slow, 'fast': fast}
        print(f'{name}: {slow} fast: {fast}', file=sys.stderr)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
