"""torch.amp.GradScaler on the CPU with Python torch 2.13, for test/amp.test.ts (test/fixtures/amp.json):
a small float32 MLP trained for STEPS steps with a scaler whose initial scale overflows the gradients,
so the first steps are skipped and the scale backs off, then grows every GROWTH_INTERVAL clean steps.
One case per way of stepping: single-tensor SGD, fused SGD/Adam/AdamW/Adagrad (the scale handed to
the fused kernel), explicit unscale_ + clip_grad_norm_, two optimizers sharing one scaler, bfloat16
autocast, a scale() of a list of losses, and update(new_scale). Each records the loss, the scale and
the growth tracker after every step, the parameters at the end, and the state dict at the half-way step
(also saved with torch.save as test/fixtures/amp-scaler-state.pt).
Usage: .venv/bin/python scripts/make-amp-fixtures.py"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

STEPS = 40
GROWTH_INTERVAL = 5
INIT_SCALE = 2.0 ** 127  # overflows float32 gradients: the first steps are skipped, the scale backs off

CASES = [
    # name, optimizer specs [(class, param indices, options)], extras
    ("sgd", [("SGD", [0, 1, 2, 3], {"lr": 0.002, "momentum": 0.9})], {}),
    # A fused SGD step skipped before its momentum buffers exist leaves them uninitialised (torch.empty_like)
    # in PyTorch 2.13, and NaN follows: this case starts below the overflow, so its first step is taken.
    ("sgd-fused", [("SGD", [0, 1, 2, 3], {"lr": 0.002, "momentum": 0.9, "fused": True})], {"init_scale": 2.0 ** 121}),
    ("adam-fused", [("Adam", [0, 1, 2, 3], {"lr": 0.01, "fused": True})], {}),
    ("adamw-fused-unscale", [("AdamW", [0, 1, 2, 3], {"lr": 0.01, "fused": True})], {"unscale_clip": 1.0}),
    ("adagrad-fused", [("Adagrad", [0, 1, 2, 3], {"lr": 0.05, "fused": True})], {}),
    ("adam-unscale-clip", [("Adam", [0, 1, 2, 3], {"lr": 0.01})], {"unscale_clip": 0.5}),
    ("two-optimizers", [("SGD", [0, 1], {"lr": 0.002}), ("Adam", [2, 3], {"lr": 0.01})], {}),
    ("autocast-bf16", [("SGD", [0, 1, 2, 3], {"lr": 0.002, "momentum": 0.9})], {"autocast": True}),
    ("scale-list", [("SGD", [0, 1, 2, 3], {"lr": 0.002})], {"scale_list": True}),
    ("new-scale", [("SGD", [0, 1, 2, 3], {"lr": 0.002})], {"new_scale_at": 20, "new_scale": 1024.0}),
    # The deprecated torch.cpu.amp.GradScaler(init_scale, growth_factor, backoff_factor, growth_interval), positionally.
    ("cpu-amp-scaler", [("SGD", [0, 1, 2, 3], {"lr": 0.002, "momentum": 0.9})], {"cpu_amp_scaler": True}),
]


def make_problem():
    g = torch.Generator().manual_seed(20261204)
    params = [torch.randn(16, 8, generator=g) * 0.3, torch.randn(16, generator=g) * 0.1,
              torch.randn(4, 16, generator=g) * 0.3, torch.randn(4, generator=g) * 0.1]
    x = torch.randn(32, 8, generator=g)
    y = torch.randn(32, 4, generator=g)
    return params, x, y


def run(name, specs, extras, problem):
    params0, x, y = problem
    params = [p.clone().requires_grad_() for p in params0]
    optimizers = [getattr(torch.optim, cls)([params[i] for i in idx], **opts) for cls, idx, opts in specs]
    if extras.get("cpu_amp_scaler"):
        scaler = torch.cpu.amp.GradScaler(INIT_SCALE, 2.0, 0.5, GROWTH_INTERVAL)
    else:
        scaler = torch.amp.GradScaler("cpu", init_scale=extras.get("init_scale", INIT_SCALE), growth_interval=GROWTH_INTERVAL)
    record = {"name": name, "optimizers": [{"cls": cls, "params": idx, "options": {mf.camel(k): v for k, v in opts.items()}} for cls, idx, opts in specs],
              "extras": {mf.camel(k): v for k, v in extras.items()}, "losses": [], "scales": [], "trackers": [], "skipped": []}
    for step in range(STEPS):
        for opt in optimizers:
            opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(extras.get("autocast"))):
            h = torch.tanh(torch.nn.functional.linear(x, params[0], params[1]))
            out = torch.nn.functional.linear(h, params[2], params[3])
        loss = (out.float() - y).pow(2).sum()
        if extras.get("scale_list"):
            parts = scaler.scale([loss * 0.5, [loss * 0.5]])
            (parts[0] + parts[1][0]).backward()
        else:
            scaler.scale(loss).backward()
        before = [p.detach().clone() for p in params]
        for opt in optimizers:
            if "unscale_clip" in extras:
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], extras["unscale_clip"])
            scaler.step(opt)
        if extras.get("new_scale_at") == step:
            scaler.update(extras["new_scale"])
        else:
            scaler.update()
        record["losses"].append(mf.enc_float(loss.item()))
        record["scales"].append(scaler.get_scale())
        record["trackers"].append(scaler._get_growth_tracker())
        record["skipped"].append(all(torch.equal(a, b.detach()) for a, b in zip(before, params)))
        if step == STEPS // 2 - 1:
            record["halfwayStateDict"] = scaler.state_dict()
    record["params"] = [mf.enc_tensor(p.detach()) for p in params]
    record["stateDict"] = scaler.state_dict()
    assert any(record["skipped"]) and not all(record["skipped"]), f"{name}: the scale should overflow at first, then settle"
    return record


class AmpMM(torch.autograd.Function):
    """A matmul whose forward and backward follow the forward's autocast state (custom_fwd/custom_bwd)."""

    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu")
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.mm(b)

    @staticmethod
    @torch.amp.custom_bwd(device_type="cpu")
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad.mm(b.t()), a.t().mm(grad)


