# TorchScript fixtures for test/jit.test.ts, made by Python torch 2.13:
#   .venv/bin/python scripts/make-jit-fixtures.py                # Python -> Node: scripted.pt, traced.pt, python.json
#   node node_modules/vite-node/vite-node.mjs scripts/make-node-jit.ts  # Node -> Python: node_*.pt, node.json
#   .venv/bin/python scripts/make-jit-fixtures.py --check-node   # Python runs Node's files: node_python.json
# Tensors are encoded as scripts/make-fixtures.py encodes them; dicts as {"dict": {key: enc}}.
import importlib.util
import json
import os
import sys
import warnings
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor, nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "jit")
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)


def enc(v):
    if isinstance(v, dict):
        return {"dict": {str(k): enc(x) for k, x in v.items()}}
    if isinstance(v, (list, tuple)) and not isinstance(v, torch.Size):
        return {"seq": [enc(x) for x in v]}
    return mf.enc(v)


def dec(e):
    if "dtype" in e:
        data = [float(x) if isinstance(x, str) else x for x in e["data"]]
        return torch.tensor(data, dtype=getattr(torch, e["dtype"])).reshape(e["shape"])
    if "seq" in e:
        return [dec(x) for x in e["seq"]]
    if "dict" in e:
        return {k: dec(x) for k, x in e["dict"].items()}
    if "num" in e:
        return e["num"]
    raise TypeError(f"cannot decode {e}")


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)

    def forward(self, x):
        return torch.relu(self.bn(self.fc(x)))


class Scripted(nn.Module):
    scale: float
    count: int
    name: str
    flag: bool
    sizes: List[int]
    table: Dict[str, float]
    maybe: Optional[int]
    eps: torch.jit.Final[float]

    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
        self.register_buffer("offset", torch.arange(2, dtype=torch.float32))
        self.scale = 0.5
        self.count = 3
        self.name = "scripted"
        self.flag = True
        self.sizes = [1, 2, 3]
        self.table = {"a": 1.5, "b": -2.0}
        self.maybe = None
        self.eps = 0.001

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.block(x)) * self.scale + self.offset

    @torch.jit.export
    def encode(self, x: Tensor) -> Tensor:
        return self.block(x)

    @torch.jit.export
    def combine(self, xs: List[Tensor], d: Dict[str, Tensor], pair: Tuple[Tensor, int], alpha: float = 2.0) -> Dict[str, Tensor]:
        return {"total": torch.stack(xs).sum(0), "mixed": d["a"] * alpha + d["b"], "scaled": pair[0] * pair[1]}

    @torch.jit.export
    def describe(self, x: Tensor) -> Tuple[Tensor, int, float, str, bool, Optional[Tensor], List[float]]:
        return x.sum(), x.numel(), float(x.mean()), self.name, bool(x.sum() > 0), None, [1.0, 2.5]

    @torch.jit.export
    def check(self, x: Tensor) -> Tensor:
        if bool(x.min() < 0):
            raise ValueError("negative input")
        return x.sqrt()

    @torch.jit.export
    def bump(self, n: int) -> int:
        self.count += n
        return self.count


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.bn = nn.BatchNorm2d(2)
        self.fc = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x, y):
        h = torch.relu(self.bn(self.conv(x)))
        out = self.fc(h.flatten(1))
        return out, out.sum() + y.sum()


def named(pairs):
    return [[k, enc(v)] for k, v in pairs]


def extra_files():
    """extra.pt: a traced module saved with _extra_files (text and bytes), which torch.jit.load({ extraFiles }) reads."""
    torch.manual_seed(3)
    m = torch.jit.trace(torch.nn.Linear(2, 2), torch.ones(1, 2))
    torch.jit.save(m, os.path.join(OUT, "extra.pt"), _extra_files={"meta.json": '{"epoch": 7}', "raw.bin": bytes([0, 255, 7])})


