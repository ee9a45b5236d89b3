#!/usr/bin/env python3
"""Golden fixtures for test/nn-nnrnn.test.ts: the recurrent layers (RNN/LSTM/GRU and their cells),
nn.utils.rnn (pack/pad), F.scaled_dot_product_attention, F.multi_head_attention_forward,
MultiheadAttention and the Transformer family, run by Python torch 2.13.

Usage: .venv/bin/python scripts/make-nn-nnrnn-fixtures.py   (writes test/fixtures/nn-nnrnn.json;
deterministic: run it twice, nothing changes).

Cases are data (layer kind, constructor arguments, forward arguments) that the test reads and
replays in JS: construction under torch.manual_seed (parameters compared bit for bit), forward in
train or eval mode (dropout draws from the default generator right after construction, as in
Python), and gradients of sum(out * g) for the inputs and every parameter. Inputs come from a
separate generator and are stored exactly. Results that go through BLAS (every layer here) carry a
small tolerance, as the other golden suites do, because the kernel depends on the CPU model.
"""
import importlib.util
import math
import os
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.utils import rnn as rnn_utils  # noqa: E402

warnings.filterwarnings("ignore")
OUT = os.path.join(HERE, "..", "test", "fixtures", "nn-nnrnn.json")
enc = mf.enc
G = torch.Generator().manual_seed(20261130)
TOL = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-12, "atol": 1e-13}}
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def camel(name):
    return mf.camel(name)


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=G, dtype=torch.float64).to(dtype)


# ---------------------------------------------------------------------------------------------
# Arguments as data: tensors are {"t": name} references into the case's "tensors"; JS camelCases keys.


class Args:
    def __init__(self):
        self.tensors = {}

    def t(self, name, value):
        self.tensors[name] = value
        return {"t": name}

    def py(self, v):
        if isinstance(v, dict) and set(v) == {"t"}:
            return self.tensors[v["t"]]
        if isinstance(v, dict) and set(v) == {"dtype"}:
            return DTYPES[v["dtype"]]
        if isinstance(v, dict) and set(v) == {"module"}:
            return getattr(nn, v["module"])()
        if isinstance(v, dict) and set(v) == {"fn"}:
            return getattr(F, v["fn"])
        if isinstance(v, list):
            return [self.py(e) for e in v]
        if isinstance(v, dict) and set(v) == {"tuple"}:
            return tuple(self.py(e) for e in v["tuple"])
        return v


def kw_js(kwargs):
    return {camel(k): v for k, v in kwargs.items()}


def grads_of(outputs, seed_name, args, gen_shapes):
    """sum(out * g) over every tensor output; returns (loss-weight encodings, loss)."""
    gs = []
    loss = 0
    for i, o in enumerate(outputs):
        if o is None or not o.requires_grad:
            gs.append(None)
            continue
        g = randn(*o.shape, dtype=o.dtype)
        gs.append(g)
        loss = loss + (o * g).sum()
    return gs, loss


def flat_outputs(result):
    """The tensors of a forward result, in order: PackedSequence gives its data."""
    if isinstance(result, rnn_utils.PackedSequence):
        return [result.data]
    if isinstance(result, torch.Tensor):
        return [result]
    if result is None:
        return [None]
    out = []
    for r in result:
        out.extend(flat_outputs(r))
    return out


def enc_result(result):
    if isinstance(result, rnn_utils.PackedSequence):
        return {"packed": [enc(x) for x in result]}
    if isinstance(result, (tuple, list)):
        return {"seq": [enc_result(r) for r in result]}
    return enc(result)


CASES = []


def module_case(name, kind, args, kwargs=None, forward=None, fkwargs=None, train=True, seed=0, tensors=None, grad=True,
                no_grad=False, setup=None):
    """A layer built as torch.nn.<kind>(*args, **kwargs) under manual_seed(seed), called on forward args."""
    kwargs = kwargs or {}
    fkwargs = fkwargs or {}
    a = Args()
    for k, v in (tensors or {}).items():
        a.tensors[k] = v.detach().clone()  # each case its own leaves (gradients must not accumulate across cases)
    torch.manual_seed(seed)
    m = getattr(nn, kind)(*a.py(args), **{k: a.py(v) for k, v in kwargs.items()})
    if setup:
        setup(m)
    m.train(train)
    params = [[n, enc(p)] for n, p in m.named_parameters()]
    sd_keys = list(m.state_dict().keys())
    inputs = [a.py(x) for x in (forward or [])]
    leaves = []
    for x in inputs:
        if isinstance(x, torch.Tensor) and x.is_floating_point() and grad:
            x.requires_grad_(True)
            leaves.append(x)
        if isinstance(x, tuple):
            for y in x:
                if isinstance(y, torch.Tensor) and grad:
                    y.requires_grad_(True)
                    leaves.append(y)
    call_kwargs = {k: a.py(v) for k, v in fkwargs.items()}
    if no_grad:
        with torch.no_grad():
            result = m(*inputs, **call_kwargs)
    else:
        result = m(*inputs, **call_kwargs)
    case = {"name": name, "kind": kind, "args": args, "kwargs": kw_js(kwargs), "seed": seed, "train": train, "noGrad": no_grad,
            "forward": forward or [], "fkwargs": kw_js(fkwargs), "params": params, "stateDictKeys": sd_keys, "repr": repr(m),
            "result": enc_result(result), "tol": TOL[str(flat_outputs(result)[0].dtype)[6:]]}
    if grad and not no_grad:
        outs = flat_outputs(result)
        gs, loss = grads_of(outs, name, a, None)
        loss.backward()
        case["gradOutputs"] = [None if g is None else enc(g) for g in gs]
        case["inputGrads"] = [enc(x.grad) for x in leaves]
        case["paramGrads"] = [[n, enc(p.grad) if p.grad is not None else None] for n, p in m.named_parameters()]
    case["tensors"] = {k: enc(v.detach()) for k, v in a.tensors.items()}
    CASES.append(case)


