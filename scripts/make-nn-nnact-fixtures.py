#!/usr/bin/env python3
"""Golden fixtures for test/nn-nnact.test.ts: torch.nn activations, normalizations, dropouts and
embeddings (modules and nn.functional), run by Python torch 2.13 on seeded inputs.

Usage: .venv/bin/python scripts/make-nn-nnact-fixtures.py   (writes test/fixtures/nn-nnact.json;
deterministic: run it twice, nothing changes).

Each case is a Python snippet translated to JS by scripts/make-fixtures.py's translator, extended
here for torch.nn: `nn.X(...)` becomes `new nn.X(...)`, calling a module `m(x)` becomes `m.call(x)`,
`repr(m)` becomes `String(m)`, and buffer names (`running_mean`, ...) keep their Python spelling.
Every case starts from torch.manual_seed(0) on both sides, so layer construction (weights), dropout
masks, rrelu noise and gumbel samples come from the same generator stream and compare bit for bit.
All kernels here are deterministic on CPU with one thread: every case is bit-exact.
"""
import ast
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "nn-nnact.json")

# ---------------------------------------------------------------------------------------------
# Translation: make-fixtures.py's js(), plus the nn spellings

KEEP = {"running_mean", "running_var", "num_batches_tracked"}  # buffer names keep Python's spelling
PY_BUILTINS = {"float", "str", "repr", "keys", "without", "grads"}
_js = mf.js


def js(n):
    if isinstance(n, ast.Attribute) and n.attr in KEEP:
        return _js(n.value) + "." + n.attr
    if isinstance(n, ast.Call):
        f = n.func
        if isinstance(f, ast.Name) and f.id == "repr":
            return "String(" + js(n.args[0]) + ")"
        is_layer = isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "nn" and f.attr[:1].isupper()
        is_module_call = (isinstance(f, ast.Name) and f.id not in PY_BUILTINS) or isinstance(f, ast.Call)
        if is_layer or is_module_call:
            args = [js(a) for a in n.args]
            if n.keywords:
                args.append("{ " + ", ".join(f"{mf.camel(k.arg)}: {js(k.value)}" for k in n.keywords) + " }")
            if is_layer:
                return "new " + js(f) + "(" + ", ".join(args) + ")"
            return js(f) + ".call(" + ", ".join(args) + ")"
    return _js(n)


mf.js = js  # the translator's recursion looks js up in its module: it now sees these rules too

# ---------------------------------------------------------------------------------------------
# Inputs

G = torch.Generator().manual_seed(20261130)
POOL = mf.POOL
POOL.clear()


def randn(*shape, scale=1.0, dtype=torch.float32):
    return (torch.randn(*shape, generator=G, dtype=torch.float64) * scale).to(dtype)


def make_pool():
    POOL["a"] = randn(3, 4, scale=2.0)
    POOL["ga"] = randn(3, 4)
    POOL["a3"] = randn(2, 3, 4, scale=2.0)
    POOL["ga3"] = randn(2, 3, 4)
    POOL["a6"] = randn(2, 6)
    POOL["g23"] = randn(2, 3)
    POOL["a64"] = randn(3, 4, scale=2.0, dtype=torch.float64)
    POOL["b2"] = randn(4, 3)
    POOL["gb2"] = randn(4, 3)
    POOL["b3"] = randn(2, 3, 5)
    POOL["gb3"] = randn(2, 3, 5)
    POOL["b4"] = randn(2, 3, 4, 5)
    POOL["gb4"] = randn(2, 3, 4, 5)
    POOL["b5"] = randn(2, 3, 2, 3, 4)
    POOL["gb5"] = randn(2, 3, 2, 3, 4)
    POOL["u2"] = randn(3, 5)  # unbatched (C, L)
    POOL["gu2"] = randn(3, 5)
    POOL["c4"] = randn(2, 4, 3, 3)
    POOL["gc4"] = randn(2, 4, 3, 3)
    POOL["one"] = randn(1, 3)  # one value per channel: batch norm refuses it in training
    POOL["lg"] = randn(5, 6)
    POOL["idx"] = torch.randint(0, 10, (2, 4), generator=G)
    POOL["idx1"] = torch.randint(0, 10, (8,), generator=G)
    POOL["offs"] = torch.tensor([0, 3, 5])
    POOL["offs4"] = torch.tensor([0, 3, 5, 8])
    POOL["psw"] = randn(8)
    POOL["ge24"] = randn(2, 4, 3)
    POOL["ge3"] = randn(3, 3)
    POOL["pre"] = randn(5, 3)
    POOL["lbl"] = torch.tensor([0, 3, 1, 4])
    POOL["asx"] = randn(6, 8)
    POOL["ast"] = torch.tensor([0, 4, 9, 2, 7, 5])
    POOL["asg"] = randn(6)


