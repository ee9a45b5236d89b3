#!/usr/bin/env python3
"""Golden fixtures for test/nn-nnutils.test.ts: torch.nn.utils (clip_grad, convert_parameters,
fusion, parametrize, parametrizations, weight_norm, spectral_norm, prune, stateless) and
torch.func.functional_call, run by Python torch 2.13.

Usage: .venv/bin/python scripts/make-nn-nnutils-fixtures.py   (writes test/fixtures/nn-nnutils.json;
deterministic: run it twice, nothing changes).

Each scenario seeds torch's global RNG, builds small modules from torch.randn (the `Lin` module below,
so the scenarios need no nn layer), runs the utility and records named results. The test builds the
same modules in JS from the same seed and compares bit for bit. Results that go through LAPACK
(orthogonal's matrix_exp / solve / householder_product, spectral norm's pinverse) carry tolerances.
"""
import importlib.util
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.utils import parametrize, prune  # noqa: E402
from torch.nn.utils import parametrizations as P  # noqa: E402

warnings.filterwarnings("ignore")
OUT = os.path.join(HERE, "..", "test", "fixtures", "nn-nnutils.json")
LAPACK = {"rtol": 1e-5, "atol": 1e-6}

SCENARIOS = {}


class Rec(dict):
    """A scenario's results, encoded when recorded (later in-place changes of a tensor do not leak in)."""

    def __init__(self, items=()):
        super().__init__()
        self.update(items)

    def __setitem__(self, k, v):
        super().__setitem__(k, mf.enc(v))

    def update(self, items):
        for k, v in dict(items).items():
            self[k] = v


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


class Lin(nn.Module):
    """A linear layer with torch.randn weights (built the same way in the JS test)."""

    def __init__(self, i, o, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(o, i))
        if bias:
            self.bias = nn.Parameter(torch.randn(o))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias


class Conv(nn.Module):
    """Holds a conv weight (out, in, kh, kw) and bias for fusion."""

    def __init__(self, shape, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(*shape))
        self.bias = nn.Parameter(torch.randn(shape[0])) if bias else None

    def forward(self, x):
        return torch.conv2d(x, self.weight, self.bias)


class BN(nn.Module):
    def __init__(self, n, affine=True):
        super().__init__()
        self.num_features = n
        self.eps = 1e-5
        self.weight = nn.Parameter(torch.randn(n)) if affine else None
        self.bias = nn.Parameter(torch.randn(n)) if affine else None
        self.register_buffer("running_mean", torch.randn(n))
        self.register_buffer("running_var", torch.rand(n) + 0.5)


def grads(*ps):
    return [p.grad for p in ps]


def keys(m):
    return list(m.state_dict().keys())


# ---------------------------------------------------------------------------------------------
# clip_grad


def grad_params(dtype=torch.float32, scale=1.0):
    ps = [torch.randn(3, 4, dtype=dtype, requires_grad=True), torch.randn(5, dtype=dtype, requires_grad=True), torch.randn(2, 2, 2, dtype=dtype, requires_grad=True)]
    for p in ps:
        p.grad = torch.randn_like(p) * scale
    return ps


