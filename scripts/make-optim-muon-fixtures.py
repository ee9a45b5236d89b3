"""Trajectories of torch.optim.Muon (float64, the mlp's two weight matrices: Muon takes 2-D parameters only)
for test/optim-trajectories.test.ts. Usage: .venv/bin/python scripts/make-optim-muon-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optim_fixtures import Case, write_fixture  # noqa: E402

MATRICES = [{"params": [0, 2]}]   # w1 [8, 4] (tall) and w2 [1, 8] (wide): both branches of the transpose
CASES = [
    Case("muon", "Muon", {"lr": 0.02}, groups=MATRICES, steps=300),
    Case("muon-plain-momentum-wd", "Muon", {"lr": 0.01, "momentum": 0.9, "nesterov": False, "weight_decay": 0.01}, groups=MATRICES, steps=300),
    Case("muon-adamw-scaled-ns", "Muon", {"lr": 0.005, "adjust_lr_fn": "match_rms_adamw", "ns_steps": 3, "ns_coefficients": (3.0, -3.2, 1.2), "eps": 1e-6},
         groups=MATRICES, steps=300),
    Case("muon-tensor-lr", "Muon", {"lr": 0.02, "weight_decay": 0.05}, groups=MATRICES, steps=300, tensors=["lr"]),
    Case("muon-groups", "Muon", {"lr": 0.02}, groups=[{"params": [0]}, {"params": [2], "lr": 0.01, "adjust_lr_fn": "original"}], steps=300),
]

if __name__ == "__main__":
    write_fixture("muon", CASES)
