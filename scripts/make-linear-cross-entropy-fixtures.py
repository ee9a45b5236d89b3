"""Fixtures for the chunked path of F.linear_cross_entropy / nn.LinearCrossEntropyLoss (options=
nn.LinearCrossEntropyOptions, new in torch 2.13), replayed by test/nn-linear-cross-entropy.test.ts: per case
the inputs, the loss and the gradients of input, linear_weight and linear_bias from Python's chunked op
(float32 and float64, and the float16/bfloat16 mixed-precision policies), the options each call resolves
to, the options' validation errors, the fallback warning and the second-backward errors.
Run: .venv/bin/python scripts/make-linear-cross-entropy-fixtures.py (writes test/fixtures/nn-linear-cross-entropy.json)."""
import os
import sys
import warnings

# The kernels and thread count of the other fixtures (scripts/make-fixtures.py): vectorised sums and exp
# give other bits on other CPU capabilities, and a multi-threaded reduction may sum in another order.
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, enc_tensor_b64, raised, write_fixture  # noqa: E402

assert torch.__version__.startswith("2.13"), torch.__version__
torch.set_num_threads(1)
O = nn.LinearCrossEntropyOptions


def e(v):
    return enc(v, tensor=enc_tensor_b64)   # raw bytes: exact for every dtype


def opts_kwargs(o):
    return {k: (None if v is None else v) for k, v in o.items()}


def enc_opts(o):
    """Options kwargs as JSON (acc_dtype by name)."""
    return {k: (str(v).removeprefix("torch.") if isinstance(v, torch.dtype) else v) for k, v in o.items()}


CASES = []


def case(name, dtype=torch.float32, n=7, f=4, c=10, reduction="mean", bias=False, class_weight=False, ignore_index=None,
         ignored_rows=(), one_d=False, options=None, requires=("input", "weight", "bias"), backward="once", no_grad=False, seed=0):
    """One call of the chunked path and its backward of sum(loss * g) (g: upstream gradient, not all ones).
    backward: 'once', 'twice' (retain_graph, then again: allow_retain_graph accumulates twice) or 'none'."""
    options = options or {}
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((f,) if one_d else (n, f), generator=g, dtype=torch.float64).to(dtype)
    w = torch.randn(c, f, generator=g, dtype=torch.float64).to(dtype)
    b = torch.randn(c, generator=g, dtype=torch.float64).to(dtype) if bias else None
    cw = (torch.rand(c, generator=g, dtype=torch.float64) + 0.5).to(dtype) if class_weight else None
    t = torch.randint(0, c, () if one_d else (n,), generator=g)
    for r in ignored_rows:   # rows whose target is the ignore_index (-100 when not given)
        t[r] = -100 if ignore_index is None else ignore_index
    out_shape = () if one_d or reduction != "none" else (n,)
    up = (torch.rand(out_shape, generator=g, dtype=torch.float64) + 0.25).to(dtype)
    xs, ws, bs = x.clone(), w.clone(), None if b is None else b.clone()
    if "input" in requires:
        xs.requires_grad_()
    if "weight" in requires:
        ws.requires_grad_()
    if bs is not None and "bias" in requires:
        bs.requires_grad_()
    kwargs = dict(linear_bias=bs, weight=cw, reduction=reduction, options=O(**opts_kwargs(options)))
    if ignore_index is not None:
        kwargs["ignore_index"] = ignore_index
    if no_grad:
        with torch.no_grad():
            loss = F.linear_cross_entropy(xs, ws, t, **kwargs)
    else:
        loss = F.linear_cross_entropy(xs, ws, t, **kwargs)
    has_graph = loss.grad_fn is not None
    if has_graph:
        if backward == "twice":
            loss.mul(up).sum().backward(retain_graph=True)
        loss.mul(up).sum().backward()
    rows = 1 if one_d else n
    resolved = O(**opts_kwargs(options))._adjust(rows, f, c, dtype, torch.device("cpu"))
    CASES.append({
        "name": name, "dtype": str(dtype).removeprefix("torch."), "reduction": reduction, "ignore_index": ignore_index,
        "options": enc_opts(options), "requires": list(requires), "backward": backward, "no_grad": no_grad,
        "x": e(x), "w": e(w), "b": e(b), "cw": e(cw), "t": e(t), "up": e(up),
        "resolved": repr(resolved), "grad_fn": type(loss.grad_fn).__name__ if has_graph else None,
        "loss": e(loss.detach()),
        "grads": [e(None if v is None else v.grad) for v in (xs, ws, bs)],
    })