class Float32MM(AmpMM):
    """The same with cast_inputs=torch.float32: bfloat16 inputs in, float32 math without autocast."""

    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.float32)
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.mm(b)


def custom_functions():
    """custom_fwd/custom_bwd under bfloat16 autocast: outputs and input gradients, with their dtypes."""
    g = torch.Generator().manual_seed(7)
    a0, b0 = torch.randn(4, 6, generator=g), torch.randn(6, 3, generator=g)
    out = {"a": mf.enc_tensor(a0), "b": mf.enc_tensor(b0), "cases": []}
    for name, fn, input_dtype in [("AmpMM", AmpMM, torch.float32), ("Float32MM", Float32MM, torch.bfloat16)]:
        for autocast_on in (True, False):
            a = a0.to(input_dtype, copy=True).requires_grad_()
            b = b0.to(input_dtype, copy=True).requires_grad_()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast_on):
                y = fn.apply(a, b)
            y.float().pow(2).sum().backward()
            out["cases"].append({"fn": name, "inputDtype": str(input_dtype)[6:], "autocast": autocast_on,
                                 "y": mf.enc_tensor(y.detach()), "gradA": mf.enc_tensor(a.grad), "gradB": mf.enc_tensor(b.grad)})
    return out


def deprecated_spellings():
    """torch.cuda.amp / torch.cpu.amp: the warnings each call raises (on this CPU-only torch), and what
    the old autocast forms run with when the current settings differ from their fixed defaults."""
    import warnings

    def warned(call):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call()
        return result, [{"category": w.category.__name__, "message": str(w.message)} for w in caught]

    def identity(ctx, *args):
        return args

    g = torch.Generator().manual_seed(11)
    a, b = torch.randn(3, 5, generator=g), torch.randn(5, 2, generator=g)

    def cpu_autocast_mm():
        torch.set_autocast_dtype("cpu", torch.float16)  # the old form's bfloat16 default wins over this setting
        torch.set_autocast_cache_enabled(False)
        try:
            with torch.cpu.amp.autocast():
                return {"y": mf.enc_tensor(a.mm(b)), "dtype": str(torch.get_autocast_dtype("cpu"))[6:],
                        "cacheEnabled": torch.is_autocast_cache_enabled(), "enabled": torch.is_autocast_enabled("cpu")}
        finally:
            torch.set_autocast_dtype("cpu", torch.bfloat16)
            torch.set_autocast_cache_enabled(True)

    def cuda_autocast_off():
        with torch.cuda.amp.autocast(enabled=False):
            return torch.is_autocast_enabled("cuda")

    calls = {
        "cuda.amp.autocast": cuda_autocast_off,
        "cpu.amp.autocast": cpu_autocast_mm,
        "cuda.amp.GradScaler": lambda: torch.cuda.amp.GradScaler().is_enabled(),
        "cpu.amp.GradScaler": lambda: torch.cpu.amp.GradScaler().is_enabled(),
        "cuda.amp.custom_fwd": lambda: callable(torch.cuda.amp.custom_fwd(identity, cast_inputs=torch.float32)),
        "cuda.amp.custom_bwd": lambda: callable(torch.cuda.amp.custom_bwd(identity)),
        "cuda.amp.amp_definitely_not_available": torch.cuda.amp.amp_definitely_not_available,
    }
    out = {"a": mf.enc_tensor(a), "b": mf.enc_tensor(b), "calls": {}}
    for name, call in calls.items():
        result, caught = warned(call)
        out["calls"][name] = {"result": result, "warnings": caught}
    return out


def main():
    problem = make_problem()
    params, x, y = problem
    data = {"meta": {"torch": torch.__version__, "threads": 1}, "initScale": INIT_SCALE, "growthInterval": GROWTH_INTERVAL, "steps": STEPS,
            "problem": {"params": [mf.enc_tensor(p) for p in params], "x": mf.enc_tensor(x), "y": mf.enc_tensor(y)},
            "cases": [run(name, specs, extras, problem) for name, specs, extras in CASES], "customFunctions": custom_functions(),
            "deprecated": deprecated_spellings()}
    # A Python-saved state dict, for torch.load + loadStateDict in Node.
    torch.save(data["cases"][0]["halfwayStateDict"], os.path.join(HERE, "..", "test", "fixtures", "amp-scaler-state.pt"))
    path = os.path.join(HERE, "..", "test", "fixtures", "amp.json")
    mf.write_json(path, data)
    print(f"wrote {path}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
