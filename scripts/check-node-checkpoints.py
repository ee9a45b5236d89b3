#!/usr/bin/env python3
"""Loads the checkpoints torchnode wrote (scripts/make-node-checkpoints.ts) into the same models defined
in Python (scripts/make-seed-fixtures.py: MLP, CNN with BatchNorm, Heads with a ModuleDict), with
torch.load(weights_only=True) and load_state_dict(strict=True), resumes a real optim.SGD from the full
checkpoint, and records what Python computes from Node's files in <dir>/python-outputs.json, which
test/checkpoint.test.ts compares with Node's own outputs.

Usage: .venv/bin/python scripts/check-node-checkpoints.py [test/fixtures/checkpoints/node]
Exits non-zero if a file does not load as PyTorch loads its own.
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("seed_fixtures", os.path.join(HERE, "make-seed-fixtures.py"))
sf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sf)  # pins the CPU kernels as the fixtures do; defines the models

import torch  # noqa: E402


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "test", "fixtures", "checkpoints", "node")
    inputs = sf.checkpoint_inputs()
    models = {"mlp": sf.MLP(), "cnn": sf.CNN(), "heads": sf.Heads()}
    checks = {}
    for name, m in models.items():
        sd = torch.load(os.path.join(folder, f"{name}_state_dict.pt"), weights_only=True)
        checks[f"{name}: keys in PyTorch's order"] = list(sd.keys()) == list(m.state_dict().keys())
        checks[f"{name}: load_state_dict(strict=True)"] = str(m.load_state_dict(sd)) == "<All keys matched successfully>"
        m.eval()
    outputs = sf.model_outputs(models, inputs)

    ckpt = torch.load(os.path.join(folder, "full_checkpoint.pt"), weights_only=True)
    cnn = sf.CNN()
    cnn.load_state_dict(ckpt["model"])
    cnn.eval()
    group = ckpt["optimizer"]["param_groups"][0]
    opt = torch.optim.SGD(cnn.parameters(), lr=group["lr"], momentum=group["momentum"], weight_decay=group["weight_decay"])
    opt.load_state_dict(ckpt["optimizer"])
    checks["optimizer: state keys are ints"] = sorted(ckpt["optimizer"]["state"]) == list(range(len(list(cnn.parameters()))))
    checks["optimizer: SGD resumes with every momentum buffer"] = all("momentum_buffer" in opt.state[p] for p in cnn.parameters())
    momentum_buffer_0 = opt.state[next(iter(cnn.parameters()))]["momentum_buffer"].clone()
    # One SGD step from the resumed state, with the gradient of the same loss Node used for the buffers.
    opt.zero_grad()
    cnn(inputs["cnn"]).sum().backward()
    opt.step()
    with torch.no_grad():
        after_step = cnn(inputs["cnn"])

    failed = [what for what, ok in checks.items() if not ok]
    result = {
        "torch": torch.__version__,
        "cpuModel": sf.cpu_model(),
        "outputs": {k: sf.mf.enc_tensor(v) for k, v in outputs.items()},
        "keys": {name: list(m.state_dict().keys()) for name, m in models.items()},
        "epoch": ckpt["epoch"], "epoch_type": type(ckpt["epoch"]).__name__, "metrics": ckpt["metrics"],
        "param_groups": ckpt["optimizer"]["param_groups"],
        "momentum_buffer_0": sf.mf.enc_tensor(momentum_buffer_0),
        "cnn_after_sgd_step": sf.mf.enc_tensor(after_step),
        "checks": checks,
    }
    with open(os.path.join(folder, "python-outputs.json"), "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"torch {torch.__version__}: {len(checks) - len(failed)} checks passed, {len(failed)} failed")
    for what in failed:
        print("  FAIL", what)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
