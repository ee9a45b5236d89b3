#!/usr/bin/env python3
"""Golden fixtures for test/nn-nnloss.test.ts: every loss of torch.nn 2.13 (the F function and the
module), run by Python torch on seeded inputs: forward results for option combinations, gradients
w.r.t. every differentiable input (backward of a fixed weighted sum), module reprs, attributes,
buffers and state_dict keys, the warnings PyTorch gives (legacy size_average/reduce, target-size
mismatch, kl_div's 'mean'), error cases, and losses written by the user (a focal loss function, a
dice loss Module) that train with autograd.

Usage: .venv/bin/python scripts/make-nn-nnloss-fixtures.py   (writes test/fixtures/nn-nnloss.json;
deterministic: run it twice, nothing changes).

Each case is a Python snippet translated to the torchnode spelling by scripts/make-fixtures.py's
translator, extended here for nn: `nn.X(...)` is `new nn.X(...)`, calling a module is `.call(...)`,
`lambda: e` is `() => e`, and the helpers below (keys_of, warnings_of, focal_loss, DiceLoss,
train_steps) have JS twins in the test. Every loss kernel used here is deterministic on the CPU,
so the comparison is bit for bit on the pinned AVX2 kernels with one thread, except
linear_cross_entropy, whose linear layer goes through BLAS (chosen by CPU model): a few ulps there.
"""
import ast
import re
import importlib.util
import math
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

NAME = "nn-nnloss"

# ---------------------------------------------------------------------------------------------
# Translation: make-fixtures.py's, plus modules (new / .call), lambdas and the helpers' names

MODULE_VARS = {"m"}  # snippet variables that hold a module: calling one is m.call(...)
_base_js = mf.js


def is_class(f):
    """nn.X or a capitalised helper class name (DiceLoss)."""
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "nn":
        return f.attr[:1].isupper()
    return isinstance(f, ast.Name) and f.id[:1].isupper()


def js(n):
    if isinstance(n, ast.Lambda):
        assert not n.args.args, "lambdas take no arguments here"
        return "() => " + js(n.body)
    if isinstance(n, ast.Call):
        f = n.func
        if is_class(f):
            return "new " + _base_js(n)
        if (isinstance(f, ast.Call) and is_class(f.func)) or (isinstance(f, ast.Name) and f.id in MODULE_VARS):
            return js(ast.Call(func=ast.Attribute(value=f, attr="call"), args=n.args, keywords=n.keywords))
        if isinstance(f, ast.Name) and f.id == "keys_of":
            return "Object.keys(" + js(n.args[0]) + ")"
    return _base_js(n)


mf.js = js  # the translator's recursion finds this one


# ---------------------------------------------------------------------------------------------
# The helpers snippets may call (each has a JS twin in test/nn-nnloss.test.ts)


def keys_of(d):
    return list(d.keys())


