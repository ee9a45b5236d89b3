"""Fixtures for torch.autograd.graph (test/autograd-graph.test.ts) from Python torch 2.13: graph nodes
(names, next_functions, hooks on nodes), saved-tensors hooks, and nn.Module's deprecated
register_backward_hook with its FutureWarnings. Inputs are float64 and written into the fixture, so
the test rebuilds the same graphs. Run: .venv/bin/python scripts/make-autograd-graph-fixtures.py
(writes test/fixtures/autograd-graph.json)."""
import os
import sys
import warnings

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, raised, write_fixture  # noqa: E402

torch.manual_seed(0)
x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
w = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
c = torch.randn(2, 4, dtype=torch.float64)              # needs no grad: a None edge


def graph_of(root):
    """Every node reachable from root, breadth first: [name, [[index of next node or None, input_nr], ...]]."""
    order, index, out = [root], {root: 0}, []
    for node in order:
        edges = []
        for nxt, nr in node.next_functions:
            if nxt is not None and nxt not in index:
                index[nxt] = len(order)
                order.append(nxt)
            edges.append([None if nxt is None else index[nxt], nr])
        out.append([node.name(), edges])
    return out


def graph_case():
    """The graph of a forward with a matmul, a view, an in-place op on a view, exp and a reduction."""
    y = x.mm(w) + c
    z = y.clone()
    z[:, 1:3].mul_(2)                                       # CopySlices
    out = (z.exp().sum(1) * x.sum(1)).mean()
    return out


def node_hooks():
    """Hooks on nodes: what a post-hook and a pre-hook see, and gradients after hooks replace them."""
    seen = {}
    out = graph_case()
    mul = out.grad_fn.next_functions[0][0]                  # MulBackward0 of (z.exp().sum(1) * x.sum(1))

    def post(grad_inputs, grad_outputs):
        seen["post_inputs"] = [enc(g) for g in grad_inputs]
        seen["post_outputs"] = [enc(g) for g in grad_outputs]
        return (grad_inputs[0] * 3, None)                   # the second input (x.sum(1)) gets no gradient

    def pre(grad_outputs):
        seen["pre_outputs"] = [enc(g) for g in grad_outputs]
        return (grad_outputs[0] + 1,)

    mul.register_hook(post)
    mul.register_prehook(pre)
    removed = mul.register_hook(lambda gi, go: (gi[0] * 1000, gi[1]))
    removed.remove()
    acc = out.grad_fn.next_functions[0][0].next_functions[1][0].next_functions[0][0]   # x.sum(1) -> AccumulateGrad(x)
    order = []
    acc.register_prehook(lambda go: order.append("acc pre"))
    acc.register_hook(lambda gi, go: order.append(["acc post", len(gi), len(go)]))
    out.backward()
    seen["x_grad"] = enc(x.grad)
    seen["w_grad"] = enc(w.grad)
    seen["acc"] = [acc.name(), acc.variable is x, order]
    x.grad = None
    w.grad = None
    return seen


def saved_hooks():
    """Saved-tensors hooks: what is packed for a small forward, and gradients through a float32 round trip."""
    packed = []

    def pack(t):
        packed.append([list(t.shape), t.requires_grad, t.grad_fn.name() if t.grad_fn else None])
        return t.float()

    def unpack(p):
        return p.double()

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        out = torch.tanh(x.mm(w)).pow(2).sum()
    out.backward()
    result = {"packed": packed, "x_grad": enc(x.grad), "w_grad": enc(w.grad)}
    x.grad = None
    w.grad = None
    with torch.autograd.graph.save_on_cpu():
        out = torch.tanh(x.mm(w)).pow(2).sum()
    out.backward()
    result["cpu_x_grad"] = enc(x.grad)
    x.grad = None
    w.grad = None
    return result


class TwoOps(nn.Module):
    def forward(self, a):
        return a * 2 + 1


