#!/usr/bin/env python3
"""Records torch.testing (assert_close messages, make_tensor ranges), sparse tensors (construction,
conversions, torch.sparse ops, gradients) and strided nested tensors from Python torch 2.13, for
test/testing.test.ts and test/sparse.test.ts. Run: .venv/bin/python scripts/make-sparse-fixtures.py

Inputs are written as small JSON specs that both sides build the same way:
  {"t": data, "dtype": name}  a tensor (data nested lists; 'nan', 'inf', '-inf' strings for specials)
  {"int": n} {"float": x} {"bool": b} {"none": true} {"str": s} {"list": [spec...]} {"dict": {k: spec}}
  {"sparse": "coo"|"csr"|..., "of": spec, "blocksize": [r, c]}  a dense spec converted to a sparse layout
  {"meta": shape, "dtype": name}  a tensor on the meta device
  {"strided": spec, "transpose": true}  the transpose (other strides) of a 2-D spec
  {"quant": spec, "scale": s, "zero_point": z, "qdtype": name}  torch.quantize_per_tensor of a float spec
"""
import json
import math
import os
import warnings

import torch
import torch.nn.functional as F

assert torch.__version__.startswith("2.13"), torch.__version__
warnings.filterwarnings("ignore")


def enc(v):
    """JSON has no nan/inf: they become strings."""
    if isinstance(v, list):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {k: enc(x) for k, x in v.items()}
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return str(v)
    return v


def dec(v):
    if isinstance(v, list):
        return [dec(x) for x in v]
    if isinstance(v, str):
        return float(v)
    return v


def build(spec):
    if "t" in spec:
        return torch.tensor(dec(spec["t"]), dtype=getattr(torch, spec.get("dtype", "float32")))
    if "int" in spec:
        return int(spec["int"])
    if "float" in spec:
        return float(dec(spec["float"]))
    if "bool" in spec:
        return bool(spec["bool"])
    if "none" in spec:
        return None
    if "str" in spec:
        return spec["str"]
    if "list" in spec:
        return [build(s) for s in spec["list"]]
    if "dict" in spec:
        return {k: build(s) for k, s in spec["dict"].items()}
    if "sparse" in spec:
        dense = build(spec["of"])
        layout = getattr(torch, "sparse_" + spec["sparse"])
        return dense.to_sparse(layout=layout, blocksize=spec.get("blocksize"))
    if "meta" in spec:
        return torch.empty(spec["meta"], dtype=getattr(torch, spec.get("dtype", "float32")), device="meta")
    if "strided" in spec:
        return build(spec["strided"]).t().contiguous().t()
    if "quant" in spec:
        return torch.quantize_per_tensor(build(spec["quant"]), spec["scale"], spec["zero_point"], getattr(torch, spec["qdtype"]))
    raise ValueError(spec)


def T(data, dtype="float32"):
    return {"t": data, "dtype": dtype}


I = lambda n: {"int": n}
Fl = lambda x: {"float": enc(x)}
B = lambda b: {"bool": b}
NONE = {"none": True}

# ---- torch.testing.assert_close -------------------------------------------------------------
Q = lambda data, scale=0.1: {"quant": T(data), "scale": scale, "zero_point": 0, "qdtype": "quint8"}

