"""Shared harness of the optimizer fixture scripts (scripts/make-optim-*-fixtures.py): runs each case's
optimizer for `steps` steps on one seeded float64 problem with Python torch 2.13, records the loss of
every step and the parameters at a few steps, and saves the optimizer's state_dict at the half-way
step (test/fixtures/optim/<name>.pt) for the Python -> Node resume test. test/optim-trajectories.test.ts
replays every case through torchnode and compares bit-exact; scripts/check-node-optim.py resumes
Node's half-way state dicts in Python."""
import importlib.util
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "test", "fixtures")
STATE_DIR = os.path.join(FIXTURES, "optim")
PARAM_NAMES = ["w1", "b1", "w2", "b2"]
LOSS_EVERY = 10


def camel(name):
    """The project's camelCase rule for option names (weight_decay -> weightDecay, T_0 -> t0)."""
    name = re.sub(r"^([A-Z])(?=_|$)", lambda m: m.group(1).lower(), name)
    return re.sub(r"_([a-zA-Z0-9])", lambda m: m.group(1).upper(), name)


def js_value(v):
    if isinstance(v, tuple):
        return [js_value(e) for e in v]
    if isinstance(v, list):
        return [js_value(e) for e in v]
    if isinstance(v, dict):
        return {camel(k): js_value(e) for k, e in v.items()}
    return v


class Case:
    """One trajectory: optimizer class `cls` (the same name in torch.optim and torchnode's optim) with
    Python keyword `options`; `groups`: parameter groups as [{"params": [indices into w1, b1, w2, b2],
    **options}]; `frozen`: parameter names that never get a grad; `closure`: step(closure) (LBFGS);
    `problem`: 'mlp' (dense), 'complex' (the mlp with complex128 parameters) or 'embedding' (sparse grads,
    for SparseAdam); `tensors`: option keys whose numbers are given as float32 tensors (lr=torch.tensor(0.01),
    betas=(torch.tensor(0.9), torch.tensor(0.999)))."""

    def __init__(self, name, cls, options=None, groups=None, frozen=(), closure=False, steps=1000, problem="mlp", tol=None, tensors=()):
        self.name, self.cls, self.options = name, cls, dict(options or {})
        self.groups, self.frozen, self.closure, self.steps, self.problem, self.tol = groups, list(frozen), closure, steps, problem, tol
        self.tensors = list(tensors)


def as_tensor_option(v):
    return tuple(torch.tensor(e) for e in v) if isinstance(v, (tuple, list)) else torch.tensor(v)


def enc_param(t):
    """A tensor for the JSON: a complex one as its real view's values, with its own dtype and shape."""
    if t.is_complex():
        return {**mf.enc_tensor(torch.view_as_real(t.detach())), "dtype": str(t.dtype)[len("torch."):], "shape": list(t.shape)}
    return mf.enc_tensor(t)


def make_problem(kind):
    g = torch.Generator().manual_seed(20261130)
    if kind == "embedding":
        params = [torch.randn(10, 3, generator=g, dtype=torch.float64) * 0.5]
        x = torch.randint(0, 10, (16,), generator=g)
        y = torch.randn(16, 3, generator=g, dtype=torch.float64)
        return params, x, y
    params = [torch.randn(8, 4, generator=g, dtype=torch.float64) * 0.5, torch.randn(8, generator=g, dtype=torch.float64) * 0.1,
              torch.randn(1, 8, generator=g, dtype=torch.float64) * 0.5, torch.randn(1, generator=g, dtype=torch.float64) * 0.1]
    if kind == "complex":
        def crandn(*shape):
            return torch.complex(torch.randn(*shape, generator=g, dtype=torch.float64), torch.randn(*shape, generator=g, dtype=torch.float64))
        params = [crandn(8, 4) * 0.5, crandn(8) * 0.1, crandn(1, 8) * 0.5, crandn(1) * 0.1]
        x = crandn(32, 4) * 0.5
        return params, x, torch.sin(x.sum(1, keepdim=True))
    x = torch.randn(32, 4, generator=g, dtype=torch.float64)
    y = torch.sin(x.sum(1, keepdim=True))
    return params, x, y


