#!/usr/bin/env python3
"""Golden fixtures for test/nn-core.test.ts: nn.Module, the containers and nn.init, run by Python torch 2.13.

Usage: .venv/bin/python scripts/make-nn-core-fixtures.py   (writes test/fixtures/nn-core.json; deterministic).

Every value is recorded under a name the test looks up; tensors use make-fixtures.py's encoding and
are compared bit for bit (the initialisers are RNG draws and elementwise float math).
"""
import importlib.util
import json
import math
import os
import sys
import warnings
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY and one thread before torch loads

import torch  # noqa: E402
import torch.nn.utils.prune  # noqa: E402,F401  (a submodule torch.nn.utils does not import)
from torch import nn  # noqa: E402

sys.path.insert(0, HERE)
from pyvalues import registration_entry  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "nn-core.json")
values = {}


def record(name, v):
    values[name] = mf.enc(v)


def error_text(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return str(e)
    raise AssertionError("no error")


def inits():
    """Each initialiser under manual_seed(0), and again with its own generator (seed 7)."""
    cases = {
        "uniform": lambda t, g: nn.init.uniform_(t, -0.5, 2.0, generator=g),
        "normal": lambda t, g: nn.init.normal_(t, 1.0, 0.5, generator=g),
        "truncNormal": lambda t, g: nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0, generator=g),
        "truncNormalNarrow": lambda t, g: nn.init.trunc_normal_(t, 0.0, 1.0, 1.5, 3.0, generator=g),
        "constant": lambda t, g: nn.init.constant_(t, 0.25),
        "ones": lambda t, g: nn.init.ones_(t),
        "zeros": lambda t, g: nn.init.zeros_(t),
        "xavierUniform": lambda t, g: nn.init.xavier_uniform_(t, gain=nn.init.calculate_gain("tanh"), generator=g),
        "xavierNormal": lambda t, g: nn.init.xavier_normal_(t, generator=g),
        "kaimingUniform": lambda t, g: nn.init.kaiming_uniform_(t, a=math.sqrt(5), generator=g),
        "kaimingUniformFanOut": lambda t, g: nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu", generator=g),
        "kaimingNormal": lambda t, g: nn.init.kaiming_normal_(t, a=0.1, mode="fan_out", nonlinearity="leaky_relu", generator=g),
        "orthogonal": lambda t, g: nn.init.orthogonal_(t, gain=2.0, generator=g),
        "sparse": lambda t, g: nn.init.sparse_(t, 0.5, std=0.1, generator=g),
    }
    for name, fn in cases.items():
        for shape in ([5, 3], [4, 2, 3], [3, 6]):
            if name == "sparse" and len(shape) != 2:
                continue
            torch.manual_seed(0)
            record(f"init.{name}.{'x'.join(map(str, shape))}", fn(torch.empty(shape), None))
            torch.manual_seed(0)
            record(f"init.{name}.{'x'.join(map(str, shape))}.gen", fn(torch.empty(shape), torch.Generator().manual_seed(7)))
    record("init.eye", nn.init.eye_(torch.empty(3, 5)))
    record("init.dirac", nn.init.dirac_(torch.empty(4, 2, 3, 3), groups=2))
    record("init.gains", [nn.init.calculate_gain(n, p) for n, p in
                          [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                           ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]])
    record("init.fans", list(nn.init._calculate_fan_in_and_fan_out(torch.empty(6, 4, 3, 2))))


