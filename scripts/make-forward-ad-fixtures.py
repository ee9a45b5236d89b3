"""Fixtures for forward-mode AD (test/forward-ad.test.ts): dual-tensor primals and tangents of a set of ops,
error messages, torch.func.jvp results, and gradcheck(check_forward_ad=True) verdicts, from Python torch 2.13.
Run: .venv/bin/python scripts/make-forward-ad-fixtures.py  (writes test/fixtures/forward-ad.json)."""
import json
import os
import sys

import torch
import torch.autograd.forward_ad as fwAD

sys.path.insert(0, os.path.dirname(__file__))
from pyvalues import enc_tensor_nested  # noqa: E402

torch.manual_seed(0)
dd = torch.float64
X = torch.randn(3, 4, dtype=dd)
T = torch.randn(3, 4, dtype=dd)
Y = torch.randn(4, 2, dtype=dd)
U = torch.randn(4, 2, dtype=dd)
Z = torch.randn(3, dtype=torch.complex128)
W = torch.randn(3, dtype=torch.complex128)


def input_grad(loss):
    """x -> d loss(x) / dx with a graph: its tangent under forward AD is a Hessian-vector product (forward over
    reverse), through the backward ops only the JIT decompositions give forward AD (_softmax_backward_data, ...)."""
    def fn(x):
        x.requires_grad_()
        return torch.autograd.grad(loss(x), x, create_graph=True)[0]
    return fn


def inplace(x):
    y = x.clone()
    y.mul_(2).add_(x.sin())
    return y


# name -> (fn of the dual inputs, primals, tangents); test/forward-ad.test.ts has the same table
OPS = {
    'sin': (lambda x: x.sin(), [X], [T]),
    'exp*x': (lambda x: x.exp() * x, [X], [T]),
    'matmul': (lambda x, y: x.matmul(y), [X, Y], [T, U]),
    'sum dim 1': (lambda x: x.sum(1), [X], [T]),
    'logsumexp': (lambda x: x.logsumexp(0), [X], [T]),
    'transpose view': (lambda x: x.t()[1:3], [X], [T]),
    'in-place on dual': (inplace, [X], [T]),
    'softmax': (lambda x: torch.softmax(x, 1), [X], [T]),
    'float32 tangent': (lambda x: x.cos(), [X.float()], [T.float()]),
    'complex mul conj': (lambda z: z * z.conj(), [Z], [W]),
    'complex abs': (lambda z: z.abs(), [Z], [W]),
    'complex exp': (lambda z: z.exp(), [Z], [W]),
    'max dim (values)': (lambda x: x.max(1).values, [X], [T]),
    'Hessian-vector product of softmax': (input_grad(lambda x: (x * torch.softmax(x, 1)).sum()), [X], [T]),
    'Hessian-vector product of log_softmax and nll_loss': (
        input_grad(lambda x: torch.nn.functional.nll_loss(torch.log_softmax(x, 1), torch.tensor([0, 1, 2]))), [X], [T]),
    'Hessian-vector product of layer_norm': (input_grad(lambda x: (torch.nn.functional.layer_norm(x, [4]) ** 3).sum()), [X], [T]),
}

enc = enc_tensor_nested
ops = {}
for name, (fn, primals, tangents) in OPS.items():
    with fwAD.dual_level():
        out = fn(*[fwAD.make_dual(p, t) for p, t in zip(primals, tangents)])
        primal, tangent = fwAD.unpack_dual(out)
        ops[name] = {'primals': [enc(p) for p in primals], 'tangents': [enc(t) for t in tangents], 'primal': enc(primal), 'tangent': enc(tangent)}


def error(thunk):
    try:
        thunk()
    except Exception as e:  # noqa: BLE001
        return {'type': type(e).__name__, 'message': str(e)}
    return None


def nested():
    with fwAD.dual_level():
        with fwAD.dual_level():
            pass


def in_level(thunk):
    with fwAD.dual_level():
        return thunk()


errors = {
    'make_dual without a level': error(lambda: fwAD.make_dual(X, T)),
    'nested levels': error(nested),
    'tangent of another size': error(lambda: in_level(lambda: fwAD.make_dual(X, torch.ones(3, dtype=dd)))),
    'integer primal': error(lambda: in_level(lambda: fwAD.make_dual(torch.ones(2, dtype=torch.int64), torch.ones(2)))),
    'integer tangent': error(lambda: in_level(lambda: fwAD.make_dual(torch.ones(2), torch.ones(2, dtype=torch.int64)))),
    'dual of a dual': error(lambda: in_level(lambda: fwAD.make_dual(fwAD.make_dual(X, T), T))),
    'exit a level that is not the last': error(lambda: in_level(lambda: fwAD.exit_dual_level(level=3))),
    'exit without a level': error(lambda: fwAD.exit_dual_level()),
}


class NoJvp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_forward(x)
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * g

    @staticmethod
    def jvp(ctx, t):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * t