@scenario
def clip_norm():
    out = Rec()
    for name, norm_type in (("l2", 2.0), ("l1", 1.0), ("inf", float("inf")), ("p3", 3.0), ("p05", 0.5)):
        torch.manual_seed(1)
        ps = grad_params()
        total = nn.utils.clip_grad_norm_(ps, 1.0, norm_type)
        out[name] = [total] + grads(*ps)
    torch.manual_seed(1)
    ps = grad_params()
    out["noclip"] = [nn.utils.clip_grad_norm_(ps, 100.0)] + grads(*ps)
    torch.manual_seed(1)
    ps = grad_params()
    out["noforeach"] = [nn.utils.clip_grad_norm_(ps, 1.0, foreach=False)] + grads(*ps)
    torch.manual_seed(1)
    ps = grad_params()
    out["single"] = [nn.utils.clip_grad_norm_(ps[0], 0.5)] + grads(ps[0])
    # mixed dtypes: one group per dtype, norms stacked (promoted) in group order
    torch.manual_seed(1)
    a = grad_params(torch.float64)
    b = grad_params(torch.float32)
    mixed = [a[0], b[0], a[1], b[1]]
    out["mixed"] = [nn.utils.clip_grad_norm_(mixed, 1.0)] + grads(*mixed)
    torch.manual_seed(1)
    ps = grad_params()
    total = nn.utils.get_total_norm([p.grad for p in ps], 2.0)
    nn.utils.clip_grads_with_norm_(ps, 0.75, total)
    out["split"] = [total] + grads(*ps)
    torch.manual_seed(1)
    ps = grad_params()
    ps[1].grad[2] = float("inf")
    out["nonfinite"] = [nn.utils.clip_grad_norm_(ps, 1.0)] + grads(*ps)
    torch.manual_seed(1)
    ps = grad_params()
    nn.utils.clip_grad_value_(ps, 0.5)
    out["value"] = grads(*ps)
    out["empty"] = nn.utils.clip_grad_norm_([torch.zeros(2, requires_grad=True)], 1.0)
    return out


# ---------------------------------------------------------------------------------------------
# convert_parameters


@scenario
def vector():
    torch.manual_seed(2)
    m = Lin(3, 2)
    v = nn.utils.parameters_to_vector(m.parameters())
    nv = torch.arange(v.numel(), dtype=torch.float32)
    nn.utils.vector_to_parameters(nv, m.parameters())
    return {"vec": v, "weight": m.weight, "bias": m.bias}


# ---------------------------------------------------------------------------------------------
# fusion


@scenario
def fusion():
    out = Rec()
    torch.manual_seed(3)
    conv = Conv((4, 3, 3, 3)).eval()
    bn = BN(4).eval()
    x = torch.randn(2, 3, 5, 5)
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    ref = torch.batch_norm(conv(x), bn.weight, bn.bias, bn.running_mean, bn.running_var, False, 0.0, bn.eps, False)
    out["conv"] = [fused.weight, fused.bias, fused(x), ref]
    torch.manual_seed(4)
    w = torch.randn(3, 4, 2, 2)  # ConvTranspose weight: (in, out, kh, kw)
    rm, rv = torch.randn(4), torch.rand(4) + 0.5
    out["transpose"] = list(nn.utils.fuse_conv_bn_weights(w, None, rm, rv, 1e-3, None, None, transpose=True))
    torch.manual_seed(5)
    w, b = torch.randn(4, 3, 3), torch.randn(4)
    rm, rv, bw, bb = torch.randn(4), torch.rand(4) + 0.5, torch.randn(4), torch.randn(4)
    out["conv1d"] = list(nn.utils.fuse_conv_bn_weights(w, b, rm, rv, 1e-5, bw, bb))
    torch.manual_seed(6)
    lin = Lin(3, 4).eval()
    lin.out_features = 4
    bn = BN(4).eval()
    fl = nn.utils.fuse_linear_bn_eval(lin, bn)
    out["linear"] = [fl.weight, fl.bias]
    return out


# ---------------------------------------------------------------------------------------------
# parametrize


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class Scale(nn.Module):
    def forward(self, X):
        return X * 2.0

    def right_inverse(self, A):
        return A / 2.0


