"""Fixtures for torch.optim.swap_in_optimizer_params_and_state (test/optim-swap.test.ts), from Python torch 2.13.
Each case steps a live optimizer, then steps it again inside the context with swapped-in parameters (with
their own grads) and a copied, edited state dict; it records what the step did to the swapped-in tensors
and what the live optimizer is left with. The error cases record Python's message for each malformed input.
Run: .venv/bin/python scripts/make-swap-in-optimizer-fixtures.py (writes test/fixtures/swap-in-optimizer.json)."""
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_fixtures  # noqa: E402,F401 - pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads
import torch  # noqa: E402
from pyvalues import enc, raised, write_fixture  # noqa: E402
from torch.optim import swap_in_optimizer_params_and_state  # noqa: E402

dd = torch.float64


def seeded(seed, *shape):
    return torch.randn(*shape, dtype=dd, generator=torch.Generator().manual_seed(seed))


def named_params():
    return {"w": seeded(1, 3, 2).requires_grad_(), "b": seeded(2, 3).requires_grad_()}


def enc_osd(osd):
    """An optimizer state dict as JSON: integer ids become string keys (JS object keys)."""
    return {
        "state": {str(k): {key: enc(v) for key, v in s.items()} for k, s in osd["state"].items()},
        "param_groups": [{key: enc(v) for key, v in g.items()} for g in osd["param_groups"]],
    }


# name: (optimizer class, options, groups as lists of parameter names, per-group options, edit of the copied state dict)
CASES = {
    "adam-two-groups": ("Adam", {"lr": 0.01}, [["w"], ["b"]], [{}, {"lr": 0.1}], "scale"),
    "adamw-amsgrad": ("AdamW", {"lr": 0.02, "amsgrad": True, "weight_decay": 0.1}, [["w", "b"]], [{}], "scale"),
    "sgd-momentum-missing-state": ("SGD", {"lr": 0.05, "momentum": 0.9}, [["w", "b"]], [{}], "drop1"),
}


def make_case(cls_name, options, groups, group_options, edit):
    params = named_params()
    groups_in = [{"params": [params[n] for n in names], **extra} for names, extra in zip(groups, group_options)]
    opt = getattr(torch.optim, cls_name)(groups_in, **options)
    live_grads = {n: seeded(10 + i, *p.shape) for i, (n, p) in enumerate(params.items())}
    for _ in range(3):
        for n, p in params.items():
            p.grad = live_grads[n].clone()
        opt.step()
    live_before = {n: p.detach().clone() for n, p in params.items()}
    state_before = copy.deepcopy(opt.state_dict())

    # The swapped-in side: other parameter values with other grads, and a copied state dict with another lr.
    swap_params = {n: (p.detach() + 1).requires_grad_() for n, p in params.items()}
    for i, (n, p) in enumerate(swap_params.items()):
        p.grad = seeded(20 + i, *p.shape)
    osd = copy.deepcopy(opt.state_dict())
    osd["param_groups"][0]["lr"] = 0.5
    if edit == "scale":
        for s in osd["state"].values():
            for key, v in s.items():
                if key != "step" and isinstance(v, torch.Tensor):
                    v.mul_(0.5)
    elif edit == "drop1":
        del osd["state"][1]
    osd_in = enc_osd(osd)
    swap_in = {n: enc(p.detach()) for n, p in swap_params.items()}
    swap_grads = {n: enc(p.grad) for n, p in swap_params.items()}

    with swap_in_optimizer_params_and_state(opt, swap_params, osd):
        lr_inside = [g["lr"] for g in opt.param_groups]
        params_are_swapped = all(a is b for a, b in zip([p for g in opt.param_groups for p in g["params"]], swap_params.values()))
        opt.step()
        opt.step()
        state_keys_inside = [sorted(opt.state[p].keys()) for p in swap_params.values()]

    assert all(torch.equal(p, live_before[n]) for n, p in params.items())
    return {
        "optimizer": cls_name, "options": {k: enc(v) for k, v in options.items()}, "groups": groups,
        "group_options": [{k: enc(v) for k, v in g.items()} for g in group_options],
        "live_grads": {n: enc(g) for n, g in live_grads.items()}, "live_params": {n: enc(p) for n, p in live_before.items()},
        "swap_params": swap_in, "swap_grads": swap_grads, "osd": osd_in,
        "lr_inside": lr_inside, "params_are_swapped": params_are_swapped, "state_keys_inside": state_keys_inside,
        "swap_params_after": {n: enc(p.detach()) for n, p in swap_params.items()},
        "osd_after": enc_osd(osd),
        "live_lr_after": [g["lr"] for g in opt.param_groups],
        "live_state_after": enc_osd(opt.state_dict()),
        "live_state_unchanged": all(
            torch.equal(a, b) if isinstance(a, torch.Tensor) else a == b
            for i in state_before["state"] for a, b in zip(state_before["state"][i].values(), opt.state_dict()["state"][i].values())
        ),
    }


def error_message(fn):
    e = raised(fn)
    return {"type": type(e).__name__, "message": str(e)}


def error_cases():
    """name -> Python's error; test/optim-swap.test.ts builds the same malformed input by name."""
    params = named_params()
    opt = torch.optim.Adam([params["w"], params["b"]], lr=0.01)
    for p in params.values():
        p.grad = torch.ones_like(p)

    def swap(swap_params, osd):
        with swap_in_optimizer_params_and_state(opt, swap_params, osd):
            pass

    def edited(edit):
        osd = copy.deepcopy(opt.state_dict())
        edit(osd)
        return osd

    out = {"uninitialized": error_message(lambda: swap(params, copy.deepcopy(opt.state_dict())))}
    opt.step()
    out.update({
        "not-a-dict": error_message(lambda: swap(params, [1, 2])),
        "state-not-a-dict": error_message(lambda: swap(params, edited(lambda o: o.__setitem__("state", [])))),
        "state-entry-not-a-dict": error_message(lambda: swap(params, edited(lambda o: o["state"].__setitem__(0, 3)))),
        "param-groups-not-a-list": error_message(lambda: swap(params, edited(lambda o: o.__setitem__("param_groups", {})))),
        "group-count": error_message(lambda: swap(params, edited(lambda o: o["param_groups"].append(dict(o["param_groups"][0]))))),
        "group-not-a-dict": error_message(lambda: swap(params, edited(lambda o: o["param_groups"].__setitem__(0, 5)))),
        "params-not-ids": error_message(lambda: swap(params, edited(lambda o: o["param_groups"][0].__setitem__("params", ["w", "b"])))),
        "param-count": error_message(lambda: swap(params, edited(lambda o: o["param_groups"][0].__setitem__("params", [0])))),
        "group-keys": error_message(lambda: swap(params, edited(lambda o: (o["param_groups"][0].pop("eps"), o["param_groups"][0].__setitem__("foo", 1))))),
        "too-few-parameters": error_message(lambda: swap({"w": params["w"]}, copy.deepcopy(opt.state_dict()))),
        "extra-state-keys": error_message(lambda: swap(params, edited(lambda o: o["state"].__setitem__(7, {})))),
    })
    return out


def main():
    out = {
        "torch": torch.__version__,
        "cases": {name: make_case(*spec) for name, spec in CASES.items()},
        "errors": error_cases(),
    }
    write_fixture("swap-in-optimizer.json", out)


if __name__ == "__main__":
    main()
