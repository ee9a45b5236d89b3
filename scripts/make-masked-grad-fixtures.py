#!/usr/bin/env python3
"""Golden fixtures for test/masked-grad.test.ts: autograd through torch.masked.MaskedTensor, run by
Python torch 2.13 on seeded inputs: each case builds MaskedTensors that require grad, runs ops on them,
calls backward and records the gradient's data and mask (a MaskedTensor gradient as (get_data(),
get_mask()), so the values under masked-out elements are compared too), or the error Python raises.

Usage: .venv/bin/python scripts/make-masked-grad-fixtures.py   (writes test/fixtures/masked-grad.json;
deterministic: run it twice, nothing changes).

The snippets are translated to JS by scripts/make-fixtures.py (camelCase, keywords as one options
object); every value is compared bit for bit, kernels pinned (AVX2, one thread) as in the other suites.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import re  # noqa: E402

import torch  # noqa: E402

G = torch.Generator().manual_seed(20261201)
POOL = mf.POOL
R = "torch.masked"


def make_pool():
    f64 = torch.float64
    POOL["x"] = torch.randn(3, 4, generator=G, dtype=f64).to(torch.float32)
    POOL["y"] = torch.randn(3, 4, generator=G, dtype=f64).to(torch.float32)
    POOL["pos"] = (torch.rand(3, 4, generator=G, dtype=f64) * 3 + 0.25).to(torch.float32)
    POOL["xd"] = torch.randn(2, 3, 4, generator=G, dtype=f64)
    POOL["yd"] = torch.randn(2, 3, 4, generator=G, dtype=f64)
    POOL["posd"] = torch.rand(2, 3, 4, generator=G, dtype=f64) * 3 + 0.25
    m = torch.rand(3, 4, generator=G) > 0.4
    m[1, :] = False  # a fully masked-out row
    m[:, 2] = False
    m[0, 0] = True
    POOL["m"] = m
    POOL["c"] = torch.rand(3, 4, generator=G) > 0.5  # a where condition
    POOL["md"] = torch.rand(2, 3, 4, generator=G) > 0.45
    POOL["cd"] = torch.rand(2, 3, 4, generator=G) > 0.5
    POOL["mall"] = torch.ones(3, 4, dtype=torch.bool)
    POOL["half"] = (torch.rand(3, 4, generator=G, dtype=f64) * 1.6 - 0.8).abs().to(torch.float32) * 0.5 + 0.1  # in (0, 1)


WHERE = re.compile(r"torch\.where\((\w+), (\w+(?:\.\w+\(\))?), ")
FAMILY = mf.Family("masked-grad", generator="scripts/make-masked-grad-fixtures.py", errors=(Exception,))


def case(src, err=False):
    FAMILY.case(src, err=err)


def leaf(d="x", mk="m"):
    return f"mt = {R}.masked_tensor({d}, {mk}, requires_grad=True)"


GRAD = "(mt.grad.get_data(), mt.grad.get_mask())"


def grad_case(body, d="x", mk="m", err=False):
    """mt = masked_tensor(d, mk, requires_grad=True); body (which calls backward); mt.grad's parts."""
    case(f"{leaf(d, mk)}\n{body}\n{GRAD}", err=err)


# Python 2.13's backward fails for these (an op its formula needs is missing from MaskedTensor's
# dispatch table, or the formula passes a keyword the binary ops refuse): recorded as errors.
UNARY_FAILS = {"angle", "atanh", "arctanh", "ceil", "clamp", "clip", "digamma", "fix", "floor", "logit", "i0", "round", "sigmoid",
               "sign", "sinc", "tanh", "trunc"}
BINARY_FAILS = {"atan2", "arctan2", "logaddexp2", "nextafter", "maximum", "minimum", "fmax", "fmin", "fmod", "remainder"}
UNARY_ARGS = {"clamp": "-0.5, 0.5", "clip": "-0.5, 0.5", "pow": "3", "nan_to_num": "", "logit": ""}
# bool/int only, or bool results; sgn: Python hands back a plain Tensor gradient (its formula leaves the MaskedTensor)
NOT_DIFFERENTIABLE = {"bitwise_not", "isnan", "signbit", "sgn"}


