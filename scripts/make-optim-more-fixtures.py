"""Trajectories of torch.optim.Adagrad, Adadelta, RMSprop, Rprop, ASGD, SparseAdam, Adafactor and LBFGS
(float64, 1000 steps; LBFGS 50 closure steps of up to max_iter inner iterations) for
test/optim-trajectories.test.ts. Usage: .venv/bin/python scripts/make-optim-more-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optim_fixtures import Case, write_fixture  # noqa: E402

IMPLS = [("single", {}), ("foreach", {"foreach": True})]
CASES = []
for impl, flags in IMPLS + [("fused", {"fused": True})]:
    CASES += [
        Case(f"adagrad-{impl}", "Adagrad", {"lr": 0.05, **flags}),
        Case(f"adagrad-{impl}-decay-wd-init", "Adagrad", {"lr": 0.1, "lr_decay": 1e-3, "weight_decay": 1e-2, "initial_accumulator_value": 0.1, "eps": 1e-8, **flags}),
        Case(f"adagrad-{impl}-maximize", "Adagrad", {"lr": 0.01, "maximize": True, "weight_decay": 1e-3, **flags}, steps=200),
    ]
for impl, flags in IMPLS:
    CASES += [
        Case(f"adagrad-{impl}-sparse", "Adagrad", {"lr": 0.1, "lr_decay": 1e-2, **flags}, problem="embedding", steps=300),
        Case(f"adadelta-{impl}", "Adadelta", {**flags}),
        Case(f"adadelta-{impl}-rho-wd", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 1e-2, **flags}),
        Case(f"adadelta-{impl}-maximize", "Adadelta", {"lr": 0.1, "maximize": True, "weight_decay": 1e-3, **flags}, steps=200),
        Case(f"rmsprop-{impl}", "RMSprop", {"lr": 1e-3, **flags}),
        Case(f"rmsprop-{impl}-centered-momentum", "RMSprop", {"lr": 1e-3, "momentum": 0.9, "centered": True, "alpha": 0.9, **flags}),
        Case(f"rmsprop-{impl}-momentum-wd", "RMSprop", {"lr": 2e-3, "momentum": 0.5, "weight_decay": 1e-2, "eps": 1e-6, **flags}),
        Case(f"rmsprop-{impl}-centered-maximize", "RMSprop", {"lr": 1e-4, "centered": True, "maximize": True, "weight_decay": 1e-3, **flags}, steps=200),
        Case(f"rprop-{impl}", "Rprop", {"lr": 1e-3, **flags}),
        Case(f"rprop-{impl}-etas", "Rprop", {"lr": 1e-2, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.1), **flags}),
        Case(f"rprop-{impl}-maximize", "Rprop", {"lr": 1e-3, "maximize": True, **flags}, steps=200),
        Case(f"asgd-{impl}", "ASGD", {"lr": 0.05, **flags}),
        Case(f"asgd-{impl}-averaging-wd", "ASGD", {"lr": 0.05, "lambd": 1e-3, "alpha": 0.6, "t0": 100, "weight_decay": 1e-2, **flags}),
        Case(f"asgd-{impl}-maximize", "ASGD", {"lr": 0.01, "t0": 10, "maximize": True, "weight_decay": 1e-3, **flags}, steps=200),
        Case(f"adafactor-{impl}", "Adafactor", {"lr": 1e-2, **flags}),
        Case(f"adafactor-{impl}-eps-d-wd", "Adafactor", {"lr": 5e-2, "beta2_decay": -0.5, "eps": (1e-20, 1e-2), "d": 2.0, "weight_decay": 1e-2, **flags}),
        Case(f"adafactor-{impl}-maximize", "Adafactor", {"lr": 1e-3, "maximize": True, **flags}, steps=200),
    ]
CASES += [
    Case("adagrad-frozen", "Adagrad", {"lr": 0.05}, frozen=["w1"]),
    Case("rmsprop-groups", "RMSprop", {"lr": 1e-3, "momentum": 0.9},
         groups=[{"params": [0, 2], "weight_decay": 1e-2, "centered": True}, {"params": [1, 3], "lr": 5e-4, "momentum": 0.0}]),
    Case("asgd-groups-frozen", "ASGD", {"lr": 0.02, "t0": 50}, groups=[{"params": [0, 1]}, {"params": [2, 3], "lr": 0.01}], frozen=["b1"]),
    Case("adafactor-groups", "Adafactor", {"lr": 1e-2}, groups=[{"params": [0, 1], "weight_decay": 1e-2}, {"params": [2, 3], "lr": 5e-3}]),
    Case("sparse-adam", "SparseAdam", {"lr": 1e-2}, problem="embedding", steps=300),
    Case("sparse-adam-betas-maximize", "SparseAdam", {"lr": 1e-3, "betas": (0.8, 0.99), "eps": 1e-6, "maximize": True}, problem="embedding", steps=300),
    Case("lbfgs", "LBFGS", {"lr": 0.5}, closure=True, steps=50),
    Case("lbfgs-strong-wolfe", "LBFGS", {"lr": 1, "line_search_fn": "strong_wolfe"}, closure=True, steps=50),
    Case("lbfgs-history-iters", "LBFGS", {"lr": 0.2, "max_iter": 7, "history_size": 3, "tolerance_change": 1e-12}, closure=True, steps=50),
    Case("lbfgs-strong-wolfe-short", "LBFGS", {"lr": 1, "max_iter": 5, "max_eval": 8, "history_size": 5, "line_search_fn": "strong_wolfe"}, closure=True, steps=50),
]

if __name__ == "__main__":
    write_fixture("more", CASES)