def a_t(tensors, name, v):
    tensors[name] = v
    return {"t": name}


def rnn_cases():
    for kind in ("RNN", "LSTM", "GRU"):
        variants = [
            ("basic", [3, 5], {}, "tm", True),
            ("2layer_bi", [3, 4], {"num_layers": 2, "bidirectional": True}, "tm", True),
            ("batch_first_nobias", [3, 4], {"batch_first": True, "bias": False}, "bf", True),
            ("dropout_train", [3, 4], {"num_layers": 3, "dropout": 0.4}, "tm", True),
            ("dropout_eval", [3, 4], {"num_layers": 2, "dropout": 0.4}, "tm", False),
            ("f64", [2, 3], {"num_layers": 2, "dtype": {"dtype": "float64"}}, "tm", True),
        ]
        if kind == "RNN":
            variants.append(("relu", [3, 4, 2, "relu"], {}, "tm", True))
            variants.append(("relu_kw_bi", [3, 4], {"nonlinearity": "relu", "bidirectional": True}, "tm", True))
        if kind == "LSTM":
            variants.append(("proj", [3, 6], {"proj_size": 2}, "tm", True))
            variants.append(("proj_2layer_bi_bf", [3, 6], {"proj_size": 4, "num_layers": 2, "bidirectional": True, "batch_first": True}, "bf", True))
        for vname, args, kwargs, layout, train in variants:
            dtype = torch.float64 if "dtype" in kwargs else torch.float32
            in_size = args[0]
            x = randn(4, 2, in_size, dtype=dtype) if layout == "tm" else randn(2, 4, in_size, dtype=dtype)
            module_case(f"{kind}.{vname}", kind, args, kwargs, forward=[{"t": "x"}], tensors={"x": x}, train=train)
        # initial states, unbatched input, packed input (sorted and not), eval under no_grad
        hidden = 5
        nd = 2
        if kind == "LSTM":
            h0 = ({"tuple": [{"t": "h0"}, {"t": "c0"}]})
            t = {"x": randn(4, 3, 3), "h0": randn(nd, 3, hidden), "c0": randn(nd, 3, hidden)}
        else:
            h0 = {"t": "h0"}
            t = {"x": randn(4, 3, 3), "h0": randn(nd, 3, hidden)}
        module_case(f"{kind}.hx_bi", kind, [3, hidden], {"bidirectional": True}, forward=[{"t": "x"}, h0], tensors=t)
        if kind == "LSTM":
            t1 = {"x": randn(4, 3), "h0": randn(1, hidden), "c0": randn(1, hidden)}
        else:
            t1 = {"x": randn(4, 3), "h0": randn(1, hidden)}
        module_case(f"{kind}.unbatched_hx", kind, [3, hidden], {}, forward=[{"t": "x"}, h0], tensors=t1)
        module_case(f"{kind}.unbatched", kind, [3, hidden], {"num_layers": 2}, forward=[{"t": "x"}], tensors={"x": randn(4, 3)})
        for sorted_, lens in ((True, [4, 3, 1]), (False, [2, 4, 3])):
            tensors = {}
            p = {"packSequence": [a_t(tensors, f"s{i}", randn(n, 3)) for i, n in enumerate(lens)], "enforceSorted": sorted_}
            fwd = [p]
            if not sorted_:
                if kind == "LSTM":
                    tensors["h0"] = randn(4, 3, hidden)
                    tensors["c0"] = randn(4, 3, hidden)
                else:
                    tensors["h0"] = randn(4, 3, hidden)
                fwd.append(h0)
            packed_module_case(f"{kind}.packed_{'sorted' if sorted_ else 'unsorted'}", kind, [3, hidden],
                               {"num_layers": 2, "bidirectional": not sorted_}, fwd, tensors)
        module_case(f"{kind}.eval_nograd", kind, [3, 4], {"num_layers": 2, "dropout": 0.5}, forward=[{"t": "x"}],
                    tensors={"x": randn(3, 2, 3)}, train=False, no_grad=True, grad=False)


