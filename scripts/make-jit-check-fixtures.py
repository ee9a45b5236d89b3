# Writes test/fixtures/jit-check.json: what torch 2.13's torch.jit.trace does with check_trace (its
# default) on the cases test/jit-check.test.ts replays: the forward runs it makes (BatchNorm's running
# statistics in training mode), the TracerWarnings of outputs that differ, the TracingCheckError of a
# trace whose graph or tensor constants change with the input, and torch.tensor inside a trace (a
# constant in the graph, then aten::to and aten::detach).
import json
import os
import warnings

import torch
from torch import nn

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")


def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn()
            error = None
        except Exception as e:  # noqa: BLE001 - the error is the fixture
            # the parts that name no Python source file: the sections present, the constant comparison
            message = str(e)
            comparison = message.split("Comparison exception: ", 1)[1] if "Comparison exception: " in message else None
            error = {"type": type(e).__name__, "firstLine": message.split("\n", 1)[0],
                     "graphsDiffered": "ERROR: Graphs differed across invocations!" in message,
                     "constantsDiffered": "ERROR: Tensor-valued Constant nodes differed in value" in message, "comparison": comparison}
    # check_trace's own warnings (not the tracer's data-flow ones, which torchnode does not give)
    tracer = [str(x.message) for x in w if x.category.__name__ == "TracerWarning" and str(x.message).startswith(("Output nr", "Trace had"))]
    return error, tracer


def main():
    out = {"torch": torch.__version__}
    x = torch.arange(12, dtype=torch.float32).reshape(4, 3) * 0.5

    # BatchNorm in training mode: the trace, the retrace, the traced graph, the module itself and the
    # retraced graph run (five batches).
    bn = nn.BatchNorm1d(3)
    torch.jit.trace(bn, x)
    bn2 = nn.BatchNorm1d(3)
    torch.jit.trace(bn2, x, check_trace=False)
    out["batchNorm"] = {
        "checked": {"runningMean": bn.running_mean.tolist(), "runningVar": bn.running_var.tolist(), "batches": int(bn.num_batches_tracked)},
        "unchecked": {"runningMean": bn2.running_mean.tolist(), "runningVar": bn2.running_var.tolist(), "batches": int(bn2.num_batches_tracked)},
    }

    # An output that depends on the input only through a Python number: the trace keeps the number
    # (not whole numbers: a JS number 2 would be an int where Python's 2.0 is a float).
    def through_item(a):
        return a * a.sum().item()

    error, tracer = caught(lambda: torch.jit.trace(through_item, (torch.full((2,), 0.75),), check_inputs=[(torch.full((2,), 1.25),)]))
    out["outputMismatch"] = {"error": error, "warnings": tracer}

    # Data-dependent control flow: the graph changes with the input.
    def branch(a):
        return a * 2 if a.sum().item() > 0 else a + 1

    error, tracer = caught(lambda: torch.jit.trace(branch, (torch.ones(2),), check_inputs=[(-torch.ones(2),)]))
    out["graphDiff"] = {"error": error, "warnings": tracer}

    # torch.tensor of a Python number inside the traced code: a constant of the graph.
    def with_constant(a):
        return a + torch.tensor(a.sum().item(), dtype=torch.float32)

    traced = torch.jit.trace(with_constant, (torch.ones(2),), check_trace=False)
    out["tensorConstant"] = {
        "kinds": [n.kind() for n in traced.graph.nodes()],
        "output": traced(torch.full((2,), 3.0)).tolist(),
    }
    error, tracer = caught(lambda: torch.jit.trace(with_constant, (torch.ones(2),), check_inputs=[(torch.full((2,), 3.0),)]))
    out["tensorConstant"]["check"] = {"error": error, "warnings": tracer}

    # A deterministic trace passes the check silently, with check_inputs of another shape too.
    error, tracer = caught(lambda: torch.jit.trace(lambda a: a.relu() * 2, (torch.ones(2),), check_inputs=[(torch.randn(3, 4),), torch.randn(5)]))
    out["clean"] = {"error": error, "warnings": tracer}

    # The tracer's data-flow warnings from the traced code itself (Python ignores those raised inside torch,
    # as the BatchNorm and interpolate traces show): item(), torch.tensor, float(), tolist().
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.jit.TracerWarning.ignore_lib_warnings()  # Python's default filters, over "always"
        torch.jit.trace(lambda a: a * a.sum().item(), (torch.ones(2),), check_trace=False)
        torch.jit.trace(lambda a: a + torch.tensor(2.5), (torch.ones(2),), check_trace=False)
        torch.jit.trace(lambda a: a * float(a.sum()), (torch.ones(2),), check_trace=False)
        torch.jit.trace(lambda a: a * a.tolist()[0], (torch.ones(2),), check_trace=False)
        torch.jit.trace(nn.BatchNorm1d(3), torch.ones(4, 3), check_trace=False)
        torch.jit.trace(lambda a: nn.functional.interpolate(a, scale_factor=2), torch.ones(1, 1, 4), check_trace=False)
    out["dataflow"] = [str(x.message) for x in w if x.category.__name__ == "TracerWarning"]

    with open(os.path.join(FIXTURES, "jit-check.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