# ---------------------------------------------------------------------------------------------
# Cases

FAMILY = mf.Family("nn-nnact")
PROBLEMS = mf.PROBLEMS
ERRORS = (RuntimeError, IndexError, ValueError, TypeError, AssertionError, NotImplementedError)


def keys(d):
    return list(d.keys())


def without(d, k):
    return {n: v for n, v in d.items() if n != k}


def grads(m):
    return [p.grad for p in m.parameters()]


def case(src, err=False):
    """A case; err: True if Python raises (the JS message must contain Python's first line) or the part to look for."""
    src = src.strip("\n")
    names = {n.id for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name)}
    uses = sorted(n for n in names if n in POOL)
    env = {"torch": torch, "nn": nn, "F": F, "keys": keys, "without": without, "grads": grads, **{n: POOL[n].clone() for n in uses}}
    torch.manual_seed(0)
    try:
        result = mf.run_py(src, env)
    except ERRORS as e:
        if err is False:
            PROBLEMS.append(f"{src!r} raised {type(e).__name__}: {e}")
            return
        message = str(e) if isinstance(err, str) else str(e).split("\n")[0]
        if isinstance(err, str) and err not in message:
            PROBLEMS.append(f"{src!r} raised {message!r}, which lacks {err!r}")
            return
        expected = {"error": err if isinstance(err, str) else message, "errorType": type(e).__name__}
    else:
        if err is not False:
            PROBLEMS.append(f"{src!r} was expected to raise")
            return
        expected = mf.enc(result)
    try:
        code = mf.to_js(src, uses)
    except (ValueError, AssertionError, KeyError) as e:
        PROBLEMS.append(f"{src!r} does not translate: {e}")
        return
    if any(c["js"] == code for c in FAMILY.cases):
        return  # the same repr or call made by another row
    FAMILY.cases.append({"py": src, "js": code, "uses": uses, "expected": expected})


def layer(ctor, x, g, params=(), buffers=(), inplace=False):
    """Forward, backward of a weighted sum, gradients of input and params, buffers after; then repr."""
    grads = "".join(f", m.{p}.grad" for p in params)
    bufs = "".join(f", m.{b}" for b in buffers)
    case(f"m = {ctor}\nx = {x}.clone().requires_grad_()\ny = m(x)\ny.mul({g}).sum().backward()\n(y, x.grad{grads}{bufs})")
    case(f"repr({ctor})")
    if inplace:
        case(f"m = {ctor}\nx = {x}.clone()\ny = m(x)\n(y, x, y is x)")


def activations():
    simple = ["ReLU()", "ReLU6()", "Sigmoid()", "Tanh()", "SiLU()", "Mish()", "Hardsigmoid()", "Hardswish()", "SELU()",
              "LogSigmoid()", "Softsign()", "Tanhshrink()", "ELU()", "ELU(alpha=0.5)", "CELU()", "CELU(alpha=1.5)",
              "LeakyReLU()", "LeakyReLU(0.2)", "LeakyReLU(negative_slope=0.3)", "Hardtanh()", "Hardtanh(-0.5, 2.5)",
              "Hardtanh(min_val=-2.5, max_val=0.5)", "Hardshrink()", "Hardshrink(1.5)", "Softshrink()", "Softshrink(lambd=0.75)",
              "Softplus()", "Softplus(beta=2.5, threshold=1.5)", "Threshold(0.1, 20.5)", "Threshold(-0.5, 0.25)",
              "GELU()", "GELU(approximate='tanh')", "Softmax(dim=1)", "Softmax(0)", "Softmax(dim=-1)", "Softmin(dim=1)",
              "LogSoftmax(dim=1)", "LogSoftmax(dim=0)", "RReLU(0.1, 0.3)"]
    inplace = ["ReLU(inplace=True)", "ReLU6(inplace=True)", "SiLU(inplace=True)", "Mish(inplace=True)", "Hardsigmoid(inplace=True)",
               "Hardswish(inplace=True)", "SELU(inplace=True)", "ELU(0.5, inplace=True)", "CELU(inplace=True)",
               "LeakyReLU(0.2, inplace=True)", "Hardtanh(-0.5, 0.5, True)", "Threshold(0.1, 20.5, inplace=True)", "RReLU(inplace=True)"]
    for c in simple:
        layer("nn." + c, "a", "ga")
    for c in inplace:
        case(f"repr(nn.{c})")
        case(f"m = nn.{c}\nx = a.clone()\ny = m(x)\n(y, x, y is x)")
        case(f"m = nn.{c}\nx = a.clone().requires_grad_()\nh = x.mul(1.5)\ny = m(h)\ny.mul(ga).sum().backward()\n(y, x.grad)")
    # RReLU: random slopes in training (the default generator's stream), the mean slope in eval
    case("m = nn.RReLU()\nx = a.clone().requires_grad_()\ny = m(x)\ny.mul(ga).sum().backward()\n(y, x.grad)")
    case("m = nn.RReLU(0.2, 0.4)\nm.eval()\nx = a.clone().requires_grad_()\ny = m(x)\ny.mul(ga).sum().backward()\n(y, x.grad)")
    layer("nn.Softmax2d()", "b4", "gb4")
    layer("nn.Softmax2d()", "a3", "ga3")
    case("nn.Softmax2d()(a)", err=True)
    layer("nn.GLU()", "a6", "g23")
    layer("nn.GLU(dim=0)", "b4", "gb4[0:1]")
    case("nn.GLU()(torch.tensor(2.5))", err=True)
    layer("nn.PReLU()", "a", "ga", params=["weight"])
    layer("nn.PReLU(num_parameters=3, init=0.1)", "a3", "ga3", params=["weight"])
    case("m = nn.PReLU(3)\n(m.weight, m.num_parameters, keys(m.state_dict()))")
    case("nn.Hardtanh(1.5, 0.5)", err="must be greater than min_val")
    case("nn.GELU()(torch.tensor([1, 2]))", err=True)
    case("nn.Softmax()(a3)")  # implicit dim (deprecated): 0 for 3-D input
    case("nn.Softmax()(a)")


