"""Writes test/fixtures/gradgradcheck.json: Python torch 2.13's torch.autograd.gradgradcheck verdicts (and the
first words of its error) for functions that test/autograd-gradgradcheck.test.ts writes again in JS: real and
complex ops, random grad_outputs (drawn from the global RNG after a seed: the draws must be Python's) or given
ones, non-contiguous grad_outputs, batched-grad checks, custom Functions whose double backward is wrong, not reentrant or refuses
undefined grads, in slow and fast mode, and forward over reverse (check_fwd_over_rev, slow mode). Each case also records two torch.rand draws made after the check: the
RNG must stand where Python left it.
Usage: .venv/bin/python scripts/make-gradgradcheck-fixtures.py"""
import json
import os
import re
import sys

import torch
from torch.autograd.gradcheck import GradcheckError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from custom_function import custom  # noqa: E402
from pyvalues import enc, enc_tensor_b64  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test/fixtures/gradgradcheck.json')
SEED = 7
# forward-mode AD over the reverse-mode first derivatives only (the options reverse mode needs are dropped)
FWD_OVER_REV = {'check_fwd_over_rev': True, 'check_rev_over_rev': False, 'check_undefined_grad': False}


cube_right = custom(lambda x: x ** 3, lambda x, g: g * 3 * x ** 2)
cube_detached = custom(lambda x: x ** 3, lambda x, g: g * 3 * x.detach() ** 2)   # first derivative right, second zero
noisy_triple = custom(lambda x: x * 3, lambda x, g: g * (3 + torch.rand_like(g) * 1e-12))
cube_noisy_backward = custom(lambda x: x ** 3, lambda x, g: noisy_triple(g) * x ** 2)  # double backward not reentrant


def zero_grad_once(fail):
    """x^2 whose backward runs g through a linear Function (times 2) that copes with an all-zero grad once in
    its own backward: the double backward then fails gradgradcheck's undefined-grad check."""
    seen = [0]

    def twice_backward(_y, h):
        if bool(h.eq(0).all()):
            seen[0] += 1
            if seen[0] > 1:
                if fail == 'raise':
                    raise RuntimeError('double backward got an undefined grad')
                return torch.ones_like(h)
        return h * 2
    twice = custom(lambda y: y * 2, twice_backward)
    return custom(lambda x: x * x, lambda x, g: twice(g) * x)


# name: (function, inputs as (dtype, shape), grad_outputs as None or [(dtype, shape, requires_grad)], options)
CASES = {
    'sin of a product': (lambda a, b: (a * b).sin(), [('float64', [3, 2]), ('float64', [2])], None, {}),
    'sin of a product, non-contiguous grad_outputs': (lambda a, b: (a * b).sin(), [('float64', [3, 2]), ('float64', [2])], None,
                                                      {'gen_non_contig_grad_outputs': True}),
    'two outputs (std_mean)': (lambda a: torch.std_mean(a, dim=0), [('float64', [3, 2])], None, {}),
    'sin of a product, check_batched_grad': (lambda a, b: (a * b).sin(), [('float64', [3, 2]), ('float64', [2])], None,
                                             {'check_batched_grad': True}),
    'given grad_output': (lambda a: a.exp() * a, [('float64', [4])], [('float64', [4], True)], {}),
    'given grad_output that does not require grad': (lambda a: a.exp() * a, [('float64', [4])], [('float64', [4], False)], {}),
    'abs of complex input': (lambda a: a.abs(), [('complex128', [3])], None, {}),
    'z times conj z': (lambda a: a * a.conj(), [('complex128', [3])], None, {}),
    'fft of real input (complex output)': (lambda a: torch.fft.fft(a), [('float64', [4])], None, {}),
    'right double backward (cube)': (lambda a: cube_right(a), [('float64', [4])], None, {}),
    'wrong double backward (detached in backward)': (lambda a: cube_detached(a), [('float64', [4])], None, {}),
    'double backward not reentrant': (lambda a: cube_noisy_backward(a), [('float64', [3])], None, {}),
    'double backward not reentrant within nondet_tol': (lambda a: cube_noisy_backward(a), [('float64', [3])], None, {'nondet_tol': 1e-9}),
    'double backward raises on an undefined grad': ('zero grad once: raise', [('float64', [3])], None, {}),
    'double backward gives non-zero grads for an undefined grad': ('zero grad once: ones', [('float64', [3])], None, {}),
    'double backward raises on an undefined grad, check_undefined_grad off': ('zero grad once: raise', [('float64', [3])], None,
                                                                             {'check_undefined_grad': False}),
    'larger eps': (lambda a: a.pow(3).sin(), [('float64', [4])], None, {'eps': 1e-1}),
    'larger eps and atol': (lambda a: a.pow(3).sin(), [('float64', [4])], None, {'eps': 1e-2, 'atol': 1.0}),
}


def run(fn, inputs, grad_outputs, options):
    """{pass, error?, raises?, slowOk?, after}: the verdict, the first words of its error (raises: the class of an
    error other than GradcheckError), fast mode's slow-mode note, and two torch.rand draws after the check (the
    global RNG's position)."""
    fn = zero_grad_once(fn.rsplit(' ', 1)[1]) if isinstance(fn, str) else fn
    torch.manual_seed(SEED)
    try:
        result = {'pass': torch.autograd.gradgradcheck(fn, inputs, grad_outputs, **options)}
    except GradcheckError as e:
        text = str(e)
        result = {'pass': False, 'error': text.strip().split('\n')[0].split(',')[0]}
        if options.get('fast_mode'):
            result['slowOk'] = 'Fast gradcheck failed but element-wise differences are small' in text
            projections = re.search(r'numerical:(\S+)\nanalytical:(\S+)\n', text)
            if projections:
                result['projections'] = [projections[1], projections[2]]
    except RuntimeError as e:   # a custom Function without jvp under forward AD
        result = {'pass': False, 'raises': type(e).__name__, 'error': str(e).strip().split('\n')[0]}
    result['after'] = torch.rand(2, dtype=torch.float64).tolist()
    return result


def main():
    torch.manual_seed(0)
    out = {'torch': torch.__version__, 'seed': SEED, 'cases': {}}
    for name, (fn, specs, go_specs, options) in CASES.items():
        inputs = [torch.randn(shape, dtype=getattr(torch, dtype)).requires_grad_() for dtype, shape in specs]
        grad_outputs = None if go_specs is None else [
            torch.randn(shape, dtype=getattr(torch, dtype)).requires_grad_(rg) for dtype, shape, rg in go_specs]
        case = {'inputs': [enc(x.detach(), enc_tensor_b64) for x in inputs], 'options': options}
        if grad_outputs is not None:
            case['gradOutputs'] = [{'value': enc(g.detach(), enc_tensor_b64), 'requiresGrad': g.requires_grad} for g in grad_outputs]
        case['slow'] = run(fn, inputs, grad_outputs, options)
        case['fast'] = run(fn, inputs, grad_outputs, {**options, 'fast_mode': True})
        reverse_only = ('check_undefined_grad', 'check_batched_grad')
        case['fwdOverRev'] = run(fn, inputs, grad_outputs, {**{k: v for k, v in options.items() if k not in reverse_only}, **FWD_OVER_REV})
        out['cases'][name] = case
        print(f"{name}: {case['slow']} fast: {case['fast']} fwd over rev: {case['fwdOverRev']}", file=sys.stderr)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