def python_side():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    x = torch.randn(5, 4)
    xs = [torch.randn(2), torch.randn(2), torch.randn(2)]
    d = {"a": torch.randn(2), "b": torch.randn(2)}
    pair = (torch.randn(2), 3)
    img = torch.randn(2, 1, 4, 4)
    y = torch.randn(3)
    pos = torch.rand(4) + 0.5

    scripted = torch.jit.script(Scripted())
    # BatchNorm statistics that are not the defaults, so that eval() outputs depend on them.
    with torch.no_grad():
        scripted.block.bn.running_mean.copy_(torch.randn(3) * 0.1)
        scripted.block.bn.running_var.copy_(torch.rand(3) + 0.5)
    scripted.eval()
    scripted.save(os.path.join(OUT, "scripted.pt"))

    conv = Conv().eval()
    traced = torch.jit.trace(conv, (img, y))
    traced.save(os.path.join(OUT, "traced.pt"))
    extra_files()

    m = torch.jit.load(os.path.join(OUT, "scripted.pt"))
    t = torch.jit.load(os.path.join(OUT, "traced.pt"))
    out = {
        "torch": torch.__version__,
        "inputs": {"x": enc(x), "xs": enc(xs), "d": enc(d), "pair": enc(pair), "img": enc(img), "y": enc(y), "pos": enc(pos)},
        "scripted": {
            "typeName": m._c._type().qualified_name(),
            "methods": sorted(["forward", "encode", "combine", "describe", "check", "bump"]),
            "forward": enc(m(x)),
            "encode": enc(m.encode(x)),
            "combine": enc(m.combine(xs, d, pair)),
            "combineAlpha": enc(m.combine(xs, d, pair, alpha=0.5)),
            "describe": enc(m.describe(x)),
            "check": enc(m.check(pos)),
            "attrs": {k: enc(getattr(m, k)) for k in ["scale", "count", "name", "flag", "sizes", "table", "maybe", "eps", "training"]},
            "parameters": named(m.named_parameters()),
            "buffers": named(m.named_buffers()),
            "stateDict": named(m.state_dict().items()),
            "children": [k for k, _ in m.named_children()],
            "modules": [k for k, _ in m.named_modules()],
            "code": m.code,
            "encodeCode": m.encode.code,
            "repr": repr(m),
            "bump": [m.bump(2), m.bump(-1)],
            "countAfter": m.count,
        },
        "traced": {"forward": enc(t(img, y)), "code": t.code, "parameters": named(t.named_parameters()),
                   "buffers": named(t.named_buffers())},
    }
    # train(): BatchNorm uses batch statistics and updates its running stats.
    m2 = torch.jit.load(os.path.join(OUT, "scripted.pt"))
    m2.train()
    out["scripted"]["trainForward"] = enc(m2(x))
    out["scripted"]["trainBuffers"] = named(m2.named_buffers())
    # A gradient step on the loaded module's own parameters.
    m3 = torch.jit.load(os.path.join(OUT, "scripted.pt"))
    opt = torch.optim.SGD(m3.parameters(), lr=0.1)
    m3(x).pow(2).sum().backward()
    out["scripted"]["grads"] = named((k, p.grad) for k, p in m3.named_parameters())
    opt.step()
    out["scripted"]["afterStep"] = enc(m3(x))
    # The same module in float64.
    m4 = torch.jit.load(os.path.join(OUT, "scripted.pt"))
    m4.to(torch.float64)
    out["scripted"]["float64"] = enc(m4(x.double()))
    out["frozen"] = frozen_side(x, img, y)
    with open(os.path.join(OUT, "python.json"), "w") as f:
        json.dump(out, f)
    print("wrote", OUT)


def frozen_side(x, img, y):
    # torch.jit.freeze / run_frozen_optimizations / optimize_for_inference of the saved files (DeprecationWarnings aside).
    load = lambda name: torch.jit.load(os.path.join(OUT, name))  # noqa: E731
    warnings.simplefilter("ignore", DeprecationWarning)
    scripted = torch.jit.freeze(load("scripted.pt"))
    preserved = torch.jit.freeze(load("scripted.pt"), preserved_attrs=["encode", "count", "bump"])
    traced = torch.jit.freeze(load("traced.pt"))
    unoptimized = torch.jit.freeze(load("traced.pt"), optimize_numerics=False)
    unoptimized_code = unoptimized.code
    torch.jit.run_frozen_optimizations(unoptimized)
    inference = torch.jit.optimize_for_inference(load("traced.pt"))
    inference_scripted = torch.jit.optimize_for_inference(load("scripted.pt"), other_methods=["encode"])
    try:
        torch.jit.freeze(load("scripted.pt").train())
        training_error = None
    except RuntimeError as e:
        training_error = str(e)
    return {
        "scripted": {"code": scripted.code, "forward": enc(scripted(x)), "parameters": named(scripted.named_parameters()),
                     "buffers": named(scripted.named_buffers()), "children": [k for k, _ in scripted.named_children()],
                     "methods": sorted(scripted._c._method_names())},
        "preserved": {"code": preserved.code, "encodeCode": preserved.encode.code, "encode": enc(preserved.encode(x)),
                      "bump": preserved.bump(1), "count": preserved.count,
                      "methods": sorted(preserved._c._method_names())},
        "traced": {"code": traced.code, "forward": enc(traced(img, y))},
        "unoptimized": {"code": unoptimized_code, "optimizedCode": unoptimized.code, "forward": enc(unoptimized(img, y))},
        "inference": {"code": inference.code, "forward": enc(inference(img, y))},
        "inferenceScripted": {"code": inference_scripted.code, "encodeCode": inference_scripted.encode.code,
                              "forward": enc(inference_scripted(x)), "encode": enc(inference_scripted.encode(x))},
        "trainingError": training_error,
    }


def check_node():
    """Runs the files Node wrote (scripts/make-node-jit.mjs) on Node's inputs; writes Python's results."""
    with open(os.path.join(OUT, "node.json")) as f:
        node = json.load(f)
    results = {"torch": torch.__version__}
    for name, case in node["cases"].items():
        m = torch.jit.load(os.path.join(OUT, case["file"]))
        args = [dec(a) for a in case["inputs"]]
        entry = {"forward": enc(m(*args)), "parameters": named(m.named_parameters()), "buffers": named(m.named_buffers()),
                 "code": m.code}
        for method, method_args in case.get("methods", {}).items():
            entry[method] = enc(getattr(m, method)(*[dec(a) for a in method_args]))
        for attr in case.get("attrs", []):
            entry["attr:" + attr] = enc(getattr(m, attr))
        results[name] = entry
    with open(os.path.join(OUT, "node_python.json"), "w") as f:
        json.dump(results, f)
    print("wrote", os.path.join(OUT, "node_python.json"))


if __name__ == "__main__":
    if "--check-node" in sys.argv:
        check_node()
    else:
        python_side()