close_cases = [
    ("quantized equal", Q([1.0, 2.0]), Q([1.0, 2.0]), {}),
    ("quantized mismatch", Q([1.0, 2.0]), Q([1.0, 2.5]), {}),
    ("quantized scalars", Q(2.0), Q(2.5), {}),
    ("int64 difference beyond 2^53", T([2**60, 0], "int64"), T([0, 0], "int64"), {}),
    ("int64 scalars beyond 2^53", T(2**60, "int64"), T(0, "int64"), {}),
    ("int64 difference overflows", T([2**62], "int64"), T([-(2**62)], "int64"), {}),
    ("float32 one mismatch", T([1.0, 2.0, 3.0]), T([1.0, 2.5, 3.0]), {}),
    ("doc example", T([1.0, 4.0, 5.0]), T([1.0, 2.0, 3.0]), {}),
    ("within default float32 tolerance", T([1.0, 2.0, 3.0]), T([1.0, 2.000001, 3.0]), {}),
    ("equal", T([1.0, 2.0]), T([1.0, 2.0]), {}),
    ("float64", T([0.1, 0.2, 0.30000001], "float64"), T([0.1, 0.2, 0.3], "float64"), {}),
    ("float16", T([1.0, 2.0, 3.0], "float16"), T([1.0, 2.01, 3.0], "float16"), {}),
    ("bfloat16", T([1.0, 2.0, 3.0], "bfloat16"), T([1.0, 2.1, 3.0], "bfloat16"), {}),
    ("bfloat16 within", T([1.0, 2.0, 3.0], "bfloat16"), T([1.0, 2.01, 3.0], "bfloat16"), {}),
    ("int64 exact", T([1, 2, 3], "int64"), T([1, 2, 4], "int64"), {}),
    ("int32 2-D", T([[1, 2], [3, 4]], "int32"), T([[1, 5], [3, 9]], "int32"), {}),
    ("uint8", T([1, 200], "uint8"), T([3, 100], "uint8"), {}),
    ("bool tensors", T([True, False], "bool"), T([True, True], "bool"), {}),
    ("2-D index", T([[1.0, 2.0], [3.0, 4.0]]), T([[1.0, 2.0], [3.0, 4.5]]), {}),
    ("3-D two mismatches", T([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]), T([[[1.0, 2.5], [3.0, 4.0]], [[5.0, 6.0], [7.0, 10.0]]]), {}),
    ("1 of 16 (tie percent)", T([0.0] * 16), T([0.0] * 15 + [1.0]), {}),
    ("1 of 8", T([0.0] * 8), T([0.0] * 7 + [1.0]), {}),
    ("2 of 3", T([0.0] * 3), T([0.0, 1.0, 1.0]), {}),
    ("zero expected relative inf", T([1.0, 0.5]), T([1.0, 0.0]), {}),
    ("scalar tensor", T(1.0), T(1.5), {}),
    ("scalar int tensor", T(3, "int64"), T(5, "int64"), {}),
    ("scalar bool tensor", T(True, "bool"), T(False, "bool"), {}),
    ("nan not equal", T(["nan", 1.0]), T(["nan", 1.0]), {}),
    ("nan equal_nan", T(["nan", 1.0]), T(["nan", 1.0]), {"equal_nan": True}),
    ("nan scalar doc", T("nan"), T("nan"), {}),
    ("inf vs inf", T(["inf", 1.0]), T(["inf", 1.0]), {}),
    ("inf vs -inf", T(["inf"]), T(["-inf"]), {}),
    ("inf vs finite", T([1.0, "inf"]), T([1.0, 2.0]), {}),
    ("custom tolerances pass", T([1.0, 2.0]), T([1.0, 2.1]), {"rtol": 0.1, "atol": 0.0}),
    ("custom tolerances fail", T([1.0, 2.0]), T([1.0, 2.5]), {"rtol": 0.1, "atol": 0.01}),
    ("zero tolerances", T([1.0, 2.0]), T([1.0, 2.5]), {"rtol": 0.0, "atol": 0.0}),
    ("only rtol", T([1.0]), T([1.0]), {"rtol": 0.1}),
    ("only atol", T([1.0]), T([1.0]), {"atol": 0.1}),
    ("shape mismatch", T([1.0, 2.0]), T([1.0, 2.0, 3.0]), {}),
    ("shape mismatch 2-D", T([[1.0, 2.0]]), T([1.0, 2.0]), {}),
    ("dtype mismatch", T([1.0], "float32"), T([1.0], "float64"), {}),
    ("dtype mismatch unchecked", T([1.0], "float32"), T([1.0], "float64"), {"check_dtype": False}),
    ("dtype promoted unchecked fail", T([1.0, 2.0], "float32"), T([1.0, 2.5], "float64"), {"check_dtype": False}),
    ("int vs float unchecked", T([1, 2], "int64"), T([1.0, 2.5], "float32"), {"check_dtype": False}),
    ("device mismatch", T([1.0]), {"meta": [1]}, {}),
    ("meta vs meta", {"meta": [2, 3]}, {"meta": [2, 3]}, {}),
    ("stride mismatch", {"strided": T([[1.0, 2.0], [3.0, 4.0]])}, T([[1.0, 2.0], [3.0, 4.0]]), {"check_stride": True}),
    ("stride unchecked", {"strided": T([[1.0, 2.0], [3.0, 4.0]])}, T([[1.0, 2.0], [3.0, 4.0]]), {}),
    ("layout mismatch", {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.0]])}, T([[1.0, 0.0], [0.0, 2.0]]), {}),
    ("layout unchecked", {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.0]])}, T([[1.0, 0.0], [0.0, 2.0]]), {"check_layout": False}),
    ("layout unchecked fail", {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.0]])}, T([[1.0, 0.0], [0.0, 3.0]]), {"check_layout": False}),
    ("sparse coo values", {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.5]])}, {}),
    ("sparse coo nnz", {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "coo", "of": T([[1.0, 3.0], [0.0, 2.0]])}, {}),
    ("sparse coo indices", {"sparse": "coo", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "coo", "of": T([[1.0, 0.0], [2.0, 0.0]])}, {}),
    ("sparse csr values", {"sparse": "csr", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "csr", "of": T([[1.0, 0.0], [0.0, 2.5]])}, {}),
    ("sparse csr col", {"sparse": "csr", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "csr", "of": T([[1.0, 0.0], [2.0, 0.0]])}, {}),
    ("sparse csr crow", {"sparse": "csr", "of": T([[1.0, 2.0], [0.0, 0.0]])}, {"sparse": "csr", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {}),
    ("sparse csc equal", {"sparse": "csc", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "csc", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {}),
    ("sparse csc values", {"sparse": "csc", "of": T([[1.0, 0.0], [0.0, 2.0]])}, {"sparse": "csc", "of": T([[1.0, 0.0], [0.0, 3.0]])}, {}),
    ("sparse bsr values", {"sparse": "bsr", "of": T([[1.0, 0.0], [0.0, 2.0]]), "blocksize": [1, 1]}, {"sparse": "bsr", "of": T([[1.0, 0.0], [0.0, 3.0]]), "blocksize": [1, 1]}, {}),
    ("float8 bitwise", T([1.0, 2.0], "float8_e4m3fn"), T([1.0, 3.0], "float8_e4m3fn"), {}),
    ("float8 bitwise zero tol", T([1.0, 2.0], "float8_e4m3fn"), T([1.0, 3.0], "float8_e4m3fn"), {"rtol": 0.0, "atol": 0.0}),
    ("complex64", T([[1.0, 2.0]], "float32"), T([[1.0, 2.5]], "float32"), {}),
    ("ints", I(1), I(1), {}),
    ("ints differ", I(1), I(2), {}),
    ("floats", Fl(0.5), Fl(0.5000000001), {}),
    ("floats differ", Fl(0.5), Fl(0.75), {}),
    ("floats doc example zero tol", Fl(1e-9), Fl(1e-10), {"rtol": 0, "atol": 0}),
    ("float vs int dtype", Fl(1.5), I(1), {}),
    ("float vs int unchecked", Fl(1.5), I(1), {"check_dtype": False}),
    ("float vs int unchecked close", Fl(1.00000001), I(1), {"check_dtype": False}),
    ("int expected zero", I(3), I(0), {}),
    ("float nan", Fl(float("nan")), Fl(float("nan")), {}),
    ("float nan equal", Fl(float("nan")), Fl(float("nan")), {"equal_nan": True}),
    ("float inf", Fl(float("inf")), Fl(float("inf")), {}),
    ("float inf vs -inf", Fl(float("inf")), Fl(float("-inf")), {}),
    ("big float tensor", T(1.5e20, "float64"), T(2.5e20, "float64"), {}),
    ("small float", Fl(1.5e-5), Fl(2.5e-5), {"rtol": 0, "atol": 0}),
    ("bools", B(True), B(True), {}),
    ("bools differ", B(True), B(False), {}),
    ("none", NONE, NONE, {}),
    ("none vs int", NONE, I(1), {}),
    ("int vs none", I(1), NONE, {}),
    ("tensor vs int", T([1.0]), I(1), {}),
    ("int vs tensor", I(1), T([1.0]), {}),
    ("str vs str", {"str": "a"}, {"str": "a"}, {}),
    ("list of tensors", {"list": [T([1.0]), T([2.0])]}, {"list": [T([1.0]), T([2.5])]}, {}),
    ("list length", {"list": [I(1), I(2)]}, {"list": [I(1)]}, {}),
    ("nested lists", {"list": [I(1), {"list": [Fl(0.5), Fl(0.25)]}]}, {"list": [I(1), {"list": [Fl(0.5), Fl(0.5)]}]}, {}),
    ("list vs tensor", {"list": [Fl(0.5)]}, T([0.5]), {}),
    ("dict values", {"dict": {"b": T([1.0]), "a": I(1)}}, {"dict": {"a": I(1), "b": T([2.0])}}, {}),
    ("dict keys", {"dict": {"a": I(1), "c": I(2)}}, {"dict": {"a": I(1), "b": I(2)}}, {}),
    ("dict in list", {"list": [{"dict": {"w": T([1.0, 2.0])}}]}, {"list": [{"dict": {"w": T([1.0, 3.0])}}]}, {}),
    ("msg string", T([1.0, 2.0]), T([1.0, 3.0]), {"msg": "Argh, the tensors are not close!"}),
    ("msg string in list", {"list": [T([1.0, 2.0])]}, {"list": [T([1.0, 3.0])]}, {"msg": "custom"}),
    ("bool vs int", B(True), I(1), {}),
]


def run_close(actual, expected, opts):
    kwargs = dict(opts)
    if "msg" in kwargs and kwargs["msg"] == "wrap":
        kwargs["msg"] = lambda m: f"Header\n\n{m}\n\nFooter"
    try:
        torch.testing.assert_close(actual, expected, **kwargs)
        return {"error": None}
    except Exception as e:  # noqa: BLE001 - every raised type is recorded
        return {"error": type(e).__name__, "message": str(e)}


closes = []
for name, a, e, opts in close_cases:
    actual, expected = build(a), build(e)
    if name == "complex64":  # complex tensors from real pairs: both sides build them with view_as_complex
        a, e = {"complex": a}, {"complex": e}
        actual, expected = torch.view_as_complex(actual), torch.view_as_complex(expected)
    closes.append({"name": name, "actual": a, "expected": e, "options": opts, **run_close(actual, expected, opts)})
# A callable msg gets the generated message (one case, built separately since JSON cannot hold a function).
wrapped = run_close(torch.tensor([1.0, 4.0, 5.0]), torch.tensor([1.0, 2.0, 3.0]), {"msg": "wrap"})

# The deprecated assert_allclose: its own tolerance table, equal_nan=True, dtype not checked.
allclose_cases = [
    ("float32 close", T([1.0, 2.0, 3.0]), T([1.0, 2.0001, 3.0]), {}),
    ("float32 far", T([1.0, 2.0, 3.0]), T([1.0, 2.01, 3.0]), {}),
    ("list vs tensor", {"list": [Fl(1.5), Fl(2.5)]}, T([1.5, 2.75]), {}),
    ("nan equal", T(["nan"]), T(["nan"]), {}),
    ("float64 vs float32", T([1.0, 2.0], "float64"), T([1.0, 2.5]), {}),
    ("msg", T([1.0]), T([2.0]), {"msg": "nope"}),
]
allcloses = []
for name, a, e, opts in allclose_cases:
    actual, expected = build(a), build(e)
    try:
        torch.testing.assert_allclose(actual, expected, **opts)
        allcloses.append({"name": name, "actual": a, "expected": e, "options": opts, "error": None})
    except Exception as err:  # noqa: BLE001
        allcloses.append({"name": name, "actual": a, "expected": e, "options": opts, "error": type(err).__name__, "message": str(err)})

# ---- torch.testing.make_tensor -------------------------------------------------------------
finfo = {n: {"max": torch.finfo(getattr(torch, n)).max, "tiny": torch.finfo(getattr(torch, n)).tiny}
         for n in ["float16", "bfloat16", "float32", "float64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"]}
make_cases = [
    ("float32 default", [3, 4], {"dtype": "float32"}),
    ("float64 range", [5], {"dtype": "float64", "low": -1, "high": 1}),
    ("float16", [2, 3], {"dtype": "float16"}),
    ("bfloat16", [4], {"dtype": "bfloat16", "low": 0, "high": 2}),
    ("int64 default", [10], {"dtype": "int64"}),
    ("int32 range", [3, 3], {"dtype": "int32", "low": -2, "high": 3}),
    ("uint8 default", [8], {"dtype": "uint8"}),
    ("int8 clamp", [6], {"dtype": "int8", "low": -1000, "high": 1000}),
    ("bool", [7], {"dtype": "bool"}),
    ("noncontiguous", [3, 4], {"dtype": "float32", "noncontiguous": True}),
    ("noncontiguous single", [1], {"dtype": "float32", "noncontiguous": True}),
    ("exclude zero int", [20], {"dtype": "int64", "low": -1, "high": 2, "exclude_zero": True}),
    ("exclude zero bool", [6], {"dtype": "bool", "exclude_zero": True}),
    ("channels_last", [2, 3, 2, 2], {"dtype": "float32", "memory_format": "channels_last"}),
    ("requires grad", [2], {"dtype": "float32", "requires_grad": True}),
    ("float ceil bounds int", [6], {"dtype": "int64", "low": 0.5, "high": 2.5}),
    ("complex64", [3], {"dtype": "complex64", "low": -1, "high": 1}),
    ("float8", [4], {"dtype": "float8_e4m3fn"}),
    ("int64 wide", [4], {"dtype": "int64", "low": -2**70, "high": 2**70}),
]
make_errors = [
    ("low >= high", [2], {"dtype": "float32", "low": 2, "high": 1}),
    ("nan low", [2], {"dtype": "float32", "low": float("nan")}),
    ("requires grad int", [2], {"dtype": "int64", "requires_grad": True}),
    ("noncontiguous and memory_format", [2, 2, 2, 2], {"dtype": "float32", "noncontiguous": True, "memory_format": "channels_last"}),
    ("interval outside dtype", [2], {"dtype": "uint8", "low": -10, "high": -5}),
    ("interval outside a float dtype (finfo's bounds are floats)", [2], {"dtype": "float16", "low": 70000.5, "high": 80000.5}),
    ("unsupported dtype", [2], {"dtype": "qint8"}),
]


def kw(opts):
    out = dict(opts)
    out["dtype"] = getattr(torch, out["dtype"])
    if "memory_format" in out:
        out["memory_format"] = getattr(torch, out["memory_format"])
    return out


makes = []
for name, shape, opts in make_cases:
    torch.manual_seed(7)
    t = torch.testing.make_tensor(*shape, device="cpu", **kw(opts))
    values = torch.view_as_real(t) if t.is_complex() else (t.float() if t.dtype.itemsize == 1 and t.is_floating_point() else t)
    makes.append({"name": name, "shape": shape, "options": enc(opts), "dtype": str(t.dtype)[6:], "size": list(t.shape),
                  "stride": list(t.stride()), "contiguous": t.is_contiguous(), "requiresGrad": t.requires_grad,
                  "values": [str(x) for x in t.reshape(-1).tolist()] if t.dtype == torch.int64  # exact beyond 2^53
                  else enc(values.detach().reshape(-1).tolist()) if t.dtype != torch.bfloat16 else enc(t.float().reshape(-1).tolist())})
make_errs = []
for name, shape, opts in make_errors:
    try:
        torch.testing.make_tensor(*shape, device="cpu", **kw(opts))
        make_errs.append({"name": name, "shape": shape, "options": enc(opts), "error": None})
    except Exception as e:  # noqa: BLE001
        make_errs.append({"name": name, "shape": shape, "options": enc(opts), "error": type(e).__name__, "message": str(e)})


# ---- sparse ---------------------------------------------------------------------------------
def layout_name(t):
    return str(t.layout)[6:]


def dense_of(t):
    return enc(t.to_dense().tolist()) if t.layout != torch.strided else enc(t.tolist())


def describe_sparse(t):
    d = {"layout": layout_name(t), "dtype": str(t.dtype)[6:], "shape": list(t.shape), "dense": dense_of(t.detach()),
         "requiresGrad": t.requires_grad, "str": str(t)}
    if t.layout == torch.sparse_coo:
        d.update({"indices": t._indices().tolist(), "values": enc(t._values().detach().tolist()), "isCoalesced": t.is_coalesced(),
                  "nnz": t._nnz(), "sparseDim": t.sparse_dim(), "denseDim": t.dense_dim(), "indicesDtype": str(t._indices().dtype)[6:]})
    elif t.layout != torch.strided:
        compressed, plain = (t.crow_indices(), t.col_indices()) if t.layout in (torch.sparse_csr, torch.sparse_bsr) else (t.ccol_indices(), t.row_indices())
        d.update({"compressed": compressed.tolist(), "plain": plain.tolist(), "values": enc(t.values().detach().tolist()), "nnz": t._nnz(),
                  "sparseDim": t.sparse_dim(), "denseDim": t.dense_dim(), "indicesDtype": str(compressed.dtype)[6:]})
    return d


def attempt(fn):
    try:
        return describe_sparse(fn())
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__, "message": str(e).split("\n")[0]}