def functional():
    fs = ["F.relu(a)", "F.relu6(a)", "F.elu(a)", "F.elu(a, 0.5)", "F.elu(a, alpha=1.5)", "F.selu(a)", "F.celu(a, 0.5)",
          "F.leaky_relu(a)", "F.leaky_relu(a, 0.2)", "F.leaky_relu(a, negative_slope=0.3)", "F.hardtanh(a)",
          "F.hardtanh(a, -0.5, 0.5)", "F.hardtanh(a, min_val=-2.5)", "F.relu6(a64)", "F.hardsigmoid(a)", "F.hardswish(a)",
          "F.silu(a)", "F.mish(a)", "F.gelu(a)", "F.gelu(a, approximate='tanh')", "F.gelu(a64)", "F.logsigmoid(a)",
          "F.hardshrink(a)", "F.hardshrink(a, 1.5)", "F.softshrink(a, lambd=0.75)", "F.softplus(a)",
          "F.softplus(a, beta=2.5, threshold=1.5)", "F.softplus(a, 2.5)", "F.tanhshrink(a)", "F.softsign(a)", "F.tanh(a)",
          "F.sigmoid(a)", "F.threshold(a, 0.1, 20.5)", "F.threshold(a, threshold=0.5, value=-1.5)", "F.glu(a6)",
          "F.glu(a, 1)", "F.glu(a6, dim=0)", "F.prelu(a3, torch.tensor([0.25, 0.5, -0.5]))", "F.softmax(a, 1)",
          "F.softmax(a, dim=0)", "F.softmax(a, dim=1, dtype=torch.float64)", "F.softmax(a64, -1)", "F.softmin(a, 1)",
          "F.softmin(a, dim=0, dtype=torch.float64)", "F.log_softmax(a, 1)", "F.log_softmax(a, dim=0, dtype=torch.float64)",
          "F.softmax(a3)", "F.log_softmax(a)", "F.rrelu(a)", "F.rrelu(a, 0.1, 0.5, True)", "F.rrelu(a, training=True)",
          "F.elu(a64, 0.25)", "F.silu(a64)", "F.mish(a64)", "F.softplus(a64, 0.5)",
          "F.gumbel_softmax(lg)", "F.gumbel_softmax(lg, tau=0.5)", "F.gumbel_softmax(lg, 0.5, True)",
          "F.gumbel_softmax(lg, hard=True, dim=0)", "F.gumbel_softmax(a64, tau=2.5)",
          "F.one_hot(lbl)", "F.one_hot(lbl, 6)", "F.one_hot(lbl, num_classes=5)", "F.one_hot(idx)"]
    for f in fs:
        case(f)
    for name in ["relu", "relu6", "elu", "selu", "celu", "leaky_relu", "hardtanh", "hardsigmoid", "hardswish", "silu", "mish", "rrelu"]:
        case(f"x = a.clone()\ny = F.{name}(x, inplace=True)\n(y, x, y is x)")
    for name in ["relu_", "elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_", "rrelu_"]:
        case(f"x = a.clone()\ny = F.{name}(x)\n(y, x, y is x)")
    case("x = a.clone()\ny = F.threshold_(x, 0.5, -2.5)\n(y, x)")
    case("x = a.clone()\ny = F.threshold(x, 0.5, -2.5, True)\n(y, x, y is x)")
    # gradients through the functional forms
    for f in ["F.gelu(x, approximate='tanh')", "F.softplus(x, beta=2.5)", "F.log_softmax(x, 1)", "F.softmin(x, 0)",
              "F.gumbel_softmax(x, tau=0.5)", "F.gumbel_softmax(x, hard=True)", "F.hardtanh(x, -0.5, 0.5)", "F.tanhshrink(x)", "F.softsign(x)"]:
        case(f"x = a.clone().requires_grad_()\ny = {f}\ny.mul(ga).sum().backward()\n(y, x.grad)")
    case("F.hardtanh(a, 1.5, 0.5)", err="min_val cannot be greater than max_val")
    case("F.glu(torch.tensor(1.5))", err="glu does not support scalars")
    case("F.glu(a, 0)", err=True)
    case("F.one_hot(lbl, 3)", err=True)
    case("F.softmax(a, 2)", err=True)