def loss_of(kind, params, x, y):
    # test/optim-trajectories.test.ts computes the same ops in the same order
    if kind == "embedding":
        out = torch.nn.functional.embedding(x, params[0], sparse=True)
        return (out - y).pow(2).mean()
    h = torch.tanh(x.matmul(params[0].t()).add(params[1]))
    out = h.matmul(params[2].t()).add(params[3])
    if kind == "complex":
        return torch.view_as_real(out.sub(y)).pow(2).mean()
    return out.sub(y).pow(2).mean()


def build(case, params):
    cls = getattr(torch.optim, case.cls)
    options = {k: as_tensor_option(v) if k in case.tensors else v for k, v in case.options.items()}
    if case.groups is None:
        return cls(params, **options)
    groups = [{**{k: v for k, v in g.items() if k != "params"}, "params": [params[i] for i in g["params"]]} for g in case.groups]
    return cls(groups, **options)


def run(case, params, x, y, opt, start, stop, losses):
    for _ in range(start, stop):
        def closure():
            opt.zero_grad()
            loss = loss_of(case.problem, params, x, y)
            loss.backward()
            return loss
        if case.closure:
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        losses.append(mf.enc_float(float(loss)))


def record_steps(steps):
    return sorted({1, 2, 3, 10, 100, steps // 2, steps} & set(range(1, steps + 1)))


def trajectory(case):
    init, x, y = make_problem(case.problem)
    params = [p.clone().requires_grad_(i not in [PARAM_NAMES.index(n) for n in case.frozen]) for i, p in enumerate(init)]
    opt = build(case, params)
    losses, snapshots = [], {}
    for stop in record_steps(case.steps):
        run(case, params, x, y, opt, len(losses), stop, losses)
        snapshots[str(stop)] = [enc_param(p) for p in params]
        if stop == case.steps // 2:
            os.makedirs(STATE_DIR, exist_ok=True)
            torch.save(opt.state_dict(), os.path.join(STATE_DIR, f"{case.name}.pt"))
    out = {
        "name": case.name, "cls": case.cls, "options": js_value(case.options), "steps": case.steps, "problem": case.problem,
        "closure": case.closure, "frozen": case.frozen, "snapshots": snapshots,
        # the loss of steps 1-10, then of every 10th step (LOSS_EVERY): enough to show where a run departs
        "losses": [v for i, v in enumerate(losses) if i < 10 or (i + 1) % LOSS_EVERY == 0],
    }
    if case.groups is not None:
        out["groups"] = js_value(case.groups)
    if case.tol is not None:
        out["tol"] = case.tol
    if case.tensors:
        out["tensorOptions"] = [camel(k) for k in case.tensors]
    return out


def write_fixture(family, cases):
    """Writes test/fixtures/optim-<family>.json with the problem's data and every case's trajectory."""
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    problems = {}
    for kind in sorted({c.problem for c in cases}):
        params, x, y = make_problem(kind)
        problems[kind] = {"params": [enc_param(p) for p in params], "x": enc_param(x), "y": enc_param(y)}
    data = {"meta": {"torch": torch.__version__, "threads": 1}, "problems": problems, "cases": [trajectory(c) for c in cases]}
    path = os.path.join(FIXTURES, f"optim-{family}.json")
    mf.write_json(path, data)
    print(f"wrote {path}: {len(cases)} cases")


def write_state_fixture(filename, problem, cases):
    """Writes test/fixtures/optim/<filename>: one problem's data (params, x, y) and the given case records."""
    params, x, y = problem
    data = {"meta": {"torch": torch.__version__}, "problem": {"params": [mf.enc_tensor(p) for p in params], "x": mf.enc_tensor(x), "y": mf.enc_tensor(y)}, "cases": cases}
    path = os.path.join(STATE_DIR, filename)
    mf.write_json(path, data)
    print(f"wrote {path}: {len(cases)} cases")