def basics():
    # the tutorial: sum of all elements; and the state around it
    grad_case("mt.sum().backward()")
    grad_case("mt.sum().backward()", d="xd", mk="md")
    case(f"{leaf()}\n(mt.requires_grad, mt.is_leaf, mt.grad is None)")
    case(f"{leaf()}\ny = mt.sum()\n(y.requires_grad, y.is_leaf, y.get_data(), y.get_mask())")
    case(f"{leaf()}\nd = mt.detach()\n(d.requires_grad, d.is_leaf, d.get_data(), d.get_mask())")
    case(f"{leaf()}\nd = mt.clone()\n(d.requires_grad, d.is_leaf)")
    case(f"mt = {R}.masked_tensor(x, m)\nmt.requires_grad_()\nmt.sum().backward()\n{GRAD}")
    case(f"mt = {R}.masked_tensor(x, m)\n(mt.requires_grad, mt.is_leaf, mt.grad is None)")
    case(f"mt = {R}.masked_tensor(x, m)\nmt.sum().backward()", err=True)
    # in-place ops: on a leaf, and on a result saved for backward
    case(f"{leaf()}\nmt.exp_()", err=True)
    # (libtorch names the tensor's type its C++ way: the part after it is compared)
    case(f"{leaf()}\nr = mt.exp()\nr.sin_()\nr.sum().backward()", err="which is output 0 of Exp, is at version 1; expected version 0 instead.")
    # retain_grad on a result; zeroing the gradient in place
    case(f"{leaf()}\nr = mt.exp()\nr.retain_grad()\nr.sum().backward()\n(r.grad.get_data(), r.grad.get_mask())")
    grad_case("mt.sum().backward()\nmt.grad.get_data().zero_()\nmt.exp().sum().backward()")
    case(f"{leaf()}\n(mt.exp().grad_fn is None, mt.grad_fn is None, mt.sum().grad_fn is None, mt.detach().grad_fn is None)")
    # gradients with different masks do not add up (where cuts the first one's mask)
    grad_case(f"torch.where(c, mt, {R}.masked_tensor(y, m)).sum().backward()\nmt.sum().backward()", err=True)
    # backward twice accumulates (the masks match)
    grad_case("mt.sum().backward()\nmt.sum().backward()")
    grad_case("mt.exp().sum().backward()\nmt.sin().sum().backward()")
    grad_case("mt.mul(mt).sum().backward()")
    grad_case("mt.mul(2.5).sum().backward()")
    grad_case("mt.sum(1).mean().backward()")
    # a non-scalar output with a MaskedTensor gradient
    grad_case(f"mt.exp().backward({R}.masked_tensor(y, m))")
    # a non-scalar output without one
    grad_case("mt.exp().backward()", err=True)


def unary():
    from torch.masked.maskedtensor.unary import UNARY_NAMES
    for op in UNARY_NAMES:
        if op in NOT_DIFFERENTIABLE:
            continue
        d = "pos" if op in ("log", "log10", "log2", "sqrt", "rsqrt", "log1p", "lgamma", "digamma", "acosh", "arccosh", "reciprocal", "logit") else "x"
        if op in ("acos", "arccos", "asin", "arcsin", "atanh", "arctanh", "erfinv"):
            d = "half"
        if op == "logit":
            d = "half"
        grad_case(f"mt.{op}({UNARY_ARGS.get(op, '')}).sum().backward()", d=d, err=op in UNARY_FAILS)
    for op in ["sin", "exp", "abs", "square"]:
        grad_case(f"mt.{op}().sum().backward()", d="xd", mk="md")
    case(f"{leaf()}\nmt.isnan().requires_grad")


def binary():
    from torch.masked.maskedtensor.binary import BINARY_NAMES
    for op in BINARY_NAMES:
        if op.startswith("bitwise") or op in ("eq", "ne", "le", "ge", "greater", "greater_equal", "gt", "less_equal", "lt", "less", "not_equal"):
            continue
        other = "pos" if op in ("div", "divide", "true_divide", "fmod", "remainder", "floor_divide") else "y"
        case(f"{leaf()}\nnt = {R}.masked_tensor({other}, m, requires_grad=True)\nmt.{op}(nt).sum().backward()\n"
             f"(mt.grad.get_data(), mt.grad.get_mask(), nt.grad.get_data(), nt.grad.get_mask())", err=op in BINARY_FAILS or op == "floor_divide")
    for op in ["fmod", "remainder", "atan2"]:
        grad_case(f"mt.{op}({R}.masked_tensor(pos, m)).sum().backward()", err=op == "atan2")
    grad_case("mt.add(y).sum().backward()")
    grad_case("mt.mul(y).sum().backward()")
    grad_case("mt.div(pos).sum().backward()")
    grad_case(f"mt.mul({R}.masked_tensor(yd, md)).sum().backward()", d="xd", mk="md")
    grad_case("mt.lt(y).sum().backward()", err=True)
    grad_case(f"mt.add({R}.masked_tensor(y, mall)).sum().backward()", err=True)


