"""Trajectories of the Adam family with lr given as a float32 Tensor (torch.tensor(0.01)), where
PyTorch 2.13 computes the step sizes with tensor arithmetic: 100 float64 steps each, for
test/optim-adam.test.ts (test/fixtures/optim/adam-tensor-lr.json; not an optim-*.json, whose
options must be JSON).
Usage: .venv/bin/python scripts/make-optim-adam-tensor-lr-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_fixtures as of  # noqa: E402
import torch  # noqa: E402

LR = 0.01
CASES = [
    ("Adam", {}), ("Adam", {"fused": True}), ("Adam", {"amsgrad": True, "weight_decay": 1e-2}),
    ("Adam", {"decoupled_weight_decay": True, "weight_decay": 0.05}), ("AdamW", {}), ("AdamW", {"fused": True}),
    ("Adamax", {"weight_decay": 1e-2}), ("Adamax", {"foreach": True}),
    ("NAdam", {"decoupled_weight_decay": True, "weight_decay": 0.05}), ("NAdam", {"foreach": True, "decoupled_weight_decay": True, "weight_decay": 0.05}),
    ("RAdam", {"decoupled_weight_decay": True, "weight_decay": 0.05}), ("RAdam", {"foreach": True, "decoupled_weight_decay": True, "weight_decay": 0.05}),
]


def main():
    of.js_value = lambda v, _js=of.js_value: _js(v) if not isinstance(v, dict) else {k: e for k, e in _js({k: e for k, e in v.items() if k != "lr"}).items()}
    out = []
    for cls, options in CASES:
        name = "tensor-lr-" + cls.lower() + "".join(f"-{k}" for k in options)
        case = of.Case(name, cls, {"lr": torch.tensor(LR), **options}, steps=100)
        traj = of.trajectory(case)
        traj["lrTensor"] = LR
        out.append(traj)
    of.write_state_fixture("adam-tensor-lr.json", of.make_problem("mlp"), out)


if __name__ == "__main__":
    main()