def warnings_of(fn):
    """The warnings fn gives, each as 'Category: message' (every one shown, as simplefilter('always'))."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def focal_loss(logits, target, gamma=2):
    """A loss written by the user as a function of tensors: focal loss (Lin et al.) over class indices."""
    logp = F.log_softmax(logits, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
    return -((1 - logp.exp()) ** gamma * logp).mean()


class DiceLoss(nn.Module):
    """A loss written by the user as a Module: soft dice over sigmoid probabilities."""

    def __init__(self, smooth):
        super().__init__()
        self.smooth = smooth

    def forward(self, logits, target):
        p = logits.sigmoid()
        inter = p.mul(target).sum()
        return 1 - (2 * inter + self.smooth) / (p.sum() + target.sum() + self.smooth)


def train_steps(loss_fn, w, x, y, steps, lr):
    """Plain SGD on a linear scorer (x[:, :, None] * w).sum(1) (no BLAS: bit-exact); returns [w, losses]."""
    w = w.clone().requires_grad_()
    losses = []
    for _ in range(steps):
        loss = loss_fn(x.unsqueeze(2).mul(w).sum(1), y)
        loss.backward()
        with torch.no_grad():
            w.sub_(w.grad.mul(lr))
        w.grad = None
        losses.append(loss.detach())
    return [w.detach(), torch.stack(losses)]


HELPERS = {"F": F, "nn": nn, "keys_of": keys_of, "warnings_of": warnings_of, "focal_loss": focal_loss,
           "DiceLoss": DiceLoss, "train_steps": train_steps}
_base_run = mf.run_py
mf.run_py = lambda src, env: _base_run(src, {**HELPERS, **env})

# ---------------------------------------------------------------------------------------------
# Inputs


G = torch.Generator().manual_seed(20261130)


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=G, dtype=dtype)


def rand(*shape, dtype=torch.float32):
    return torch.rand(*shape, generator=G, dtype=dtype)


def make_pool():
    P = mf.POOL
    P["x35"] = randn(3, 5)
    P["x35d"] = randn(3, 5, dtype=torch.float64)
    P["y3"] = torch.tensor([1, 0, 4])
    P["y3ign"] = torch.tensor([1, -100, 4])
    P["y3i32"] = torch.tensor([1, 0, 4], dtype=torch.int32)
    P["y3big"] = torch.tensor([1, 0, 5])
    P["y3neg"] = torch.tensor([1, -2, 4])
    P["y2"] = torch.tensor([1, 0])
    P["p35"] = torch.softmax(randn(3, 5), 1)
    P["p35d"] = torch.softmax(randn(3, 5, dtype=torch.float64), 1)
    P["x5"] = randn(5)
    P["x4523"] = randn(4, 5, 2, 3)
    P["y423"] = torch.randint(0, 5, (4, 2, 3), generator=G)
    P["y423ign"] = torch.where(rand(4, 2, 3) < 0.25, torch.tensor(-100), P["y423"])
    P["p4523"] = torch.softmax(randn(4, 5, 2, 3), 1)
    P["w5"] = rand(5) + 0.5
    P["w5d"] = rand(5, dtype=torch.float64) + 0.5
    P["a23"] = randn(2, 3)
    P["b23"] = randn(2, 3)
    P["a23d"] = randn(2, 3, dtype=torch.float64)
    P["b23d"] = randn(2, 3, dtype=torch.float64)
    P["w23"] = rand(2, 3) + 0.25
    P["b3"] = randn(3)
    P["pr23"] = rand(2, 3) * 0.9 + 0.05
    P["pr23d"] = rand(2, 3, dtype=torch.float64) * 0.9 + 0.05
    P["t23"] = rand(2, 3)
    P["t23d"] = rand(2, 3, dtype=torch.float64)
    P["pw3"] = rand(3) + 0.5
    P["cnt23"] = torch.randint(0, 6, (2, 3), generator=G).float()
    P["v23"] = rand(2, 3) + 0.1
    P["v2"] = rand(2) + 0.1
    P["v21"] = rand(2, 1) + 0.1
    P["v13"] = rand(1, 3) + 0.1
    P["vneg23"] = randn(2, 3)
    P["r4a"] = randn(4)
    P["r4b"] = randn(4)
    P["sgn4"] = torch.tensor([1.0, -1.0, 1.0, -1.0])
    P["sgn23"] = torch.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]])
    P["sgn3"] = torch.tensor([1.0, -1.0, 1.0])
    P["ml35"] = torch.tensor([[3, 0, -1, 1, 4], [4, -1, 0, 0, 0], [0, 1, 2, 3, 4]])
    P["mb35"] = (rand(3, 5) < 0.5).float()
    P["e35a"] = randn(3, 5)
    P["e35b"] = randn(3, 5)
    P["e35c"] = randn(3, 5)
    P["ctcx"] = randn(6, 2, 4)
    P["ctcxd"] = randn(6, 2, 4, dtype=torch.float64)
    P["ctct"] = torch.tensor([[1, 2, 2], [3, 1, 0]])
    P["ctct1d"] = torch.tensor([1, 2, 2, 3, 1])
    P["ctcil"] = torch.tensor([6, 5])
    P["ctctl"] = torch.tensor([3, 2])
    P["lw45"] = randn(4, 5) * 0.5      # train_steps: weights of a 4-feature, 5-class scorer
    P["lx84"] = randn(8, 4)
    P["ly8"] = torch.randint(0, 5, (8,), generator=G)
    P["lw41"] = randn(4, 1) * 0.5
    P["ly81"] = (rand(8, 1) < 0.5).float()
    P["ddx23"] = randn(2, 3)
    P["lcx24"] = randn(2, 4)
    P["lcw54"] = randn(5, 4)
    P["lcb5"] = randn(5)
    P["lcw534"] = randn(5, 3, 4)
    P["lcb53"] = randn(5, 3)
    P["lcy2"] = torch.tensor([4, 1])
    P["lcy23"] = torch.tensor([[4, 1, 0], [2, 2, 3]])


# ---------------------------------------------------------------------------------------------
# Cases


class Cases(mf.Family):
    """make-fixtures.py's Family with a group tag (the test's describe block) on each case."""

    group = ""

    def case(self, src, tol=None, err=False):
        n = len(self.cases)
        super().case(src, tol, err)
        if len(self.cases) > n:
            self.cases[-1]["group"] = self.group

    def write(self):
        n = super().write()
        path = os.path.join(mf.OUT_DIR, self.name + ".json")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace('"generator":"scripts/make-fixtures.py"', '"generator":"scripts/make-nn-nnloss-fixtures.py"', 1))
        return n


def grad(fam, call, inputs, tol=None):
    """The loss and the gradient w.r.t. each of `inputs` (pool names, renamed to their first letter + 'g')."""
    lines, names = [], []
    for i, p in enumerate(inputs):
        v = f"g{i}"
        lines.append(f"{v} = {p}.clone().requires_grad_()")
        call = re.sub(rf"@{p}\b", v, call)
        names.append(v)
    lines.append(f"out = {call.replace('@', '')}")
    lines.append("out.mul(out.detach().cos()).sum().backward()")  # a fixed, non-uniform weighting of the outputs
    lines.append("(out, " + ", ".join(f"{v}.grad" for v in names) + ")")
    fam.case("\n".join(lines), tol)


RED = ["'mean'", "'sum'", "'none'"]


def functional(fam):
    # Regression
    fam.group = "l1/mse/smooth_l1/huber"
    for fn in ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"]:
        for r in RED:
            grad(fam, f"F.{fn}(@a23, @b23, reduction={r})", ["a23", "b23"])
        grad(fam, f"F.{fn}(@a23d, @b23d)", ["a23d", "b23d"])
        fam.case(f"F.{fn}(a23, b3)")  # broadcasting (with the warning tested below)
    for fn in ["l1_loss", "mse_loss", "huber_loss"]:
        for r in RED:
            grad(fam, f"F.{fn}(@a23, @b23, reduction={r}, weight=w23)", ["a23", "b23"])
        fam.case(f"F.{fn}(a23, b23, weight=b3)", err=True)
        fam.case(f"F.{fn}(a23, b23, reduction='avg', weight=w23)", err=True)
    for beta in ["0.5", "2.5", "0"]:
        grad(fam, f"F.smooth_l1_loss(@a23, @b23, beta={beta})", ["a23", "b23"])
    for delta in ["0.5", "2.5"]:
        grad(fam, f"F.huber_loss(@a23, @b23, delta={delta}, reduction='sum')", ["a23", "b23"])
    fam.case("F.mse_loss(a23, b23, size_average=False)")
    fam.case("F.mse_loss(a23, b23, reduce=False)")
    fam.case("F.l1_loss(a23, b23, None, None, 'sum')")
    fam.case("F.l1_loss(a23, b23, reduction='avg')", err=True)
    fam.case("F.l1_loss(a23, b23, reduction='elementwise_mean')")

    fam.group = "cross_entropy/nll"
    for r in RED:
        grad(fam, f"F.cross_entropy(@x35, y3, reduction={r})", ["x35"])
        grad(fam, f"F.cross_entropy(@x35, y3ign, weight=w5, reduction={r})", ["x35"])
        grad(fam, f"F.cross_entropy(@x35, y3, weight=w5, label_smoothing=0.2, reduction={r})", ["x35"])
        grad(fam, f"F.cross_entropy(@x35, @p35, reduction={r})", ["x35", "p35"])
        grad(fam, f"F.cross_entropy(@x4523, y423ign, weight=w5, label_smoothing=0.1, reduction={r})", ["x4523"])
        grad(fam, f"F.nll_loss(@x35.log_softmax(1), y3ign, weight=w5, reduction={r})", ["x35"])
        grad(fam, f"F.nll_loss(@x4523.log_softmax(1), y423ign, reduction={r})", ["x4523"])
    grad(fam, "F.cross_entropy(@x35d, y3, weight=w5d, label_smoothing=0.3)", ["x35d"])
    grad(fam, "F.cross_entropy(@x35d, @p35d, label_smoothing=0.3)", ["x35d", "p35d"])
    grad(fam, "F.cross_entropy(@x35, @p35, weight=w5, label_smoothing=0.15)", ["x35", "p35"])
    grad(fam, "F.cross_entropy(@x4523, @p4523, label_smoothing=0.25)", ["x4523", "p4523"])
    grad(fam, "F.cross_entropy(@x5, torch.tensor(2))", ["x5"])  # unbatched
    fam.case("F.cross_entropy(x35, y3, ignore_index=0)")
    fam.case("F.cross_entropy(x35, y3, ignore_index=4, reduction='sum')")
    fam.case("F.cross_entropy(x35, y3, w5, None, -100, None, 'sum', 0.5)")
    fam.case("F.cross_entropy(x35, y3, size_average=False)")
    fam.case("F.cross_entropy(x35, y3, reduce=False)")
    fam.case("F.cross_entropy(x35, torch.tensor([-100, -100, -100]))")  # all ignored: nan, as PyTorch
    fam.case("F.nll_loss(x35.log_softmax(1), y3, ignore_index=1)")
    fam.case("F.nll_loss(x35, y3, size_average=False, reduce=True)")
    # Input validation, with PyTorch's messages
    fam.case("F.cross_entropy(x35, y3i32)", err=True)
    fam.case("F.cross_entropy(x35, y3big)", err=True)
    fam.case("F.cross_entropy(x35, y3neg)", err=True)
    fam.case("F.cross_entropy(x35, y2)", err=True)
    fam.case("F.cross_entropy(x35, p35.index_select(1, torch.tensor([0, 1])))", err=True)
    fam.case("F.cross_entropy(x35, y3, weight=w5.index_select(0, torch.tensor([0, 1])))", err=True)
    fam.case("F.cross_entropy(x35, y3, label_smoothing=1.5)", err=True)
    fam.case("F.cross_entropy(x35, p35, ignore_index=1, label_smoothing=0.5)", err=True)
    fam.case("F.nll_loss(x35, y3big)", err=True)
    fam.case("F.nll_loss(x35, y3neg)", err=True)
    fam.case("F.nll_loss(x35, y2)", err=True)
    fam.case("F.nll_loss(x35, y3.float())", err=True)
    fam.case("F.cross_entropy(x35, y3, reduction='mean_')", err=True)

    fam.group = "likelihood: poisson_nll, gaussian_nll, kl_div"
    for r in RED:
        grad(fam, f"F.poisson_nll_loss(@a23, cnt23, reduction={r})", ["a23"])
        grad(fam, f"F.gaussian_nll_loss(@a23, @b23, @v23, reduction={r})", ["a23", "b23", "v23"])
        grad(fam, f"F.kl_div(@x35.log_softmax(1), @p35, reduction={r})", ["x35", "p35"])
    grad(fam, "F.poisson_nll_loss(@pr23, cnt23, log_input=False, full=True)", ["pr23"])
    grad(fam, "F.poisson_nll_loss(@a23, cnt23, full=True, eps=0.001, reduction='sum')", ["a23"])
    grad(fam, "F.poisson_nll_loss(@pr23d, t23d, False, True, None, 0.25)", ["pr23d"])
    fam.case("F.poisson_nll_loss(a23, cnt23, reduction='batchmean')", err=True)
    grad(fam, "F.gaussian_nll_loss(@a23, @b23, @v2, full=True)", ["a23", "b23", "v2"])
    grad(fam, "F.gaussian_nll_loss(@a23, @b23, @v21, eps=0.25)", ["a23", "b23", "v21"])
    grad(fam, "F.gaussian_nll_loss(@a23, @b23, @v13, reduction='sum')", ["a23", "b23", "v13"])
    grad(fam, "F.gaussian_nll_loss(@a23, @b23, 0.5)", ["a23", "b23"])
    grad(fam, "F.gaussian_nll_loss(@a23d, @b23d, 0.03125, full=True, eps=0.0625)", ["a23d", "b23d"])
    fam.case("F.gaussian_nll_loss(a23, b23, vneg23)", err=True)
    fam.case("F.gaussian_nll_loss(a23, b23, -0.5)", err=True)
    fam.case("F.gaussian_nll_loss(a23, b23, v23.index_select(1, torch.tensor([0, 1])))", err=True)
    fam.case("F.gaussian_nll_loss(a23, b23, v23, reduction='batchmean')", err=True)
    grad(fam, "F.kl_div(@x35.log_softmax(1), @p35, reduction='batchmean')", ["x35", "p35"])
    grad(fam, "F.kl_div(@x35.log_softmax(1), @x35d.log_softmax(1).float(), reduction='batchmean', log_target=True)", ["x35", "x35d"])
    grad(fam, "F.kl_div(@x5.log_softmax(0), @x5.softmax(0).flip(0), reduction='batchmean')", ["x5"])
    fam.case("F.kl_div(x35.log_softmax(1), p35, size_average=False)")
    fam.case("F.kl_div(x35.log_softmax(1), p35, reduction='batchmeans')", err=True)

    fam.group = "binary: bce, bce_with_logits, soft_margin, multilabel"
    for r in RED:
        grad(fam, f"F.binary_cross_entropy(@pr23, @t23, reduction={r})", ["pr23", "t23"])
        grad(fam, f"F.binary_cross_entropy(@pr23, t23, weight=w23, reduction={r})", ["pr23"])
        grad(fam, f"F.binary_cross_entropy_with_logits(@a23, @t23, reduction={r})", ["a23", "t23"])
        grad(fam, f"F.binary_cross_entropy_with_logits(@a23, @t23, weight=w23, pos_weight=pw3, reduction={r})", ["a23", "t23"])
        grad(fam, f"F.soft_margin_loss(@a23, sgn23, reduction={r})", ["a23"])
        grad(fam, f"F.multilabel_soft_margin_loss(@x35, mb35, reduction={r})", ["x35"])
        grad(fam, f"F.multilabel_margin_loss(@x35, ml35, reduction={r})", ["x35"])
    grad(fam, "F.binary_cross_entropy(@pr23d, @t23d, weight=t23d.index_select(0, torch.tensor([0])))", ["pr23d", "t23d"])
    grad(fam, "F.binary_cross_entropy(@pr23, t23, pw3)", ["pr23"])  # weight broadcast over rows
    grad(fam, "F.binary_cross_entropy_with_logits(@a23d, t23d, None, None, None, 'sum', t23d.index_select(0, torch.tensor([1])).squeeze(0))", ["a23d"])
    grad(fam, "F.multilabel_soft_margin_loss(@x35, mb35, weight=w5)", ["x35"])
    grad(fam, "F.multilabel_margin_loss(@x5, ml35.index_select(0, torch.tensor([0])).squeeze(0))", ["x5"])
    fam.case("F.binary_cross_entropy(pr23, t23, reduce=False)")
    fam.case("F.binary_cross_entropy(pr23, t23.index_select(0, torch.tensor([0])))", err=True)
    fam.case("F.binary_cross_entropy(a23, t23)", err=True)
    fam.case("F.binary_cross_entropy_with_logits(a23, b3)", err=True)
    fam.case("F.multilabel_margin_loss(x35, ml35.index_select(0, torch.tensor([0, 1])))", err=True)
    fam.case("F.multilabel_soft_margin_loss(x35, mb35, reduction='avg')", err=True)

    fam.group = "margin and embedding losses"
    for r in RED:
        grad(fam, f"F.margin_ranking_loss(@r4a, @r4b, sgn4, margin=0.25, reduction={r})", ["r4a", "r4b"])
        grad(fam, f"F.hinge_embedding_loss(@a23, sgn23, reduction={r})", ["a23"])
        grad(fam, f"F.cosine_embedding_loss(@e35a, @e35b, sgn3, margin=0.125, reduction={r})", ["e35a", "e35b"])
        grad(fam, f"F.multi_margin_loss(@x35, y3, reduction={r})", ["x35"])
        grad(fam, f"F.triplet_margin_loss(@e35a, @e35b, @e35c, reduction={r})", ["e35a", "e35b", "e35c"])
        grad(fam, f"F.triplet_margin_with_distance_loss(@e35a, @e35b, @e35c, reduction={r})", ["e35a", "e35b", "e35c"])
    grad(fam, "F.margin_ranking_loss(@r4a, @r4b, sgn4)", ["r4a", "r4b"])
    grad(fam, "F.hinge_embedding_loss(@a23, sgn23, margin=0.5)", ["a23"])
    grad(fam, "F.cosine_embedding_loss(@e35a, @e35b, sgn3)", ["e35a", "e35b"])
    grad(fam, "F.multi_margin_loss(@x35, y3, p=2, margin=0.75, weight=w5)", ["x35"])
    grad(fam, "F.multi_margin_loss(@x35d, y3, 1, 1.5, w5d, reduction='sum')", ["x35d"])
    grad(fam, "F.triplet_margin_loss(@e35a, @e35b, @e35c, margin=2.5, p=1, swap=True)", ["e35a", "e35b", "e35c"])
    grad(fam, "F.triplet_margin_loss(@e35a, @e35b, @e35c, 0.5, 3, 0.001, False, None, None, 'sum')", ["e35a", "e35b", "e35c"])
    grad(fam, "F.triplet_margin_with_distance_loss(@e35a, @e35b, @e35c, swap=True, margin=2.5)", ["e35a", "e35b", "e35c"])
    fam.case("F.margin_ranking_loss(r4a, r4b, sgn4.unsqueeze(0))", err=True)
    fam.case("F.multi_margin_loss(x35, y3, p=3)", err=True)
    fam.case("F.multi_margin_loss(x35, y3, weight=w23)", err=True)
    fam.case("F.multi_margin_loss(x35, y3big)", err=True)
    fam.case("F.triplet_margin_loss(e35a, e35b, e35c, margin=0)", err=True)
    fam.case("F.triplet_margin_with_distance_loss(e35a, e35b, e35c, margin=-0.5)", err=True)
    fam.case("F.triplet_margin_with_distance_loss(e35a, e35b, x5)", err=True)
    fam.case("F.triplet_margin_with_distance_loss(e35a, e35b, e35c, reduction='batchmean')", err=True)
    fam.case("F.cosine_embedding_loss(e35a, e35b, sgn4)", err=True)

    fam.group = "linear_cross_entropy"
    for r in RED:
        grad(fam, f"F.linear_cross_entropy(@lcx24, @lcw54, lcy2, linear_bias=@lcb5, reduction={r})", ["lcx24", "lcw54", "lcb5"], "float32")
    grad(fam, "F.linear_cross_entropy(@lcx24, @lcw54, lcy2, weight=w5, ignore_index=1, label_smoothing=0.25)", ["lcx24", "lcw54"], "float32")
    grad(fam, "F.linear_cross_entropy(@lcx24, @lcw534, lcy23, linear_bias=@lcb53)", ["lcx24", "lcw534", "lcb53"], "float32")
    grad(fam, "F.linear_cross_entropy(@lcx24, @lcw54, @lcx24.matmul(lcw54.t()).softmax(1).detach(), label_smoothing=0.5)", ["lcx24", "lcw54"], "float32")
    grad(fam, "F.linear_cross_entropy(@lcx24.select(0, 1), @lcw54, lcy2.select(0, 0))", ["lcx24", "lcw54"], "float32")
    fam.case("F.linear_cross_entropy(lcx24, lcw54, lcy2, linear_bias=lcb53)", err=True)
    fam.case("F.linear_cross_entropy(lcx24.select(0, 1), lcw534, lcy23)", err=True)
    fam.case("F.linear_cross_entropy(lcx24, lcw54.t(), lcy2)", err=True)
    fam.case("F.linear_cross_entropy(lcx24, lcw54, lcy2.float().unsqueeze(1).expand(2, 5).contiguous(), ignore_index=1)", err=True)
    fam.case("F.linear_cross_entropy(lcx24.unsqueeze(0), lcw54, lcy2)", err=True)

    fam.group = "ctc"
    for r in RED:
        grad(fam, f"F.ctc_loss(@ctcx.log_softmax(2), ctct, ctcil, ctctl, reduction={r})", ["ctcx"])
        grad(fam, f"F.ctc_loss(@ctcx.log_softmax(2), ctct1d, [6, 5], [3, 2], reduction={r})", ["ctcx"])
    grad(fam, "F.ctc_loss(@ctcxd.log_softmax(2), ctct, [6, 5], [3, 2], blank=3)", ["ctcxd"])
    grad(fam, "F.ctc_loss(@ctcx.log_softmax(2), ctct, [2, 5], [3, 2], zero_infinity=True, reduction='sum')", ["ctcx"])
    grad(fam, "F.ctc_loss(@ctcx.log_softmax(2), ctct, [2, 5], [3, 2], 0, 'none', False)", ["ctcx"])
    grad(fam, "F.ctc_loss(@ctcx.log_softmax(2).select(1, 0), ctct.select(0, 0), torch.tensor(6), torch.tensor(3))", ["ctcx"])  # unbatched
    fam.case("F.ctc_loss(ctcx.log_softmax(2), ctct, [6, 7], [3, 2])", err=True)
    fam.case("F.ctc_loss(ctcx.log_softmax(2), ctct, [6, 5], [3, 4])", err=True)
    fam.case("F.ctc_loss(ctcx.log_softmax(2), ctct, [6], [3, 2])", err=True)


MODULES = ["L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss", "BCELoss",
           "BCEWithLogitsLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "MultiLabelMarginLoss", "HuberLoss", "SmoothL1Loss",
           "SoftMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "MultiMarginLoss", "TripletMarginLoss", "CTCLoss"]


def modules(fam):
    fam.group = "modules: repr, attributes, buffers, state_dict"
    for cls in MODULES:
        fam.case(f"str(nn.{cls}())")
        fam.case(f"nn.{cls}().reduction")
        fam.case(f"nn.{cls}().training")
    fam.case("str(nn.CrossEntropyLoss(weight=w5, label_smoothing=0.1, reduction='sum'))")
    fam.case("str(nn.TripletMarginWithDistanceLoss(distance_function=torch.pairwise_distance))")
    for src in ["nn.CrossEntropyLoss(weight=w5)", "nn.CrossEntropyLoss()", "nn.NLLLoss(w5)", "nn.BCELoss(weight=w23)",
                "nn.BCEWithLogitsLoss(weight=w23, pos_weight=pw3)", "nn.BCEWithLogitsLoss(pos_weight=pw3)", "nn.BCEWithLogitsLoss()",
                "nn.MultiLabelSoftMarginLoss(w5)", "nn.MultiMarginLoss(weight=w5)", "nn.L1Loss()"]:
        fam.case(f"keys_of({src}.state_dict())")
    fam.case("nn.CrossEntropyLoss(weight=w5).weight")
    fam.case("nn.CrossEntropyLoss().weight")
    fam.case("nn.BCEWithLogitsLoss(pos_weight=pw3).pos_weight")
    fam.case("nn.CrossEntropyLoss(ignore_index=3, label_smoothing=0.25).ignore_index")
    fam.case("nn.CrossEntropyLoss(ignore_index=3, label_smoothing=0.25).label_smoothing")
    fam.case("nn.L1Loss(size_average=False).reduction")
    fam.case("nn.MSELoss(None, False).reduction")
    fam.case("nn.NLLLoss(size_average=True, reduce=False).reduction")
    fam.case("nn.KLDivLoss(reduction='batchmean', log_target=True).log_target")
    fam.case("nn.PoissonNLLLoss(False, True, eps=0.5).eps")
    fam.case("nn.PoissonNLLLoss(False, True, eps=0.5).log_input")
    fam.case("nn.GaussianNLLLoss(full=True, eps=0.5).full")
    fam.case("nn.SmoothL1Loss(beta=0.5).beta")
    fam.case("nn.HuberLoss('sum', 0.5).delta")
    fam.case("nn.MultiMarginLoss(2, 0.5).p")
    fam.case("nn.MultiMarginLoss(2, 0.5).margin")
    fam.case("nn.TripletMarginLoss(margin=0.5, p=1, eps=0.25, swap=True).swap")
    fam.case("nn.TripletMarginWithDistanceLoss(margin=0.5, swap=True).margin")
    fam.case("nn.CTCLoss(blank=2, zero_infinity=True).blank")
    fam.case("nn.CTCLoss(blank=2, zero_infinity=True).zero_infinity")
    fam.case("nn.CosineEmbeddingLoss(0.5).margin")
    fam.case("nn.MarginRankingLoss(margin=0.5).margin")
    fam.case("nn.HingeEmbeddingLoss(margin=0.5).margin")
    # Construction errors
    fam.case("nn.MultiMarginLoss(p=3)", err=True)
    fam.case("nn.MultiMarginLoss(weight=w23)", err=True)
    fam.case("nn.TripletMarginLoss(margin=0)", err=True)
    fam.case("nn.TripletMarginWithDistanceLoss(margin=-1.5)", err=True)

    fam.group = "modules: forward and gradients"
    m_calls = [
        ("nn.L1Loss()(@a23, @b23)", ["a23", "b23"]),
        ("nn.L1Loss(reduction='none')(@a23, @b23)", ["a23", "b23"]),
        ("nn.MSELoss(reduction='sum')(@a23, @b23)", ["a23", "b23"]),
        ("nn.MSELoss(size_average=False)(@a23, @b23)", ["a23", "b23"]),
        ("nn.CrossEntropyLoss()(@x35, y3)", ["x35"]),
        ("nn.CrossEntropyLoss(weight=w5, ignore_index=4, label_smoothing=0.2)(@x35, y3)", ["x35"]),
        ("nn.CrossEntropyLoss(w5, None, -100, None, 'none', 0.1)(@x4523, y423ign)", ["x4523"]),
        ("nn.CrossEntropyLoss(label_smoothing=0.3, reduction='sum')(@x35, @p35)", ["x35", "p35"]),
        ("nn.NLLLoss(weight=w5, reduction='sum')(@x35.log_softmax(1), y3ign)", ["x35"]),
        ("nn.NLLLoss(ignore_index=0)(@x4523.log_softmax(1), y423)", ["x4523"]),
        ("nn.PoissonNLLLoss()(@a23, cnt23)", ["a23"]),
        ("nn.PoissonNLLLoss(log_input=False, full=True, reduction='none')(@pr23, cnt23)", ["pr23"]),
        ("nn.GaussianNLLLoss()(@a23, @b23, @v23)", ["a23", "b23", "v23"]),
        ("nn.GaussianNLLLoss(full=True, eps=0.25, reduction='none')(@a23, @b23, @v2)", ["a23", "b23", "v2"]),
        ("nn.GaussianNLLLoss()(@a23, @b23, 0.75)", ["a23", "b23"]),
        ("nn.KLDivLoss(reduction='batchmean')(@x35.log_softmax(1), @p35)", ["x35", "p35"]),
        ("nn.KLDivLoss(reduction='sum', log_target=True)(@x35.log_softmax(1), @x35d.log_softmax(1).float())", ["x35", "x35d"]),
        ("nn.BCELoss()(@pr23, @t23)", ["pr23", "t23"]),
        ("nn.BCELoss(weight=w23, reduction='none')(@pr23, t23)", ["pr23"]),
        ("nn.BCEWithLogitsLoss()(@a23, @t23)", ["a23", "t23"]),
        ("nn.BCEWithLogitsLoss(weight=w23, pos_weight=pw3, reduction='sum')(@a23, @t23)", ["a23", "t23"]),
        ("nn.MarginRankingLoss(margin=0.5)(@r4a, @r4b, sgn4)", ["r4a", "r4b"]),
        ("nn.HingeEmbeddingLoss(margin=0.5, reduction='none')(@a23, sgn23)", ["a23"]),
        ("nn.MultiLabelMarginLoss()(@x35, ml35)", ["x35"]),
        ("nn.HuberLoss(delta=0.5)(@a23, @b23)", ["a23", "b23"]),
        ("nn.HuberLoss('none', 2.5)(@a23, @b23)", ["a23", "b23"]),
        ("nn.SmoothL1Loss(beta=0.25)(@a23, @b23)", ["a23", "b23"]),
        ("nn.SmoothL1Loss(beta=0)(@a23, @b23)", ["a23", "b23"]),
        ("nn.SoftMarginLoss()(@a23, sgn23)", ["a23"]),
        ("nn.MultiLabelSoftMarginLoss(weight=w5)(@x35, mb35)", ["x35"]),
        ("nn.MultiLabelSoftMarginLoss(reduction='none')(@x35, mb35)", ["x35"]),
        ("nn.CosineEmbeddingLoss(margin=0.25)(@e35a, @e35b, sgn3)", ["e35a", "e35b"]),
        ("nn.MultiMarginLoss()(@x35, y3)", ["x35"]),
        ("nn.MultiMarginLoss(p=2, margin=0.5, weight=w5, reduction='none')(@x35, y3)", ["x35"]),
        ("nn.TripletMarginLoss()(@e35a, @e35b, @e35c)", ["e35a", "e35b", "e35c"]),
        ("nn.TripletMarginLoss(margin=0.5, p=1, swap=True, reduction='sum')(@e35a, @e35b, @e35c)", ["e35a", "e35b", "e35c"]),
        ("nn.TripletMarginWithDistanceLoss(distance_function=torch.pairwise_distance)(@e35a, @e35b, @e35c)", ["e35a", "e35b", "e35c"]),
        ("nn.TripletMarginWithDistanceLoss(distance_function=torch.cdist, swap=True, reduction='none')(@e35a, @e35b, @e35c)", ["e35a", "e35b", "e35c"]),
        ("nn.CTCLoss()(@ctcx.log_softmax(2), ctct, ctcil, ctctl)", ["ctcx"]),
        ("nn.CTCLoss(blank=3, reduction='sum', zero_infinity=True)(@ctcx.log_softmax(2), ctct, [2, 5], [3, 2])", ["ctcx"]),
    ]
    for call, inputs in m_calls:
        grad(fam, call, inputs)
    fam.case("nn.BCEWithLogitsLoss(pos_weight=pw3)(a23, b3)", err=True)
    fam.case("nn.CrossEntropyLoss()(x35, y3i32)", err=True)
    fam.case("nn.NLLLoss()(x35, y3big)", err=True)

    fam.group = "modules built on other families: nn.PairwiseDistance, nn.Linear"
    fam.case("str(nn.TripletMarginWithDistanceLoss())")
    fam.case("str(nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1)))")
    fam.case("keys_of(nn.TripletMarginWithDistanceLoss().state_dict())")
    grad(fam, "nn.TripletMarginWithDistanceLoss(swap=True)(@e35a, @e35b, @e35c)", ["e35a", "e35b", "e35c"])
    grad(fam, "nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1), margin=0.5, reduction='none')(@e35a, @e35b, @e35c)", ["e35a", "e35b", "e35c"])
    for args in ["4, 5", "4, 5, out_features=(3,), bias=True, weight=w5, label_smoothing=0.125", "4, 5, bias=True, reduction='sum', ignore_index=1"]:
        y = "lcy23" if "out_features" in args else "lcy2"
        fam.case(f"torch.manual_seed(3)\nstr(nn.LinearCrossEntropyLoss({args}))")
        fam.case(f"keys_of(nn.LinearCrossEntropyLoss({args}).state_dict())")
        fam.case(f"torch.manual_seed(3)\nnn.LinearCrossEntropyLoss({args}).linear.weight")
        fam.case(f"""torch.manual_seed(3)
