#!/usr/bin/env python3
"""Golden fixtures for test/nn-nnconv.test.ts: the nn families Linear/Conv/Pooling/Padding/Vision/
Distance (layers and nn.functional), run by Python torch 2.13.

Usage: .venv/bin/python scripts/make-nn-nnconv-fixtures.py   (writes test/fixtures/nn-nnconv.json;
deterministic: run it twice, nothing changes).

Each case is a Python snippet translated to JS by scripts/make-fixtures.py's translator, plus two
rules for layers: `torch.nn.Conv2d(...)` becomes `new torch.nn.Conv2d(...)` and calling a layer
`m(x)` becomes `m.call(x)`. A layer case seeds the generator, builds the layer, runs it on a fresh
input that requires grad, backpropagates a fixed random weighting of the output (`y.mul(g).sum()`)
and returns the repr, every parameter (weights as built under the seed), the output and the
gradients of the input and of every parameter. Functional cases return the output and the input's
gradient. Error cases record Python's message (the JS error must contain it).

Convolutions, linear and bilinear layers run on oneDNN/BLAS kernels that CPUs of other models may
sum in another order, so those cases carry a small tolerance; everything else compares bit for bit.
"""
import ast
import importlib.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "nn-nnconv.json")
# oneDNN / BLAS kernels (conv, linear, bilinear): the summation order may differ between CPU models.
BLAS = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-12, "atol": 1e-13}}

# ---------------------------------------------------------------------------------------------
# Inputs

G = torch.Generator().manual_seed(20261130)
POOL = mf.POOL  # the translator's Family reads mf.POOL; ours replaces its contents


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=G, dtype=dtype)


def make_pool():
    POOL.clear()
    POOL.update({
        "a1": randn(2, 4, 7), "a1u": randn(4, 7), "a1d": randn(2, 4, 7, dtype=torch.float64),
        "a2": randn(2, 4, 5, 6), "a2u": randn(4, 5, 6), "a2d": randn(2, 4, 5, 6, dtype=torch.float64),
        "a2s": randn(2, 4, 4, 5),
        "a3": randn(1, 4, 3, 4, 3), "s1": randn(1, 4, 4), "s2": randn(1, 4, 3, 4), "s3": randn(1, 4, 2, 3, 2), "gi": randn(2, 2, 3, 4), "a3e": randn(1, 4, 2, 4, 2), "a3u": randn(4, 3, 4, 3),
        "f5": randn(3, 5), "f5b": randn(2, 3, 5), "f6": randn(3, 6),
        "w1": randn(6, 4, 3), "w2": randn(6, 2, 3, 3), "w3": randn(6, 4, 2, 3, 2), "b6": randn(6),
        "wt2": randn(4, 3, 3, 3), "b3": randn(3), "wl": randn(3, 5), "wb": randn(3, 5, 6),
        "v1": randn(4, 6), "v2": randn(4, 6), "pd": randn(5, 3),
        "px": randn(2, 8, 3, 4), "cols": randn(2, 16, 12), "cols1": randn(2, 8, 12), "wt1": randn(4, 3, 3), "wt3": randn(4, 2, 3, 2, 3), "tbc": randn(7, 2, 4), "wtbc": randn(3, 4, 3), "a2e": randn(2, 4, 4, 6),
        "grid": torch.rand(2, 3, 4, 2, generator=G) * 2.4 - 1.2, "grid3": torch.rand(1, 2, 3, 2, 3, generator=G) * 2.4 - 1.2,
        "theta": randn(2, 2, 3), "theta3": randn(2, 3, 4),
        "i2": torch.randint(-50, 50, (1, 3, 5, 5), generator=G), "u8": torch.randint(0, 255, (1, 3, 6, 7), generator=G, dtype=torch.uint8),
        "pos2": torch.rand(2, 4, 5, 6, generator=G) + 0.25,
        "samples": torch.rand(2, 4, 2, generator=G), "samples3": torch.rand(1, 4, 3, generator=G),
    })


# ---------------------------------------------------------------------------------------------
# Translation: the shared translator plus `new` for layer classes and `m.call(...)` for layer calls

LAYER_CLASS = re.compile(r"(?<![\w.])torch\.nn\.([A-Z]\w*)\(")
LAYER_CALL = re.compile(r"(?<![\w.])(m\d*)\(")


def to_js(src, params):
    code = mf.to_js(src, params)
    return LAYER_CALL.sub(r"\1.call(", LAYER_CLASS.sub(r"new torch.nn.\1(", code))