class CubeWrongJvp(Cube):
    @staticmethod
    def jvp(ctx, t):
        x, = ctx.saved_tensors
        return 3.01 * x ** 2 * t


class TwoTangents(Cube):
    @staticmethod
    def jvp(ctx, t):
        return t, t


errors['jvp returns two tangents for one output'] = error(lambda: in_level(lambda: TwoTangents.apply(fwAD.make_dual(X, T))))
errors['Function without jvp'] = error(lambda: in_level(lambda: NoJvp.apply(fwAD.make_dual(X, T))))
with fwAD.dual_level():
    p, t = fwAD.unpack_dual(Cube.apply(fwAD.make_dual(X, T)))
    custom = {'cube': {'primal': enc(p), 'tangent': enc(t)}}

jvps = {}
for name, (fn, primals, tangents) in [('sin*x', (lambda x: x.sin() * x, [X], [T])), ('two outputs', (lambda x, y: (x.matmul(y), x.sum()), [X, Y], [T, U]))]:
    out, jvp_out = torch.func.jvp(fn, tuple(primals), tuple(tangents))
    outs = out if isinstance(out, tuple) else (out,)
    jvp_outs = jvp_out if isinstance(jvp_out, tuple) else (jvp_out,)
    jvps[name] = {'output': [enc(o) for o in outs], 'jvp': [enc(j) for j in jvp_outs]}
jvps['independent output'] = {'jvp': [enc(torch.func.jvp(lambda x: torch.ones(2, dtype=dd), (X,), (T,))[1])]}
errors['jvp strict independent'] = error(lambda: torch.func.jvp(lambda x: torch.ones(2, dtype=dd), (X,), (T,), strict=True))
errors['jvp primals not a tuple'] = error(lambda: torch.func.jvp(lambda x: x, X, (T,)))

# torch.func.jacfwd (vmap of jvp in Python; a jvp per column in JS): same values up to rounding
jacfwd = {
    'sin times sum': [enc(torch.func.jacfwd(lambda x: x.sin() * x.sum())(X))],
    'matmul argnums (0, 1)': [enc(j) for j in torch.func.jacfwd(lambda x, y: x.matmul(y), argnums=(0, 1))(X, Y)],
    'two outputs': [[enc(j) for j in jac] for jac in [torch.func.jacfwd(lambda x: (x.exp(), x.sum(0)))(X)]][0],
    # an argument with no elements: zeros of shape output.shape + (…, 0, …), no jvp to run
    'zero-element argument': [[enc(j) for j in jac] for jac in torch.func.jacfwd(
        lambda x, e: (x.sin() * e.sum(), x.sum(1)), argnums=(0, 1))(X, X[:, :0])],
}

GRADCHECK = {
    'sin': (lambda x: x.sin(), [torch.randn(2, 3, dtype=dd)]),
    'matmul': (lambda a, b: a.matmul(b), [torch.randn(2, 3, dtype=dd), torch.randn(3, 2, dtype=dd)]),
    'complex input': (lambda z: (z * z.conj()).real + z.abs(), [torch.randn(3, dtype=torch.complex128)]),
    'complex output': (lambda x: torch.polar(x, x * 2), [torch.rand(3, dtype=dd) + 0.5]),
    'cube (right jvp)': (lambda x: Cube.apply(x), [torch.randn(4, dtype=dd)]),
    'cube (wrong jvp)': (lambda x: CubeWrongJvp.apply(x), [torch.randn(4, dtype=dd)]),
}
gradchecks = {}
for name, (fn, inputs) in GRADCHECK.items():
    inputs = [i.requires_grad_() for i in inputs]
    verdict = {'inputs': [enc(i) for i in inputs]}
    # batched: check_batched_forward_grad (slow mode) after a seed; `after`, two draws made after the check
    for mode, fast, batched in (('slow', False, False), ('fast', True, False), ('batched', False, True)):
        torch.manual_seed(7)
        try:
            torch.autograd.gradcheck(fn, inputs, check_forward_ad=True, check_backward_ad=False, check_undefined_grad=True, fast_mode=fast,
                                     check_batched_forward_grad=batched)
            verdict[mode] = {'pass': True}
        except sys.modules['torch.autograd.gradcheck'].GradcheckError as e:
            verdict[mode] = {'pass': False, 'error': str(e).split('\n')[0]}
        if batched:
            verdict[mode]['after'] = torch.rand(2, dtype=dd).tolist()
            if 'INTERNAL ASSERT FAILED' in verdict[mode].get('error', ''):
                # Python's vmap trips over a complex view's tangent (a PyTorch bug); torchnode's eager vmap has no such path
                del verdict[mode]
    gradchecks[name] = verdict

out = {'torch': torch.__version__, 'ops': ops, 'errors': errors, 'custom': custom, 'jvp': jvps, 'jacfwd': jacfwd, 'gradcheck': gradchecks}
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'forward-ad.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('wrote', path)