m = nn.LinearCrossEntropyLoss({args})
g0 = lcx24.clone().requires_grad_()
out = m(g0, {y})
out.mul(out.detach().cos()).sum().backward()
(out, g0.grad, m.linear.weight.grad)""", "float32")
    fam.case("nn.LinearCrossEntropyLoss(4, 5, weight=w23)", err=True)
    fam.case("nn.LinearCrossEntropyLoss(4, 5, label_smoothing=1.5)", err=True)

    fam.group = "warnings"
    for src in [
        "F.l1_loss(a23, b3)", "F.mse_loss(a23, b23.index_select(0, torch.tensor([0])))", "F.smooth_l1_loss(b3, a23)",
        "F.huber_loss(a23, b23.index_select(1, torch.tensor([0])))", "F.l1_loss(a23, b23)",
        "F.cross_entropy(x35, y3, size_average=False)", "F.nll_loss(x35, y3, reduce=False)", "F.mse_loss(a23, b23, size_average=True)",
        "F.binary_cross_entropy(pr23, t23, reduce=False, size_average=False)", "F.soft_margin_loss(a23, sgn23, reduce=True)",
        "F.kl_div(x35, p35)", "F.kl_div(x35, p35, reduction='sum')", "F.kl_div(x35, p35, reduce=False)", "F.l1_loss(a23, b23, reduction='elementwise_mean')",
        "nn.L1Loss(size_average=False)", "nn.CrossEntropyLoss(reduce=False)", "nn.KLDivLoss()", "nn.KLDivLoss()(x35, p35)",
        "nn.KLDivLoss(reduction='batchmean')(x35, p35)", "nn.MSELoss()(b3, a23)", "nn.NLLLoss2d()",
    ]:
        fam.case(f"warnings_of(lambda: {src})")

    fam.group = "losses written in JS train with autograd"
    grad(fam, "focal_loss(@x35, y3, 2)", ["x35"])
    grad(fam, "focal_loss(@x35d, y3, 0.5)", ["x35d"])
    grad(fam, "DiceLoss(1)(@a23, t23)", ["a23"])
    grad(fam, "DiceLoss(0.5)(@a23d, @t23d)", ["a23d", "t23d"])
    fam.case("train_steps(focal_loss, lw45, lx84, ly8, 5, 0.5)")
    fam.case("train_steps(DiceLoss(1), lw41, lx84, ly81, 5, 0.25)")
    fam.case("train_steps(nn.CrossEntropyLoss(label_smoothing=0.1), lw45, lx84, ly8, 4, 0.5)")
    fam.case("train_steps(F.cross_entropy, lw45, lx84, ly8, 3, 0.75)")


def main():
    make_pool()
    fam = Cases(NAME)
    functional(fam)
    modules(fam)
    if mf.PROBLEMS:
        print("\n".join(mf.PROBLEMS), file=sys.stderr)
        return 1
    fam.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