def reductions():
    for op in ["sum", "mean", "amax", "amin", "prod"]:
        if op != "sum":  # sum: the tutorial case above
            grad_case(f"mt.{op}().backward()")
        grad_case(f"mt.{op}(1).sum().backward()")
        grad_case(f"mt.{op}(0, True).sum().backward()")
        grad_case(f"mt.{op}(dim=-1).sum().backward()", d="xd", mk="md")
        if op != "sum":
            grad_case(f"mt.{op}().backward()", d="xd", mk="md")
    for op in ["sum", "mean", "amax", "amin"]:
        grad_case(f"mt.{op}((0, 2)).sum().backward()", d="xd", mk="md")
    for op in ["var", "std"]:
        grad_case(f"mt.{op}().backward()")
        grad_case(f"mt.{op}(1).sum().backward()")
        grad_case(f"mt.{op}(0).sum().backward()", d="xd", mk="md")
    for op in ["argmax", "argmin"]:
        grad_case(f"mt.{op}().backward()", err=True)
        grad_case(f"mt.{op}(1).sum().backward()", err=True)
    grad_case("mt.sum().backward()", mk="mall")
    # the torch.masked functions take a MaskedTensor that requires grad
    for op in ["sum", "mean", "amax", "amin", "prod", "logsumexp", "norm", "var", "std"]:
        grad_case(f"{R}.{op}(mt, 1).sum().backward()")
    for op in ["softmax", "log_softmax", "softmin", "cumsum", "cumprod"]:
        grad_case(f"{R}.{op}(mt, 1).mul(y).sum().backward()")
    grad_case(f"{R}.normalize(mt, 2, 1).mul(y).sum().backward()")


def softmax():
    grad_case(f"mt.softmax(1).mul({R}.masked_tensor(y, m)).sum().backward()")
    grad_case(f"mt.softmax(0).mul({R}.masked_tensor(y, m)).sum().backward()")
    grad_case(f"mt.softmax(-1).mul({R}.masked_tensor(yd, md)).sum().backward()", d="xd", mk="md")


def layouts():
    grad_case("mt.get_data().sum().backward()")
    grad_case("mt.get_data().mul(y).sum().backward()")
    grad_case("mt.to_dense().sum().backward()", err=True)
    grad_case("mt.contiguous().sum().backward()")
    grad_case("mt.t().contiguous().sum().backward()")
    grad_case("mt.clone().sum().backward()")
    grad_case("mt.to(torch.float64).sum().backward()")
    grad_case("mt.to_sparse().to_dense().sum().backward()")
    grad_case("mt.to_sparse_csr().to_dense().sum().backward()")
    grad_case("mt.to_sparse().sum().backward()", err=True)
    grad_case("mt.to_sparse_csr().sum().backward()", err=True)
    grad_case("mt.to_sparse().sin().to_dense().sum().backward()")
    grad_case("mt.to_sparse().get_data().to_dense().sum().backward()")
    # a sparse leaf: its gradient is sparse, with the leaf's indices
    for body in ["mt.to_dense().sum().backward()", "mt.sin().to_dense().sum().backward()", "mt.mul(mt).to_dense().sum().backward()"]:
        case(f"mt = {R}.masked_tensor(x.to_sparse(), m.to_sparse(), requires_grad=True)\n{body}\n"
             "(mt.grad.layout, mt.grad.get_data(), mt.grad.get_mask(), mt.grad.get_data().indices())")
    case(f"mt = {R}.masked_tensor(x.to_sparse(), m.to_sparse(), requires_grad=True)\nmt.sum().backward()", err=True)
    for body in ["mt.to_dense().sum().backward()", "mt.sin().to_dense().sum().backward()", "mt.mul(mt).exp().to_dense().sum().backward()"]:
        case(f"mt = {R}.masked_tensor(x.to_sparse_csr(), m.to_sparse_csr(), requires_grad=True)\n{body}\n"
             "(mt.grad.layout, mt.grad.get_data(), mt.grad.get_mask(), mt.grad.get_data().crow_indices(), mt.grad.get_data().col_indices())")


