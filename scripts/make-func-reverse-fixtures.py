"""Fixtures for torch.func's reverse-mode transforms (test/func-reverse.test.ts): grad, grad_and_value, vjp, jacrev
and hessian of a set of functions, nested ones among them, from Python torch 2.13's functorch; and
torch.autograd.functional's vjp, jvp, jacobian, hessian, vhp and hvp of the same functions.
The test has the same functions by name. Run: .venv/bin/python scripts/make-func-reverse-fixtures.py
(writes test/fixtures/func-reverse.json)."""
import os
import sys

import torch
from torch.func import grad, grad_and_value, hessian, jacrev, vjp, vmap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, enc_tensor_nested, write_fixture  # noqa: E402

torch.manual_seed(0)
dd = torch.float64
X = torch.randn(3, dtype=dd)
A = torch.randn(2, 3, dtype=dd)
B = torch.randn(3, 2, dtype=dd)
S = torch.tensor(1.5, dtype=dd)
V = torch.randn(2, dtype=dd)

# name -> (function, args); test/func-reverse.test.ts has the same table
FUNCS = {
    'sin_sum': (lambda x: (x.sin() * x.sum()).sum(), [X]),
    'quad': (lambda a, x: (a @ x).pow(2).sum(), [A, X]),
    'matmul_tanh': (lambda a, b: torch.tanh(a @ b).sum(), [A, B]),
    'cube': (lambda s: s.pow(3), [S]),
    'softmax_logsumexp': (lambda x: torch.logsumexp(torch.softmax(x, 0) * 3, 0), [X]),
}
VECTOR = {   # non-scalar outputs, for vjp and jacrev
    'sin_times_sum': (lambda x: x.sin() * x.sum(), [X]),
    'affine': (lambda a, x: a @ x + 1, [A, X]),
    'two_outputs': (lambda x: (x.exp(), x.sum() * x), [X]),
}


def case(value):
    return enc(value, enc_tensor_nested)


def main():
    out = {'torch': torch.__version__, 'inputs': {'X': case(X), 'A': case(A), 'B': case(B), 'S': case(S), 'V': case(V)}, 'cases': []}
    add = lambda name, transform, value: out['cases'].append({'name': name, 'transform': transform, 'value': case(value)})  # noqa: E731
    for name, (f, args) in FUNCS.items():
        add(name, 'grad', grad(f)(*args))
        add(name, 'grad_and_value', grad_and_value(f)(*args))
        add(name, 'grad_argnums_all', grad(f, argnums=tuple(range(len(args))))(*args))
        add(name, 'hessian', hessian(f)(*args))
        add(name, 'grad_of_grad_sum', grad(lambda *a: grad(f)(*a).sum())(*args))
        add(name, 'grad_has_aux', grad(lambda *a: (f(*a), a[0] * 2), has_aux=True)(*args))
    for name, (f, args) in VECTOR.items():
        output, vjp_fn = vjp(f, *args)
        cot = tuple(torch.ones_like(o) * 0.5 for o in output) if isinstance(output, tuple) else torch.arange(output.numel(), dtype=dd).reshape(output.shape)
        add(name, 'vjp', (output, vjp_fn(cot)))
        add(name, 'jacrev', jacrev(f)(*args))
        add(name, 'jacrev_argnums_all', jacrev(f, argnums=tuple(range(len(args))))(*args))
    AF = torch.autograd.functional
    VX = torch.randn(3, dtype=dd)
    VA = torch.randn(2, 3, dtype=dd)
    out['inputs'].update({'VX': case(VX), 'VA': case(VA)})
    for name, (f, args) in FUNCS.items():
        ins = args[0] if len(args) == 1 else tuple(args)
        vs = VX if len(args) == 1 and args[0] is X else (None if len(args) == 1 else tuple(VA if a is A else VX if a is X else torch.ones_like(a) for a in args))
        add(name, 'af_vjp', AF.vjp(f, ins))
        add(name, 'af_jacobian', AF.jacobian(f, ins))
        add(name, 'af_hessian', AF.hessian(f, ins))
        add(name, 'af_hessian_forward_outer', AF.hessian(f, ins, vectorize=True, outer_jacobian_strategy='forward-mode'))
        if vs is not None or (len(args) == 1 and args[0].numel() == 1):
            add(name, 'af_vhp', AF.vhp(f, ins, vs))
            add(name, 'af_hvp', AF.hvp(f, ins, vs))
            add(name, 'af_jvp', AF.jvp(f, ins, vs))
    for name, (f, args) in VECTOR.items():
        ins = args[0] if len(args) == 1 else tuple(args)
        output = f(*args)
        v_out = tuple(torch.ones_like(o) * 0.5 for o in output) if isinstance(output, tuple) else torch.arange(output.numel(), dtype=dd).reshape(output.shape)
        v_in = VX if len(args) == 1 else (VA, VX)
        add(name, 'af_vjp', AF.vjp(f, ins, v_out))
        add(name, 'af_jvp', AF.jvp(f, ins, v_in))
        add(name, 'af_jacobian', AF.jacobian(f, ins))
        add(name, 'af_jacobian_vectorized', AF.jacobian(f, ins, vectorize=True))
        add(name, 'af_jacobian_forward', AF.jacobian(f, ins, vectorize=True, strategy='forward-mode'))
        add(name, 'af_jacobian_create_graph', AF.jacobian(f, ins, create_graph=True))
    XB = torch.randn(4, 3, dtype=dd)
    XC = torch.randn(2, 4, 3, dtype=dd)
    M = torch.randn(4, 3, 2, dtype=dd)
    W = torch.randn(3, dtype=dd)
    out['inputs'].update({'XB': case(XB), 'XC': case(XC), 'M': case(M), 'W': case(W)})
    add('vmap', 'sin_w_sum', vmap(lambda a: (a.sin() * W).sum())(XB))
    add('vmap', 'dot_in_dims', vmap(lambda a, b: a.dot(b), in_dims=(0, None))(XB, W))
    add('vmap', 'in_dim_1_out_dim_1', vmap(lambda a: a * 2 + a.sum(), in_dims=1, out_dims=1)(XB))
    add('vmap', 'nested', vmap(vmap(lambda a: a.exp() / a.exp().sum()))(XC))
    add('vmap', 'matmul', vmap(torch.matmul)(XB.reshape(4, 3, 1).expand(4, 3, 2).transpose(1, 2), M))
    add('vmap', 'two_outputs_out_dims', vmap(lambda a: (a.sum(), a * 3), out_dims=(0, 1))(XB))
    add('vmap', 'chunked', vmap(lambda a: a.softmax(0), chunk_size=3)(XB))
    add('vmap', 'unbatched_output', vmap(lambda a: W * 2)(XB))
    add('vmap', 'negative_in_dim', vmap(lambda a: a.cumsum(0), in_dims=-1)(XB))
    add('vmap', 'tuple_arg', vmap(lambda ab: ab[0] * ab[1], in_dims=((0, None),))((XB, W)))
    add('vmap', 'per_sample_grad', vmap(grad(lambda a: (a.sin() * W).sum()))(XB))
    add('vmap', 'per_sample_jacrev', vmap(jacrev(lambda a: a.sin() * a.sum()))(XB))
    write_fixture('func-reverse.json', out, compact=True)


if __name__ == '__main__':
    main()