@scenario
def parametrize_basic():
    torch.manual_seed(7)
    m = Lin(3, 3)
    parametrize.register_parametrization(m, "weight", Symmetric())
    x = torch.randn(2, 3)
    y = m(x)
    y.sum().backward()
    out = Rec({
        "keys": keys(m),
        "repr": repr(m),
        "weight": m.weight,
        "original": m.parametrizations.weight.original,
        "y": y,
        "grad_original": m.parametrizations.weight.original.grad,
        "named_params": [n for n, _ in m.named_parameters()],
    })
    with torch.no_grad():
        m.weight = torch.arange(9.0).reshape(3, 3)
    out["after_assign_original"] = m.parametrizations.weight.original
    out["after_assign_weight"] = m.weight
    parametrize.register_parametrization(m, "weight", Scale())
    out["chained_weight"] = m.weight
    out["chained_repr"] = repr(m)
    with parametrize.cached():
        w1 = m.weight
        out["cached_same"] = w1 is m.weight
    parametrize.remove_parametrizations(m, "weight")
    out["removed_keys"] = keys(m)
    out["removed_weight"] = m.weight
    out["removed_repr"] = repr(m)
    torch.manual_seed(7)
    m2 = Lin(3, 3)
    parametrize.register_parametrization(m2, "weight", Symmetric())
    parametrize.remove_parametrizations(m2, "weight", leave_parametrized=False)
    out["unparametrized_weight"] = m2.weight
    return out


@scenario
def parametrize_more():
    out = Rec()
    torch.manual_seed(40)
    m = Lin(3, 3)
    m.register_buffer("table", torch.randn(3, 3))
    parametrize.register_parametrization(m, "table", Symmetric())
    parametrize.register_parametrization(m, "weight", Scale())
    out["keys"] = keys(m)
    out["buffers"] = [n for n, _ in m.named_buffers()]
    out["table"] = m.table
    out["repr"] = repr(m)
    m2 = Lin(3, 3)
    parametrize.transfer_parametrizations_and_params(m, m2, "weight")
    out["m2_keys"] = keys(m2)
    out["m2_weight"] = m2.weight
    out["shared"] = m2.parametrizations.weight.original is m.parametrizations.weight.original
    parametrize.remove_parametrizations(m, "table")
    out["removed_keys"] = keys(m)
    out["removed_repr"] = repr(m)
    return out


# ---------------------------------------------------------------------------------------------
# parametrizations


@scenario
def p_weight_norm():
    torch.manual_seed(8)
    m = Lin(4, 3)
    P.weight_norm(m)
    x = torch.randn(2, 4)
    y = m(x)
    (y * torch.randn(2, 3)).sum().backward()
    pw = m.parametrizations.weight
    out = Rec({"keys": keys(m), "g": pw.original0, "v": pw.original1, "weight": m.weight, "y": y,
           "grad_g": pw.original0.grad, "grad_v": pw.original1.grad, "repr": repr(m)})
    torch.manual_seed(8)
    m2 = Lin(4, 3)
    P.weight_norm(m2, dim=None)
    out["dim_none_g"] = m2.parametrizations.weight.original0
    out["dim_none_weight"] = m2.weight
    torch.manual_seed(8)
    m3 = Lin(4, 3)
    P.weight_norm(m3, dim=1)
    out["dim1_g"] = m3.parametrizations.weight.original0
    # an old-style state dict (weight_g / weight_v) loads through the compat hook
    sd = {"weight_g": torch.full((3, 1), 2.0), "weight_v": torch.ones(3, 4), "bias": torch.zeros(3)}
    r = m.load_state_dict(sd)
    out["compat_weight"] = m.weight
    out["compat_missing"] = list(r.missing_keys)
    return out


@scenario
def p_spectral_norm():
    torch.manual_seed(9)
    m = Lin(5, 4)
    P.spectral_norm(m)
    sn = m.parametrizations.weight[0]
    out = Rec({"keys": keys(m), "u0": sn._u.clone(), "v0": sn._v.clone(), "repr": repr(m)})
    x = torch.randn(3, 5)
    y1 = m(x)
    y2 = m(x)
    (y2 * torch.randn(3, 4)).sum().backward()
    out.update({"y1": y1, "y2": y2, "u2": sn._u.clone(), "v2": sn._v.clone(), "grad": m.parametrizations.weight.original.grad})
    m.eval()
    out["eval_weight"] = m.weight
    out["eval_u"] = sn._u.clone()
    torch.manual_seed(10)
    c = Conv((3, 2, 3, 3))
    P.spectral_norm(c, n_power_iterations=3, dim=1, eps=1e-6)
    out["conv_weight"] = c.weight
    out["conv_u"] = c.parametrizations.weight[0]._u
    return out