def where():
    # torch.where(c, r, other) is written r.where(c, other) in JS (see WHERE below)
    grad_case(f"torch.where(c, mt, {R}.masked_tensor(y, m)).sum().backward()")
    case(f"{leaf()}\nnt = {R}.masked_tensor(y, m, requires_grad=True)\ntorch.where(c, mt, nt).sum().backward()\n"
         f"(mt.grad.get_data(), mt.grad.get_mask(), nt.grad.get_data(), nt.grad.get_mask())")
    grad_case(f"torch.where(c, mt, y).sum().backward()")
    grad_case(f"torch.where(c, mt.neg(), {R}.masked_tensor(y, m)).sum().backward()")
    grad_case(f"torch.where(c, mt.exp(), {R}.masked_tensor(y, m)).sum().backward()", err=True)
    grad_case(f"torch.where(c, mt, {R}.masked_tensor(y, m)).mul({R}.masked_tensor(y, m)).sum().backward()")
    grad_case(f"torch.where(c, mt, mt.neg()).sum().backward()", err=True)
    case(f"{leaf()}\nr = torch.where(c, mt, {R}.masked_tensor(y, m))\n(r.get_data(), r.get_mask())")
    # where cuts the gradient's mask: the ops whose formula reads a saved MaskedTensor then raise Python's error
    for expr, fails in [("mt.mul(2.5)", False), ("mt.mul(mt)", True), ("mt.mul(y)", False), ("mt.div(pos)", False), ("mt.div(2.5)", False),
                        ("mt.logaddexp(y)", True), ("mt.add(mt)", False), ("mt.sub(y)", False), ("mt.frac()", False), ("mt.deg2rad()", False),
                        ("mt.abs()", True), ("mt.pow(2)", True), ("mt.clone()", False), ("mt.to(torch.float64)", False), ("mt.softmax(1)", True),
                        ("mt.t().t()", False), ("mt.contiguous()", False)]:
        other = f"{R}.masked_tensor(y.double(), m)" if "float64" in expr else f"{R}.masked_tensor(y, m)"
        grad_case(f"r = {expr}\ntorch.where(c, r, {other}).sum().backward()", err=fails)


def views():
    grad_case("mt.transpose(0, 1).sum().backward()")
    grad_case("mt.t().sum(1).sum().backward()")
    grad_case("mt.view(2, 6).sum(0).sum().backward()")
    grad_case("mt.unsqueeze(1).sum().backward()", err=True)
    grad_case("mt.select(0, 2).sum().backward()")
    grad_case("mt.select(1, -1).exp().sum().backward()")
    grad_case("mt.expand(2, 3, 4).sum().backward()")
    grad_case("mt.unfold(1, 2, 1).sum().backward()")
    grad_case("mt.select(0, 0).add(mt.select(0, 2)).sum().backward()", err=True)
    grad_case("mt.narrow(1, 1, 2).sum().backward()")
    grad_case("mt.reshape(2, 6).sum(0).sum().backward()")
    grad_case("mt.split(2, 1)[1].sum().backward()", err=True)
    grad_case("mt.chunk(2, 1)[0].sum().backward()", err=True)
    grad_case("mt.tensor_split(2, 1)[0].sum().backward()")
    grad_case("mt.narrow(0, 0, 1).expand_as(x).sum().backward()")
    grad_case("mt.flatten().sum().backward()")


