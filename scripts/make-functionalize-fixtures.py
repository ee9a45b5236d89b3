"""Fixtures for torch.func.functionalize (test/functionalize.test.ts), from Python torch 2.13: what each
function returns and leaves in its arguments under remove='mutations' and 'mutations_and_views' (values,
strides, which results share memory), resize_ and out= on arguments, autograd through the transform,
grad and vmap of a functionalized function, tensors made inside it, and the messages of its errors.
Run: .venv/bin/python scripts/make-functionalize-fixtures.py (writes test/fixtures/functionalize.json)."""
import os
import sys

import torch
from torch.func import functionalize, grad, vmap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, raised, write_fixture  # noqa: E402

dd = torch.float64
MODES = ("mutations", "mutations_and_views")


def storage_of(t):
    return t.untyped_storage().data_ptr()


def results(outputs, args):
    """Each output's values and strides, and for each pair of tensors (outputs, then arguments) whether
    they share memory."""
    tensors = list(outputs) + list(args)
    return {
        "values": [enc(t) for t in outputs],
        "strides": [list(t.stride()) for t in outputs],
        "shares": [[storage_of(a) == storage_of(b) for b in tensors] for a in tensors],
        "args_after": [enc(t) for t in args],
    }


def view_then_mutate(x):
    y = x.view(-1)
    y.add_(1)
    z = x.t()
    return z, y


def mutate_through_slices(x):
    x[1].fill_(5)
    x.index_put_([torch.tensor([2])], torch.tensor(7.5, dtype=dd))
    return (x.mul(2),)


def out_argument(x, out):
    torch.add(x, 1, out=out)
    return (out.mul(2),)


def diagonal_mutation(x):
    x.diagonal().mul_(10)
    return (x.sum(0), x.diagonal())


def cases():
    out = {}
    for mode in MODES:
        f = functionalize(view_then_mutate, remove=mode)
        x = torch.arange(6, dtype=dd).reshape(2, 3)
        out[f"view_then_mutate/{mode}"] = results(f(x), [x])
        x = torch.zeros(3, dtype=dd)
        out[f"mutate_through_slices/{mode}"] = results(functionalize(mutate_through_slices, remove=mode)(x), [x])
        x, o = torch.arange(3, dtype=dd), torch.zeros(3, dtype=dd)
        out[f"out_argument/{mode}"] = results(functionalize(out_argument, remove=mode)(x, o), [x, o])
        x = torch.arange(9, dtype=dd).reshape(3, 3)
        out[f"diagonal_mutation/{mode}"] = results(functionalize(diagonal_mutation, remove=mode)(x), [x])
    return out


def resize_cases():
    grow = torch.ones(3, dtype=dd)
    r = functionalize(lambda a: a.resize_(10))(grow)
    shrink = torch.arange(3, dtype=dd)
    s = functionalize(lambda a: a.resize_(2))(shrink)
    # An out= argument of the wrong size is resized by the op, as in eager mode (with a warning there too).
    o = torch.zeros(1, dtype=dd)
    t = functionalize(lambda a, out: torch.mul(a, 2, out=out))(torch.arange(3, dtype=dd), o)
    return {
        "grow": {"shape": list(grow.shape), "result_shape": list(r.shape), "first3": enc(grow[:3])},
        "shrink": {"shape": list(shrink.shape), "values": enc(shrink), "result": enc(s)},
        "out_resized": {"out": enc(o), "result": enc(t)},
    }


def autograd_cases():
    a = torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=dd, requires_grad=True)

    def k(a):
        b = a.clone()
        b.view(-1)[0].mul_(3)
        return b

    out = functionalize(k)(a)
    out.pow(2).sum().backward()
    x = torch.tensor([1.5, 2.0, -0.5], dtype=dd)
    g = grad(functionalize(lambda x: x.clone().mul_(x).sin().sum()))(x)
    v = vmap(functionalize(lambda t: t.clone().add_(1).mul_(t)))(torch.arange(6, dtype=dd).reshape(3, 2))
    return {
        "output": enc(out.detach()), "grad_fn": type(out.grad_fn).__name__, "a_grad": enc(a.grad),
        "grad_of_functionalize": enc(g), "vmap_of_functionalize": enc(v),
    }


def inside_cases():
    seen = {}
    g = torch.full((2,), 4.0, dtype=dd)

    def f(x, opts):
        seen["arg"] = torch._is_functional_tensor(x)
        seen["dict_arg"] = torch._is_functional_tensor(opts["b"])
        made = torch.ones(2, dtype=dd)
        seen["factory"] = torch._is_functional_tensor(made)
        literal = torch.tensor([0.5, 0.25], dtype=dd)
        seen["literal"] = torch._is_functional_tensor(literal)
        seen["global"] = torch._is_functional_tensor(g)
        opts["b"].mul_(2)
        g.add_(1)  # a tensor from outside: mutated directly, as Python's docs say
        return made.add_(x).add_(literal), g

    b = torch.tensor([1.0, -1.0], dtype=dd)
    r, gout = functionalize(f)(torch.tensor([10.0, 20.0], dtype=dd), {"b": b})
    return {
        "flags": seen, "result": enc(r), "b_after": enc(b), "global_after": enc(g),
        "global_result_is_global": gout is g,
        "is_functional_after": torch._is_functional_tensor(r),
    }


def error_cases():
    def int_mutation(x):
        x.add_(1.5)
        return x

    xi = torch.tensor([1, 2])
    e = raised(lambda: functionalize(int_mutation)(xi))

    def bw(x):
        (x * 2).sum().backward()
        return x

    nested = raised(lambda: functionalize(functionalize(lambda x: x.add_(1)))(torch.ones(2)))
    return {
        "remove": str(raised(lambda: functionalize(lambda x: x, remove="views"))),
        "int_mutation": str(e), "int_after": xi.tolist(),
        "backward": str(raised(lambda: functionalize(bw)(torch.ones(2, requires_grad=True)))),
        "nested": str(nested).split("\n")[0],
    }


def main():
    write_fixture("functionalize.json", {
        "torch": torch.__version__,
        "cases": cases(),
        "resize": resize_cases(),
        "autograd": autograd_cases(),
        "inside": inside_cases(),
        "errors": error_cases(),
    })


if __name__ == "__main__":
    main()