# ---------------------------------------------------------------------------------------------
# Cases

PROBLEMS = []
CASES = []
ERROR_TYPES = (RuntimeError, ValueError, TypeError, IndexError, NotImplementedError, AssertionError)


def pool_names(src):
    return sorted({n.id for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name) and n.id in POOL})


def run(src):
    env = {"torch": torch, **{n: POOL[n].clone() for n in pool_names(src)}}
    torch.manual_seed(0)
    return mf.run_py(src, env)


def add(group, src, tol=None, err=None):
    """One case: `src` run by Python, translated to JS; err: a part of Python's message, or True for all of it."""
    src = src.strip("\n")
    uses = pool_names(src)
    try:
        result = run(src)
    except ERROR_TYPES as e:
        message = str(e).split("\n")[0]
        if err is None:
            PROBLEMS.append(f"{group}: {src!r} raised {type(e).__name__}: {message}")
            return
        if isinstance(err, str) and err not in message:
            PROBLEMS.append(f"{group}: {src!r} raised {message!r}, which lacks {err!r}")
            return
        expected = {"error": err if isinstance(err, str) else message, "errorType": type(e).__name__}
    else:
        if err is not None:
            PROBLEMS.append(f"{group}: {src!r} was expected to raise")
            return
        expected = mf.enc(result)
    try:
        code = to_js(src, uses)
    except (ValueError, AssertionError, KeyError) as e:
        PROBLEMS.append(f"{group}: {src!r} does not translate: {e}")
        return
    case = {"group": group, "py": src, "js": code, "uses": uses, "expected": expected}
    if tol:
        case["tol"] = tol
    if any(c["js"] == code for c in CASES):
        PROBLEMS.append(f"{group}: duplicate case {src!r}")
        return
    CASES.append(case)


def grad_weight(shape, dtype):
    """A pool tensor of random weights for the output's gradient (named by shape and dtype)."""
    name = "g_" + "_".join(map(str, shape)) + ("_f64" if dtype == torch.float64 else "")
    if name not in POOL:
        POOL[name] = torch.randn(*shape, generator=torch.Generator().manual_seed(len(shape) * 1000 + sum(shape)), dtype=dtype)
    return name


def tol_for(blas, dtype):
    return BLAS[str(dtype)[len("torch."):]] if blas else None


def layer(ctor, *inputs, call="", blas=False, lazy=False, attrs=(), grad=True, err=None, train=True):
    """A layer case: build under seed 0, forward `inputs` (pool names), backward, and collect everything."""
    group = re.match(r"torch\.nn\.(\w+)", ctor).group(1)
    lines = ["torch.manual_seed(0)", f"m = {ctor}"]
    if not train:
        lines.append("m.eval()")
    if lazy:
        lines.append("r0 = str(m)")
    args = []
    for i, name in enumerate(inputs):
        if grad and POOL[name].is_floating_point():
            lines.append(f"x{i} = {name}.clone().requires_grad_()")
            args.append(f"x{i}")
        else:
            args.append(name)
    lines.append(f"y = m({', '.join(args)}{', ' + call if call else ''})")
    if err is not None:
        add(group, "\n".join(lines[:-1] + [lines[-1][len('y = '):]]), err=err)
        return
    try:
        env_src = "\n".join(lines + ["(m, y)"])
        m, y = run(env_src)
    except ERROR_TYPES as e:
        PROBLEMS.append(f"{group}: {ctor} raised {type(e).__name__}: {str(e).splitlines()[0]}")
        return
    out = "y[0]" if isinstance(y, tuple) else "y"
    yt = y[0] if isinstance(y, tuple) else y
    params = [n for n, _ in m.named_parameters()]
    results = (["r0"] if lazy else []) + ["str(m)"] + [f"m.{n}" for n in params] + ["y"] + [f"m.{a}" for a in attrs]
    if grad and yt.is_floating_point():
        g = grad_weight(list(yt.shape), yt.dtype)
        lines.append(f"{out}.mul({g}).sum().backward()")
        results += [f"x{i}.grad" for i, name in enumerate(inputs) if POOL[name].is_floating_point()]
        results += [f"m.{n}.grad" for n in params]
    lines.append("(" + ", ".join(results) + ",)")
    add(group, "\n".join(lines), tol=tol_for(blas, yt.dtype))