def packed_module_case(name, kind, args, kwargs, fwd, tensors):
    """As module_case, with forward[0] a PackedSequence packed from the stored sequences."""
    torch.manual_seed(0)
    m = getattr(nn, kind)(*args, **kwargs)
    params = [[n, enc(p)] for n, p in m.named_parameters()]
    seqs = [tensors[r["t"]].clone().requires_grad_(True) for r in fwd[0]["packSequence"]]
    ps = rnn_utils.pack_sequence(seqs, enforce_sorted=fwd[0]["enforceSorted"])
    extra = []
    for f in fwd[1:]:
        if "tuple" in f:
            extra.append(tuple(tensors[e["t"]].clone().requires_grad_(True) for e in f["tuple"]))
        else:
            extra.append(tensors[f["t"]].clone().requires_grad_(True))
    result = m(ps, *extra)
    outs = flat_outputs(result)
    gs, loss = grads_of(outs, name, None, None)
    loss.backward()
    leaves = seqs + [y for e in extra for y in (e if isinstance(e, tuple) else (e,))]
    padded, lengths = rnn_utils.pad_packed_sequence(result[0], batch_first=True)
    CASES.append({"name": name, "kind": kind, "args": args, "kwargs": kw_js(kwargs), "seed": 0, "train": True, "noGrad": False,
                  "forward": fwd, "fkwargs": {}, "params": params, "stateDictKeys": list(m.state_dict().keys()), "repr": repr(m),
                  "result": enc_result(result), "tol": TOL["float32"], "gradOutputs": [enc(g) for g in gs],
                  "inputGrads": [enc(x.grad) for x in leaves], "paramGrads": [[n, enc(p.grad)] for n, p in m.named_parameters()],
                  "unpacked": [enc(padded), enc(lengths)],
                  "tensors": {k: enc(v) for k, v in tensors.items()}})


def cell_cases():
    for kind in ("RNNCell", "LSTMCell", "GRUCell"):
        lstm = kind == "LSTMCell"
        hx = {"tuple": [{"t": "h"}, {"t": "c"}]} if lstm else {"t": "h"}
        module_case(f"{kind}.basic", kind, [3, 4], forward=[{"t": "x"}], tensors={"x": randn(2, 3)})
        t = {"x": randn(2, 3), "h": randn(2, 4)}
        if lstm:
            t["c"] = randn(2, 4)
        module_case(f"{kind}.hx_nobias", kind, [3, 4], {"bias": False}, forward=[{"t": "x"}, hx], tensors=t)
        t = {"x": randn(3), "h": randn(4)}
        if lstm:
            t["c"] = randn(4)
        module_case(f"{kind}.unbatched", kind, [3, 4], forward=[{"t": "x"}, hx], tensors=t)
        module_case(f"{kind}.f64", kind, [2, 3], {"dtype": {"dtype": "float64"}}, forward=[{"t": "x"}],
                    tensors={"x": randn(2, 2, dtype=torch.float64)})
    module_case("RNNCell.relu", "RNNCell", [3, 4], {"nonlinearity": "relu"}, forward=[{"t": "x"}], tensors={"x": randn(2, 3)})


# ---------------------------------------------------------------------------------------------
# nn.utils.rnn and F.* cases: calls with data arguments, the result recorded


FUNCS = []


def func_case(name, fn, args, kwargs=None, tensors=None, seed=0, tol=None, grad=False):
    kwargs = kwargs or {}
    a = Args()
    a.tensors.update({k: v.detach().clone() for k, v in (tensors or {}).items()})
    pyargs = a.py(args)
    pykw = {k: a.py(v) for k, v in kwargs.items()}
    if grad:
        for v in a.tensors.values():
            if v.is_floating_point():
                v.requires_grad_(True)
    torch.manual_seed(seed)
    case = {"name": name, "fn": fn, "args": args, "kwargs": kw_js(kwargs), "seed": seed}
    try:
        res = eval(fn)(*pyargs, **pykw)
    except Exception as e:  # noqa: BLE001
        case["error"] = str(e).split("\n")[0]
        case["tensors"] = {k: enc(v.detach()) for k, v in a.tensors.items()}
        FUNCS.append(case)
        return
    if isinstance(res, rnn_utils.PackedSequence):
        case["result"] = {"packed": [enc(x) for x in res]}
    elif isinstance(res, list):
        case["result"] = {"seq": [enc(x) for x in res]}
    else:
        case["result"] = enc(res)
    if tol:
        case["tol"] = tol
    if grad:
        outs = flat_outputs(res)
        gs, loss = grads_of(outs, name, None, None)
        loss.backward()
        case["gradOutputs"] = [None if g is None else enc(g) for g in gs]
        case["grads"] = {k: enc(v.grad) for k, v in a.tensors.items() if v.is_floating_point() and v.grad is not None}
    case["tensors"] = {k: enc(v.detach()) for k, v in a.tensors.items()}
    FUNCS.append(case)


