"""Fixtures for the grad-mode switches of torch.autograd (test/autograd-switches.test.ts): the strides of
an accumulated gradient with torch.autograd.enforce_grad_layout_policy on and off, from Python torch 2.13.
Run: .venv/bin/python scripts/make-autograd-switch-fixtures.py (writes test/fixtures/autograd-switches.json)."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import write_fixture  # noqa: E402


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
write_fixture("autograd-switches.json", out)