def module_hooks():
    """nn.Module.register_backward_hook on a Linear and on a two-op module: gradients seen, warnings, results."""
    out = {}
    torch.manual_seed(1)
    lin = nn.Linear(3, 4).double()
    out["linear_state"] = {k: enc(v) for k, v in lin.state_dict().items()}
    seen = []

    def hook(module, grad_input, grad_output):
        seen.append([type(module).__name__, [enc(g) for g in grad_input], [enc(g) for g in grad_output]])
        return tuple(None if g is None else g * 2 for g in grad_input)

    lin.register_backward_hook(hook)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = lin(x)
    (y * y).sum().backward()
    out["linear"] = {"seen": seen, "warnings": [[w_.category.__name__, str(w_.message)] for w_ in caught],
                     "x_grad": enc(x.grad), "grads": {k: enc(p.grad) for k, p in lin.named_parameters()}}
    x.grad = None
    two = TwoOps()
    seen2 = []
    two.register_backward_hook(lambda m, gi, go: seen2.append([[enc(g) for g in gi], [enc(g) for g in go]]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = two(x)
    y.sum().backward()
    out["two_ops"] = {"seen": seen2, "warnings": [[w_.category.__name__, str(w_.message)] for w_ in caught], "x_grad": enc(x.grad)}
    x.grad = None
    mixed = nn.Linear(2, 2)
    mixed.register_full_backward_hook(lambda m, gi, go: None)
    out["mixed_error"] = str(raised(lambda: mixed.register_backward_hook(lambda m, gi, go: None)))
    return out


def backward_cases():
    """torch.autograd.backward from several roots in one run, backward(inputs=...), and
    register_multi_grad_hook in both modes (Python's docstring example)."""
    out = {}
    a = torch.tensor([0.3, -1.2, 2.5, 0.7], requires_grad=True)         # float32: the order of the sums shows
    b = torch.tensor([1.1, 0.4, -0.6, 2.0], requires_grad=True)
    roots = [(a * b).sin().sum(), (a.exp() * b).sum(), (a * a * b).mean()]
    torch.autograd.backward(roots, [None, torch.tensor(2.0), None])
    out["multi_root"] = {"a": enc(a), "b": enc(b), "a_grad": enc(a.grad), "b_grad": enc(b.grad)}
    a.grad = None
    b.grad = None
    mid = a * 2
    y = (mid * b).sum()
    y.backward(inputs=[mid, a], retain_graph=True)
    out["inputs"] = {"mid_grad": enc(mid.grad), "a_grad": enc(a.grad), "b_grad_is_none": b.grad is None}
    out["empty_inputs"] = str(raised(lambda: y.backward(inputs=[])))
    a.grad = None
    seen = []
    c, d = a * b, a * b
    handle = torch.autograd.graph.register_multi_grad_hook((a, b, c, d), lambda grads: seen.append([g is not None for g in grads]))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)
    handle.remove()
    c.sum().backward(retain_graph=True)
    any_seen = []
    torch.autograd.graph.register_multi_grad_hook((a, b), lambda g: any_seen.append(enc(g)), mode="any")
    (a * b * 3).sum().backward()
    # autograd.grad's 2.x options: inputs as a dict, materialize_grads, is_grads_batched.
    p = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = (p.sin() * 2).sum()
    named = torch.autograd.grad(y, {"p": p, "q": q}, materialize_grads=True, retain_graph=True)
    m = torch.tensor([[0.3, -0.2, 0.9], [1.1, 0.4, -0.7]], dtype=torch.float64, requires_grad=True)
    go = torch.arange(24, dtype=torch.float64).reshape(4, 2, 3) / 10
    (batched,) = torch.autograd.grad(m.exp() * m, m, go, is_grads_batched=True)
    # GradientEdges: an interior tensor's edge and a leaf's, in place of tensors.
    from torch.autograd.graph import get_gradient_edge
    e = p.exp()
    z = e.sin().sum()
    parts = p.unbind()
    edges = {"interior": [get_gradient_edge(e).node.name(), get_gradient_edge(e).output_nr], "leaf": [get_gradient_edge(p).node.name(), get_gradient_edge(p).output_nr],
             "unbind_1": [get_gradient_edge(parts[1]).node.name(), get_gradient_edge(parts[1]).output_nr],
             "grads": [enc(g) for g in torch.autograd.grad(z, [get_gradient_edge(e), p, get_gradient_edge(p)], retain_graph=True)],
             "no_grad_error": str(raised(lambda: get_gradient_edge(torch.ones(2)))),
             "unused_error": str(raised(lambda: torch.autograd.grad(z, get_gradient_edge(q), retain_graph=True))),
             "materialize_error": str(raised(lambda: torch.autograd.grad(z, get_gradient_edge(q), materialize_grads=True, retain_graph=True)))}
    # GradientEdges as outputs: of autograd.grad and backward, with and without gradients, mixed with tensors.
    r = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)
    h = r.pow(3)
    he = get_gradient_edge(h)
    s_ = (r * 2).sum()
    gr = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    as_output = {"grad": enc(torch.autograd.grad(he, r, gr, retain_graph=True)[0]),
                 "double": enc(torch.autograd.grad(torch.autograd.grad(he, r, gr, create_graph=True)[0].sum(), r)[0]),
                 "scalar_edge": enc(torch.autograd.grad(get_gradient_edge(s_), r, retain_graph=True)[0]),
                 "leaf_edge": enc(torch.autograd.grad(get_gradient_edge(r), r, gr)[0]),
                 "implicit_error": str(raised(lambda: torch.autograd.grad(he, r, retain_graph=True))),
                 "shape_error": str(raised(lambda: torch.autograd.grad(he, r, torch.ones(2, dtype=torch.float64), retain_graph=True))),
                 "tensor_shape_error": str(raised(lambda: torch.autograd.grad(h, r, torch.ones(2, dtype=torch.float64), retain_graph=True))),
                 "dtype_error": str(raised(lambda: torch.autograd.grad(he, r, torch.ones(3, dtype=torch.complex128), retain_graph=True))),
                 "batched_error": str(raised(lambda: torch.autograd.grad(he, r, torch.ones(2, 2, dtype=torch.float64), is_grads_batched=True, retain_graph=True))),
                 "tensor_batched_error": str(raised(lambda: torch.autograd.grad(h, r, torch.ones(2, 2, dtype=torch.float64), is_grads_batched=True, retain_graph=True)))}
    r.grad = None
    torch.autograd.backward([he, s_], [gr, None])
    as_output["backward_mixed"] = enc(r.grad)
    r.grad = None
    h2 = r * 3
    (h2 * h2).sum().backward(inputs=[get_gradient_edge(h2)])
    as_output["edge_input_grad_is_none"] = r.grad is None
    edges["as_output"] = as_output
    out["grad_options"] = {"edges": edges, "named": {k: enc(v) for k, v in named.items()}, "batched": enc(batched),
                           "empty": str(raised(lambda: torch.autograd.grad(y, []))),
                           "materialize_disallowed": str(raised(lambda: torch.autograd.grad(y, p, materialize_grads=True, allow_unused=False)))}
    out["multi_grad_hook"] = {"all": seen, "any": any_seen, "bad_mode": str(raised(lambda: torch.autograd.graph.register_multi_grad_hook((a,), print, mode="some")))}
    return out


