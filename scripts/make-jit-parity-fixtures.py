# TorchScript fixtures for test/jit-parity.test.ts, made by Python torch 2.13:
#   .venv/bin/python scripts/make-jit-parity-fixtures.py
# writes test/fixtures/jit/parity_tied.pt, parity_args.pt and parity.json (what Python's torch.jit.load
# gives for them: tied parameters deduplicated to one object, positional Optional[Dict] arguments,
# torch.dtype / torch.device / torch.memory_format / torch.layout arguments, a returned torch.device).
# Tensors are encoded as scripts/make-fixtures.py encodes them.
import importlib.util
import io
import os
from typing import Dict, List, Optional, Tuple, Union

import torch
from torch import Tensor, nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "jit")
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)


class Counter(nn.Module):
    def __init__(self, steps: Tensor):
        super().__init__()
        self.register_buffer("steps", steps)

    def forward(self, x):
        return x + self.steps


class Tied(nn.Module):
    """l2.weight is l1.weight, shared is l1; c1 and c2 hold the same buffer."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(2, 2, bias=False)
        self.l2 = nn.Linear(2, 2, bias=False)
        self.l2.weight = self.l1.weight
        self.shared = self.l1
        steps = torch.tensor([0.5, -1.0])
        self.c1 = Counter(steps)
        self.c2 = Counter(steps)

    def forward(self, x):
        return self.c2(self.c1(self.l2(self.l1(x)) + self.shared(x)))


class Args(nn.Module):
    def forward(self, x, opts: Optional[Dict[str, Tensor]] = None):
        if opts is not None:
            x = x + opts["a"]
        return x

    @torch.jit.export
    def todt(self, x, dtype: torch.dtype, device: torch.device):
        return x.to(device=device, dtype=dtype)

    @torch.jit.export
    def fmt(self, x, memory_format: int) -> List[int]:  # TorchScript has no torch.memory_format annotation
        return x.contiguous(memory_format=memory_format).stride()

    @torch.jit.export
    def lay(self, layout: int) -> int:
        return layout

    @torch.jit.export
    def dev(self, device: torch.device) -> str:
        return device.type

    @torch.jit.export
    def either(self, x, d: Union[Dict[str, Tensor], int]):
        if isinstance(d, int):
            return x * d
        return x + d["a"]

    @torch.jit.export
    def retdt(self, x) -> Tuple[torch.dtype, torch.device, List[int]]:
        return x.dtype, x.device, x.shape

    @torch.jit.export
    def retdev(self, x) -> torch.device:
        return x.device


def names(items):
    return [k for k, _ in items]


def main():
    torch.manual_seed(0)
    tied = torch.jit.script(Tied())
    tied.save(os.path.join(OUT, "parity_tied.pt"))
    torch.jit.script(Args()).save(os.path.join(OUT, "parity_args.pt"))

    t = torch.jit.load(os.path.join(OUT, "parity_tied.pt"))
    x = torch.tensor([[1.0, 2.0]])
    loss = t(x).sum()
    loss.backward()
    grad = t.l1.weight.grad
    resaved = io.BytesIO()
    torch.jit.save(t, resaved)
    resaved.seek(0)
    r = torch.jit.load(resaved)
    tied_out = {
        "x": mf.enc(x),
        "namedParameters": names(t.named_parameters()),
        "parameters": len(list(t.parameters())),
        "namedBuffers": names(t.named_buffers()),
        "stateDict": list(t.state_dict().keys()),
        "namedModules": names(t.named_modules()),
        "sameWeight": t.l1.weight is t.l2.weight and t.l1.weight is t.shared.weight,
        "sameBuffer": t.c1.steps is t.c2.steps,
        "forward": mf.enc(t(x)),
        # the one parameter's gradient: the sum of its three uses
        "grad": mf.enc(grad),
        "l2GradIsL1Grad": t.l2.weight.grad is grad,
        "resavedNamedParameters": names(r.named_parameters()),
        "resavedSameWeight": r.l1.weight is r.l2.weight,
    }

    k = torch.jit.load(os.path.join(OUT, "parity_args.pt"))
    y = torch.tensor([[1.0, 2.0]])
    a = torch.tensor([10.0, 20.0])
    img = torch.zeros(1, 2, 3, 4)
    dt, dev, shape = k.retdt(y)
    args_out = {
        "y": mf.enc(y),
        "a": mf.enc(a),
        "forwardDict": mf.enc(k(y, {"a": a})),
        "forwardNone": mf.enc(k(y, None)),
        "todt": mf.enc(k.todt(y, torch.float64, torch.device("cpu"))),
        "todtInt": mf.enc(k.todt(y, 7, torch.device("cpu"))),
        "todtStr": mf.enc(k.todt(y, torch.int32, "cpu")),
        "todtKw": mf.enc(k.todt(y, dtype=torch.float16, device=torch.device("cpu"))),
        "fmtSchema": str(k.fmt.schema),
        "fmtChannelsLast": k.fmt(img, torch.channels_last),
        "fmtContiguous": k.fmt(img, torch.contiguous_format),
        "layStrided": k.lay(torch.strided),
        "laySparseCoo": k.lay(torch.sparse_coo),
        "devType": k.dev(torch.device("cpu")),
        "eitherDict": mf.enc(k.either(y, {"a": a})),
        "eitherInt": mf.enc(k.either(y, 3)),
        "retdt": [str(dt), type(dev).__name__, str(dev), list(shape)],
        "retdev": [type(k.retdev(y)).__name__, str(k.retdev(y))],
        "todtSchema": str(k.todt.schema),
        "retdtSchema": str(k.retdt.schema),
    }
    mf.write_json(os.path.join(OUT, "parity.json"), {"torch": torch.__version__, "tied": tied_out, "args": args_out})


if __name__ == "__main__":
    main()
