"""Fixtures for torch.autograd.Function's newer parts (test/autograd-function-extras.test.ts) from Python torch
2.13: the setup_context style (forward without ctx), ctx.set_materialize_grads(False), and the
once_differentiable decorator (first derivatives, and the error of a second). Run:
.venv/bin/python scripts/make-autograd-function-extras-fixtures.py (writes test/fixtures/autograd-function-extras.json)."""
import os
import sys

import torch
from torch.autograd.function import once_differentiable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, raised, write_fixture  # noqa: E402

torch.manual_seed(0)
x = torch.randn(4, dtype=torch.float64, requires_grad=True)
w = torch.randn(4, dtype=torch.float64, requires_grad=True)


class MulSin(torch.autograd.Function):
    """out = sin(a) * b, in the setup_context style."""
    @staticmethod
    def forward(a, b, scale):
        return torch.sin(a) * b * scale

    @staticmethod
    def setup_context(ctx, inputs, output):
        a, b, scale = inputs
        ctx.save_for_backward(a, b)
        ctx.scale = scale

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * torch.cos(a) * b * ctx.scale, g * torch.sin(a) * ctx.scale, None


out = MulSin.apply(x, w, 3.0)
(gx, gw) = torch.autograd.grad(out.sum(), (x, w), create_graph=True)
(ggx,) = torch.autograd.grad(gx.sum(), (x,))
setup = {"out": enc(out.detach()), "gx": enc(gx.detach()), "gw": enc(gw.detach()), "ggx": enc(ggx), "grad_fn": out.grad_fn.name()}

seen = {}


class Split(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, materialize):
        ctx.set_materialize_grads(materialize)
        return a * 2, a * 3

    @staticmethod
    def backward(ctx, g1, g2):
        seen[ctx.mark] = [g1 is None, g2 is None]
        total = (g1 if g1 is not None else 0) * 2 + (g2 if g2 is not None else 0) * 3
        return total, None


for materialize in (True, False):
    y1, y2 = Split.apply(x, materialize)
    y1.grad_fn.mark = "on" if materialize else "off"   # noqa: the ctx of a Python Function is its grad_fn
    y1.sum().backward()
materialized = {"seen": seen, "x_grad": enc(x.grad)}
x.grad = None


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a ** 3

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * 3 * a ** 2


c = Cube.apply(x)
(g1,) = torch.autograd.grad((c * c).sum(), (x,), create_graph=True)   # its gradient reaches Cube requiring grad
once = {"g1": enc(g1.detach()), "g1_requires_grad": g1.requires_grad, "g1_grad_fn": g1.grad_fn.name() if g1.grad_fn else None,
        "second_grad": str(raised(lambda: torch.autograd.grad(g1.sum(), (x,), retain_graph=True))),
        "second_backward": str(raised(lambda: g1.sum().backward())),
        "plain": enc(torch.autograd.grad(Cube.apply(x).sum(), (x,))[0])}

write_fixture("autograd-function-extras.json", {"torch": torch.__version__, "x": enc(x), "w": enc(w), "setup_context": setup,
                                                "materialize": materialized, "once_differentiable": once})