def utils_cases():
    seqs = {"a": randn(4, 2), "b": randn(2, 2), "c": randn(3, 2)}
    refs = [{"t": "a"}, {"t": "b"}, {"t": "c"}]
    func_case("padSequence.default", "rnn_utils.pad_sequence", [refs], tensors=dict(seqs))
    func_case("padSequence.bf_value_left", "rnn_utils.pad_sequence", [refs], {"batch_first": True, "padding_value": -1.5, "padding_side": "left"}, tensors=dict(seqs))
    func_case("padSequence.positional", "rnn_utils.pad_sequence", [refs, True, 2.5], tensors=dict(seqs))
    func_case("packSequence.unsorted", "rnn_utils.pack_sequence", [refs], {"enforce_sorted": False}, tensors=dict(seqs))
    func_case("packSequence.sorted_error", "rnn_utils.pack_sequence", [refs], tensors=dict(seqs))
    padded = randn(4, 3, 2)
    func_case("packPaddedSequence.sorted", "rnn_utils.pack_padded_sequence", [{"t": "x"}, [4, 3, 1]], tensors={"x": padded.clone()})
    func_case("packPaddedSequence.unsorted_bf", "rnn_utils.pack_padded_sequence", [{"t": "x"}, [2, 3, 1]], {"batch_first": True, "enforce_sorted": False},
              tensors={"x": randn(3, 3, 2)})
    func_case("packPaddedSequence.tensor_lengths", "rnn_utils.pack_padded_sequence", [{"t": "x"}, {"t": "len"}], {"enforce_sorted": False},
              tensors={"x": padded.clone(), "len": torch.tensor([1, 4, 2])})
    func_case("packPaddedSequence.grad", "rnn_utils.pack_padded_sequence", [{"t": "x"}, [4, 3, 1]], tensors={"x": padded.clone()}, grad=True)
    func_case("packPaddedSequence.zero_length", "rnn_utils.pack_padded_sequence", [{"t": "x"}, [4, 0, 1]], {"enforce_sorted": False}, tensors={"x": padded.clone()})
    func_case("padSequence.grad", "rnn_utils.pad_sequence", [refs], {"batch_first": True}, tensors=dict(seqs), grad=True)


def pad_packed_cases():
    """pad_packed_sequence / unpack_sequence / unpad_sequence of a packed input made in the test by packSequence."""
    seqs = {"a": randn(2, 3), "b": randn(4, 3), "c": randn(1, 3)}
    refs = [{"t": "a"}, {"t": "b"}, {"t": "c"}]
    for name, kw in (("default", {}), ("bf_total", {"batch_first": True, "total_length": 6, "padding_value": 9.5})):
        ps = rnn_utils.pack_sequence([seqs[k] for k in "abc"], enforce_sorted=False)
        res = rnn_utils.pad_packed_sequence(ps, **kw)
        FUNCS.append({"name": f"padPackedSequence.{name}", "fn": "padPackedSequence", "pack": refs, "kwargs": kw_js(kw),
                      "result": {"seq": [enc(r) for r in res]}, "tensors": {k: enc(v) for k, v in seqs.items()}})
    ps = rnn_utils.pack_sequence([seqs[k] for k in "abc"], enforce_sorted=False)
    try:
        rnn_utils.pad_packed_sequence(ps, total_length=2)
    except ValueError as e:
        FUNCS.append({"name": "padPackedSequence.total_length_error", "fn": "padPackedSequence", "pack": refs, "kwargs": {"totalLength": 2},
                      "error": str(e), "tensors": {k: enc(v) for k, v in seqs.items()}})
    res = rnn_utils.unpack_sequence(ps)
    FUNCS.append({"name": "unpackSequence", "fn": "unpackSequence", "pack": refs, "kwargs": {},
                  "result": {"seq": [enc(r) for r in res]}, "tensors": {k: enc(v) for k, v in seqs.items()}})
    padded, lengths = rnn_utils.pad_packed_sequence(ps)
    res = rnn_utils.unpad_sequence(padded.clone(), lengths)
    FUNCS.append({"name": "unpadSequence", "fn": "unpadSequence", "args": [{"t": "p"}, {"t": "l"}], "kwargs": {},
                  "result": {"seq": [enc(r) for r in res]}, "tensors": {"p": enc(padded), "l": enc(lengths)}})
    res = rnn_utils.unpad_sequence(padded.transpose(0, 1).contiguous(), lengths, batch_first=True)
    FUNCS.append({"name": "unpadSequence.bf", "fn": "unpadSequence", "args": [{"t": "p"}, {"t": "l"}], "kwargs": {"batchFirst": True},
                  "result": {"seq": [enc(r) for r in res]}, "tensors": {"p": enc(padded.transpose(0, 1).contiguous()), "l": enc(lengths)}})