@scenario
def p_orthogonal():
    out = Rec()
    for i, (shape, omap, triv) in enumerate([
        ((4, 4), None, True), ((4, 4), "cayley", True), ((4, 4), "householder", True),
        ((5, 3), None, True), ((3, 5), None, True), ((5, 3), "matrix_exp", True),
        ((4, 4), "householder", False), ((5, 3), "householder", False), ((3, 5), "cayley", True),
    ]):
        torch.manual_seed(11 + i)
        m = Lin(shape[1], shape[0], bias=False)
        P.orthogonal(m, orthogonal_map=omap, use_trivialization=triv)
        w = m.weight
        w.sum().backward()
        orig = m.parametrizations.weight.original
        entry = [w, orig, orig.grad, w @ w.T if shape[0] <= shape[1] else w.T @ w]
        out[f"case{i}"] = entry
        if i == 0:
            out["keys"] = keys(m)
            out["repr"] = repr(m)
    return out


# ---------------------------------------------------------------------------------------------
# older hook-based weight_norm / spectral_norm


@scenario
def old_weight_norm():
    torch.manual_seed(12)
    m = Lin(4, 3)
    nn.utils.weight_norm(m)
    x = torch.randn(2, 4)
    y = m(x)
    (y * torch.randn(2, 3)).sum().backward()
    out = Rec({"keys": keys(m), "names": [n for n, _ in m.named_parameters()], "g": m.weight_g, "v": m.weight_v,
           "y": y, "grad_g": m.weight_g.grad, "grad_v": m.weight_v.grad})
    with torch.no_grad():
        m.weight_g.mul_(0.5)
    nn.utils.remove_weight_norm(m)
    out["removed_keys"] = keys(m)
    out["removed_weight"] = m.weight
    return out


@scenario
def old_spectral_norm():
    torch.manual_seed(13)
    m = Lin(5, 4)
    nn.utils.spectral_norm(m)
    out = Rec({"keys": keys(m), "u0": m.weight_u.clone(), "v0": m.weight_v.clone(), "weight0": m.weight})
    x = torch.randn(3, 5)
    y1 = m(x)
    y2 = m(x)
    (y2 * torch.randn(3, 4)).sum().backward()
    out.update({"y1": y1, "y2": y2, "u2": m.weight_u.clone(), "grad": m.weight_orig.grad})
    m.eval()
    out["y_eval"] = m(x)
    nn.utils.remove_spectral_norm(m)
    out["removed_keys"] = keys(m)
    out["removed_weight"] = m.weight
    return out


# ---------------------------------------------------------------------------------------------
# prune