def tutorial():
    """The autograd examples of PyTorch's MaskedTensor overview tutorial (the issues it solves), method spelling."""
    # torch.where (pytorch#10729): the gradient of the branch not taken is masked out, not NaN
    case(f"xt = torch.tensor([-10.5, -5.5, 0.5, 5.5, 10.5, 50.5, 60.5, 70.5, 80.5, 90.5, 100.5])\nmask = xt.lt(0)\n"
         f"mx = {R}.masked_tensor(xt, mask, requires_grad=True)\nmy = {R}.masked_tensor(torch.ones_like(xt), mask.logical_not(), requires_grad=True)\n"
         f"y = torch.where(mask, mx.exp(), my)\ny.sum().backward()\n(mx.grad.get_data(), mx.grad.get_mask(), my.grad.get_data(), my.grad.get_mask())")
    # torch.where with a division by zero on the other side (pytorch#52248)
    case(f"a = {R}.masked_tensor(torch.tensor(1.5), torch.tensor(True), requires_grad=True)\nb = torch.tensor(False)\n"
         f"r = a.div(torch.zeros(()))\nres = torch.where(b, r, torch.ones(()))\nres.backward()\n(res.get_data(), res.get_mask(), a.grad.get_data(), a.grad.get_mask())")
    # nansum's gradient (pytorch#67180): a plain scalar times a MaskedTensor with the NaN masked out
    case(f"a = torch.tensor([1.5, 2.5, float('nan')])\nxg = torch.tensor(1.25, requires_grad=True)\n"
         f"mt = {R}.masked_tensor(a, torch.isnan(a).logical_not())\nc = mt.mul(xg)\nc.sum().backward()\n(xg.grad.get_data(), xg.grad.get_mask())")
    # NaN-safe division (pytorch#61474)
    case(f"div = torch.tensor([0, 1.5, 0.25, 2.5])\nmask = div.ne(0)\n"
         f"xm = {R}.masked_tensor(torch.tensor([1.5, 2.5, 3.5, 4.5]), mask, requires_grad=True)\ny = xm.div(div)\ny.sum().backward()\n"
         f"(xm.grad.get_data(), xm.grad.get_mask())")


def chains():
    grad_case(f"a = mt.sin().mul({R}.masked_tensor(y, m))\nb = a.exp().add(mt)\nb.sum(0).mean().backward()")
    grad_case("mt.mul(mt.exp()).amax(1).sum().backward()")
    grad_case(f"mt.softmax(1).log().mul({R}.masked_tensor(y, m)).sum().backward()")
    grad_case("mt.exp().prod(1).sum().backward()")
    grad_case(f"mt.div({R}.masked_tensor(posd, md)).pow(2).mean(2).sum().backward()", d="xd", mk="md")
    grad_case(f"mt.sub({R}.masked_tensor(yd, md)).abs().amax(1).sum().backward()", d="xd", mk="md")
    # as_masked_tensor keeps the data's history (Python hands the plain tensor a MaskedTensor gradient: see the test)
    case(f"xg = x.clone().requires_grad_()\nmt = {R}.as_masked_tensor(xg, m)\nmt.sum().backward()\n(xg.grad.get_data(), xg.grad.get_mask())")
    case(f"xg = x.clone().requires_grad_()\nmt = {R}.as_masked_tensor(xg.exp(), m)\nmt.sum(1).sum().backward()\n(xg.grad.get_data(), xg.grad.get_mask())")
    case(f"xg = x.clone().requires_grad_()\nmt = {R}.as_masked_tensor(xg, m)\n(mt.requires_grad, mt.is_leaf)")
    # a plain operand that requires grad: Python hands it a MaskedTensor gradient too (see the test);
    # broadcast, its gradient is summed over the valid elements only
    case(f"{leaf()}\nxg = y.clone().requires_grad_()\nmt.mul(xg).sum().backward()\n(xg.grad.get_data(), xg.grad.get_mask())")
    case(f"{leaf()}\nxg = y.select(0, 0).clone().requires_grad_()\nmt.mul(xg).sum().backward()\n(xg.grad.get_data(), xg.grad.get_mask())")
    case(f"{leaf()}\nxg = y[:, :1].clone().requires_grad_()\nmt.add(xg).exp().sum().backward()\n(xg.grad.get_data(), xg.grad.get_mask())")
    case(f"{leaf()}\nxg = y.select(0, 0).clone().requires_grad_()\nmt.mul(xg).sum().backward()\n(mt.grad.get_data(), mt.grad.get_mask())")
    case(f"xg = x.clone().requires_grad_()\nmt = {R}.masked_tensor(xg, m)\n(mt.requires_grad, mt.is_leaf)")


def main():
    make_pool()
    basics()
    unary()
    binary()
    reductions()
    softmax()
    layouts()
    where()
    views()
    chains()
    tutorial()
    if mf.PROBLEMS:
        print("\n".join(mf.PROBLEMS), file=sys.stderr)
        return 1
    for c in FAMILY.cases:  # JS spells Python's torch.where(c, mt, other) as mt.where(c, other)
        c["js"] = WHERE.sub(r"\2.where(\1, ", c["js"])
    FAMILY.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
