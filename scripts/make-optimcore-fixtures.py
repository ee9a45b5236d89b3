"""What Python torch 2.13's Optimizer base does, for test/optim-core.test.ts: repr, the state_dict
layout (ids, key order, snake_case group keys), and the error messages of bad input.
Usage: .venv/bin/python scripts/make-optimcore-fixtures.py"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_fixtures as of  # noqa: E402
import torch  # noqa: E402


def params():
    torch.manual_seed(0)
    return [torch.randn(3, 2, requires_grad=True), torch.randn(3, requires_grad=True), torch.randn(1, 3, requires_grad=True)]


def layout(sd):
    """The state dict without tensor values: key order, ids, group options."""
    return {
        "state": {str(k): {n: ("tensor", list(v.shape), str(v.dtype)[6:]) if isinstance(v, torch.Tensor) else v for n, v in s.items()} for k, s in sd["state"].items()},
        "param_groups": [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items()} for g in sd["param_groups"]],
    }


def step(opt, ps):
    opt.zero_grad()
    sum((p * p).sum() for p in ps).backward()
    opt.step()


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("no error")


out = {"meta": {"torch": torch.__version__}}
ps = params()
out["repr"] = {
    "sgd": repr(torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
    "sgd_groups": repr(torch.optim.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.01}], lr=0.1)),
}
ps = params()
opt = torch.optim.SGD([{"params": ps[:2], "weight_decay": 0.01}, {"params": ps[2:], "lr": 0.01}], lr=0.1, momentum=0.9)
step(opt, ps)
out["sgd_groups_state_dict"] = layout(opt.state_dict())
ps = params()
opt = torch.optim.SGD([("a", ps[0]), ("b", ps[1]), ("c", ps[2])], lr=0.1, momentum=0.5)
step(opt, ps)
out["sgd_named_state_dict"] = layout(opt.state_dict())
ps = params()
out["errors"] = {
    "negative_lr": error(lambda: torch.optim.SGD(ps, lr=-1)),
    "negative_momentum": error(lambda: torch.optim.SGD(ps, momentum=-0.5)),
    "negative_weight_decay": error(lambda: torch.optim.SGD(ps, weight_decay=-1)),
    "nesterov": error(lambda: torch.optim.SGD(ps, nesterov=True)),
    "empty": error(lambda: torch.optim.SGD([])),
    "tensor_params": error(lambda: torch.optim.SGD(ps[0])),
    "non_tensor": error(lambda: torch.optim.SGD([ps[0], 3])),
    "across_groups": error(lambda: torch.optim.SGD([{"params": ps[:2]}, {"params": ps[1:]}])),
    "non_leaf": error(lambda: torch.optim.SGD([ps[0] * 2])),
    "fused_foreach": error(lambda: torch.optim.SGD(ps, fused=True, foreach=True)),
    "set": error(lambda: torch.optim.SGD([{"params": set(ps)}])),
    "group_count": error(lambda: torch.optim.SGD(ps).load_state_dict(torch.optim.SGD([{"params": ps[:1]}, {"params": ps[1:]}]).state_dict())),
    "group_size": error(lambda: torch.optim.SGD(ps).load_state_dict(torch.optim.SGD(ps[:2]).state_dict())),
}
path = os.path.join(of.FIXTURES, "optimcore.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path)