def norms():
    bn_opts = ["", ", momentum=0.3", ", momentum=None", ", affine=False", ", track_running_stats=False", ", eps=0.001", ", bias=False"]
    for dim, x, g in [("1d", "b2", "gb2"), ("1d", "b3", "gb3"), ("2d", "b4", "gb4"), ("3d", "b5", "gb5")]:
        for o in bn_opts:
            params = [] if "affine=False" in o else (["weight"] if "bias=False" in o else ["weight", "bias"])
            bufs = [] if "track_running_stats=False" in o else ["running_mean", "running_var", "num_batches_tracked"]
            layer(f"nn.BatchNorm{dim}(3{o})", x, g, params, bufs)
        # several steps (cumulative average with momentum=None), then eval mode uses the running stats
        case(f"m = nn.BatchNorm{dim}(3, momentum=None)\nm({x})\nm({x}.mul(2.5))\nm({x}.add(0.5))\nm.eval()\ny = m({x})\n(y, m.running_mean, m.running_var, m.num_batches_tracked)")
        case(f"m = nn.BatchNorm{dim}(3)\nm({x})\nm.eval()\nx = {x}.clone().requires_grad_()\ny = m(x)\ny.mul({g}).sum().backward()\n(y, x.grad, m.weight.grad, m.running_mean, m.num_batches_tracked)")
        case(f"m = nn.BatchNorm{dim}(3, track_running_stats=False)\nm.eval()\ny = m({x})\n(y, m.running_mean)")
    case("nn.BatchNorm2d(3)(b3)", err="expected 4D input (got 3D input)")
    case("nn.BatchNorm1d(3)(b4)", err="expected 2D or 3D input (got 4D input)")
    case("nn.BatchNorm3d(3)(b4)", err="expected 5D input (got 4D input)")
    case("nn.BatchNorm1d(3)(one)", err=True)
    case("m = nn.BatchNorm1d(3)\nm.eval()\nm(one)")
    case("nn.BatchNorm1d(4)(b2)", err=True)
    case("m = nn.BatchNorm2d(3)\n(keys(m.state_dict()), m.num_features, m.eps, m.momentum, m.affine, m.track_running_stats)")
    case("m = nn.BatchNorm1d(3)\nm(b2)\nm.reset_running_stats()\n(m.running_mean, m.running_var, m.num_batches_tracked)")
    # an old checkpoint without num_batches_tracked loads, strict (PyTorch's version check fills it in)
    case("m = nn.BatchNorm1d(3)\nm(b2)\nsd = without(m.state_dict(), 'num_batches_tracked')\nm2 = nn.BatchNorm1d(3)\nm2(b2)\nm2(b2)\nm2.load_state_dict(sd)\n(m2.running_mean, m2.num_batches_tracked)")
    # lazy: num_features from the first input, then the layer is a BatchNorm*d
    for dim, x, g in [("1d", "b2", "gb2"), ("2d", "b4", "gb4"), ("3d", "b5", "gb5")]:
        case(f"m = nn.LazyBatchNorm{dim}()\nx = {x}.clone().requires_grad_()\ny = m(x)\ny.mul({g}).sum().backward()\n(y, x.grad, m.weight.grad, m.running_mean, m.running_var, m.num_batches_tracked, m.num_features, repr(m))")
        case(f"m = nn.LazyInstanceNorm{dim}(affine=True)\ny = m({x if x != 'b2' else 'b3'})\n(y, m.weight, m.num_features, repr(m))")
    # a state dict gives a lazy layer its shapes (Python keeps num_features at 0 then)
    case("src = nn.BatchNorm1d(3)\nsrc(b2)\nm = nn.LazyBatchNorm1d()\nm.load_state_dict(src.state_dict())\nm.eval()\n(m(b2), m.running_mean, m.weight.shape, m.num_features, repr(m))")
    case("src = nn.InstanceNorm2d(3, affine=True)\nm = nn.LazyInstanceNorm2d(track_running_stats=False)\nm.load_state_dict(src.state_dict())\nm(b4)", err="expected input's size at dim=1 to match num_features (0), but got: 3.")
    case("m = nn.LazyBatchNorm2d()\nkeys(m.state_dict())")
    case("m = nn.LazyBatchNorm2d(momentum=0.5, affine=False)\ny = m(b4)\n(y, m.running_var, repr(m))")
    # SyncBatchNorm in one process: batch norm
    layer("nn.SyncBatchNorm(3)", "b4", "gb4", ["weight", "bias"], ["running_mean", "running_var", "num_batches_tracked"])
    layer("nn.SyncBatchNorm(3, momentum=None, affine=False)", "b3", "gb3", [], ["running_mean", "running_var", "num_batches_tracked"])
    case("nn.SyncBatchNorm(3)(torch.ones(3))", err="expected at least 2D input (got 1D input)")
    case("m = nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm2d(3, momentum=0.25))\ny = m(b4)\n(y, m.running_mean, repr(m))")
    # instance norm
    for dim, x, g in [("1d", "b3", "gb3"), ("1d", "u2", "gu2"), ("2d", "b4", "gb4"), ("2d", "b4.select(0, 1)", "gb4.select(0, 1)"), ("3d", "b5", "gb5")]:
        layer(f"nn.InstanceNorm{dim}(3)", x, g)
        layer(f"nn.InstanceNorm{dim}(3, affine=True)", x, g, ["weight", "bias"])
        layer(f"nn.InstanceNorm{dim}(3, track_running_stats=True, momentum=0.2)", x, g, [], ["running_mean", "running_var", "num_batches_tracked"])
        case(f"m = nn.InstanceNorm{dim}(3, track_running_stats=True)\nm({x})\nm.eval()\n(m({x}), m.running_mean)")
    case("nn.InstanceNorm2d(3)(b2)", err="expected 3D or 4D input (got 2D input)")
    case("nn.InstanceNorm1d(4, affine=True)(b3)", err="to match num_features (4), but got: 3.")
    case("nn.InstanceNorm1d(3)(torch.ones(2, 3, 1))", err=True)
    # layer norm, group norm, RMS norm, local response norm
    for ctor, x, g, params in [
            ("nn.LayerNorm([4, 5])", "b4", "gb4", ["weight", "bias"]), ("nn.LayerNorm(5, eps=0.001)", "b4", "gb4", ["weight", "bias"]),
            ("nn.LayerNorm(5, elementwise_affine=False)", "b4", "gb4", []), ("nn.LayerNorm(3, bias=False)", "b2", "gb2", ["weight"]),
            ("nn.GroupNorm(2, 4)", "c4", "gc4", ["weight", "bias"]), ("nn.GroupNorm(4, 4, eps=0.001)", "c4", "gc4", ["weight", "bias"]),
            ("nn.GroupNorm(1, 4, affine=False)", "c4", "gc4", []), ("nn.GroupNorm(2, 4, bias=False)", "c4", "gc4", ["weight"]),
            ("nn.RMSNorm([4, 5])", "b4", "gb4", ["weight"]), ("nn.RMSNorm(5, eps=0.001)", "b4", "gb4", ["weight"]),
            ("nn.RMSNorm(3, elementwise_affine=False)", "b2", "gb2", []),
            ("nn.LocalResponseNorm(2)", "b3", "gb3", []), ("nn.LocalResponseNorm(3, alpha=0.01, beta=0.5, k=1.5)", "c4", "gc4", []),
            ("nn.LocalResponseNorm(2)", "b5", "gb5", []), ("nn.CrossMapLRN2d(3)", "c4", "gc4", []),
            ("nn.CrossMapLRN2d(2, alpha=0.01, beta=0.5, k=1.5)", "c4", "gc4", [])]:
        layer(ctor, x, g, params)
    case("nn.BatchNorm2d(3)(b4.long())", err=True)
    case("nn.LayerNorm(5)(b4.long())", err=True)
    case("nn.GroupNorm(2, 4)(c4.long())", err=True)
    case("nn.GroupNorm(3, 4)", err="num_channels (4) must be divisible by num_groups (3)")
    case("nn.LayerNorm(4)(b2)", err=True)
    case("nn.LocalResponseNorm(2)(b2)", err="Expected 3D or higher dimensionality")
    case("nn.CrossMapLRN2d(3)(b3)", err=True)
    # functional
    for f in ["F.batch_norm(b4, torch.zeros(3), torch.ones(3))", "F.batch_norm(b4, None, None, training=True)",
              "F.batch_norm(b3, torch.zeros(3), torch.ones(3), torch.tensor([1.5, 0.5, 2.5]), torch.tensor([0.25, -0.5, 0.75]), True, 0.3, 0.001)",
              "F.instance_norm(b4)", "F.instance_norm(b3, eps=0.001)", "F.layer_norm(b4, [4, 5])", "F.layer_norm(b4, (5,), eps=0.001)",
              "F.group_norm(c4, 2)", "F.group_norm(c4, 4, torch.ones(4), torch.zeros(4), 0.001)", "F.rms_norm(b4, [5])",
              "F.rms_norm(b4, [4, 5], eps=0.001)", "F.local_response_norm(b4, 3)", "F.local_response_norm(b3, 2, alpha=0.01)",
              "F.normalize(a)", "F.normalize(a, dim=0)", "F.normalize(a, p=1)", "F.normalize(a3, 2.5, -1)", "F.normalize(a64, eps=0.5)"]:
        case(f)
    case("rm = torch.zeros(3)\nrv = torch.ones(3)\ny = F.batch_norm(b2, rm, rv, training=True, momentum=0.5)\n(y, rm, rv)")
    case("rm = torch.zeros(3)\nrv = torch.ones(3)\ny = F.instance_norm(b3, rm, rv, momentum=0.5)\n(y, rm, rv)")
    case("F.batch_norm(one, None, None, training=True)", err=True)
    case("F.batch_norm(b2, None, None, training=True, eps=0)", err="batch_norm eps must be positive during training")
    case("F.group_norm(torch.ones(3), 1)", err="Expected at least 2 dimensions for input tensor but received 1")