def sdpa_cases():
    f = "F.scaled_dot_product_attention"
    q, k, v = randn(2, 3, 4, 8), randn(2, 3, 6, 8), randn(2, 3, 6, 8)
    base = {"q": q, "k": k, "v": v}
    qkv = [{"t": "q"}, {"t": "k"}, {"t": "v"}]
    func_case("sdpa.plain", f, qkv, tensors=dict(base), tol=TOL["float32"], grad=True)
    func_case("sdpa.bool_mask", f, qkv, {"attn_mask": {"t": "m"}}, tensors={**base, "m": torch.rand(4, 6, generator=G) > 0.3}, tol=TOL["float32"], grad=True)
    func_case("sdpa.float_mask_scale", f, qkv, {"attn_mask": {"t": "m"}, "scale": 0.3}, tensors={**base, "m": randn(2, 1, 4, 6)}, tol=TOL["float32"], grad=True)
    func_case("sdpa.causal", f, [{"t": "q"}, {"t": "q2"}, {"t": "v2"}], {"is_causal": True},
              tensors={"q": q, "q2": randn(2, 3, 4, 8), "v2": randn(2, 3, 4, 8)}, tol=TOL["float32"], grad=True)
    func_case("sdpa.dropout", f, qkv, {"dropout_p": 0.5}, tensors=dict(base), seed=7, tol=TOL["float32"], grad=True)
    func_case("sdpa.positional", f, qkv + [None, 0.0, False, ], {"scale": 0.125}, tensors=dict(base), tol=TOL["float32"])
    func_case("sdpa.gqa", f, [{"t": "q"}, {"t": "k1"}, {"t": "v1"}], {"enable_gqa": True},
              tensors={"q": randn(1, 4, 3, 8), "k1": randn(1, 2, 5, 8), "v1": randn(1, 2, 5, 8)}, tol=TOL["float32"], grad=True)
    func_case("sdpa.f64", f, qkv, {"is_causal": True}, tensors={k2: t.double() for k2, t in base.items()}, tol=TOL["float64"], grad=True)
    func_case("sdpa.shape_error", f, [{"t": "q"}, {"t": "k"}, {"t": "v"}], tensors={"q": randn(2, 3, 4, 8), "k": randn(2, 3, 6, 7), "v": randn(2, 3, 6, 8)})