# float32 and float64: reductions, bias, class weights, ignore_index, chunk sizes (3 and 4 do not divide 7)
for dt in (torch.float32, torch.float64):
    name = str(dt).removeprefix("torch.")
    case(f"{name} mean, chunks of 3", dt, options=dict(batch_chunk_size=3))
    case(f"{name} mean, bias and class weights, ignore_index=2, chunks of 2", dt, bias=True, class_weight=True, ignore_index=2,
         ignored_rows=(1, 4), options=dict(batch_chunk_size=2), seed=1)
    case(f"{name} sum, bias, one chunk", dt, reduction="sum", bias=True, options=dict(batch_chunk_size=7), seed=2)
    case(f"{name} sum, class weights, default ignore_index -100 in the targets, chunks of 4", dt, reduction="sum", class_weight=True,
         ignored_rows=(0, 6), options=dict(batch_chunk_size=4), seed=3)
    case(f"{name} none, bias and class weights, ignore_index=5, chunks of 3", dt, reduction="none", bias=True, class_weight=True,
         ignore_index=5, ignored_rows=(2,), options=dict(batch_chunk_size=3), seed=4)
    case(f"{name} none, rows of one", dt, reduction="none", options=dict(batch_chunk_size=1), seed=5)
    case(f"{name} 1-D input, mean, bias", dt, one_d=True, bias=True, options=dict(), seed=6)
    case(f"{name} 1-D input, none, class weights", dt, one_d=True, reduction="none", class_weight=True, options=dict(), seed=7)
    case(f"{name} default options (auto: compact, aspect_ratio:2)", dt, n=16, f=4, c=32, bias=True, seed=8)
    case(f"{name} chunking_method aspect_ratio", dt, n=16, f=4, c=32, options=dict(chunking_method="aspect_ratio"), seed=9)
    for policy in ("accurate", "balanced", "compact"):
        case(f"{name} acc_policy {policy}, bias", dt, bias=True, class_weight=True, options=dict(batch_chunk_size=3, acc_policy=policy), seed=10)
    case(f"{name} fewer classes than features (c < f)", dt, n=6, f=8, c=3, bias=True, options=dict(batch_chunk_size=4), seed=11)
    case(f"{name} only the linear weight requires grad", dt, bias=True, requires=("weight",), options=dict(batch_chunk_size=3), seed=12)
    case(f"{name} only the input requires grad", dt, reduction="sum", bias=True, requires=("input",), options=dict(batch_chunk_size=3), seed=13)
    case(f"{name} only the bias requires grad, none", dt, reduction="none", bias=True, requires=("bias",), options=dict(batch_chunk_size=3), seed=14)
    case(f"{name} under no_grad", dt, bias=True, no_grad=True, options=dict(batch_chunk_size=3), seed=15)
    case(f"{name} allow_retain_graph: two backwards accumulate", dt, bias=True, backward="twice",
         options=dict(batch_chunk_size=3, allow_retain_graph=True), seed=16)
    case(f"{name} none: two backwards with retain_graph", dt, reduction="none", bias=True, backward="twice", options=dict(batch_chunk_size=2), seed=17)
    case(f"{name} mean, every target ignored: nan", dt, ignored_rows=range(7), options=dict(batch_chunk_size=3), seed=18)
    for red in ("mean", "sum", "none"):
        case(f"{name} {red}, empty batch", dt, n=0, reduction=red, bias=True, options=dict(batch_chunk_size=2), seed=19)