class Net(nn.Module):
    """The model the test defines the same way: a buffer, Sequential, ModuleList, ModuleDict, a None parameter."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.body = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3))
        self.heads = nn.ModuleList([nn.Linear(3, 2) for _ in range(3)])
        self.extra = nn.ModuleDict({"proj": nn.Linear(2, 2)})
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("steps", torch.zeros(2))
        self.register_buffer("cache", torch.zeros(1), persistent=False)
        self.register_parameter("unused", None)

    def forward(self, x):
        h = self.body(self.fc1(x))
        return self.extra["proj"](self.heads[1](h)) * self.scale


def module():
    torch.manual_seed(0)
    net = Net()
    record("net.stateDictKeys", list(net.state_dict().keys()))
    record("net.stateDict", list(net.state_dict().values()))
    record("net.namedParameters", [n for n, _ in net.named_parameters()])
    record("net.namedBuffers", [n for n, _ in net.named_buffers()])
    record("net.namedModules", [n for n, _ in net.named_modules()])
    record("net.children", [type(m).__name__ for m in net.children()])
    record("net.repr", repr(net))
    torch.manual_seed(1)
    x = torch.randn(5, 4, requires_grad=True)
    record("net.x", x.detach())
    calls = []
    net.fc1.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    net.body.register_forward_hook(lambda m, args, out: out + 1)
    grads = {}

    def bw(m, gin, gout):
        grads["gin"] = list(gin)
        grads["gout"] = list(gout)
        return (gin[0] * 3,)

    def bw_pre(m, gout):
        grads["pre"] = list(gout)
        return (gout[0] * 0.5,)

    net.heads[1].register_full_backward_hook(bw)
    net.heads[1].register_full_backward_pre_hook(bw_pre)
    y = net(x)
    record("net.y", y.detach())
    g = torch.linspace(-1, 1, y.numel()).reshape(y.shape)
    (y * g).sum().backward()
    record("net.x.grad", x.grad)
    record("net.grads", [grads["pre"], grads["gin"], grads["gout"]])
    record("net.fc1.weight.grad", net.fc1.weight.grad)
    record("net.scale.grad", net.scale.grad)

    # load_state_dict error texts and results
    sd = net.state_dict()
    bad = OrderedDict(sd)
    bad["fc1.weight"] = torch.zeros(2, 2)
    del bad["heads.0.bias"]
    bad["heads.9.weight"] = torch.zeros(1)
    record("load.errorStrict", error_text(lambda: Net().load_state_dict(bad)))
    partial = OrderedDict((k, v) for k, v in sd.items() if k != "heads.0.bias")
    partial["bogus"] = torch.zeros(1)
    r = Net().load_state_dict(partial, strict=False)
    record("load.nonStrict", [r.missing_keys, r.unexpected_keys])

    # containers
    torch.manual_seed(2)
    seq = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU()), ("pool", nn.MaxPool2d(2))]))
    record("seq.keys", [n for n, _ in seq.named_children()])
    del seq[1]
    record("seq.afterDel", [n for n, _ in seq.named_children()])
    named = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())]))
    named[-1] = nn.Tanh()
    record("seq.afterSet", repr(named))
    record("seq.setErrors", [error_text(lambda: named.__setitem__(2, nn.ReLU())), error_text(lambda: named.__setitem__(0, 3))])
    ml = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.ReLU()])
    record("moduleList.repr", repr(ml))
    pl = nn.ParameterList([nn.Parameter(torch.zeros(3, 4)), torch.ones(3)])
    record("parameterList.repr", repr(pl))
    pd = nn.ParameterDict({"a": nn.Parameter(torch.zeros(2)), "b": torch.ones(1, 2)})
    record("parameterDict.repr", repr(pd))
    record("parameterDict.keys", list(pd.state_dict().keys()))

    # to(), half(), zero_grad
    torch.manual_seed(0)
    n2 = Net().double()
    record("double.dtypes", [str(p.dtype) for p in n2.state_dict().values()])
    torch.manual_seed(0)
    n3 = Net().half()
    record("half.stateDict", list(n3.state_dict().values()))


# Layers built while the global registration hooks log every call: the same calls in the same order in Node.
REGISTRATION_CASES = {
    "Linear": lambda: nn.Linear(4, 3),
    "LinearNoBias": lambda: nn.Linear(4, 3, bias=False),
    "Bilinear": lambda: nn.Bilinear(2, 3, 4),
    "Conv2d": lambda: nn.Conv2d(2, 4, 3),
    "ConvTranspose1d": lambda: nn.ConvTranspose1d(2, 4, 3, bias=False),
    "LazyLinear": lambda: nn.LazyLinear(3),
    "BatchNorm2d": lambda: nn.BatchNorm2d(3),
    "BatchNorm2dNoStats": lambda: nn.BatchNorm2d(3, affine=False, track_running_stats=False),
    "LayerNorm": lambda: nn.LayerNorm([3, 4]),
    "GroupNorm": lambda: nn.GroupNorm(2, 4),
    "InstanceNorm1d": lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
    "RMSNorm": lambda: nn.RMSNorm(4),
    "Embedding": lambda: nn.Embedding(10, 3),
    "EmbeddingBag": lambda: nn.EmbeddingBag(10, 3),
    "PReLU": lambda: nn.PReLU(),
    "LSTM": lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True),
    "GRUCell": lambda: nn.GRUCell(3, 4),
    "MultiheadAttention": lambda: nn.MultiheadAttention(4, 2),
    "MultiheadAttentionKVDims": lambda: nn.MultiheadAttention(4, 2, kdim=3, vdim=5),
    "TransformerEncoderLayer": lambda: nn.TransformerEncoderLayer(4, 2, dim_feedforward=8),
    "AdaptiveLogSoftmaxWithLoss": lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]),
    "CrossEntropyLoss": lambda: nn.CrossEntropyLoss(weight=torch.ones(3)),
    "Sequential": lambda: nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())])),
    "ModuleList": lambda: nn.ModuleList([nn.ReLU(), nn.Tanh()]),
    "ModuleDict": lambda: nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()}),
    "ParameterList": lambda: nn.ParameterList([nn.Parameter(torch.zeros(2)), torch.ones(3)]),
    "ParameterDict": lambda: nn.ParameterDict({"a": nn.Parameter(torch.zeros(2)), "b": torch.ones(1)}),
}



class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).T


# The nn.utils and optim helpers that register or swap things, applied to a module made under the hooks:
# (make, act), logged during act only.
def _pruned():
    return torch.nn.utils.prune.l1_unstructured(nn.Linear(3, 3), "weight", 0.5)


UTILITY_CASES = {
    "weightNorm": (lambda: nn.Linear(3, 3), lambda m: nn.utils.weight_norm(m)),
    "spectralNorm": (lambda: nn.Linear(3, 3), lambda m: nn.utils.spectral_norm(m)),
    "pruneL1": (lambda: nn.Linear(3, 3), lambda m: torch.nn.utils.prune.l1_unstructured(m, "weight", 0.5)),
    "pruneRemove": (_pruned, lambda m: torch.nn.utils.prune.remove(m, "weight")),
    "parametrize": (lambda: nn.Linear(3, 3), lambda m: torch.nn.utils.parametrize.register_parametrization(m, "weight", Symmetric())),
    "parametrizationsWeightNorm": (lambda: nn.Linear(3, 3), lambda m: nn.utils.parametrizations.weight_norm(m)),
    "lazyForward": (lambda: nn.LazyLinear(3), lambda m: m(torch.ones(2, 4))),
    "loadStateDictAssign": (lambda: nn.Linear(3, 3), lambda m: m.load_state_dict(nn.Linear(3, 3).state_dict(), assign=True)),
    "toEmpty": (lambda: nn.Linear(3, 3, device="meta"), lambda m: m.to_empty(device="cpu")),
    "averagedModel": (lambda: nn.Linear(3, 3), lambda m: torch.optim.swa_utils.AveragedModel(m)),
    "fuseConvBnEval": (lambda: (nn.Conv2d(2, 2, 3).eval(), nn.BatchNorm2d(2).eval()), lambda m: nn.utils.fuse_conv_bn_eval(*m)),
}


def registration():
    from torch.nn.modules import module as nn_module
    log = []

    def on_parameter(m, name, p):
        log.append(registration_entry("parameter", m, name, p))
        if name == "scale":
            return nn.Parameter(p.detach() * 3)

    def on_buffer(m, name, b):
        log.append(registration_entry("buffer", m, name, b))
        if name == "steps":
            return b + 5

    def on_module(m, name, sub):
        log.append(registration_entry("module", m, name, sub))
        if isinstance(sub, nn.Tanh):
            return nn.ReLU()

    handles = [nn_module.register_module_parameter_registration_hook(on_parameter),
               nn_module.register_module_buffer_registration_hook(on_buffer),
               nn_module.register_module_module_registration_hook(on_module)]
    for name, make in REGISTRATION_CASES.items():
        log.clear()
        make()
        record(f"registration.{name}", list(log))
    for name, (make, act) in UTILITY_CASES.items():
        made = make()
        log.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # weight_norm's deprecation
            act(made)
        record(f"registration.{name}", list(log))
    log.clear()
    torch.manual_seed(0)
    net = Net()
    record("registration.net", list(log))
    log.clear()
    net.steps = torch.ones(2)
    net.fc1 = nn.Linear(4, 3)
    net.scale = nn.Parameter(torch.ones(1))
    net.add_module("gate", None)
    net.register_parameter("unused2", None)
    net.body[0] = nn.Tanh()
    record("registration.assignments", list(log))
    record("registration.stateDict", [[k, v] for k, v in net.state_dict().items()])
    record("registration.repr", repr(net))
    for h in handles:
        h.remove()
    log.clear()
    net.fc1 = nn.Linear(4, 3)
    net.register_buffer("late", torch.zeros(1))
    record("registration.afterRemove", list(log))


def main():
    torch.set_num_threads(1)
    inits()
    module()
    registration()
    with open(OUT, "w") as f:
        json.dump({"meta": {"torch": torch.__version__}, "values": values}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