def mha_functional_cases():
    f = "F.multi_head_attention_forward"
    E, H = 8, 2
    t = {"q": randn(4, 2, E), "k": randn(5, 2, E), "v": randn(5, 2, E), "w": randn(3 * E, E) * 0.3, "b": randn(3 * E) * 0.1,
         "ow": randn(E, E) * 0.3, "ob": randn(E) * 0.1}
    pos = [{"t": "q"}, {"t": "k"}, {"t": "v"}, E, H, {"t": "w"}, {"t": "b"}, None, None, False, 0.0, {"t": "ow"}, {"t": "ob"}]
    func_case("mhaf.weights", f, pos, {}, tensors=dict(t), tol=TOL["float32"], grad=True)
    func_case("mhaf.no_weights_mask", f, pos, {"need_weights": False, "attn_mask": {"t": "m"}},
              tensors={**t, "m": torch.rand(4, 5, generator=G) > 0.7}, tol=TOL["float32"], grad=True)
    func_case("mhaf.kpm_not_averaged", f, pos, {"key_padding_mask": {"t": "kpm"}, "average_attn_weights": False},
              tensors={**t, "kpm": torch.tensor([[False, False, True, False, True], [False, False, False, False, False]])}, tol=TOL["float32"], grad=True)
    pos_bias = list(pos)
    pos_bias[7], pos_bias[8], pos_bias[9] = {"t": "bk"}, {"t": "bv"}, True
    func_case("mhaf.bias_kv_zero_attn", f, pos_bias, {"attn_mask": {"t": "m"}},
              tensors={**t, "bk": randn(1, 1, E), "bv": randn(1, 1, E), "m": randn(4, 5)}, tol=TOL["float32"], grad=True)
    pos_drop = list(pos)
    pos_drop[10] = 0.4
    func_case("mhaf.dropout_train", f, pos_drop, {}, tensors=dict(t), seed=3, tol=TOL["float32"], grad=True)
    func_case("mhaf.dropout_eval", f, pos_drop, {"training": False}, tensors=dict(t), seed=3, tol=TOL["float32"], grad=True)
    sep = {"q": randn(4, 2, E), "k": randn(5, 2, 3), "v": randn(5, 2, 6), "wq": randn(E, E), "wk": randn(E, 3), "wv": randn(E, 6),
           "b": randn(3 * E), "ow": randn(E, E), "ob": randn(E)}
    pos_sep = [{"t": "q"}, {"t": "k"}, {"t": "v"}, E, H, None, {"t": "b"}, None, None, False, 0.0, {"t": "ow"}, {"t": "ob"}]
    func_case("mhaf.separate", f, pos_sep, {"use_separate_proj_weight": True, "q_proj_weight": {"t": "wq"}, "k_proj_weight": {"t": "wk"},
                                            "v_proj_weight": {"t": "wv"}}, tensors=sep, tol=TOL["float32"], grad=True)
    func_case("mhaf.static_kv", f, pos, {"static_k": {"t": "sk"}, "static_v": {"t": "sv"}, "key_padding_mask": {"t": "kpm"}},
              tensors={**t, "sk": randn(2 * H, 6, E // H), "sv": randn(2 * H, 6, E // H),
                       "kpm": torch.tensor([[False] * 5 + [True], [False] * 6])}, tol=TOL["float32"], grad=True)
    func_case("mhaf.causal_error", f, pos, {"is_causal": True}, tensors=dict(t))
    func_case("mhaf.unbatched", f, [{"t": "q1"}, {"t": "k1"}, {"t": "k1"}] + pos[3:], {"need_weights": False},
              tensors={**t, "q1": randn(4, E), "k1": randn(5, E)}, tol=TOL["float32"], grad=True)
    func_case("mhaf.embed_error", f, [{"t": "q"}, {"t": "k"}, {"t": "v"}, 6] + pos[4:], tensors=dict(t))


def mha_module_cases():
    E = 8
    x = randn(3, 2, E)
    module_case("MHA.self", "MultiheadAttention", [E, 2], forward=[{"t": "x"}, {"t": "x"}, {"t": "x"}], tensors={"x": x.clone()})
    module_case("MHA.cross_bf_kpm", "MultiheadAttention", [E, 4], {"batch_first": True},
                forward=[{"t": "q"}, {"t": "k"}, {"t": "v"}], fkwargs={"key_padding_mask": {"t": "kpm"}, "average_attn_weights": False},
                tensors={"q": randn(2, 3, E), "k": randn(2, 5, E), "v": randn(2, 5, E), "kpm": torch.tensor([[False] * 4 + [True], [False] * 5])})
    module_case("MHA.kdim_vdim_nobias", "MultiheadAttention", [E, 2], {"kdim": 3, "vdim": 5, "bias": False},
                forward=[{"t": "q"}, {"t": "k"}, {"t": "v"}], tensors={"q": randn(3, 2, E), "k": randn(4, 2, 3), "v": randn(4, 2, 5)})
    module_case("MHA.bias_kv_zero_attn", "MultiheadAttention", [E, 2], {"add_bias_kv": True, "add_zero_attn": True},
                forward=[{"t": "x"}, {"t": "x"}, {"t": "x"}], fkwargs={"attn_mask": {"t": "m"}}, tensors={"x": x.clone(), "m": torch.rand(3, 3, generator=G) > 0.6})
    module_case("MHA.dropout_causal_noweights", "MultiheadAttention", [E, 2], {"dropout": 0.3},
                forward=[{"t": "x"}, {"t": "x"}, {"t": "x"}], fkwargs={"need_weights": False, "attn_mask": {"t": "m"}, "is_causal": True},
                tensors={"x": x.clone(), "m": nn.Transformer.generate_square_subsequent_mask(3)})
    module_case("MHA.eval_fastpath", "MultiheadAttention", [E, 2], {"batch_first": True}, train=False, no_grad=True, grad=False,
                forward=[{"t": "x"}, {"t": "x"}, {"t": "x"}], tensors={"x": randn(2, 3, E)})
    module_case("MHA.unbatched", "MultiheadAttention", [E, 2], forward=[{"t": "q"}, {"t": "k"}, {"t": "k"}],
                tensors={"q": randn(3, E), "k": randn(4, E)})


def transformer_cases():
    d, h, ff = 8, 2, 16
    module_case("TEL.post_norm", "TransformerEncoderLayer", [d, h, ff], forward=[{"t": "x"}], tensors={"x": randn(4, 2, d)})
    module_case("TEL.pre_norm_gelu_bf_mask", "TransformerEncoderLayer", [d, h], {"dim_feedforward": ff, "norm_first": True, "activation": "gelu",
                "batch_first": True, "dropout": 0.0}, forward=[{"t": "x"}], fkwargs={"src_mask": {"t": "m"}, "src_key_padding_mask": {"t": "kpm"}},
                tensors={"x": randn(2, 4, d), "m": randn(4, 4), "kpm": torch.tensor([[False, False, False, True], [False] * 4])})
    module_case("TEL.gelu_module", "TransformerEncoderLayer", [d, h, ff], {"activation": {"module": "GELU"}, "dropout": 0.0},
                forward=[{"t": "x"}], tensors={"x": randn(4, 2, d)})
    module_case("TEL.silu_fn_eval", "TransformerEncoderLayer", [d, h, ff], {"activation": {"fn": "silu"}, "batch_first": True}, train=False,
                no_grad=True, grad=False, forward=[{"t": "x"}], tensors={"x": randn(2, 4, d)})
    module_case("TEL.gelu_module_eval_fastpath", "TransformerEncoderLayer", [d, h, ff], {"activation": {"module": "GELU"}, "batch_first": True},
                train=False, no_grad=True, grad=False, forward=[{"t": "x"}], fkwargs={"src_key_padding_mask": {"t": "kpm"}},
                tensors={"x": randn(2, 4, d), "kpm": torch.tensor([[False, False, False, True], [False] * 4])})
    module_case("TEL.eval_fastpath", "TransformerEncoderLayer", [d, h, ff], {"batch_first": True}, train=False, no_grad=True, grad=False,
                forward=[{"t": "x"}], tensors={"x": randn(2, 4, d)})
    module_case("TEL.eval_grad", "TransformerEncoderLayer", [d, h, ff], {"bias": False}, train=False,
                forward=[{"t": "x"}], fkwargs={"is_causal": True, "src_mask": {"t": "m"}}, tensors={"x": randn(4, 2, d), "m": nn.Transformer.generate_square_subsequent_mask(4)})
    module_case("TDL.post_norm", "TransformerDecoderLayer", [d, h, ff], forward=[{"t": "t"}, {"t": "m"}], tensors={"t": randn(3, 2, d), "m": randn(5, 2, d)})
    module_case("TDL.pre_norm_masks", "TransformerDecoderLayer", [d, h, ff], {"norm_first": True, "batch_first": True, "dropout": 0.2},
                forward=[{"t": "t"}, {"t": "m"}], fkwargs={"tgt_mask": {"t": "tm"}, "tgt_is_causal": True, "memory_key_padding_mask": {"t": "mkpm"}},
                tensors={"t": randn(2, 3, d), "m": randn(2, 5, d), "tm": nn.Transformer.generate_square_subsequent_mask(3),
                         "mkpm": torch.tensor([[False] * 5, [False, False, False, True, True]])})
    module_case("Transformer.small", "Transformer", [], {"d_model": d, "nhead": h, "num_encoder_layers": 2, "num_decoder_layers": 1, "dim_feedforward": ff},
                forward=[{"t": "s"}, {"t": "t"}], fkwargs={"tgt_mask": {"t": "tm"}},
                tensors={"s": randn(5, 2, d), "t": randn(3, 2, d), "tm": nn.Transformer.generate_square_subsequent_mask(3)})
    module_case("Transformer.bf_eval", "Transformer", [d, h, 1, 2, ff, 0.0], {"batch_first": True, "norm_first": True}, train=False,
                forward=[{"t": "s"}, {"t": "t"}], fkwargs={"src_key_padding_mask": {"t": "kpm"}, "memory_key_padding_mask": {"t": "kpm"}},
                tensors={"s": randn(2, 5, d), "t": randn(2, 3, d), "kpm": torch.tensor([[False] * 5, [False, False, False, True, True]])})


def stack_cases():
    """TransformerEncoder / TransformerDecoder: the layer is deep-copied num_layers times (same weights)."""
    d, h, ff = 8, 2, 16
    out = []
    for name, train, nograd, kwargs, fk, tensors in (
        ("encoder.norm", True, False, {}, {"mask": {"t": "m"}}, {"x": randn(4, 2, d), "m": nn.Transformer.generate_square_subsequent_mask(4)}),
        ("encoder.eval_kpm_nograd", False, True, {"batch_first": True}, {"src_key_padding_mask": {"t": "kpm"}},
         {"x": randn(2, 4, d), "kpm": torch.tensor([[False, False, True, True], [False] * 4])}),
    ):
        a = Args()
        a.tensors.update(tensors)
        torch.manual_seed(0)
        layer = nn.TransformerEncoderLayer(d, h, ff, **kwargs)
        enc_ = nn.TransformerEncoder(layer, 2, nn.LayerNorm(d), enable_nested_tensor=False) if name == "encoder.norm" else nn.TransformerEncoder(layer, 2)
        enc_.train(train)
        ctx = torch.no_grad() if nograd else torch.enable_grad()
        x = a.tensors["x"]
        if not nograd:
            x.requires_grad_(True)
        with ctx:
            y = enc_(x, **{k: a.py(v) for k, v in fk.items()})
        case = {"name": name, "layerKwargs": kw_js(kwargs), "norm": name == "encoder.norm", "train": train, "noGrad": nograd,
                "fkwargs": kw_js(fk), "params": [[n, enc(p)] for n, p in enc_.named_parameters()], "repr": repr(enc_),
                "result": enc(y), "tol": TOL["float32"]}
        if not nograd:
            g = randn(*y.shape)
            (y * g).sum().backward()
            case["gradOutputs"] = [enc(g)]
            case["inputGrads"] = [enc(x.grad)]
            case["paramGrads"] = [[n, enc(p.grad)] for n, p in enc_.named_parameters()]
        case["tensors"] = {k: enc(v.detach()) for k, v in a.tensors.items()}
        out.append(case)
    a = {"t": randn(3, 2, d), "m": randn(4, 2, d)}
    torch.manual_seed(0)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(d, h, ff), 2)
    y = dec(a["t"].requires_grad_(True), a["m"].requires_grad_(True))
    g = randn(*y.shape)
    (y * g).sum().backward()
    out.append({"name": "decoder", "train": True, "noGrad": False, "params": [[n, enc(p)] for n, p in dec.named_parameters()], "repr": repr(dec),
                "result": enc(y), "tol": TOL["float32"], "gradOutputs": [enc(g)], "inputGrads": [enc(a["t"].grad), enc(a["m"].grad)],
                "paramGrads": [[n, enc(p.grad)] for n, p in dec.named_parameters()], "tensors": {k: enc(v.detach()) for k, v in a.items()}})
    return out


