"""Differentiable optimizer steps (differentiable=True) with Python torch 2.13, for
test/optim-differentiable.test.ts (test/fixtures/optim/differentiable.json; not an optim-*.json, whose
cases are plain trajectories).

Each case: the float64 mlp problem of optim_fixtures.py; leaves w (requires_grad) and, for some cases,
hyperparameters given as float64 tensors that require grad; the optimized params are the non-leaf
clones p = w.clone(); each step sets p.grad = autograd.grad(loss(p), p, create_graph=True) and calls
opt.step(), so autograd records the updates. Recorded: the loss of each step, the params after the
last step, and the gradient of the final loss w.r.t. the leaves and the tensor hyperparameters (None
where Python's update takes the hyperparameter as a number). The loss reads clones of p, so the
in-place updates never touch a tensor its graph saved.
Usage: .venv/bin/python scripts/make-optim-diff-fixtures.py"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_fixtures as of  # noqa: E402
import torch  # noqa: E402

STEPS = 3
# One step where Python's own update saves a state tensor for backward that its next step changes in
# place (amsgrad's max, Adamax's exp_inf, Rprop's step_size, ...): a later backward raises "modified by
# an inplace operation" in Python as in torchnode (test/optim-differentiable.test.ts checks it).
ONE = 1
# (class, options, hyperparameters given as float64 tensors that require grad, steps)
CASES = [
    ("SGD", {"lr": 0.1}, {}, STEPS),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}, {}, STEPS),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, {}, STEPS),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.1, "maximize": True}, {}, STEPS),
    ("SGD", {}, {"lr": 0.1, "weight_decay": 0.01}, STEPS),
    ("SGD", {"momentum": 0.9}, {"lr": 0.1, "weight_decay": 0.01}, ONE),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "foreach": True}, {}, STEPS),
    ("Adam", {"lr": 0.01}, {}, STEPS),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}, {}, ONE),
    ("Adam", {"lr": 0.01, "maximize": True}, {}, STEPS),
    ("Adam", {}, {"lr": 0.01}, STEPS),
    ("Adam", {"lr": 0.01}, {"betas": (0.9, 0.999)}, STEPS),
    ("Adam", {"lr": 0.01}, {"weight_decay": 0.01}, STEPS),
    ("Adam", {"amsgrad": True}, {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.05}, ONE),
    ("Adam", {"decoupled_weight_decay": True}, {"lr": 0.01, "weight_decay": 0.05}, STEPS),
    ("AdamW", {"lr": 0.01}, {}, STEPS),
    ("AdamW", {"lr": 0.01, "amsgrad": True}, {}, ONE),
    ("AdamW", {}, {"lr": 0.01, "betas": (0.9, 0.999), "weight_decay": 0.01}, STEPS),
    ("Adamax", {"lr": 0.01}, {}, ONE),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.01, "maximize": True}, {}, ONE),
    ("Adagrad", {"lr": 0.1}, {}, STEPS),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}, {}, STEPS),
    ("Adadelta", {}, {}, STEPS),
    ("Adadelta", {"lr": 0.5, "weight_decay": 0.01, "maximize": True}, {}, STEPS),
    ("ASGD", {"lr": 0.05}, {}, STEPS),
    ("ASGD", {"lr": 0.05, "t0": 1, "weight_decay": 0.01}, {}, STEPS),
    ("NAdam", {"lr": 0.01}, {}, STEPS),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.01, "decoupled_weight_decay": True}, {}, STEPS),
    ("NAdam", {}, {"lr": 0.01}, ONE),
    ("RAdam", {"lr": 0.01}, {}, 8),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.01, "decoupled_weight_decay": True}, {}, 8),
    ("RAdam", {}, {"lr": 0.01}, 8),
    ("ASGD", {}, {"lr": 0.05}, STEPS),  # Python reads the Tensor lr as a number: no gradient reaches it
    ("RMSprop", {"lr": 0.01}, {}, STEPS),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.01}, {}, ONE),
    ("Rprop", {"lr": 0.01}, {}, ONE),
    ("Rprop", {"lr": 0.01, "etas": (0.4, 1.3), "maximize": True}, {}, ONE),
]


def hyper_tensors(hyper):
    """The tensor hyperparameters: name -> tensor or tuple of tensors (betas), each a float64 leaf that requires grad."""
    def leaf(v):
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)
    return {k: tuple(leaf(e) for e in v) if isinstance(v, tuple) else leaf(v) for k, v in hyper.items()}


def flat_hyper(tensors):
    return [t for v in tensors.values() for t in (v if isinstance(v, tuple) else (v,))]


def case_name(cls, options, hyper):
    parts = [cls.lower()] + [f"{k}={v}" for k, v in options.items()] + [f"tensor-{k}" for k in hyper]
    return " ".join(parts)


def run_case(cls, options, hyper, steps, problem):
    base, x, y = problem
    leaves = [b.clone().requires_grad_() for b in base]
    tensors = hyper_tensors(hyper)
    params = [w.clone() for w in leaves]
    opt = getattr(torch.optim, cls)(params, differentiable=True, **options, **tensors)
    losses = []
    for _ in range(steps):
        loss = of.loss_of("mlp", [p.clone() for p in params], x, y)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()
        losses.append(loss.item())
    final = of.loss_of("mlp", [p.clone() for p in params], x, y)
    inputs = leaves + flat_hyper(tensors)
    grads = torch.autograd.grad(final, inputs, allow_unused=True)
    return {
        "name": case_name(cls, options, hyper),
        "cls": cls,
        "options": {of.camel(k): list(v) if isinstance(v, tuple) else v for k, v in options.items()},
        "tensorOptions": {of.camel(k): list(v) if isinstance(v, tuple) else v for k, v in hyper.items()},
        "steps": steps,
        "losses": [of.mf.enc_float(v) for v in losses],
        "finalLoss": of.mf.enc_float(final.item()),
        "params": [of.mf.enc_tensor(p) for p in params],
        "leafGrads": [of.mf.enc_tensor(g) for g in grads[: len(leaves)]],
        "hyperGrads": [None if g is None else of.mf.enc_float(g.item()) for g in grads[len(leaves):]],
    }


def main():
    warnings.simplefilter("ignore")  # the non-leaf .grad access warning of every step
    problem = of.make_problem("mlp")
    out = [run_case(cls, options, hyper, steps, problem) for cls, options, hyper, steps in CASES]
    of.write_state_fixture("differentiable.json", problem, out)


if __name__ == "__main__":
    main()
