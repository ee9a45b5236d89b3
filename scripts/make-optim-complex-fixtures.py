"""Trajectories with complex128 parameters (the mlp problem of scripts/optim_fixtures.py with complex
weights, inputs and targets; the loss is the mean square of view_as_real of the error): every optimizer
that PyTorch 2.13 runs on complex parameters, on its single-tensor and foreach paths (PyTorch steps them
through view_as_real), for test/optim-trajectories.test.ts.
Usage: .venv/bin/python scripts/make-optim-complex-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optim_fixtures import Case, write_fixture  # noqa: E402

IMPLS = [("single", {}), ("foreach", {"foreach": True})]
STEPS = 300
# (case name, optimizer, options): each runs on both paths
VARIANTS = [
    ("sgd", "SGD", {"lr": 0.05}),
    ("sgd-nesterov-wd", "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-2}),
    ("sgd-dampening-maximize", "SGD", {"lr": 0.01, "momentum": 0.8, "dampening": 0.3, "maximize": True}),
    ("adam", "Adam", {"lr": 0.01}),
    ("adam-amsgrad-wd", "Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 1e-2, "maximize": False}),
    ("adamw-amsgrad", "AdamW", {"lr": 0.01, "amsgrad": True}),
    ("rmsprop", "RMSprop", {"lr": 1e-3}),
    ("rmsprop-centered-momentum-wd", "RMSprop", {"lr": 1e-3, "momentum": 0.9, "centered": True, "weight_decay": 1e-2}),
    ("adagrad-decay-wd", "Adagrad", {"lr": 0.05, "lr_decay": 1e-3, "weight_decay": 1e-2, "initial_accumulator_value": 0.1}),
    ("adadelta-wd", "Adadelta", {"lr": 0.5, "weight_decay": 1e-2}),
    ("adamax-wd", "Adamax", {"lr": 0.01, "weight_decay": 1e-2}),
    ("nadam-decoupled", "NAdam", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True}),
    ("radam-wd", "RAdam", {"lr": 0.01, "weight_decay": 1e-2}),
    ("asgd-averaging", "ASGD", {"lr": 0.05, "t0": 100, "weight_decay": 1e-2}),
    ("rprop", "Rprop", {"lr": 1e-3}),
]

CASES = [Case(f"complex-{name}-{impl}", cls, {**options, **flags}, steps=STEPS, problem="complex") for name, cls, options in VARIANTS for impl, flags in IMPLS]
CASES += [
    Case("complex-lbfgs-strong-wolfe", "LBFGS", {"lr": 1, "line_search_fn": "strong_wolfe"}, closure=True, steps=30, problem="complex"),
]

if __name__ == "__main__":
    write_fixture("complex", CASES)
