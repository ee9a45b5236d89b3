"""Fixtures for the grad-mode switches of torch.autograd (test/autograd-switches.test.ts): the strides of
an accumulated gradient with torch.autograd.enforce_grad_layout_policy on and off, from Python torch 2.13.
Run: .venv/bin/python scripts/make-autograd-switch-fixtures.py (writes test/fixtures/autograd-switches.json)."""
import json
import os

import torch


def grad_strides(enable, backward_of):
    """The grad's strides for a [4, 3] parameter with strides (1, 4) (a transposed [3, 4] tensor)."""
    p = torch.arange(12.0).reshape(3, 4).t().requires_grad_()
    with torch.autograd.enforce_grad_layout_policy(enable):
        for _ in range(2):   # the second backward accumulates into the first grad
            backward_of(p).sum().backward()
    return {"strides": list(p.grad.stride()), "contiguous": p.grad.is_contiguous(), "values": p.grad.tolist()}


CASES = {   # name -> the loss each backward takes; the test has the same by name
    "contiguous_times_two": lambda p: p.contiguous() * 2,
    "times_two": lambda p: p * 2,
}

out = {
    "torch": torch.__version__,
    "cases": {name: {"enforced": grad_strides(True, f), "not_enforced": grad_strides(False, f)} for name, f in CASES.items()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "autograd-switches.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {path}")