def fn(expr, blas=False, grad=True, err=None, **inputs):
    """A functional case: `expr` over variables bound to pool tensors (`x="a2"`); the float ones require grad."""
    group = "F." + re.match(r"torch\.nn\.functional\.(\w+)", expr).group(1)
    lines = []
    grads = []
    for var, name in inputs.items():
        if grad and POOL[name].is_floating_point() and not name.startswith("samples"):
            lines.append(f"{var} = {name}.clone().requires_grad_()")
            grads.append(var)
        else:
            lines.append(f"{var} = {name}.clone()")
    if err is not None:
        add(group, "\n".join(lines + [expr]), err=err)
        return
    lines.append(f"y = {expr}")
    try:
        y = run("\n".join(lines + ["y"]))
    except ERROR_TYPES as e:
        PROBLEMS.append(f"{group}: {expr} raised {type(e).__name__}: {str(e).splitlines()[0]}")
        return
    yt = y[0] if isinstance(y, tuple) else y
    results = ["y"]
    if grads and yt.is_floating_point() and yt.requires_grad:
        g = grad_weight(list(yt.shape), yt.dtype)
        lines.append(f"{'y[0]' if isinstance(y, tuple) else 'y'}.mul({g}).sum().backward()")
        results += [f"{v}.grad" for v in grads]
    lines.append("(" + ", ".join(results) + ",)")
    add(group, "\n".join(lines), tol=tol_for(blas, yt.dtype))


# ---------------------------------------------------------------------------------------------
# The families


def linear_family():
    nn = "torch.nn"
    layer(f"{nn}.Linear(5, 3)", "f5", blas=True, attrs=("in_features", "out_features"))
    layer(f"{nn}.Linear(5, 4, bias=False)", "f5b", blas=True)
    layer(f"{nn}.Linear(5, 3, dtype=torch.float64)", "f5", call="", blas=True, err="mat1 and mat2 must have the same dtype")
    layer(f"{nn}.Linear(4, 3)", "f5", err="mat1 and mat2 shapes cannot be multiplied")
    layer(f"{nn}.Bilinear(5, 6, 3)", "f5", "f6", blas=True, attrs=("in1_features", "in2_features", "out_features"))
    layer(f"{nn}.Bilinear(5, 6, 2, bias=False)", "f5", "f6", blas=True)
    layer(f"{nn}.LazyLinear(4)", "f5b", blas=True, lazy=True, attrs=("in_features",))
    layer(f"{nn}.LazyLinear(3, bias=False)", "f5", blas=True, lazy=True)
    layer(f"{nn}.Identity(54, unused=True)", "f5")
    layer(f"{nn}.Flatten()", "a2")
    layer(f"{nn}.Flatten(0, 2)", "a2", attrs=("start_dim", "end_dim"))
    layer(f"{nn}.Unflatten(1, (2, 2))", "a2", attrs=("dim", "unflattened_size"))
    layer(f"{nn}.Unflatten(-1, (2, 3))", "a2")
    add("Unflatten", "torch.nn.Unflatten(1, (2, 2.5))", err="unflattened_size must be tuple of ints")
    fn("torch.nn.functional.linear(x, w)", blas=True, x="f5", w="wl")
    fn("torch.nn.functional.linear(x, w, b)", blas=True, x="f5b", w="wl", b="b3")
    fn("torch.nn.functional.linear(input=x, weight=w, bias=b)", blas=True, x="f5", w="wl", b="b3")
    fn("torch.nn.functional.bilinear(x, z, w, b)", blas=True, x="f5", z="f6", w="wb", b="b3")
    fn("torch.nn.functional.linear(x, w)", x="f6", w="wl", err=True)


