"""Trajectories of torch.optim.Adam, AdamW, Adamax, NAdam and RAdam (1000 float64 steps) for
test/optim-trajectories.test.ts: the main option combinations of each, on the single-tensor, foreach
and (Adam/AdamW) fused paths, plus parameter groups and frozen parameters.
Usage: .venv/bin/python scripts/make-optim-adam-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optim_fixtures import Case, write_fixture  # noqa: E402

IMPLS = {"single": {}, "foreach": {"foreach": True}, "fused": {"fused": True}}
# optimizer -> (implementations it has, [(case suffix, options, steps)])
FAMILY = {
    "Adam": (["single", "foreach", "fused"], [
        ("", {"lr": 0.01}, 1000),
        ("-amsgrad-wd", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True, "weight_decay": 1e-2}, 1000),
        ("-maximize", {"lr": 0.005, "maximize": True, "weight_decay": 1e-3}, 200),
        ("-decoupled", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True}, 1000),
    ]),
    "AdamW": (["single", "foreach", "fused"], [
        ("", {"lr": 0.01}, 1000),
        ("-amsgrad-maximize", {"lr": 0.005, "weight_decay": 0.1, "amsgrad": True, "maximize": True}, 200),
    ]),
    "Adamax": (["single", "foreach"], [
        ("", {"lr": 0.01}, 1000),
        ("-wd-maximize", {"lr": 0.005, "betas": (0.8, 0.99), "weight_decay": 1e-2, "maximize": True}, 200),
        ("-wd", {"lr": 0.01, "eps": 1e-4, "weight_decay": 1e-2}, 1000),
    ]),
    "NAdam": (["single", "foreach"], [
        ("", {"lr": 0.01}, 1000),
        ("-wd-maximize", {"lr": 0.005, "weight_decay": 1e-2, "maximize": True}, 200),
        ("-decoupled", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True, "momentum_decay": 1e-2}, 1000),
    ]),
    "RAdam": (["single", "foreach"], [
        ("", {"lr": 0.01}, 1000),
        ("-wd-maximize", {"lr": 0.005, "weight_decay": 1e-2, "maximize": True}, 200),
        ("-decoupled", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.05, "decoupled_weight_decay": True}, 1000),
    ]),
}

CASES = []
for cls, (impls, variants) in FAMILY.items():
    for impl in impls:
        for suffix, options, steps in variants:
            CASES.append(Case(f"{cls.lower()}-{impl}{suffix}", cls, {**options, **IMPLS[impl]}, steps=steps))
CASES += [
    Case("adam-groups", "Adam", {"lr": 0.01},
         groups=[{"params": [0, 2], "weight_decay": 1e-2, "amsgrad": True}, {"params": [1, 3], "lr": 0.002, "betas": (0.5, 0.9)}]),
    Case("adamw-fused-groups", "AdamW", {"lr": 0.01, "fused": True},
         groups=[{"params": [0, 2]}, {"params": [1, 3], "weight_decay": 0.0}]),
    Case("nadam-foreach-groups", "NAdam", {"lr": 0.01, "foreach": True},
         groups=[{"params": [0, 2], "decoupled_weight_decay": True, "weight_decay": 0.05}, {"params": [1, 3], "momentum_decay": 0.0}]),
    Case("radam-groups", "RAdam", {"lr": 0.01},
         groups=[{"params": [0, 2], "weight_decay": 1e-2}, {"params": [1, 3], "lr": 0.001}]),
    Case("adam-frozen", "Adam", {"lr": 0.01}, frozen=["w1"]),
    Case("adamax-foreach-frozen", "Adamax", {"lr": 0.01, "foreach": True}, frozen=["b2"]),
    Case("radam-foreach-frozen", "RAdam", {"lr": 0.01, "foreach": True}, frozen=["w2"]),
]

if __name__ == "__main__":
    write_fixture("adam", CASES)