dense = torch.tensor([[1.0, 0.0, 2.0, 0.0], [0.0, 0.0, 3.0, 0.0], [4.0, 5.0, 0.0, 0.0], [0.0, 0.0, 0.0, 6.0]])
dense_spec = dense.tolist()
ii = [[0, 1, 1], [2, 0, 2]]
construction = {
    "coo": attempt(lambda: torch.sparse_coo_tensor(ii, [3, 4, 5], [2, 4])),
    "coo float values": attempt(lambda: torch.sparse_coo_tensor(ii, [3.0, 4.5, 5.0], [2, 4])),
    "coo dtype": attempt(lambda: torch.sparse_coo_tensor(ii, [3, 4, 5], [2, 4], dtype=torch.float64)),
    "coo inferred size": attempt(lambda: torch.sparse_coo_tensor(ii, [3.5, 4.0, 5.0])),
    "coo tensors int32 indices": attempt(lambda: torch.sparse_coo_tensor(torch.tensor(ii, dtype=torch.int32), torch.tensor([1.0, 2.0, 3.0]), (2, 3))),
    "coo uncoalesced": attempt(lambda: torch.sparse_coo_tensor([[0, 1, 0], [1, 0, 1]], [1.0, 2.0, 3.0], (2, 2))),
    "coo uncoalesced coalesce": attempt(lambda: torch.sparse_coo_tensor([[0, 1, 0], [1, 0, 1]], [1.0, 2.0, 3.0], (2, 2)).coalesce()),
    "coo is_coalesced flag": attempt(lambda: torch.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3,), is_coalesced=True)),
    "coo hybrid": attempt(lambda: torch.sparse_coo_tensor([[0, 2]], [[1.0, 2.0], [3.0, 4.0]], (3, 2))),
    "coo requires_grad": attempt(lambda: torch.sparse_coo_tensor(ii, [3.0, 4.0, 5.0], [2, 4], requires_grad=True)),
    "coo empty": attempt(lambda: torch.sparse_coo_tensor(torch.empty(2, 0, dtype=torch.int64), torch.empty(0), (2, 3))),
    "coo bad index": attempt(lambda: torch.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,))),
    "coo bad index checked": attempt(lambda: torch.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,), check_invariants=True)),
    "csr": attempt(lambda: torch.sparse_csr_tensor([0, 2, 3], [0, 2, 2], [1.0, 2.0, 3.5], (2, 3))),
    "csr inferred size": attempt(lambda: torch.sparse_csr_tensor([0, 2, 3], [0, 2, 2], [1.0, 2.0, 3.5])),
    "csr int values dtype": attempt(lambda: torch.sparse_csr_tensor([0, 2, 3], [0, 2, 2], [1, 2, 3], (2, 3), dtype=torch.float64)),
    "csr int32 indices": attempt(lambda: torch.sparse_csr_tensor(torch.tensor([0, 2, 3], dtype=torch.int32), torch.tensor([0, 2, 2], dtype=torch.int32), torch.tensor([1.0, 2.0, 3.0]), (2, 3))),
    "csr bad checked": attempt(lambda: torch.sparse_csr_tensor([0, 2, 1], [0, 2, 2], [1.0, 2.0, 3.0], (2, 3), check_invariants=True)),
    "csc": attempt(lambda: torch.sparse_csc_tensor([0, 1, 1, 3], [0, 0, 1], [1.0, 2.0, 3.0], (2, 3))),
    "bsr": attempt(lambda: torch.sparse_bsr_tensor([0, 1, 2], [0, 1], [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], (4, 4))),
    "bsc": attempt(lambda: torch.sparse_bsc_tensor([0, 1, 2], [0, 1], [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], (4, 4))),
    "compressed csr": attempt(lambda: torch.sparse_compressed_tensor([0, 2, 3], [0, 2, 2], [1.0, 2.0, 3.0], (2, 3), layout=torch.sparse_csr)),
    "compressed csc": attempt(lambda: torch.sparse_compressed_tensor([0, 1, 1, 3], [0, 0, 1], [1.0, 2.0, 3.0], (2, 3), layout=torch.sparse_csc)),
    "compressed requires_grad": attempt(lambda: torch.sparse_compressed_tensor([0, 2, 3], [0, 2, 2], [1.0, 2.0, 3.0], (2, 3), layout=torch.sparse_csr, requires_grad=True)),
}
conversions = {
    "to_sparse": attempt(lambda: dense.to_sparse()),
    "to_sparse(1)": attempt(lambda: dense.to_sparse(1)),
    "to_sparse csr": attempt(lambda: dense.to_sparse(layout=torch.sparse_csr)),
    "to_sparse csc": attempt(lambda: dense.to_sparse(layout=torch.sparse_csc)),
    "to_sparse bsr": attempt(lambda: dense.to_sparse(layout=torch.sparse_bsr, blocksize=(2, 2))),
    "to_sparse bsc": attempt(lambda: dense.to_sparse(layout=torch.sparse_bsc, blocksize=(2, 2))),
    "to_sparse_csr": attempt(lambda: dense.to_sparse_csr()),
    "to_sparse_csc": attempt(lambda: dense.to_sparse_csc()),
    "to_sparse_bsr": attempt(lambda: dense.to_sparse_bsr((2, 2))),
    "to_sparse_bsc": attempt(lambda: dense.to_sparse_bsc((2, 1))),
    "csr to_sparse coo": attempt(lambda: dense.to_sparse_csr().to_sparse()),
    "coo to_sparse_csr": attempt(lambda: dense.to_sparse().to_sparse_csr()),
    "coo to_sparse_csc": attempt(lambda: dense.to_sparse().to_sparse_csc()),
    "csr to_sparse_csc": attempt(lambda: dense.to_sparse_csr().to_sparse_csc()),
    "coo transpose": attempt(lambda: dense.to_sparse().t()),
    "coo add": attempt(lambda: dense.to_sparse() + dense.to_sparse()),
    "coo mul scalar": attempt(lambda: dense.to_sparse() * 2),
    "coo neg": attempt(lambda: -dense.to_sparse()),
    "to_sparse bsr bad blocksize": attempt(lambda: dense.to_sparse_bsr((3, 3))),
}
a = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
mat = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
ops = {
    "mm coo dense": attempt(lambda: torch.sparse.mm(dense.to_sparse(), a)),
    "mm csr dense": attempt(lambda: torch.sparse.mm(dense.to_sparse_csr(), a)),
    "mm coo coo": attempt(lambda: torch.sparse.mm(dense.to_sparse(), dense.to_sparse())),
    "mm csr reduce sum": attempt(lambda: torch.sparse.mm(dense.to_sparse_csr(), a, "sum")),
    "mm csr reduce mean": attempt(lambda: torch.sparse.mm(dense.to_sparse_csr(), a, "mean")),
    "mm csr reduce amax": attempt(lambda: torch.sparse.mm(dense.to_sparse_csr(), a, "amax")),
    "mm coo reduce sum": attempt(lambda: torch.sparse.mm(dense.to_sparse(), a, "sum")),
    "sum all": attempt(lambda: torch.sparse.sum(dense.to_sparse())),
    "sum dim 1": attempt(lambda: torch.sparse.sum(dense.to_sparse(), 1)),
    "sum dims": attempt(lambda: torch.sparse.sum(dense.to_sparse(), (0, 1))),
    "sum dtype": attempt(lambda: torch.sparse.sum(dense.to_sparse(), dtype=torch.float64)),
    "sum dim dtype": attempt(lambda: torch.sparse.sum(dense.to_sparse(), 0, dtype=torch.float64)),
    "softmax": attempt(lambda: torch.sparse.softmax(dense.to_sparse(), 1)),
    "softmax dim 0": attempt(lambda: torch.sparse.softmax(dense.to_sparse(), 0)),
    "softmax dtype": attempt(lambda: torch.sparse.softmax(dense.to_sparse(), 1, dtype=torch.float64)),
    "log_softmax": attempt(lambda: torch.sparse.log_softmax(dense.to_sparse(), 1)),
    "addmm": attempt(lambda: torch.sparse.addmm(torch.ones(4, 2), dense.to_sparse(), a)),
    "addmm beta alpha": attempt(lambda: torch.sparse.addmm(torch.ones(4, 2), dense.to_sparse(), a, beta=0.5, alpha=2.0)),
    "sampled_addmm": attempt(lambda: torch.sparse.sampled_addmm(dense.to_sparse_csr(), a, a.t())),
    "sampled_addmm beta alpha": attempt(lambda: torch.sparse.sampled_addmm(dense.to_sparse_csr(), a, a.t(), beta=0.5, alpha=2.0)),
    "spdiags": attempt(lambda: torch.sparse.spdiags(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), torch.tensor([0, -1]), (3, 3))),
    "spdiags csr": attempt(lambda: torch.sparse.spdiags(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), torch.tensor([0, 1]), (3, 3), torch.sparse_csr)),
    "spdiags csc": attempt(lambda: torch.sparse.spdiags(torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([1]), (3, 4), torch.sparse_csc)),
    "spsolve": attempt(lambda: torch.sparse.spsolve(dense.to_sparse_csr(), torch.ones(4))),
    "matmul coo dense": attempt(lambda: dense.to_sparse().matmul(a)),
    "mm method csr": attempt(lambda: dense.to_sparse_csr().mm(a)),
    "addmm csr": attempt(lambda: torch.sparse.addmm(torch.ones(4, 2), dense.to_sparse_csr(), a)),
}
# Gradients through torch.sparse.mm: COO with requires_grad and a dense matrix.
s = dense.to_sparse().requires_grad_(True)
d = a.clone().requires_grad_(True)
(torch.sparse.mm(s, d) * torch.tensor([1.0, -2.0])).sum().backward()
grads = {"mm coo": {"sparseGrad": describe_sparse(s.grad), "denseGrad": d.grad.tolist()}}
s2 = dense.to_sparse_csr().requires_grad_(True)
d2 = a.clone().requires_grad_(True)
try:
    torch.sparse.mm(s2, d2).sum().backward()
    grads["mm csr"] = {"sparseGrad": describe_sparse(s2.grad), "denseGrad": d2.grad.tolist()}
