"""Fixtures for torch.compile's compatibility layer (test/compile.test.ts) from Python torch 2.13: the
OptimizedModule's repr and `_orig_mod.`-prefixed state dict, its output (compiled with the 'eager' backend,
whose results are the uncompiled model's), nn.Module.compile keeping the keys, and the argument errors.
Run: .venv/bin/python scripts/make-compile-fixtures.py (writes test/fixtures/compile.json)."""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, raised, write_fixture  # noqa: E402

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2)).double()
compiled = torch.compile(model, backend="eager")
x = torch.randn(5, 4, dtype=torch.float64)
out = compiled(x)
plain = nn.Linear(2, 2)
plain.compile(backend="eager")


def message(fn):
    e = raised(fn)
    return [type(e).__name__, str(e)]


fixture = {
    "torch": torch.__version__,
    "repr": repr(compiled),
    "state_dict": {k: enc(v) for k, v in compiled.state_dict().items()},
    "x": enc(x),
    "output": enc(out.detach()),
    "module_compile_keys": list(plain.state_dict().keys()),
    "list_backends": torch._dynamo.list_backends(),
    "list_backends_all": torch._dynamo.list_backends(exclude_tags=None),
    "list_backends_no_debug": torch._dynamo.list_backends(exclude_tags=("debug",)),
    "errors": {
        "backend": message(lambda: torch.compile(model, backend="nope")),
        "mode": message(lambda: torch.compile(model, mode="fast")),
        "mode_and_options": message(lambda: torch.compile(model, mode="max-autotune", options={"x": 1})),
        "not_callable": message(lambda: torch.compile(5)),
        "load_unprefixed": message(lambda: compiled.load_state_dict(model.state_dict())),
    },
}
write_fixture("compile.json", fixture)
