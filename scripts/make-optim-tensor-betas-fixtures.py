"""Trajectories of Adam and AdamW with betas (and lr) given as float32 Tensors, which PyTorch 2.13 takes
on the single-tensor path (bias corrections in tensor arithmetic, beta1 cast to the param's dtype) and
the fused path (the kernel reads them as floats); foreach needs capturable (GPU only). For
test/optim-trajectories.test.ts; the case's tensorOptions name the options given as tensors.
Usage: .venv/bin/python scripts/make-optim-tensor-betas-fixtures.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optim_fixtures import Case, write_fixture  # noqa: E402

BETAS = ("betas",)
LR_BETAS = ("lr", "betas")
CASES = [
    Case("tensor-betas-adam", "Adam", {"lr": 0.01, "betas": (0.9, 0.999)}, tensors=BETAS),
    Case("tensor-betas-adam-lr", "Adam", {"lr": 0.01, "betas": (0.8, 0.99)}, tensors=LR_BETAS),
    Case("tensor-betas-adam-amsgrad-wd", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True, "weight_decay": 1e-2}, tensors=BETAS),
    Case("tensor-betas-adam-lr-decoupled-maximize", "Adam", {"lr": 0.005, "betas": (0.9, 0.999), "weight_decay": 0.05, "decoupled_weight_decay": True, "maximize": True}, tensors=LR_BETAS, steps=300),
    Case("tensor-betas-adam-fused", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "amsgrad": True, "fused": True}, tensors=BETAS),
    Case("tensor-betas-adamw", "AdamW", {"lr": 0.01, "betas": (0.9, 0.999)}, tensors=BETAS),
    Case("tensor-betas-adamw-lr-amsgrad", "AdamW", {"lr": 0.01, "betas": (0.85, 0.995), "amsgrad": True}, tensors=LR_BETAS),
    Case("tensor-betas-adamw-fused-lr", "AdamW", {"lr": 0.01, "betas": (0.9, 0.999), "fused": True}, tensors=LR_BETAS),
    Case("tensor-betas-adam-complex", "Adam", {"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 1e-2}, tensors=LR_BETAS, problem="complex", steps=300),
]

if __name__ == "__main__":
    write_fixture("tensor-betas", CASES)
