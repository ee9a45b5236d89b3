"""Trajectories of torch.optim.SGD (1000 float64 steps) for test/optim-trajectories.test.ts.
Usage: .venv/bin/python scripts/make-optim-sgd-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optim_fixtures import Case, write_fixture  # noqa: E402

CASES = []
for impl, flags in [("single", {}), ("foreach", {"foreach": True}), ("fused", {"fused": True})]:
    CASES += [
        Case(f"sgd-{impl}", "SGD", {"lr": 0.05, **flags}),
        Case(f"sgd-{impl}-momentum", "SGD", {"lr": 0.02, "momentum": 0.9, **flags}),
        Case(f"sgd-{impl}-dampening-wd", "SGD", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 1e-2, **flags}),
        Case(f"sgd-{impl}-nesterov", "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3, **flags}),
        Case(f"sgd-{impl}-maximize", "SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True, "weight_decay": 1e-3, **flags}, steps=200),
    ]
CASES += [
    Case("sgd-groups", "SGD", {"lr": 0.02, "momentum": 0.9},
         groups=[{"params": [0, 2], "weight_decay": 1e-2}, {"params": [1, 3], "lr": 0.005, "momentum": 0.5}]),
    Case("sgd-frozen", "SGD", {"lr": 0.05, "momentum": 0.9}, frozen=["w1"]),
    Case("sgd-sparse", "SGD", {"lr": 0.1, "momentum": 0.9}, problem="embedding", steps=300),
]

if __name__ == "__main__":
    write_fixture("sgd", CASES)