except Exception as e:  # noqa: BLE001
    grads["mm csr"] = {"error": type(e).__name__, "message": str(e).split("\n")[0]}
s3 = dense.to_sparse().requires_grad_(True)
torch.sparse.sum(s3).backward()
grads["sum coo"] = {"sparseGrad": describe_sparse(s3.grad)}
v = torch.tensor([3.0, 4.0, 5.0], requires_grad=True)
torch.sparse_coo_tensor(ii, v, [2, 4]).to_dense().mul(torch.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])).sum().backward()
grads["values through coo"] = {"valuesGrad": v.grad.tolist()}

# ---- nested (strided layout) ---------------------------------------------------------------
def nested_case(fn):
    try:
        nt = fn()
        if isinstance(nt, torch.Tensor) and nt.is_nested:
            return {"nested": True, "parts": [enc(p.detach().tolist()) for p in nt.unbind()], "dtype": str(nt.dtype)[6:], "dim": nt.dim(),
                    "requiresGrad": nt.requires_grad, "str": str(nt), "layout": str(nt.layout)[6:],
                    "sizes": torch.ops.aten._nested_tensor_size(nt).tolist() if nt.layout == torch.strided else None}
        if isinstance(nt, torch.Tensor):
            return {"nested": False, "value": enc(nt.detach().tolist()), "dtype": str(nt.dtype)[6:], "shape": list(nt.shape)}
        return {"nested": False, "value": nt}
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__, "message": str(e).split("\n")[0]}