@scenario
def pruning():
    out = Rec()
    torch.manual_seed(14)
    m = Lin(5, 4)
    prune.l1_unstructured(m, "weight", amount=0.3)
    out["l1_keys"] = keys(m)
    out["l1_names"] = [n for n, _ in m.named_parameters()]
    out["l1_buffers"] = [n for n, _ in m.named_buffers()]
    out["l1_mask"] = m.weight_mask
    out["l1_weight"] = m.weight
    x = torch.randn(2, 5)
    out["l1_y"] = m(x)
    # iterative: a structured pass on what is left (PruningContainer)
    prune.ln_structured(m, "weight", amount=1, n=2, dim=0)
    out["iter_mask"] = m.weight_mask
    prune.random_unstructured(m, "weight", amount=2)
    out["iter_random_mask"] = m.weight_mask
    out["is_pruned"] = prune.is_pruned(m)
    prune.remove(m, "weight")
    out["removed_keys"] = keys(m)
    out["removed_weight"] = m.weight
    out["is_pruned_after"] = prune.is_pruned(m)

    torch.manual_seed(15)
    m = Lin(6, 4)
    prune.random_unstructured(m, "weight", amount=0.5)
    out["random_mask"] = m.weight_mask
    prune.random_structured(m, "bias", amount=0.5, dim=0) if False else None
    torch.manual_seed(16)
    c = Conv((4, 3, 2, 2))
    prune.random_structured(c, "weight", amount=0.5, dim=1)
    out["random_structured_mask"] = c.weight_mask
    torch.manual_seed(17)
    c = Conv((5, 3, 2, 2))
    prune.ln_structured(c, "weight", amount=0.4, n=1, dim=0)
    out["ln1_mask"] = c.weight_mask
    prune.ln_structured(c, "weight", amount=1, n=float("inf"), dim=-1)
    out["ln_inf_mask"] = c.weight_mask
    torch.manual_seed(18)
    m = Lin(4, 3)
    scores = torch.randn(3, 4)
    prune.l1_unstructured(m, "weight", amount=5, importance_scores=scores)
    out["importance_mask"] = m.weight_mask
    torch.manual_seed(19)
    a, b = Lin(4, 3), Lin(3, 2)
    prune.global_unstructured([(a, "weight"), (b, "weight"), (a, "bias")], pruning_method=prune.L1Unstructured, amount=0.4)
    out["global_masks"] = [a.weight_mask, b.weight_mask, a.bias_mask]
    torch.manual_seed(23)
    a, b = Lin(4, 3), Lin(3, 2)
    sa = torch.randn(3, 4)
    prune.global_unstructured([(a, "weight"), (b, "weight")], prune.RandomUnstructured, importance_scores={(a, "weight"): sa}, amount=7)
    out["global_random_masks"] = [a.weight_mask, b.weight_mask]
    torch.manual_seed(24)
    a = Lin(4, 3)
    sa = torch.randn(3, 4)
    prune.global_unstructured([(a, "weight")], prune.L1Unstructured, importance_scores={(a, "weight"): sa}, amount=0.25)
    out["global_scored_mask"] = a.weight_mask
    torch.manual_seed(20)
    m = Lin(3, 2)
    prune.custom_from_mask(m, "weight", torch.tensor([[1, 0, 1], [0, 1, 1]]))
    out["custom_weight"] = m.weight
    prune.identity(m, "bias")
    out["identity_keys"] = keys(m)
    out["round_half_even"] = [prune.L1Unstructured(0.5).compute_mask(torch.arange(1.0, 6.0), torch.ones(5))]
    return out


# ---------------------------------------------------------------------------------------------
# stateless / torch.func


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Lin(3, 3)
        self.b = Lin(3, 3)
        self.b.weight = self.a.weight
        self.register_buffer("offset", torch.ones(3))

    def forward(self, x):
        return self.b(self.a(x)) + self.offset


@scenario
def functional_call():
    torch.manual_seed(21)
    m = Tied()
    x = torch.randn(2, 3)
    w = torch.randn(3, 3)
    out = Rec({"y": m(x)})
    out["swapped"] = torch.func.functional_call(m, {"a.weight": w, "offset": torch.zeros(3)}, (x,))
    out["untied"] = torch.func.functional_call(m, {"a.weight": w}, (x,), tie_weights=False)
    out["two_dicts"] = torch.func.functional_call(m, ({"a.weight": w}, {"offset": torch.zeros(3)}), x)
    out["after"] = m(x)
    try:
        torch.func.functional_call(m, {"a.weight": w, "nope": w}, (x,), strict=True)
    except RuntimeError as e:
        out["strict_error"] = str(e)
    return out