# float16 / bfloat16 with a float32 accumulator: every acc_policy (CPU mixed-precision dispatch)
for dt in (torch.bfloat16, torch.float16):
    name = str(dt).removeprefix("torch.")
    case(f"{name} default options (auto: accurate, float32 acc)", dt, n=12, f=4, c=16, bias=True, class_weight=True, seed=20)
    for policy in ("accurate", "balanced", "compact"):
        for red in ("mean", "none"):
            case(f"{name} {policy} {red}, float32 acc", dt, reduction=red, bias=True, class_weight=True, ignore_index=3, ignored_rows=(5,),
                 options=dict(batch_chunk_size=3, acc_policy=policy, acc_dtype=torch.float32), seed=21)
        case(f"{name} {policy} sum, float32 acc, c < f", dt, n=6, f=8, c=3, reduction="sum", bias=True,
             options=dict(batch_chunk_size=4, acc_policy=policy, acc_dtype=torch.float32), seed=22)
    case(f"{name} without acc dtype (acc_dtype={name})", dt, bias=True, options=dict(batch_chunk_size=3, acc_policy="balanced", acc_dtype=dt), seed=23)

# What the options resolve to per call (_adjust on CPU), or the error
RESOLVE = []
for kw, n, f, c, dt in [
    ({}, 5, 3, 7, torch.float32), ({}, 5, 3, 7, torch.float64), ({}, 5, 3, 7, torch.bfloat16), ({}, 5, 3, 7, torch.float16),
    ({}, 1000, 64, 50000, torch.float32), ({}, 1000, 64, 50000, torch.bfloat16), ({}, 0, 4, 10, torch.float32),
    ({"batch_chunk_size": 3}, 8, 3, 7, torch.float32), ({"batch_chunk_size": 100}, 8, 3, 7, torch.float32),
    ({"chunking_method": None}, 8, 3, 7, torch.float32), ({"chunking_method": "aspect_ratio:4"}, 4096, 128, 32000, torch.float32),
    ({"chunking_method": "aspect_ratio", "batch_chunk_size": 4}, 8, 3, 7, torch.float32),
    ({"chunking_method": "aspect_ratio", "batch_chunk_size": 3}, 8, 3, 7, torch.float32),
    ({"acc_policy": "balanced"}, 8, 3, 7, torch.bfloat16), ({"acc_policy": "accurate", "acc_dtype": torch.float32}, 8, 3, 7, torch.float16),
    ({"acc_dtype": torch.float64}, 8, 3, 7, torch.float32), ({"allow_retain_graph": True, "acc_policy": "compact"}, 8, 3, 7, torch.float64),
]:
    try:
        got = {"repr": repr(O(**kw)._adjust(n, f, c, dt, torch.device("cpu")))}
    except ValueError as err:
        got = {"error": str(err)}
    RESOLVE.append({"options": enc_opts(kw), "n": n, "f": f, "c": c, "dtype": str(dt).removeprefix("torch."), **got})

# The options' validation (ValueError at construction) and their repr
INVALID = []
for kw in [{"acc_policy": "fast"}, {"chunking_method": "aspect_ratio:0"}, {"chunking_method": "aspect_ratio:"}, {"chunking_method": "foo"},
           {"chunking_method": "aspect_ratio:x"}, {"batch_chunk_size": 0}, {"batch_chunk_size": -3}, {"batch_chunk_size": 2.5},
           {"acc_dtype": torch.int32}, {"acc_dtype": torch.complex64}]:
    INVALID.append({"options": enc_opts(kw), "error": str(raised(lambda: O(**kw)))})
REPRS = [{"options": enc_opts(kw), "repr": repr(O(**kw))} for kw in [
    {}, {"allow_retain_graph": True, "batch_chunk_size": 8, "chunking_method": None, "acc_policy": "compact", "acc_dtype": torch.bfloat16},
    {"chunking_method": "aspect_ratio:2"}]]

