"""What Python torch 2.13's Optimizer base does, for test/optim-core.test.ts: repr, the state_dict
layout (ids, key order, snake_case group keys), and the error messages of bad input.
Usage: .venv/bin/python scripts/make-optimcore-fixtures.py"""
import inspect
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


# Loading older or unusual state dicts, groups Python accepts, repr and hooks (new keys appended after
# the ones above, so their output stays as it was).
def vals(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def numeric_step(name, opts):
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o = getattr(torch.optim, name)([p], **opts)
    p.grad = torch.tensor([0.5, -1.0])
    o.step()
    sd = o.state_dict()
    s = sd["state"][0]
    for k in list(s):
        if k in ("step", "eta", "mu", "mu_product"):
            s[k] = float(s[k].item()) + 2
    o.load_state_dict(sd)
    p.grad = torch.tensor([0.3, -0.2])
    o.step()
    st = o.state[p]
    return {"param": vals(p), "state": {k: [float(v.item()), str(v.dtype)[6:]] for k, v in st.items() if k in ("step", "eta", "mu", "mu_product")}}


NUMERIC = {"Adagrad": dict(lr=0.1, lr_decay=0.5), "Adadelta": {}, "RMSprop": dict(lr=0.01), "Rprop": {}, "ASGD": dict(lr=0.1, t0=0), "NAdam": {}}
OLD_GROUP_KEYS = {
    "SGD": ["nesterov", "maximize", "foreach", "differentiable", "fused"],
    "Adagrad": ["foreach", "maximize", "differentiable", "fused"],
    "Adadelta": ["foreach", "maximize", "differentiable", "capturable"],
    "RMSprop": ["momentum", "centered", "foreach", "maximize", "differentiable", "capturable"],
    "Rprop": ["foreach", "maximize", "differentiable", "capturable"],
    "ASGD": ["foreach", "maximize", "differentiable", "capturable"],
    "Adafactor": ["foreach"],
}


def old_groups(name, keys):
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o = getattr(torch.optim, name)([p], lr=0.1)
    sd = o.state_dict()
    for k in keys:
        del sd["param_groups"][0][k]
    o.load_state_dict(sd)
    p.grad = torch.tensor([0.5, -1.0])
    o.step()
    return {"deleted": keys, "param": vals(p), "group_keys": list(o.state_dict()["param_groups"][0])}


def empty_groups():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o = torch.optim.SGD([{"params": []}, {"params": [p]}], lr=0.1, momentum=0.9)
    p.grad = torch.tensor([0.5, -1.0])
    o.step()
    sd = o.state_dict()
    q = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o2 = torch.optim.SGD([{"params": []}, {"params": [q]}], lr=0.1, momentum=0.9)
    o2.load_state_dict(sd)
    q.grad = torch.tensor([0.5, -1.0])
    o2.step()
    o3 = torch.optim.SGD([p], lr=0.1)
    o3.add_param_group({"params": []})
    return {"repr": repr(o), "state_dict": layout(sd), "loaded_param": vals(q), "add_empty_groups": len(o3.param_groups), "add_empty_repr": repr(o3)}


def lbfgs_cast():
    def run(dt):
        a = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5], dtype=dt))
        o = torch.optim.LBFGS([a], lr=0.5, max_iter=3, history_size=3)

        def closure():
            o.zero_grad()
            loss = ((a - 1) ** 4).sum() + (a**2).sum()
            loss.backward()
            return loss

        return a, o, closure

    a64, o64, c64 = run(torch.float64)
    o64.step(c64)
    a32, o32, c32 = run(torch.float32)
    with torch.no_grad():
        a32.copy_(a64)
    o32.load_state_dict(o64.state_dict())
    st = o32.state[a32]
    dtypes = {k: str(v[0].dtype)[6:] for k, v in st.items() if isinstance(v, list) and v and torch.is_tensor(v[0])}
    o32.step(c32)
    return {"param": vals(a32), "list_dtypes": dtypes}


def tensor_lr_copy():
    p, q = torch.nn.Parameter(torch.tensor([1.0, 2.0])), torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o1 = torch.optim.Adam([p], lr=torch.tensor(0.1), betas=(torch.tensor(0.9), torch.tensor(0.999)))
    o2 = torch.optim.Adam([q], lr=torch.tensor(0.1), betas=(torch.tensor(0.9), torch.tensor(0.999)))
    o2.load_state_dict(o1.state_dict())
    o1.param_groups[0]["lr"].fill_(0.5)
    o1.param_groups[0]["betas"][0].fill_(0.5)
    g2 = o2.param_groups[0]
    return {"lr": g2["lr"].item(), "beta0": g2["betas"][0].item(), "same_lr": o1.param_groups[0]["lr"] is g2["lr"], "same_beta": o1.param_groups[0]["betas"][0] is g2["betas"][0]}