def versions():
    """Version counters: 0 after each factory, bumped by in-place ops and increment_version, and backward's error then."""
    factories = {
        "ones": torch.ones(3), "zeros": torch.zeros(3), "full": torch.full((2,), 3.0), "arange": torch.arange(3),
        "linspace": torch.linspace(0, 1, 3), "eye": torch.eye(2), "rand": torch.rand(2), "randn": torch.randn(2),
        "randint": torch.randint(5, (3,)), "randperm": torch.randperm(4), "zeros_like": torch.zeros_like(x),
        "full_like": torch.full_like(x, 2.0), "tril_indices": torch.tril_indices(3, 3), "tensor": torch.tensor([1.0, 2.0]),
    }
    a = torch.ones(3)
    y = torch.ones(3, requires_grad=True) * a
    a.add_(1)
    after_add = a._version
    torch.autograd.graph.increment_version([a, torch.zeros(1)])
    return {"factories": {k: t._version for k, t in factories.items()}, "after_add": after_add, "after_increment": a._version,
            "error": str(raised(lambda: y.sum().backward()))}


def mutation_cases():
    """allow_mutation_on_saved_tensors: gradients when saved tensors are written in place (an interior
    tensor, a leaf under no_grad, a tensor saved twice, a view at offset 0, a foreach op, out=), and the errors."""
    from torch.autograd.graph import allow_mutation_on_saved_tensors
    base = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64)
    out = {}
    with allow_mutation_on_saved_tensors():
        a = base.clone().requires_grad_()
        b = a.clone()
        loss = (b ** 2).sum()
        b.sin_()
        loss.backward()
        out["interior"] = {"b": enc(b), "a_grad": enc(a.grad)}
        w = base.clone().requires_grad_()
        loss = (w * w * w).sum()
        with torch.no_grad():
            w.mul_(10)
        loss.backward()
        out["leaf"] = {"w": enc(w), "w_grad": enc(w.grad)}
        a = base.clone().requires_grad_()
        b = a * 2
        loss = (b * b).sum() + b.exp().sum()
        v = b.view(-1)
        v.add_(1)
        loss.backward(retain_graph=True)
        first = a.grad.clone()
        loss.backward()
        out["view"] = {"b": enc(b), "first": enc(first), "twice": enc(a.grad)}
        a = base.clone().requires_grad_()
        p, q = a * 1, a * 3
        loss = (p * q).sum()
        torch._foreach_mul_([p, q], 2.0)
        loss.backward()
        out["foreach"] = enc(a.grad)
        a = base.clone().requires_grad_()
        b = a.cos()
        loss = (b * a).sum()
        with torch.no_grad():
            torch.mul(base, 4, out=b)
        loss.backward()
        out["out"] = {"b": enc(b), "a_grad": enc(a.grad)}
        a = base.clone().requires_grad_()
        b = a.clone()
        (b ** 2).sum().backward()
        b.sin_()
        out["after_backward"] = enc(b)
        a = base.clone().requires_grad_()
        b = a.clone()
        outside = (b ** 2).sum()
        b.mul_(2)
        out["nested_error"] = str(raised(lambda: allow_mutation_on_saved_tensors().__enter__()))
    out["outside_error"] = str(raised(lambda: outside.backward()))
    a = base.clone().requires_grad_()
    b = a.clone()
    loss = (b ** 2).sum()
    b.sin_()
    out["without_error"] = str(raised(lambda: loss.backward()))
    return out


fixture = {
    "torch": torch.__version__,
    "x": enc(x),
    "w": enc(w),
    "c": enc(c),
    "graph": graph_of(graph_case().grad_fn),
    "node_hooks": node_hooks(),
    "saved_hooks": saved_hooks(),
    "module_hooks": module_hooks(),
    "backward": backward_cases(),
    "versions": versions(),
    "mutation": mutation_cases(),
}
write_fixture("autograd-graph.json", fixture)