def dropouts():
    for ctor, x in [("Dropout()", "a"), ("Dropout(0.2)", "a"), ("Dropout(p=0.8)", "a3"), ("Dropout1d()", "a3"), ("Dropout1d(0.3)", "a"),
                    ("Dropout2d()", "b4"), ("Dropout2d(0.3)", "b3"), ("Dropout3d()", "b5"), ("Dropout3d(0.4)", "b4"),
                    ("AlphaDropout()", "a"), ("AlphaDropout(0.2)", "b4"), ("FeatureAlphaDropout()", "b4"), ("FeatureAlphaDropout(0.3)", "b3")]:
        g = "g" + x if x.startswith("b") else ("ga3" if x == "a3" else "ga")
        layer("nn." + ctor, x, g)
        case(f"m = nn.{ctor}\nm.eval()\nx = {x}.clone()\ny = m(x)\n(y, y is x)")
        case(f"m = nn.{ctor}\nm.train(False)\nm.train()\nm({x})")
    for c in ["Dropout(0.3, inplace=True)", "Dropout1d(inplace=True)", "Dropout2d(0.5, True)", "Dropout3d(inplace=True)"]:
        x = {"Dropout(": "a", "Dropout1d": "a3", "Dropout2d": "b4", "Dropout3d": "b5"}[next(k for k in ["Dropout1d", "Dropout2d", "Dropout3d", "Dropout("] if c.startswith(k))]
        case(f"m = nn.{c}\nx = {x}.clone()\ny = m(x)\n(y, x, y is x, repr(m))")
    for f in ["F.dropout(a)", "F.dropout(a, 0.3)", "F.dropout(a, p=0.7, training=True)", "F.dropout(a, 0.3, False)", "F.dropout(a64, 0.5)",
              "F.dropout1d(a3, 0.5)", "F.dropout1d(a)", "F.dropout2d(b4)", "F.dropout2d(b3, p=0.25)", "F.dropout3d(b5, 0.5)",
              "F.dropout3d(b4)", "F.alpha_dropout(a, 0.5, True)", "F.alpha_dropout(a)", "F.feature_alpha_dropout(b4, 0.5, True)",
              "F.dropout(a, 0)", "F.dropout(a, 1)"]:
        case(f)
    case("x = a.clone()\ny = F.dropout(x, 0.5, inplace=True)\n(y, x, y is x)")
    case("x = a.clone()\ny = F.alpha_dropout(x, 0.5, True, True)\n(y, x)")
    case("x = a3.clone()\ny = F.dropout1d(x, 0.5, inplace=True)\n(y, x)")
    case("x = a.clone()\ny = F.dropout1d(x, 0.5, inplace=True)\n(y, x)")
    case("nn.Dropout(1.5)", err="dropout probability has to be between 0 and 1, but got 1.5")
    case("F.dropout(a, -0.5)", err="dropout probability has to be between 0 and 1, but got -0.5")
    case("F.dropout1d(b4)", err="dropout1d: Expected 2D or 3D input, but received a 4D input")