def groups_accepted():
    p, q = torch.nn.Parameter(torch.tensor([1.0, 2.0])), torch.nn.Parameter(torch.tensor([3.0]))
    o = torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    o.add_param_group({"params": [q], "momentum": 0})
    o2 = torch.optim.SGD([{"params": [p], "lr": -1}], lr=0.1)
    p.grad = torch.tensor([1.0, 1.0])
    o2.step()
    o3 = torch.optim.Adam([p], lr=0.1)
    o3.add_param_group({"params": [q], "lr": -2, "betas": (2.0, 0.5), "eps": -1})
    o4 = torch.optim.Rprop([{"params": [q], "etas": (2.0, 0.5)}], lr=0.1)
    o5 = torch.optim.Adadelta([{"params": [q], "rho": 2.0}])
    return {"nesterov_groups": len(o.param_groups), "negative_lr_param": vals(p), "adam_lr": o3.param_groups[1]["lr"], "rprop_etas": list(o4.param_groups[0]["etas"]), "adadelta_rho": o5.param_groups[0]["rho"]}


def orphan_state():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = torch.tensor([0.5, -1.0])
    o.step()
    sd = o.state_dict()
    sd["state"][7] = {"momentum_buffer": torch.tensor([3.0]), "note": "x"}
    o.load_state_dict(sd)
    return layout(o.state_dict())


def custom_key():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o = torch.optim.SGD([{"params": [p], "my_key": 1}], lr=0.1)
    o.load_state_dict(o.state_dict())
    return {"keys": list(o.param_groups[0]), "repr": repr(o)}


def bad_pre_hook():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    o = torch.optim.SGD([p], lr=0.1)
    o.register_step_pre_hook(lambda opt, args, kwargs: 5)
    e = error(o.step)
    e["message"] = e["message"][e["message"].index(">") + 2:]  # drop "<function <lambda> at 0x...>"
    return e


ps = params()
out["loading"] = {
    "numeric_step": {name: numeric_step(name, opts) for name, opts in NUMERIC.items()},
    "old_groups": {name: old_groups(name, keys) for name, keys in OLD_GROUP_KEYS.items()},
    "empty_groups": empty_groups(),
    "lbfgs_cast": lbfgs_cast(),
    "tensor_lr_copy": tensor_lr_copy(),
    "groups_accepted": groups_accepted(),
    "orphan_state": orphan_state(),
    "custom_key": custom_key(),
    "bad_pre_hook": bad_pre_hook(),
    "repr_tensor_lr": repr(torch.optim.Adam(ps, lr=torch.tensor(0.01), betas=(torch.tensor(0.9), torch.tensor(0.999)))),
    "repr_tensor_lr_1d": repr(torch.optim.SGD(ps, lr=torch.tensor([0.01]))),
}

# Each optimizer built with every positional argument after params (non-default values), as in `SGD(model.parameters(), 0.1)`
POSITIONAL = {
    "SGD": [0.1, 0.9, 0.0, 0.01, True], "Adam": [0.01, [0.8, 0.9], 1e-6, 0.1, True], "AdamW": [0.01, [0.8, 0.9], 1e-6, 0.1, True],
    "Adamax": [0.01, [0.8, 0.9], 1e-6, 0.1, False], "NAdam": [0.01, [0.8, 0.9], 1e-6, 0.1, 0.005, True],
    "RAdam": [0.01, [0.8, 0.9], 1e-6, 0.1, True], "Adagrad": [0.1, 0.01, 0.1, 0.5, 1e-8, False], "Adadelta": [0.5, 0.8, 1e-5, 0.1, False],
    "RMSprop": [0.1, 0.9, 1e-6, 0.1, 0.5, True, False, False, True, False], "Rprop": [0.1, [0.4, 1.1], [1e-5, 40]],
    "ASGD": [0.1, 1e-3, 0.5, 100.0, 0.1, False, True, False, False], "LBFGS": [0.5, 10, 12, 1e-6, 1e-8, 50, "strong_wolfe"],
    "SparseAdam": [0.01, [0.8, 0.9], 1e-6, True], "Adafactor": [0.1, -0.7, [None, 1e-2], 2.0, 0.1],
    "Muon": [0.01, 0.05, 0.9, False, [3.0, -4.0, 2.0], 1e-6, 3, None],
}


def positional(name, args):
    ps = [torch.randn(3, 2, requires_grad=True)]
    cls = getattr(torch.optim, name)
    names = [p.name for p in inspect.signature(cls.__init__).parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD][2:]
    assert len(names) == len(args), name
    too_many = error(lambda: cls(ps, *args, 1))
    twice = error(lambda: cls(ps, args[0], lr=args[0]))
    return {"args": args, "names": names, "state_dict": layout(cls(ps, *args).state_dict()), "too_many": too_many, "twice": twice}


out["positional"] = {name: positional(name, args) for name, args in POSITIONAL.items()}

path = os.path.join(of.FIXTURES, "optimcore.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path)
