"""Fixtures for torch.func's model-ensembling helpers and linearize (test/func-extras.test.ts), from Python
torch 2.13: stack_module_state over three seeded MLPs and the ensemble run as vmap over functional_call (the
functorch tutorial), replace_all_batch_norm_modules_ before the same with batch norm, linearize's output and
its jvp_fn, and the messages of their errors.
Run: .venv/bin/python scripts/make-func-extras-fixtures.py (writes test/fixtures/func-extras.json)."""
import copy
import os
import sys

import torch
from torch import nn
from torch.func import functional_call, linearize, replace_all_batch_norm_modules_, stack_module_state, vmap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, raised, write_fixture  # noqa: E402

dd = torch.float64


def mlp(batch_norm):
    layers = [nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2)] if batch_norm else [nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)]
    return nn.Sequential(*layers).to(dd)


def state(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


def error_of(fn):
    return str(raised(fn))


def ensemble(batch_norm):
    torch.manual_seed(0)
    models = [mlp(batch_norm) for _ in range(3)]
    x = torch.randn(5, 4, dtype=dd)
    states = [state(m) for m in models]
    if batch_norm:
        for m in models:
            replace_all_batch_norm_modules_(m)
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")

    def fmodel(p, b, x):
        return functional_call(base, (p, b), (x,))

    out = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
    out.sum().backward()
    return {
        "states": states, "x": enc(x),
        "params": {k: enc(v.detach()) for k, v in params.items()}, "params_require_grad": {k: v.requires_grad for k, v in params.items()},
        "params_are_leaves": all(v.is_leaf for v in params.values()),
        "buffers": {k: enc(v) for k, v in buffers.items()},
        "output": enc(out.detach()), "param_grads": {k: enc(v.grad) for k, v in params.items()},
        "state_dict_keys_after_replace": list(models[0].state_dict().keys()),
        "track_running_stats_after": [m.track_running_stats for m in models[0].modules() if isinstance(m, nn.BatchNorm1d)],
    }


def linearize_case():
    x = torch.tensor([0.5, -1.0, 2.0], dtype=dd)
    y = torch.tensor([1.5, 0.25, -0.75], dtype=dd)
    tx = torch.tensor([1.0, 2.0, -1.0], dtype=dd)
    ty = torch.tensor([0.5, -0.5, 3.0], dtype=dd)
    out, jvp_fn = linearize(lambda a, b: (a.sin() * b, (a * b).exp().sum()), x, y)
    t1 = jvp_fn(tx, ty)
    t2 = jvp_fn(ty, tx)
    return {
        "x": enc(x), "y": enc(y), "tx": enc(tx), "ty": enc(ty), "output": enc(out), "jvp": enc(t1), "jvp_swapped": enc(t2),
        "errors": {
            "shape": error_of(lambda: jvp_fn(torch.zeros(2, dtype=dd), ty)),
            "dtype": error_of(lambda: jvp_fn(tx.float(), ty)),
        },
    }


def stack_errors():
    a, b = mlp(False), mlp(False)
    b.eval()
    c = mlp(False)
    c[0].weight.requires_grad_(False)
    return {
        "empty": error_of(lambda: stack_module_state([])),
        "mode": error_of(lambda: stack_module_state([a, b])),
        "class": error_of(lambda: stack_module_state([a, nn.Linear(4, 8)])),
        "requires_grad": error_of(lambda: stack_module_state([a, c])),
    }


def main():
    out = {
        "torch": torch.__version__,
        "ensemble": ensemble(False),
        "ensemble_batch_norm": ensemble(True),
        "linearize": linearize_case(),
        "stack_errors": stack_errors(),
    }
    write_fixture("func-extras.json", out)


if __name__ == "__main__":
    main()