def embeddings():
    # construction under a seed: normal_ init, padding row zeroed
    for c in ["nn.Embedding(10, 3)", "nn.Embedding(10, 3, padding_idx=2)", "nn.Embedding(10, 3, padding_idx=-1)",
              "nn.Embedding(10, 3, max_norm=1.5)", "nn.Embedding(10, 3, max_norm=1.5, norm_type=1.5)",
              "nn.Embedding(10, 3, scale_grad_by_freq=True)", "nn.Embedding(10, 3, sparse=True)"]:
        case(f"m = {c}\n(m.weight, m.num_embeddings, m.embedding_dim, m.padding_idx, repr(m))")
    for c in ["nn.Embedding(10, 3)", "nn.Embedding(10, 3, padding_idx=2)", "nn.Embedding(10, 3, scale_grad_by_freq=True)",
              "nn.Embedding(10, 3, max_norm=1.5)", "nn.Embedding(10, 3, max_norm=0.5, norm_type=1.5)"]:
        case(f"m = {c}\ny = m(idx)\ny.mul(ge24).sum().backward()\n(y, m.weight, m.weight.grad)")
    case("m = nn.Embedding(10, 3, sparse=True)\ny = m(idx)\ny.mul(ge24).sum().backward()\n(y, m.weight.grad.is_sparse, m.weight.grad.to_dense())")
    case("m = nn.Embedding.from_pretrained(pre)\ny = m(lbl)\n(y, m.weight.requires_grad, repr(m))")
    case("m = nn.Embedding.from_pretrained(pre, freeze=False, padding_idx=1)\ny = m(lbl)\ny.sum().backward()\n(y, m.weight.requires_grad, m.weight.grad)")
    case("m = nn.Embedding.from_pretrained(pre, max_norm=0.5)\ny = m(lbl)\n(y, m.weight)")
    case("nn.Embedding(10, 3, padding_idx=10)", err="Padding_idx must be within num_embeddings")
    case("nn.Embedding.from_pretrained(torch.ones(3))", err="Embeddings parameter is expected to be 2-dimensional")
    case("nn.Embedding(10, 3)(a)", err="Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int")
    for c, call, g in [
            ("nn.EmbeddingBag(10, 3)", "m(idx)", "g23"), ("nn.EmbeddingBag(10, 3, mode='sum')", "m(idx1, offs)", "ge3"),
            ("nn.EmbeddingBag(10, 3, mode='max')", "m(idx1, offs)", "ge3"), ("nn.EmbeddingBag(10, 3, mode='mean')", "m(idx1, offs)", "ge3"),
            ("nn.EmbeddingBag(10, 3, mode='sum')", "m(idx1, offs, psw)", "ge3"), ("nn.EmbeddingBag(10, 3, include_last_offset=True)", "m(idx1, offs4)", "ge3"),
            ("nn.EmbeddingBag(10, 3, padding_idx=3)", "m(idx1, offs)", "ge3"), ("nn.EmbeddingBag(10, 3, mode='sum', padding_idx=-2)", "m(idx)", "g23"),
            ("nn.EmbeddingBag(10, 3, max_norm=1.5)", "m(idx)", "g23"), ("nn.EmbeddingBag(10, 3, scale_grad_by_freq=True)", "m(idx1, offs)", "ge3"),
            ("nn.EmbeddingBag(10, 3, mode='sum')", "m(idx1, offsets=offs, per_sample_weights=psw)", "ge3")]:
        case(f"m = {c}\ny = {call}\ny.mul({g}).sum().backward()\n(y, m.weight, m.weight.grad, repr(m))")
    case("m = nn.EmbeddingBag.from_pretrained(pre, mode='sum')\n(m(lbl.view(2, 2)), m.weight.requires_grad, repr(m))")
    case("m = nn.EmbeddingBag.from_pretrained(pre, freeze=False)\n(m(lbl, torch.tensor([0, 1])), m.weight.requires_grad)")
    case("nn.EmbeddingBag(10, 3)(idx, offs)", err="if input is 2D, then offsets has to be None")
    case("nn.EmbeddingBag(10, 3)(idx1)", err="offsets has to be a 1D Tensor but got None")
    case("nn.EmbeddingBag(10, 3, mode='max', scale_grad_by_freq=True)(idx)", err="max mode does not support scaling the gradient by the frequency")
    case("nn.EmbeddingBag(10, 3, mode='mean')(idx1, offs, psw)", err="per_sample_weights was not None")
    case("nn.EmbeddingBag(10, 3, mode='avg')(idx)", err="mode has to be one of sum, mean or max")
    case("nn.EmbeddingBag(10, 3)(idx1, offs, torch.ones(3))", err="must have the same shape as the input")
    for f in ["F.embedding(lbl, pre)", "F.embedding(idx.remainder(5), pre, padding_idx=0)", "F.embedding(lbl, pre, max_norm=0.5)",
              "F.embedding_bag(idx1.remainder(5), pre, offs)", "F.embedding_bag(idx1.remainder(5), pre, offs, mode='max')",
              "F.embedding_bag(idx.remainder(5), pre, mode='sum')", "F.embedding_bag(idx1.remainder(5), pre, offs4, include_last_offset=True, mode='sum', per_sample_weights=psw)"]:
        case(f)
    case("w = pre.clone()\ny = F.embedding(lbl, w, max_norm=0.5)\n(y, w)")
    case("F.embedding(lbl, pre, padding_idx=7)", err="Padding_idx must be within num_embeddings")
    case("F.embedding_bag(idx1, torch.ones(3))", err="weight has to be a 2D Tensor, but got Tensor of dimension 1")