# Calls that fall back to the reference path, with Python's warning
g = torch.Generator().manual_seed(30)
x24 = torch.randn(2, 4, generator=g)
w54 = torch.randn(5, 4, generator=g)
w534 = torch.randn(5, 3, 4, generator=g)
b53 = torch.randn(5, 3, generator=g)
y2 = torch.tensor([1, 3])
y23 = torch.tensor([[1, 3, 0], [4, 2, 2]])
probs = torch.randn(2, 5, generator=g).softmax(1)
FALLBACK = []
for label, call in [
    ("label smoothing", lambda o: F.linear_cross_entropy(x24, w54, y2, label_smoothing=0.25, options=o)),
    ("probability targets", lambda o: F.linear_cross_entropy(x24, w54, probs, reduction="sum", options=o)),
    ("out_features", lambda o: F.linear_cross_entropy(x24, w534, y23, linear_bias=b53, options=o)),
]:
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        result = call(O(batch_chunk_size=1))
    FALLBACK.append({"label": label, "warnings": [str(m.message) for m in ws], "result": e(result), "reference": e(call(None))})
INPUTS = {"x24": e(x24), "w54": e(w54), "w534": e(w534), "b53": e(b53), "y2": e(y2), "y23": e(y23), "probs": e(probs)}

# Errors at call time
ERRORS = {
    "acc_dtype float32 with float64 input": str(raised(lambda: F.linear_cross_entropy(
        x24.double(), w54.double(), y2, options=O(acc_dtype=torch.float32)))),
    "chunk size conflict": str(raised(lambda: F.linear_cross_entropy(x24, w54, y2, options=O(batch_chunk_size=2, chunking_method="aspect_ratio")))),
}
xs = x24.clone().requires_grad_()
loss = F.linear_cross_entropy(xs, w54, y2, options=O(batch_chunk_size=1))
loss.backward(retain_graph=True)
ERRORS["second backward (retain_graph)"] = str(raised(lambda: loss.backward()))
loss = F.linear_cross_entropy(xs, w54, y2, options=O(batch_chunk_size=1))
loss.backward()
ERRORS["second backward"] = str(raised(lambda: loss.backward()))
loss = F.linear_cross_entropy(xs, w54, y2, reduction="none", options=O(batch_chunk_size=1))
loss.sum().backward()
ERRORS["none: second backward without retain_graph"] = str(raised(lambda: loss.sum().backward()))

# nn.LinearCrossEntropyLoss with options: repr, loss and gradients (its parameters loaded from here)
torch.manual_seed(40)
m = nn.LinearCrossEntropyLoss(4, 5, bias=True, ignore_index=1, options=O(batch_chunk_size=1, acc_policy="accurate"))
state = {k: e(v) for k, v in m.state_dict().items()}
mx = x24.clone().requires_grad_()
out = m(mx, y2)
out.backward()
MODULE = {"repr": repr(m), "state_dict": state, "loss": e(out.detach()), "input_grad": e(mx.grad),
          "grads": {k: e(p.grad) for k, p in m.named_parameters()}, "grad_fn": type(out.grad_fn).__name__}

# BLAS picks its matmul kernel by CPU model: the test demands bit-equal results only where these agree
g = torch.Generator().manual_seed(50)
probe_a, probe_b = torch.randn(64, 37, generator=g, dtype=torch.float64), torch.randn(37, 50, generator=g, dtype=torch.float64)
BLAS_PROBE = [{"a": e(probe_a.to(dt)), "b": e(probe_b.to(dt)), "mm": e(probe_a.to(dt).mm(probe_b.to(dt)))} for dt in (torch.float32, torch.float64)]

write_fixture("nn-linear-cross-entropy.json", {
    "torch": torch.__version__, "blas_probe": BLAS_PROBE,
    "cases": CASES, "resolve": RESOLVE, "invalid": INVALID, "reprs": REPRS,
    "inputs": INPUTS, "fallback": FALLBACK, "errors": ERRORS, "module": MODULE,
})