def error_cases():
    """Constructor and forward errors: the Python exception type and message."""
    out = []

    def err(name, kind, args, kwargs=None, forward=None, tensors=None):
        kwargs = kwargs or {}
        a = Args()
        a.tensors.update(tensors or {})
        try:
            m = getattr(nn, kind)(*args, **kwargs)
            m(*[a.py(f) for f in (forward or [])])
            raise SystemExit(f"{name}: no error")
        except (ValueError, TypeError, RuntimeError, AssertionError) as e:
            out.append({"name": name, "kind": kind, "args": args, "kwargs": kw_js(kwargs), "forward": forward or [], "errorType": type(e).__name__,
                        "error": str(e).split("\n")[0], "tensors": {k: enc(v) for k, v in a.tensors.items()}})

    err("LSTM.dropout_range", "LSTM", [3, 4], {"dropout": 1.5})
    err("GRU.proj_size", "GRU", [3, 4], {"proj_size": 2})
    err("LSTM.proj_too_big", "LSTM", [3, 4], {"proj_size": 4})
    err("RNN.nonlinearity", "RNN", [3, 4], {"nonlinearity": "sigmoid"})
    err("RNN.hidden_zero", "RNN", [3, 0])
    err("RNN.input_dim", "RNN", [3, 4], forward=[{"t": "x"}], tensors={"x": randn(2, 2, 2, 3)})
    err("LSTM.input_size", "LSTM", [3, 4], forward=[{"t": "x"}], tensors={"x": randn(5, 2, 2)})
    err("GRU.hidden_size", "GRU", [3, 4], forward=[{"t": "x"}, {"t": "h"}], tensors={"x": randn(5, 2, 3), "h": randn(1, 3, 4)})
    err("RNN.dtype", "RNN", [3, 4], forward=[{"t": "x"}], tensors={"x": randn(5, 2, 3, dtype=torch.float64)})
    err("LSTMCell.input_dim", "LSTMCell", [3, 4], forward=[{"t": "x"}], tensors={"x": randn(5, 2, 3)})
    err("GRUCell.hidden_dim", "GRUCell", [3, 4], forward=[{"t": "x"}, {"t": "h"}], tensors={"x": randn(2, 3), "h": randn(1, 2, 4)})
    err("MHA.divisible", "MultiheadAttention", [6, 4])
    err("MHA.zero_heads", "MultiheadAttention", [6, 0])
    err("MHA.query_dim", "MultiheadAttention", [4, 2], forward=[{"t": "x"}, {"t": "x"}, {"t": "x"}], tensors={"x": randn(2, 2, 2, 4)})
    err("TEL.activation", "TransformerEncoderLayer", [4, 2], {"activation": "tanh"})
    return out