def adaptive():
    """AdaptiveLogSoftmaxWithLoss: its Linear layers come from nn.Linear (another family's file)."""
    ctor = "nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.5)"
    case(f"m = {ctor}\nx = asx.clone().requires_grad_()\nout = m(x, ast)\nout.loss.backward()\n(out.output, out.loss, out[0] is out.output, x.grad, grads(m))")
    case(f"m = {ctor}\n(keys(m.state_dict()), m.shortlist_size, m.n_clusters, m.head_size, m.cutoffs, repr(m))")
    case("m = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], head_bias=True)\nx = asx.clone().requires_grad_()\nout = m(x, ast)\nout.output.mul(asg).sum().backward()\n(out.output, out.loss, x.grad, grads(m), m.log_prob(asx), m.predict(asx))")
    case(f"m = {ctor}\n(m.log_prob(asx), m.predict(asx), m(asx.select(0, 2), ast.select(0, 2)))")
    case(f"m = {ctor}\nm(asx, ast.mul(2))", err="Target values should be in [0, 9]")
    case(f"m = {ctor}\nm(asx, ast[0:2])", err="Input and target should have the same size in the batch dimension.")
    case(f"m = {ctor}\nm(asx.view(6, 2, 4), ast)", err="1D target tensor expects 2D input tensors, but found inputs with size")
    case("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])", err="cutoffs should be a sequence of unique, positive integers sorted in an increasing order")
    case("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])", err="cutoffs should be a sequence of length larger than 0")