def conv_family():
    nn = "torch.nn"
    for d, x, xu in [(1, "a1", "a1u"), (2, "a2", "a2u"), (3, "a3", "a3u")]:
        xs = f"s{d}"
        C = f"{nn}.Conv{d}d"
        layer(f"{C}(4, 6, 3)", x, blas=True, attrs=("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "transposed"))
        layer(f"{C}(4, 6, 3)", xu, blas=True)
        layer(f"{C}(4, 6, 2, stride=2, padding=1, dilation=2, groups=2)", x, blas=True)
        layer(f"{C}(4, 4, 3, padding='same', dilation=2, bias=False)", x, blas=True, attrs=("padding", "_reversed_padding_repeated_twice"))
        layer(f"{C}(4, 2, 2, padding='valid')", x, blas=True)
        layer(f"{C}(4, 2, 4, padding='same')", x, blas=True)
        for mode in ["reflect", "replicate", "circular"]:
            layer(f"{C}(4, 3, 3, padding=1, padding_mode='{mode}')", x, blas=True)
        layer(f"{C}(4, 2, 3, padding='same', padding_mode='reflect')", x, blas=True)
        layer(f"{C}(4, 6, 3, dtype=torch.float64)", x.replace("u", "") + "d" if d < 3 else x, blas=True, err=None) if d < 3 else None
        T = f"{nn}.ConvTranspose{d}d"
        layer(f"{T}(4, 6, 3)", xs, blas=True, attrs=("in_channels", "out_channels", "kernel_size", "output_padding", "transposed"))
        layer(f"{T}(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2)", xs, blas=True)
        layer(f"{T}(4, 3, 3, stride=2, bias=False)", xs, blas=True)
        size = list(POOL[xs].shape[2:])
        wanted = [(s - 1) * 2 + 3 + 1 for s in size]
        layer(f"{T}(4, 3, 3, stride=2)", xs, call=f"output_size={wanted}", blas=True)
        layer(f"{T}(4, 3, 3, stride=2)", xs, call=f"{[1, 3] + wanted}", blas=True)
        layer(f"{T}(4, 3, 3, stride=2)", xs, call=f"output_size={[w + 5 for w in wanted]}", err="requested an output size of")
        layer(f"{nn}.LazyConv{d}d(5, 2)", x, blas=True, lazy=True, attrs=("in_channels",))
        layer(f"{nn}.LazyConvTranspose{d}d(5, 2, stride=2, bias=False)", xs, blas=True, lazy=True, attrs=("in_channels",))
        layer(f"{C}(4, 6, 3)", "f5", err="")
        add(f"Conv{d}d", f"{C}(4, 6, 3, groups=3)", err=True)
        add(f"Conv{d}d", f"{C}(4, 6, 3, padding='full')", err="Invalid padding string 'full', should be one of")  # a set: its order varies
        add(f"Conv{d}d", f"{C}(4, 6, 3, stride=2, padding='same')", err=True)
        add(f"Conv{d}d", f"{C}(4, 6, 3, padding_mode='wrap')", err="padding_mode must be one of")
        add(f"ConvTranspose{d}d", f"{T}(4, 6, 3, padding_mode='reflect')", err=True)
    layer(f"{nn}.Conv2d(4, 6, 3)", "a2d", err="should be the same")
    add("Conv2d", "torch.nn.Conv2d(4, 6, 3, strides=2)", err="")  # our wording: unexpected option
    for d, x, w in [(1, "a1", "w1"), (2, "a2", "w2"), (3, "a3", "w3")]:
        F = "torch.nn.functional"
        fn(f"{F}.conv{d}d(x, w, b, stride=2, padding=1)" if d != 2 else f"{F}.conv2d(x, w, b, 2, 1, 1, 2)", blas=True, x=x, w=w, b="b6")
        fn(f"{F}.conv{d}d(x, w, padding='same', dilation=2)" if d != 2 else f"{F}.conv2d(x, w, padding='same', groups=2)", blas=True, x=x, w=w)
    F = "torch.nn.functional"
    fn(f"{F}.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)", blas=True, x="s2", w="wt2", b="b3")
    fn(f"{F}.conv_transpose2d(x, w, b, stride=2, groups=2, output_padding=1, dilation=2)", blas=True, x="s2", w="wt2", b="b6")
    fn(f"{F}.conv_transpose1d(x, w)", blas=True, x="s1", w="wt1")
    fn(f"{F}.conv_transpose3d(x, w, stride=(1, 2, 1), padding=1)", blas=True, x="s3", w="wt3")
    fn(f"{F}.conv_tbc(x, w, b, 1)", blas=True, x="tbc", w="wtbc", b="b3")
    fn(f"{F}.unfold(x, 3)", x="a2")
    fn(f"{F}.unfold(x, (2, 3), dilation=2, padding=1, stride=(1, 2))", x="a2")
    fn(f"{F}.fold(x, (4, 5), 2)", x="cols")
    fn(f"{F}.fold(x, output_size=(5, 7), kernel_size=(2, 2), padding=1, stride=2)", x="cols1")
    layer(f"{nn}.Unfold(2, dilation=(1, 2), padding=1, stride=2)", "a2", attrs=("kernel_size", "dilation", "padding", "stride"))
    layer(f"{nn}.Fold((4, 5), 2)", "cols", attrs=("output_size", "kernel_size"))
    layer(f"{nn}.Fold(output_size=(5, 7), kernel_size=2, padding=1, stride=(2, 2))", "cols1")
    fn(f"{F}.conv2d(x, w)", x="a2", w="w1", err="")


def pooling_family():
    nn = "torch.nn"
    for d, x, xu in [(1, "a1", "a1u"), (2, "a2", "a2u"), (3, "a3", "a3u")]:
        layer(f"{nn}.MaxPool{d}d(2)", x, attrs=("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"))
        layer(f"{nn}.MaxPool{d}d(3, stride=2, padding=1, dilation=1, ceil_mode=True)", x)
        layer(f"{nn}.MaxPool{d}d(2, stride=1, dilation=2, return_indices=True)", x)
        layer(f"{nn}.MaxPool{d}d(2)", xu)
        layer(f"{nn}.AvgPool{d}d(2)", x, attrs=("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"))
        layer(f"{nn}.AvgPool{d}d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)", x)
        if d > 1:
            layer(f"{nn}.AvgPool{d}d(3, stride=2, padding=1, divisor_override=5)", x, attrs=("divisor_override",))
        layer(f"{nn}.AdaptiveMaxPool{d}d({tuple([3, 2, 2][:d]) if d > 1 else 4})", x, attrs=("output_size", "return_indices"))
        layer(f"{nn}.AdaptiveMaxPool{d}d({tuple([3, None, 2][:d]) if d > 1 else 5}, return_indices=True)", x)
        layer(f"{nn}.AdaptiveAvgPool{d}d({tuple([3, None, 2][:d]) if d > 1 else 4})", x, attrs=("output_size",))
        layer(f"{nn}.AdaptiveAvgPool{d}d(2)", xu)
        layer(f"{nn}.LPPool{d}d(2, 2)", "pos2" if d == 2 else x, attrs=("norm_type", "kernel_size", "stride", "ceil_mode"))
        layer(f"{nn}.LPPool{d}d(3, {3 if d == 1 else (2,) * d}, stride={2 if d == 1 else (1,) * d}, ceil_mode=True)", x)
        layer(f"{nn}.LPPool{d}d(float('inf'), 2)", x)
        layer(f"{nn}.LPPool{d}d(1.5, 2)", "pos2" if d == 2 else x)
        # unpooling: indices from the matching MaxPool with return_indices
        add(f"MaxUnpool{d}d", f"""
torch.manual_seed(0)
m0 = torch.nn.MaxPool{d}d(2, stride=2, return_indices=True)
m = torch.nn.MaxUnpool{d}d(2, stride=2)
y = m0({x if d < 3 else "a3e"})
u = m(y[0], y[1])
v = m(y[0], y[1], output_size={list(POOL[x if d < 3 else "a3e"].shape[2:])})
(str(m), m.kernel_size, m.stride, m.padding, u, v,)""")
        layer(f"{nn}.MaxPool{d}d(2)", "f5" if d > 1 else "pd.reshape(1, 1, 1, 15)".split(".")[0], err="") if d > 1 else None
    layer(f"{nn}.MaxPool2d(2, stride=1)", "i2")
    layer(f"{nn}.AvgPool2d(2)", "a2d")
    layer(f"{nn}.FractionalMaxPool2d(2, output_size=(4, 5))", "a2", attrs=("kernel_size", "output_size", "output_ratio", "return_indices"))
    layer(f"{nn}.FractionalMaxPool2d((2, 3), output_ratio=(0.5, 0.75), return_indices=True)", "a2")
    layer(f"{nn}.FractionalMaxPool2d(2, output_size=3)", "a2u")
    layer(f"{nn}.FractionalMaxPool2d(2, output_size=(4, 5), _random_samples=samples)", "a2")
    layer(f"{nn}.FractionalMaxPool3d(2, output_size=(1, 2, 1))", "a3")
    layer(f"{nn}.FractionalMaxPool3d((2, 1, 2), output_ratio=0.5, return_indices=True)", "a3")
    layer(f"{nn}.FractionalMaxPool3d(2, output_size=(1, 2, 1), _random_samples=samples3)", "a3")
    layer(f"{nn}.FractionalMaxPool2d(2, output_size=(4, 5))", "a2d", train=False)
    add("FractionalMaxPool2d", "torch.nn.FractionalMaxPool2d(2)", err=True)
    add("FractionalMaxPool2d", "torch.nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5)", err=True)
    add("FractionalMaxPool2d", "torch.nn.FractionalMaxPool2d(2, output_ratio=1.5)", err=True)
    add("FractionalMaxPool3d", "torch.nn.FractionalMaxPool3d(0, output_size=2)", err=True)
    layer(f"{nn}.MaxPool2d(5)", "a2s", err="")
    layer(f"{nn}.AvgPool2d(2, padding=2)", "a2", err="pad should be at most half of effective kernel size")
    F = "torch.nn.functional"
    fn(f"{F}.max_pool2d(x, 3, 2, 1, 1, True, True)", x="a2")
    fn(f"{F}.max_pool2d(x, kernel_size=3, stride=2, ceil_mode=True, return_indices=False)", x="a2")
    fn(f"{F}.max_pool1d_with_indices(x, 2)", x="a1")
    fn(f"{F}.max_pool3d_with_indices(x, 2, stride=1)", x="a3")
    fn(f"{F}.avg_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)", x="a1")
    fn(f"{F}.avg_pool2d(x, (2, 3), divisor_override=4)", x="a2")
    fn(f"{F}.adaptive_max_pool2d_with_indices(x, (3, None))", x="a2")
    fn(f"{F}.adaptive_max_pool1d(x, 4, True)", x="a1")
    fn(f"{F}.adaptive_avg_pool3d(x, (None, 2, 3))", x="a3")
    fn(f"{F}.lp_pool2d(x, 2, 3, stride=2)", x="pos2")
    fn(f"{F}.lp_pool1d(x, 1.5, 2)", x="a1")
    fn(f"{F}.lp_pool3d(x, float('-inf'), 2)", x="a3")
    fn(f"{F}.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.5), return_indices=True)", x="a2")
    fn(f"{F}.fractional_max_pool2d_with_indices(x, 2, output_size=(3, 3))", x="a2")
    fn(f"{F}.fractional_max_pool3d(x, 2, output_size=(1, 2, 1), _random_samples=s)", x="a3", s="samples3")
    fn(f"{F}.fractional_max_pool2d(x, 2)", x="a2", err="requires specifying either an output_size or an output_ratio")
    fn(f"{F}.max_unpool2d(x, i, 2)", x="a2s", i="i2", err="")


def padding_family():
    nn = "torch.nn"
    for d, x, xu in [(1, "a1", "a1u"), (2, "a2", "a2u"), (3, "a3", "a3u")]:
        pads = [1, 2, 0, 3, 2, 1][: 2 * d]
        for kind in ["Reflection", "Replication", "Circular", "Zero"]:
            layer(f"{nn}.{kind}Pad{d}d({1 if d == 3 else 2})", f"s{d}", attrs=("padding",))
            layer(f"{nn}.{kind}Pad{d}d({tuple(pads)})", xu)
        layer(f"{nn}.ConstantPad{d}d(2, 3.5)", f"s{d}", attrs=("padding", "value"))
        layer(f"{nn}.ConstantPad{d}d({tuple(pads)}, value=-1)", xu)
    layer(f"{nn}.CircularPad2d(1)", "f5", err="expected 3D or 4D input")
    layer(f"{nn}.ReflectionPad2d(9)", "a2", err="Padding size should be less than the corresponding input dimension")
    F = "torch.nn.functional"
    fn(f"{F}.pad(x, (1, 2))", x="a2")
    fn(f"{F}.pad(x, (1, 2, 0, 1), value=2.5)", x="a2")
    fn(f"{F}.pad(x, [1, -1, 2, 2, 1, 1], 'constant', 0.5)", x="a3")
    fn(f"{F}.pad(x, (2, 1, 1, 2), mode='reflect')", x="a2")
    fn(f"{F}.pad(x, (2, 1, 1, 2, 1, 0), mode='replicate')", x="a3")
    fn(f"{F}.pad(x, (2, 1), 'circular')", x="a1")
    fn(f"{F}.pad(x, (1, 1, 1, 1), mode='circular')", x="a2u")
    fn(f"{F}.pad(x, (1, 1, 2, 1), mode='reflect')", x="i2", grad=False)
    fn(f"{F}.pad(x, (1, 1), mode='wrap')", x="a2", err="")


def vision_family():
    nn = "torch.nn"
    F = "torch.nn.functional"
    layer(f"{nn}.Upsample(scale_factor=2)", "s2", attrs=("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "name"))
    layer(f"{nn}.Upsample(size=(9, 5), mode='bilinear')", "a2")
    layer(f"{nn}.Upsample(scale_factor=1.5, mode='bilinear', align_corners=True)", "a2")
    layer(f"{nn}.Upsample(scale_factor=(1.5, 2.25), mode='bicubic', recompute_scale_factor=True)", "a2")
    layer(f"{nn}.Upsample(scale_factor=1.7, mode='nearest-exact')", "a2")
    layer(f"{nn}.Upsample(size=5, mode='linear')", "a1")
    layer(f"{nn}.Upsample(scale_factor=0.5, mode='area')", "a2")
    layer(f"{nn}.Upsample(size=(3, 2, 5), mode='trilinear', align_corners=False)", "s3")
    layer(f"{nn}.Upsample(scale_factor=2, mode='nearest')", "s3")
    layer(f"{nn}.UpsamplingNearest2d(scale_factor=2)", "a2", attrs=("mode", "align_corners"))
    layer(f"{nn}.UpsamplingNearest2d(size=(5, 11))", "a2")
    layer(f"{nn}.UpsamplingBilinear2d(scale_factor=1.5)", "a2", attrs=("mode", "align_corners"))
    layer(f"{nn}.UpsamplingBilinear2d((4, 6))", "a2")
    layer(f"{nn}.Upsample(scale_factor=2, mode='linear')", "a2", err="")
    layer(f"{nn}.PixelShuffle(2)", "px", attrs=("upscale_factor",))
    layer(f"{nn}.PixelUnshuffle(2)", "a2e", attrs=("downscale_factor",))
    layer(f"{nn}.PixelShuffle(3)", "px", err="")
    layer(f"{nn}.ChannelShuffle(2)", "px", attrs=("groups",), grad=False)
    layer(f"{nn}.ChannelShuffle(2)", "a2e")
    layer(f"{nn}.ChannelShuffle(4)", "px")
    layer(f"{nn}.ChannelShuffle(3)", "px", err="")
    fn(f"{F}.interpolate(x, scale_factor=0.6, mode='bilinear', antialias=True)", x="a2")
    fn(f"{F}.interpolate(x, size=(4, 5), mode='bicubic', antialias=True, align_corners=False)", x="a2")
    fn(f"{F}.interpolate(x, size=(3, 4), mode='lanczos', antialias=True)", x="a2")
    fn(f"{F}.interpolate(x, size=(3, 4), mode='area')", x="a2")
    fn(f"{F}.interpolate(x, scale_factor=(0.5, 1.5, 2.5), mode='nearest-exact')", x="a3")
    fn(f"{F}.interpolate(x, (10, 12), None, 'bilinear', True)", x="a2d")
    fn(f"{F}.interpolate(x, scale_factor=1.3, mode='linear', recompute_scale_factor=True)", x="a1")
    fn(f"{F}.interpolate(x, size=(4, 5), mode='bilinear')", x="u8", grad=False)
    fn(f"{F}.interpolate(x, size=4, scale_factor=2)", x="a2", err="only one of size or scale_factor should be defined")
    fn(f"{F}.interpolate(x)", x="a2", err="either size or scale_factor should be defined")
    fn(f"{F}.interpolate(x, size=(3, 4, 5))", x="a2", err="Input and output must have the same number of spatial dimensions")
    fn(f"{F}.interpolate(x, scale_factor=2, align_corners=True)", x="a2", err="align_corners option can only be set with the interpolating modes")
    fn(f"{F}.interpolate(x, scale_factor=2, mode='trilinear')", x="a2", err="Got 4D input, but trilinear mode needs 5D input")
    fn(f"{F}.interpolate(x, scale_factor=2, mode='bilinear', antialias=True)", x="a1", err="Anti-alias option is restricted")
    fn(f"{F}.interpolate(x, size=(4, 5), mode='bilinear', recompute_scale_factor=True)", x="a2", err="recompute_scale_factor is not meaningful with an explicit size")
    fn(f"{F}.upsample(x, scale_factor=2, mode='bilinear', align_corners=False)", x="a2")
    fn(f"{F}.upsample_nearest(x, size=(9, 10))", x="a2")
    fn(f"{F}.upsample_bilinear(x, scale_factor=2)", x="a2")
    for mode in ["bilinear", "nearest", "bicubic"]:
        for padding_mode in ["zeros", "border", "reflection"]:
            for ac in [False, True]:
                fn(f"{F}.grid_sample(x, g, mode='{mode}', padding_mode='{padding_mode}', align_corners={ac})", x="gi", g="grid")
    fn(f"{F}.grid_sample(x, g, 'bilinear', 'border', True)", x="a3", g="grid3")
    fn(f"{F}.grid_sample(x, g, mode='nearest', align_corners=False)", x="a3", g="grid3")
    fn(f"{F}.grid_sample(x, g, mode='linear')", x="a2", g="grid", err="expected mode to be 'bilinear', 'nearest' or 'bicubic'")
    fn(f"{F}.grid_sample(x, g, padding_mode='wrap', align_corners=False)", x="a2", g="grid", err="expected padding_mode to be 'zeros', 'border', or 'reflection'")
    fn(f"{F}.affine_grid(t, [2, 3, 4, 5], align_corners=False)", t="theta")
    fn(f"{F}.affine_grid(t, (2, 3, 4, 5), True)", t="theta")
    fn(f"{F}.affine_grid(t, [2, 1, 3, 4, 2], align_corners=False)", t="theta3")
    fn(f"{F}.affine_grid(t, [2, 3, 4, 5, 6], align_corners=False)", t="theta", err="Expected a batch of 3D affine matrices of shape Nx3x4")
    fn(f"{F}.affine_grid(t, [2, 3, 0, 5], align_corners=False)", t="theta", err="Expected non-zero, positive output size")
    fn(f"{F}.pixel_shuffle(x, 2)", x="px")
    fn(f"{F}.pixel_unshuffle(x, downscale_factor=2)", x="a2e")
    fn(f"{F}.channel_shuffle(x, 4)", x="px")
    fn(f"{F}.native_channel_shuffle(x, 2)", x="px", grad=False)


def distance_family():
    nn = "torch.nn"
    F = "torch.nn.functional"
    layer(f"{nn}.PairwiseDistance()", "v1", "v2", attrs=("norm", "eps", "keepdim"))
    layer(f"{nn}.PairwiseDistance(p=1, eps=0.001, keepdim=True)", "v1", "v2")
    layer(f"{nn}.PairwiseDistance(3.5)", "v1", "v2")
    layer(f"{nn}.CosineSimilarity()", "v1", "v2", attrs=("dim", "eps"))
    layer(f"{nn}.CosineSimilarity(dim=0, eps=1e-6)", "v1", "v2")
    layer(f"{nn}.CosineSimilarity(dim=2)", "v1", "v2", err="Dimension out of range")
    fn(f"{F}.pairwise_distance(a, b, 2, 1e-6, True)", a="v1", b="v2")
    fn(f"{F}.pairwise_distance(a, b, p=float('inf'))", a="v1", b="v2")
    fn(f"{F}.cosine_similarity(a, b, dim=-1)", a="v1", b="v2")
    fn(f"{F}.cosine_similarity(a, b, 0, 0.5)", a="v1", b="v2")
    fn(f"{F}.pdist(a)", a="pd")
    fn(f"{F}.pdist(a, p=1)", a="pd")
    fn(f"{F}.pdist(a, 0.5)", a="pd")
    fn(f"{F}.pdist(a)", a="v1.reshape(2, 2, 6)".split(".")[0] if False else "a2", err="")


def main():
    make_pool()
    for family in [linear_family, conv_family, pooling_family, padding_family, vision_family, distance_family]:
        family()
    if PROBLEMS:
        print("\n".join(PROBLEMS), file=sys.stderr)
        return 1
    used = sorted({n for c in CASES for n in c["uses"]})
    meta = {"torch": torch.__version__, "cpuCapability": mf.CPU_CAPABILITY.upper(), "threads": 1,
            "generator": "scripts/make-nn-nnconv-fixtures.py"}
    dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    lines = ["{", f'"meta":{dump(meta)},', '"tensors":{']
    lines += [f"{dump(n)}:{dump(mf.enc_tensor(POOL[n]))}" + ("," if i < len(used) - 1 else "") for i, n in enumerate(used)]
    lines += ["},", '"cases":[']
    lines += [dump(c) + ("," if i < len(CASES) - 1 else "") for i, c in enumerate(CASES)]
    lines += ["]", "}"]
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{OUT}: {len(CASES)} cases, {os.path.getsize(OUT)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