def checkpoint_cases():
    """state_dicts saved by Python's torch.save (zip bytes, base64) for JS to load into a freshly built layer."""
    import base64
    import io
    out = []
    for name, kind, args, kwargs, x_shape in (
        ("LSTM", "LSTM", [3, 6], {"num_layers": 2, "bidirectional": True, "proj_size": 2}, [4, 2, 3]),
        ("GRU", "GRU", [3, 4], {"bias": False, "batch_first": True}, [2, 4, 3]),
        ("MultiheadAttention", "MultiheadAttention", [8, 2], {"kdim": 3, "vdim": 5, "add_bias_kv": True}, None),
        ("Transformer", "Transformer", [], {"d_model": 8, "nhead": 2, "num_encoder_layers": 1, "num_decoder_layers": 1, "dim_feedforward": 16}, None),
    ):
        torch.manual_seed(1234)
        m = getattr(nn, kind)(*args, **kwargs).eval()
        buf = io.BytesIO()
        torch.save(m.state_dict(), buf)
        if kind == "MultiheadAttention":
            t = {"q": randn(3, 2, 8), "k": randn(4, 2, 3), "v": randn(4, 2, 5)}
            fwd = [{"t": "q"}, {"t": "k"}, {"t": "v"}]
        elif kind == "Transformer":
            t = {"s": randn(5, 2, 8), "t": randn(3, 2, 8)}
            fwd = [{"t": "s"}, {"t": "t"}]
        else:
            t = {"x": randn(*x_shape)}
            fwd = [{"t": "x"}]
        with torch.no_grad():
            y = m(*[t[f["t"]] for f in fwd])
        out.append({"name": name, "kind": kind, "args": args, "kwargs": kw_js(kwargs), "forward": fwd, "stateDict": base64.b64encode(buf.getvalue()).decode(),
                    "result": enc_result(y), "tol": TOL["float32"], "tensors": {k: enc(v) for k, v in t.items()}})
    return out


def main():
    rnn_cases()
    cell_cases()
    utils_cases()
    pad_packed_cases()
    sdpa_cases()
    mha_functional_cases()
    mha_module_cases()
    transformer_cases()
    fixture = {
        "meta": {"torch": torch.__version__, "cpuCapability": mf.CPU_CAPABILITY.upper(), "threads": 1},
        "modules": CASES,
        "functions": FUNCS,
        "stacks": stack_cases(),
        "errors": error_cases(),
        "checkpoints": checkpoint_cases(),
        "masks": {str(n): enc(nn.Transformer.generate_square_subsequent_mask(n)) for n in (1, 3)},
    }
    mf.write_json(OUT, fixture)
    print(f"wrote {OUT}: {len(CASES)} module cases, {len(FUNCS)} function cases")


if __name__ == "__main__":
    main()