def with_core():
    """The layers inside containers and through Module's machinery (state dicts, conversions, modes)."""
    case("m = nn.Sequential(nn.BatchNorm2d(3), nn.ReLU(), nn.Dropout2d(0.25))\nx = b4.clone().requires_grad_()\ny = m(x)\ny.mul(gb4).sum().backward()\n(y, x.grad, keys(m.state_dict()), repr(m))")
    case("m = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.BatchNorm1d(3), nn.Tanh(), nn.BatchNorm1d(3, affine=False)))\ny = m(b2)\n(y, keys(m.state_dict()), repr(m))")
    case("m = nn.BatchNorm2d(3).double()\ny = m(b4.double())\n(y, m.running_mean, m.num_batches_tracked, m.weight.dtype)")
    case("m = nn.LayerNorm(5).double()\nm(b4.double())")
    case("m = nn.Embedding(10, 3).double()\nm(idx)")
    for ctor in ["nn.BatchNorm1d(3)", "nn.BatchNorm1d(3, affine=False, track_running_stats=False)", "nn.InstanceNorm2d(3, affine=True, track_running_stats=True)",
                 "nn.LayerNorm([4, 5])", "nn.GroupNorm(2, 4)", "nn.RMSNorm(5)", "nn.PReLU(3)", "nn.Embedding(10, 3)", "nn.EmbeddingBag(10, 3)", "nn.LazyBatchNorm2d()"]:
        case(f"keys({ctor}.state_dict())")
    # state dicts load into a fresh layer (buffers included); an InstanceNorm without running stats reports old checkpoints' ones
    case("m = nn.BatchNorm2d(3, momentum=0.5)\nm(b4)\nm2 = nn.BatchNorm2d(3)\nm2.load_state_dict(m.state_dict())\nm2.eval()\n(m2(b4), m2.running_var, m2.num_batches_tracked)")
    case("sd = without(nn.InstanceNorm1d(3, track_running_stats=True).state_dict(), 'num_batches_tracked')\nnn.InstanceNorm1d(3).load_state_dict(sd)",
         err='Error(s) in loading state_dict for InstanceNorm1d:\n\tUnexpected running stats buffer(s) "running_mean" and "running_var" for InstanceNorm1d with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0')
    case("m = nn.Embedding(10, 3)\nm2 = nn.Embedding(10, 3)\nm2.load_state_dict(m.state_dict())\nm2(idx)")
    # train/eval switches of the layers that depend on them
    case("m = nn.Sequential(nn.Dropout(0.5), nn.RReLU(), nn.AlphaDropout(0.5))\nm.eval()\nx = a.clone()\n(m(x), m.training)")
    case("m = nn.Sequential(nn.Dropout(0.5), nn.RReLU(), nn.AlphaDropout(0.5))\nm.eval()\nm.train()\nm(a)")


def main():
    make_pool()
    activations()
    functional()
    norms()
    dropouts()
    embeddings()
    adaptive()
    with_core()
    if PROBLEMS:
        print("\n".join(PROBLEMS), file=sys.stderr)
        sys.exit(1)
    FAMILY.write()


if __name__ == "__main__":
    main()
