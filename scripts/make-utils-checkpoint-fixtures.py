"""Fixtures for torch.utils.checkpoint (test/utils-checkpoint.test.ts), from Python torch 2.13.
Each run builds a float64 model from the recorded state dict, seeds the RNG, runs it plainly, under
checkpoint (reentrant or not, RNG state preserved or not) or under checkpoint_sequential, backpropagates
(twice with retain_graph where asked) and records the output, the gradients of the input and parameters
and the next numbers of the RNG stream. Functions with several inputs and outputs, nested checkpoints and
autograd.grad follow; then Python's warnings and error messages. The test replays every run by name.
Run: .venv/bin/python scripts/make-utils-checkpoint-fixtures.py (writes test/fixtures/utils-checkpoint.json)."""
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_fixtures  # noqa: E402,F401 - pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils import checkpoint as cp  # noqa: E402
from pyvalues import enc, raised, write_fixture  # noqa: E402

dd = torch.float64
SEED = 123


def build(name):
    torch.manual_seed(0)
    if name == "mlp":
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, 3)).double()
    if name == "dropout":
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 3)).double()
    raise ValueError(name)


X = torch.randn(5, 4, dtype=dd, generator=torch.Generator().manual_seed(7))

# name: (model, how, use_reentrant, preserve_rng_state, backward twice)
RUNS = {
    "mlp-plain": ("mlp", "plain", None, True, False),
    "mlp-reentrant": ("mlp", "checkpoint", True, True, False),
    "mlp-non-reentrant": ("mlp", "checkpoint", False, True, False),
    "mlp-reentrant-twice": ("mlp", "checkpoint", True, True, True),
    "mlp-non-reentrant-twice": ("mlp", "checkpoint", False, True, True),
    "dropout-plain": ("dropout", "plain", None, True, False),
    "dropout-reentrant": ("dropout", "checkpoint", True, True, False),
    "dropout-non-reentrant": ("dropout", "checkpoint", False, True, False),
    "dropout-reentrant-no-preserve": ("dropout", "checkpoint", True, False, False),
    "dropout-non-reentrant-no-preserve": ("dropout", "checkpoint", False, False, False),
    "dropout-non-reentrant-twice": ("dropout", "checkpoint", False, True, True),
    "dropout-sequential-reentrant": ("dropout", "sequential", True, True, False),
    "dropout-sequential-non-reentrant": ("dropout", "sequential", False, True, False),
}