# ---------------------------------------------------------------------------------------------
# summary: the layer rows torchinfo would list, from forward (pre-)hooks on every module


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = Lin(4, 8)
        self.l2 = Lin(8, 4)

    def forward(self, x):
        return self.l2(torch.relu(self.l1(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = Block()
        self.b2 = Block()
        self.head = Lin(4, 2, bias=False)

    def forward(self, x):
        return self.head(self.b2(self.b1(x)))


@scenario
def summary_rows():
    torch.manual_seed(22)
    net = Net()
    net.head.weight.requires_grad_(False)
    depth = {net: 0}
    for name, mod in net.named_modules():
        if name:
            depth[mod] = name.count(".") + 1
    rows = []
    handles = []
    for mod in net.modules():
        def pre(m, args):
            rows.append([type(m).__name__, depth[m], None, sum(p.numel() for p in m.parameters()), sum(p.numel() for p in m.parameters() if p.requires_grad)])
            m._row = rows[-1]
        def post(m, args, out):
            m._row[2] = list(out.shape)
        handles += [mod.register_forward_pre_hook(pre), mod.register_forward_hook(post)]
    with torch.no_grad():
        net(torch.rand(3, 4))
    return {"rows": rows, "total": sum(p.numel() for p in net.parameters()),
            "trainable": sum(p.numel() for p in net.parameters() if p.requires_grad)}


# ---------------------------------------------------------------------------------------------
# the same utilities on torch.nn's own layers (Linear, Conv2d, ConvTranspose2d, BatchNorm)


@scenario
def real_layers():
    out = Rec()
    torch.manual_seed(30)
    conv, bn = nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)
    x = torch.randn(2, 3, 6, 6)
    bn(conv(x))  # a training step moves the running statistics
    conv.eval()
    bn.eval()
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    out["conv_bn"] = [fused.weight, fused.bias, fused(x), bn(conv(x))]
    out["conv_bn_repr"] = repr(fused)
    torch.manual_seed(31)
    ct, bn = nn.ConvTranspose2d(3, 4, 2), nn.BatchNorm2d(4)
    x = torch.randn(2, 3, 4, 4)
    bn(ct(x))
    ct.eval()
    bn.eval()
    fused = nn.utils.fuse_conv_bn_eval(ct, bn, transpose=True)
    out["convT_bn"] = [fused.weight, fused.bias, fused(x)]
    torch.manual_seed(32)
    lin, bn = nn.Linear(5, 3), nn.BatchNorm1d(3)
    x = torch.randn(4, 5)
    bn(lin(x))
    lin.eval()
    bn.eval()
    fused = nn.utils.fuse_linear_bn_eval(lin, bn)
    out["lin_bn"] = [fused.weight, fused.bias, fused(x)]
    torch.manual_seed(33)
    ct = nn.ConvTranspose2d(3, 4, 2)
    P.spectral_norm(ct)
    out["convT_sn"] = [ct.parametrizations.weight[0]._u, ct.weight]
    out["convT_sn_repr"] = repr(ct)
    torch.manual_seed(34)
    ct = nn.ConvTranspose2d(3, 4, 2)
    nn.utils.spectral_norm(ct)
    out["convT_old_sn"] = [ct.weight_u, ct.weight_v, ct.weight]
    torch.manual_seed(35)
    lin = nn.Linear(4, 3)
    P.weight_norm(lin)
    out["lin_wn_keys"] = keys(lin)
    out["lin_wn_repr"] = repr(lin)
    torch.manual_seed(36)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
    prune.l1_unstructured(model[0], "weight", 0.5)
    out["seq_pruned"] = prune.is_pruned(model)
    out["seq_keys"] = keys(model)
    x = torch.randn(2, 1, 6, 6)
    out["seq_y"] = model(x)
    torch.manual_seed(37)
    bn = nn.BatchNorm1d(3)
    x = torch.randn(4, 3)
    rm = torch.zeros(3)
    y = torch.func.functional_call(bn, {"running_mean": rm, "weight": torch.full((3,), 2.0)}, (x,))
    out["bn_call"] = [y, rm, bn.running_mean, bn.num_batches_tracked]
    return out


def main():
    fixture = {"meta": {"torch": torch.__version__, "cpuCapability": mf.CPU_CAPABILITY, "threads": 1}, "lapackTol": LAPACK, "scenarios": {}}
    for name, fn in SCENARIOS.items():
        r = fn()
        fixture["scenarios"][name] = dict(r if isinstance(r, Rec) else Rec(r))
    mf.write_json(OUT, fixture)
    print(f"wrote {os.path.relpath(OUT)}: {len(SCENARIOS)} scenarios", file=sys.stderr)


if __name__ == "__main__":
    main()