p0 = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
p1 = torch.tensor([[7.0, 8.0, 9.0]])
nt = lambda: torch.nested.nested_tensor([p0, p1])
nested = {
    "nested_tensor": nested_case(nt),
    "nested_tensor lists": nested_case(lambda: torch.nested.nested_tensor([[1, 2, 3], [4, 5]])),
    "nested_tensor dtype": nested_case(lambda: torch.nested.nested_tensor([[1, 2, 3], [4, 5]], dtype=torch.float64)),
    "nested_tensor requires_grad": nested_case(lambda: torch.nested.nested_tensor([p0, p1], requires_grad=True)),
    "as_nested_tensor": nested_case(lambda: torch.nested.as_nested_tensor([p0, p1])),
    "as_nested_tensor dtype": nested_case(lambda: torch.nested.as_nested_tensor([p0, p1], dtype=torch.float64)),
    "as_nested_tensor from tensor": nested_case(lambda: torch.nested.as_nested_tensor(torch.arange(12.0).reshape(2, 3, 2))),
    "to_padded_tensor": nested_case(lambda: torch.nested.to_padded_tensor(nt(), 0.0)),
    "to_padded_tensor -1 padding": nested_case(lambda: torch.nested.to_padded_tensor(nt(), -1.0)),
    "to_padded_tensor output_size": nested_case(lambda: torch.nested.to_padded_tensor(nt(), 0.0, (2, 3, 4))),
    "method to_padded_tensor": nested_case(lambda: nt().to_padded_tensor(0.5)),
    "add": nested_case(lambda: nt() + nt()),
    "mul scalar": nested_case(lambda: nt() * 2),
    "relu": nested_case(lambda: F.relu(nt() - 4)),
    "softmax -1": nested_case(lambda: nt().softmax(-1)),
    "matmul": nested_case(lambda: torch.matmul(nt(), torch.nested.nested_tensor([torch.ones(3, 2), torch.ones(3, 1)]))),
    "transpose": nested_case(lambda: nt().transpose(1, 2)),
    "sum -1": nested_case(lambda: nt().sum(-1)),
    "sum -1 keepdim": nested_case(lambda: nt().sum(-1, keepdim=True)),
    "size 0": nested_case(lambda: nt().size(0)),
    "dim": nested_case(lambda: nt().dim()),
    "numel": nested_case(lambda: nt().numel()),
    "narrow": nested_case(lambda: torch.nested.narrow(torch.arange(12.0).reshape(3, 4), 1, 0, 2)),
    "empty list": nested_case(lambda: torch.nested.nested_tensor([])),
    "jagged layout": nested_case(lambda: torch.nested.nested_tensor([p0, p1], layout=torch.jagged)),
}
# What else of ATen runs on strided nested tensors on CPU: each op either works (parts recorded) or not.
x2 = lambda: torch.nested.nested_tensor([torch.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]]), torch.tensor([[2.0, 1.0, -3.0]])])
nested_ops = {
    "neg": lambda: -x2(), "abs": lambda: x2().abs(), "sub": lambda: x2() - x2(), "div scalar": lambda: x2() / 2,
    "exp": lambda: x2().exp(), "sqrt": lambda: x2().abs().sqrt(), "tanh": lambda: x2().tanh(), "sigmoid": lambda: x2().sigmoid(),
    "gelu": lambda: F.gelu(x2()), "silu": lambda: F.silu(x2()), "cos": lambda: x2().cos(), "sin": lambda: x2().sin(),
    "clone": lambda: x2().clone(), "detach": lambda: x2().detach(), "to float64": lambda: x2().to(torch.float64),
    "mean -1 keepdim": lambda: x2().mean(-1, keepdim=True), "select 0": lambda: x2().select(0, 1),
    "unsqueeze 1": lambda: x2().unsqueeze(1), "squeeze": lambda: x2().unsqueeze(1).squeeze(1), "chunk": lambda: x2().chunk(3, -1)[0],
    "reshape": lambda: x2().reshape(2, -1, 3), "view": lambda: x2().view(2, -1, 3), "linear": lambda: F.linear(x2(), torch.ones(2, 3), torch.tensor([0.5, -0.5])),
    "layer_norm": lambda: F.layer_norm(x2(), (3,)), "bmm": lambda: x2().bmm(x2().transpose(1, 2)), "dropout eval": lambda: F.dropout(x2(), 0.5, training=False),
    "masked_fill": lambda: x2().masked_fill(x2() > 0, 0.0), "where": lambda: torch.where(x2() > 0, x2(), 0.0), "eq": lambda: x2() == x2(),
    "pow": lambda: x2().pow(2), "clamp": lambda: x2().clamp(-1, 1), "sum all": lambda: x2().sum(), "max": lambda: x2().max(),
    "mul nested": lambda: x2() * x2(), "add dense": lambda: x2() + torch.ones(3), "cat": lambda: torch.cat([x2(), x2()], 0),
    "stack": lambda: torch.stack([x2(), x2()]), "softmax 1": lambda: x2().softmax(1), "log_softmax -1": lambda: x2().log_softmax(-1),
    "index_select": lambda: x2().index_select(0, torch.tensor([1])), "contiguous": lambda: x2().transpose(1, 2).contiguous(),
}
nested["ops"] = {name: nested_case(fn) for name, fn in nested_ops.items()}
ntg = torch.nested.nested_tensor([p0, p1], requires_grad=True)
torch.nested.to_padded_tensor(ntg * 3, 0.0).sum().backward()
nested["grad"] = {"parts": [g.tolist() for g in ntg.grad.unbind()]}

out = {"meta": {"torch": torch.__version__, "generator": "scripts/make-sparse-fixtures.py"},
       "assertClose": closes, "assertCloseWrapped": wrapped, "assertAllclose": allcloses, "finfo": finfo, "makeTensor": makes, "makeTensorErrors": make_errs,
       "dense": dense_spec, "a": a.tolist(), "mat": mat.tolist(),
       "construction": construction, "conversions": conversions, "ops": ops, "grads": grads, "nested": nested}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "sparse.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"{path}: {len(closes)} assert_close cases, {len(makes)} make_tensor cases")