def run(model_name, how, use_reentrant, preserve, twice):
    model = build(model_name)
    x = X.clone().requires_grad_()
    torch.manual_seed(SEED)
    if how == "plain":
        out = model(x)
    elif how == "checkpoint":
        out = cp.checkpoint(model, x, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    else:
        out = cp.checkpoint_sequential(model, 2, x, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    loss = out.pow(2).sum()
    loss.backward(retain_graph=twice)
    if twice:
        loss.backward()
    return {
        "output": enc(out.detach()),
        "grads": {"x": enc(x.grad), **{k: enc(p.grad) for k, p in model.named_parameters()}},
        "next_rand": enc(torch.rand(4, dtype=dd)),
    }


def multi(a, b, s):
    return (a.sin() * b).mul(s).tanh(), (a * a).exp()


def multi_runs():
    """fn(a, b, s) -> [o1, o2] with b not requiring grad and s a number; the loss uses both outputs or only the first."""
    a0 = torch.randn(3, 2, dtype=dd, generator=torch.Generator().manual_seed(3))
    b0 = torch.randn(3, 2, dtype=dd, generator=torch.Generator().manual_seed(4))
    out = {"a": enc(a0), "b": enc(b0), "s": 0.75, "runs": {}}
    for mode in ("plain", "reentrant", "non-reentrant"):
        for use in ("both", "first"):
            a = a0.clone().requires_grad_()
            if mode == "plain":
                o1, o2 = multi(a, b0, 0.75)
            else:
                o1, o2 = cp.checkpoint(multi, a, b0, 0.75, use_reentrant=mode == "reentrant")
            loss = o1.sum() + o2.mean() if use == "both" else o1.sum()
            loss.backward()
            out["runs"][f"{mode}-{use}"] = {"o1": enc(o1.detach()), "o2": enc(o2.detach()), "grad": enc(a.grad)}
    return out


def nested_and_grad():
    """Nested non-reentrant checkpoints, and torch.autograd.grad through a non-reentrant checkpoint."""
    a0 = torch.randn(4, dtype=dd, generator=torch.Generator().manual_seed(5))

    def inner(t):
        return t.exp().sin()

    def outer(t, ck):
        h = cp.checkpoint(inner, t.cos(), use_reentrant=False) if ck else inner(t.cos())
        return (h * t).tanh()

    res = {"a": enc(a0)}
    for ck in (False, True):
        a = a0.clone().requires_grad_()
        y = cp.checkpoint(outer, a, ck, use_reentrant=False) if ck else outer(a, False)
        y.sum().backward()
        res["nested" if ck else "plain"] = enc(a.grad)
        a = a0.clone().requires_grad_()
        y = cp.checkpoint(outer, a, False, use_reentrant=False) if ck else outer(a, False)
        (g,) = torch.autograd.grad(y.pow(2).sum(), [a])
        res["grad-checkpointed" if ck else "grad-plain"] = enc(g)
    # Who runs when: the outer checkpoint saves the inner one's inputs through its own hooks, so backward
    # recomputes the outer function, which recomputes the inner forward, and then the inner one's backward
    # recomputes the inner function again; an outer saved-tensors hook sees only the outer input.
    calls = {"outer": 0, "inner": 0}

    def counted_inner(t):
        calls["inner"] += 1
        return t.exp().sin()

    def counted_outer(t):
        calls["outer"] += 1
        return cp.checkpoint(counted_inner, t.cos(), use_reentrant=False).tanh()

    a = a0.clone().requires_grad_()
    packs = [0]
    with torch.autograd.graph.saved_tensors_hooks(lambda t: (packs.__setitem__(0, packs[0] + 1), t)[1], lambda t: t):
        y = cp.checkpoint(counted_outer, a, use_reentrant=False).sum()
    res["calls_after_forward"] = dict(calls)
    res["outer_hook_packs"] = packs[0]
    y.backward()
    res["calls_after_backward"] = dict(calls)
    res["counted_grad"] = enc(a.grad)
    return res


def pack_counts():
    """How many saved tensors an outer saved_tensors_hooks sees for sin().cos().exp() (3 plainly)."""
    x = torch.randn(3, dtype=dd, requires_grad=True)

    def fn(a):
        return a.sin().cos().exp()

    out = {}
    for name, call in (("plain", lambda: fn(x)), ("reentrant", lambda: cp.checkpoint(fn, x, use_reentrant=True)),
                       ("non-reentrant", lambda: cp.checkpoint(fn, x, use_reentrant=False))):
        n = [0]

        def pack(t):
            n[0] += 1
            return t

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            call()
        out[name] = n[0]
    return out


def warning_messages():
    def caught(fn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn()
        return [{"category": m.category.__name__, "message": str(m.message)} for m in w]

    x = torch.randn(3, dtype=dd, requires_grad=True)
    model = build("mlp")
    xm = X.clone().requires_grad_()
    return {
        "checkpoint-use-reentrant": caught(lambda: cp.checkpoint(torch.sin, x)),
        "sequential-use-reentrant": caught(lambda: cp.checkpoint_sequential(model, 2, xm)),
        "no-input-requires-grad-reentrant": caught(lambda: cp.checkpoint(torch.sin, x.detach(), use_reentrant=True)),
        "no-input-requires-grad-non-reentrant": caught(lambda: cp.checkpoint(torch.sin, x.detach(), use_reentrant=False)),
    }


def error_message(fn):
    e = raised(fn)
    return {"type": type(e).__name__, "message": str(e)}


def changing(forward, recompute):
    """A function that runs `forward` the first time and `recompute` after (a global-state dependency)."""
    calls = [0]

    def fn(a):
        calls[0] += 1
        return forward(a) if calls[0] == 1 else recompute(a)

    return fn


def backward_through(fn, **options):
    a = torch.arange(1.0, 5.0, dtype=dd).requires_grad_()
    cp.checkpoint(fn, a, use_reentrant=False, **options).sum().backward()
    return a.grad


def error_cases():
    """name -> Python's error; the test builds the same failing call by name."""
    shape = changing(lambda a: a[:2].exp(), lambda a: a[:3].exp())
    dtype = changing(lambda a: a.exp(), lambda a: a.float().exp())
    fewer = changing(lambda a: a.exp().exp(), lambda a: a.exp())
    more = changing(lambda a: a.exp(), lambda a: a.exp().exp())
    x = torch.randn(3, dtype=dd, requires_grad=True)

    def twice():
        y = cp.checkpoint(torch.exp, x, use_reentrant=False).sum()
        y.backward()
        y.backward()

    def modified(leaf):
        a = torch.arange(1.0, 4.0, dtype=dd, requires_grad=True)
        b = a if leaf else a * 2
        y = cp.checkpoint(torch.exp, b, use_reentrant=False).sum()
        with torch.no_grad():
            b.mul_(2)
        y.backward()

    return {
        "input-modified-in-place": error_message(lambda: modified(False)),
        "leaf-input-modified-in-place": error_message(lambda: modified(True)),
        "metadata-shape": error_message(lambda: backward_through(shape)),
        "metadata-dtype": error_message(lambda: backward_through(dtype)),
        "fewer-tensors": error_message(lambda: backward_through(fewer)),
        "more-tensors-no-early-stop": error_message(lambda: backward_through(more, early_stop=False)),
        "determinism-check-value": error_message(lambda: cp.checkpoint(torch.exp, x, use_reentrant=False, determinism_check="shape")),
        "reentrant-context-fn": error_message(lambda: cp.checkpoint(torch.exp, x, use_reentrant=True, context_fn=lambda: (None, None))),
        "reentrant-debug": error_message(lambda: cp.checkpoint(torch.exp, x, use_reentrant=True, debug=True)),
        "reentrant-no-output-requires-grad": error_message(lambda: cp.checkpoint(lambda a: a.detach() * 2, x, use_reentrant=True).sum().backward()),
        "backward-twice": error_message(twice),
    }


def determinism_none():
    """determinism_check='none' lets a recomputation of another dtype through: Python's gradient."""
    fn = changing(lambda a: a.exp(), lambda a: a.float().exp())
    return enc(backward_through(fn, determinism_check="none"))


DEBUG_INDEX = torch.tensor([0, 2])


def graph_exec_groups():
    """Recomputations per backward call, with and without a GraphExecGroup; Python's errors."""
    def two_outputs():
        x = torch.arange(1.0, 4.0, dtype=dd, requires_grad=True)
        calls = [0]

        def fn(a):
            calls[0] += 1
            return a.sin(), a.cos().exp()
        return x, calls, cp.checkpoint(fn, x, use_reentrant=False)

    def counts(grouped):
        x, calls, (o1, o2) = two_outputs()
        def run():
            o1.sum().backward()
            o2.sum().backward()
        if grouped:
            with cp.GraphExecGroup():
                run()
        else:
            run()
        return {"calls": calls[0], "grad": enc(x.grad)}

    def overlapping():
        x = torch.arange(1.0, 4.0, dtype=dd, requires_grad=True)
        y = cp.checkpoint(lambda a: a.sin().sum(), x, use_reentrant=False)
        with cp.GraphExecGroup():
            y.backward(retain_graph=True)
            y.backward()

    def nested():
        with cp.GraphExecGroup(), cp.GraphExecGroup():
            pass

    x = torch.arange(1.0, 4.0, dtype=dd, requires_grad=True)
    return {
        "ungrouped": counts(False),
        "grouped": counts(True),
        "overlap_error": error_message(overlapping),
        # without the object's address, which torchnode does not print
        "nested_error": {**error_message(nested), "message": re.sub(r" at 0x[0-9a-f]+>", ">", error_message(nested)["message"])},
        "reentrant_grad_error": error_message(lambda: torch.autograd.grad(cp.checkpoint(torch.exp, x, use_reentrant=True).sum(), [x])),
        "reentrant_inputs_error": error_message(lambda: cp.checkpoint(torch.exp, x, use_reentrant=True).sum().backward(inputs=[x])),
    }


def device_states():
    """DefaultDeviceType and get/set_device_states on CPU tensors (this machine has no accelerator)."""
    states = cp.get_device_states(torch.ones(2), 3)
    first = cp.DefaultDeviceType.get_device_type()
    cp.DefaultDeviceType.set_device_type()
    after_set = cp.DefaultDeviceType.get_device_type()
    cp.DefaultDeviceType._default_device_type = None   # as it was
    return {"states": [list(states[0]), list(states[1])], "default_type": first, "after_set": after_set,
            "set_result": cp.set_device_states([], [])}


def debug_body(a, w, extra):
    """Ops with positional, keyword, list, scalar and dtype arguments, and one op more when `extra`."""
    h = torch.mm(a, w).relu()
    s = h.sum(1, keepdim=True)
    c = torch.cat([h, a], 1)
    p = c.pow(2.5).clamp(min=1e-5)
    y = p.to(torch.float32).double().add(s, alpha=2).mul(0.5).reshape(-1)
    v, i = y.max(0)
    parts = torch.unbind(y.view(2, 5), 0)
    y = y + parts[1].repeat(2) + v
    g = torch.nn.functional.gelu(c, approximate="tanh")
    k = torch.where(g > 0.5, g, 0.25)[:, DEBUG_INDEX] * 3.5e-6 + (-2.5e-7)
    z = torch.zeros(2, dtype=dd, device="cpu")
    y = y + k.sum() + z.sum() + c.cumsum(1).std(1, unbiased=False).sum()
    if extra:
        y = y.exp()
    return y.sum()


def debug_reports():
    """checkpoint(debug=True): the report that replaces a CheckpointError, and set_checkpoint_debug_enabled."""
    a = torch.tensor(SAC_A, dtype=dd, requires_grad=True)
    w = torch.tensor(SAC_W, dtype=dd, requires_grad=True)

    def fewer(**options):
        fn = changing(lambda t: debug_body(t, w, True), lambda t: debug_body(t, w, False))
        cp.checkpoint(fn, a, use_reentrant=False, **options).backward()

    def metadata(**options):
        fn = changing(lambda t: t.exp(), lambda t: t.float().exp())
        cp.checkpoint(fn, a, use_reentrant=False, **options).sum().backward()

    def globally(enabled, **options):
        def run():
            with cp.set_checkpoint_debug_enabled(enabled):
                metadata(**options)
        return run

    def report(fn):
        e = raised(fn)
        return {"type": type(e).__name__, "message": str(e), "cause": str(e.__cause__)}

    return {
        "fewer": report(lambda: fewer(debug=True)),
        "metadata": report(lambda: metadata(debug=True)),
        "enabled_globally": report(globally(True)),
        "disabled_globally": error_message(globally(False, debug=True)),
        "with_context_fn": error_message(lambda: cp.checkpoint(torch.exp, a, use_reentrant=False, debug=True,
                                                                context_fn=lambda: cp.noop_context_fn())),
    }


SAC_A = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
SAC_W = [[0.3, -0.2], [1.1, 0.4], [-0.6, 0.9]]


def sac_fn(a, w):
    h = torch.matmul(a, w).relu()
    return (h.sin() * h).sum(1).softmax(0) * torch.nn.functional.linear(a, w.t()).tanh().mean()


def selective():
    """Selective checkpointing: the ops the policy sees in the forward (name, tensor arguments' shapes,
    output shape), gradients with mm and relu kept (equal to the plain run's), a kept output changed in
    place (an error, or allowed), backward twice, and the errors on bad lists."""
    from functools import partial
    a = torch.tensor(SAC_A, dtype=dd, requires_grad=True)
    w = torch.tensor(SAC_W, dtype=dd, requires_grad=True)
    seen = []
    kept = (torch.ops.aten.mm.default, torch.ops.aten.relu.default)

    def policy(ctx, op, *args, **kwargs):
        out = ctx.op_output
        seen.append([str(op), [list(x.shape) for x in args if isinstance(x, torch.Tensor)], list(out.shape) if isinstance(out, torch.Tensor) else None])
        return cp.CheckpointPolicy.MUST_SAVE if op in kept else cp.CheckpointPolicy.PREFER_RECOMPUTE

    out = cp.checkpoint(sac_fn, a, w, use_reentrant=False, context_fn=partial(cp.create_selective_checkpoint_contexts, policy))
    out.sum().backward()
    grads = [enc(a.grad), enc(w.grad)]
    a.grad = w.grad = None
    sac_fn(a, w).sum().backward()
    assert [enc(a.grad), enc(w.grad)] == grads
    a.grad = w.grad = None

    def fn3(a, w):
        m = torch.mm(a, w)
        return m, m.exp()

    def mutated(allow):
        a.grad = w.grad = None
        ctx = partial(cp.create_selective_checkpoint_contexts, [torch.ops.aten.mm.default], allow_cache_entry_mutation=allow)
        m, e = cp.checkpoint(fn3, a, w, use_reentrant=False, context_fn=ctx)
        with torch.no_grad():
            m.mul_(2)
        e.sum().backward()
        return enc(a.grad)

    def fn4(a):
        parts = a.unbind(0)
        return (parts[0].exp() * parts[1].sin()).sum()

    a.grad = None
    cp.checkpoint(fn4, a, use_reentrant=False, context_fn=partial(cp.create_selective_checkpoint_contexts, [torch.ops.aten.unbind.int])).backward()
    list_grad = enc(a.grad)
    a.grad = None
    fn4(a).backward()
    assert enc(a.grad) == list_grad
    twice = cp.checkpoint(sac_fn, a, w, use_reentrant=False, context_fn=partial(cp.create_selective_checkpoint_contexts, list(kept)))
    twice.sum().backward(retain_graph=True)
    return {"a": SAC_A, "w": SAC_W, "seen": seen, "grads": grads, "out": enc(out), "list_grad": list_grad,
            "mutated_error": str(raised(lambda: mutated(False))), "mutated_allowed_a_grad": mutated(True),
            "twice_error": str(raised(lambda: twice.sum().backward())),
            "packet_error": str(raised(lambda: cp.create_selective_checkpoint_contexts([torch.ops.aten.mm]))),
            "bad_policy_error": str(raised(lambda: cp.create_selective_checkpoint_contexts(3)))}


def main():
    out = {
        "torch": torch.__version__,
        "x": enc(X),
        "seed": SEED,
        "state_dicts": {name: {k: enc(v) for k, v in build(name).state_dict().items()} for name in ("mlp", "dropout")},
        "runs": {name: {"spec": list(spec), **run(*spec)} for name, spec in RUNS.items()},
        "multi": multi_runs(),
        "nested": nested_and_grad(),
        "pack_counts": pack_counts(),
        "warnings": warning_messages(),
        "errors": error_cases(),
        "determinism_none_grad": determinism_none(),
        "selective": selective(),
        "debug": debug_reports(),
        "groups": graph_exec_groups(),
        "device_states": device_states(),
    }
    runs = out["runs"]
    for model in ("mlp", "dropout"):   # preserve_rng_state: the checkpointed gradients are the plain run's
        for name in (f"{model}-reentrant", f"{model}-non-reentrant"):
            assert runs[name]["grads"] == runs[f"{model}-plain"]["grads"], name
            assert runs[name]["next_rand"] == runs[f"{model}-plain"]["next_rand"], name
    assert runs["dropout-sequential-non-reentrant"]["grads"] == runs["dropout-plain"]["grads"]
    write_fixture("utils-checkpoint.json", out)


if __name__ == "__main__":
    main()
