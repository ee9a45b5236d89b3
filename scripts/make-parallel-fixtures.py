"""Fixtures for torch.nn.DataParallel on a machine without CUDA (test/nn-parallel.test.ts), from Python torch
2.13: the wrapper's repr, device_ids, state dict (keys under `module.`) and output, which the test loads
and compares. Run: .venv/bin/python scripts/make-parallel-fixtures.py (writes test/fixtures/nn-parallel.json)."""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, write_fixture  # noqa: E402

assert not torch.cuda.is_available(), "records the CPU-only behaviour"
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2)).double()
dp = nn.DataParallel(model, device_ids=[0, 1])   # device ids are ignored without CUDA, as Python does
x = torch.randn(6, 4, dtype=torch.float64)
initial = {k: enc(v) for k, v in dp.state_dict().items()}
out = dp(x)
out.sum().backward()
fixture = {
    "torch": torch.__version__,
    "repr": repr(dp),
    "device_ids": dp.device_ids,
    "initial_state_dict": initial,
    "state_dict": {k: enc(v) for k, v in dp.state_dict().items()},   # after the forward: running stats moved
    "x": enc(x),
    "output": enc(out.detach()),
    "grads": {k: enc(p.grad) for k, p in dp.named_parameters()},
}
write_fixture("nn-parallel.json", fixture)
