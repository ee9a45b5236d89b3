#!/usr/bin/env python3
"""Python torch 2.13's dtype constants and defaults, for test/default-dtype.test.ts and
test/dtype.test.ts: torch.finfo/iinfo of every dtype, set_default_dtype's answers per dtype, and
the dtypes (and some values and prints) of factories, number inference and scalar type promotion
under each default dtype. Run: .venv/bin/python scripts/make-constants-fixtures.py"""
import json
import os

# The kernels vitest.config.ts pins (ATEN_CPU_CAPABILITY): same bits for linspace, pow, windows.
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import torch  # noqa: E402

assert torch.__version__.startswith("2.13"), torch.__version__
dtypes = sorted({v for n in dir(torch) if isinstance(v := getattr(torch, n), torch.dtype)}, key=str)
name = lambda d: str(d)[len("torch."):]


def error(e):
    return {"error": type(e).__name__, "message": str(e)}


def finfo(d):
    try:  # float4_e2m1fn_x2 makes an finfo whose fields raise: recorded as an error too
        f = torch.finfo(d)
        return {"bits": f.bits, "eps": f.eps, "max": f.max, "min": f.min, "tiny": f.tiny, "smallestNormal": f.smallest_normal,
                "resolution": f.resolution, "dtype": f.dtype, "repr": repr(f)}
    except Exception as e:  # noqa: BLE001 - the fixture records Python's error kind
        return error(e)


def iinfo(d):
    try:  # quantized dtypes make an iinfo whose fields raise
        i = torch.iinfo(d)
        return {"bits": i.bits, "min": str(i.min), "max": str(i.max), "dtype": i.dtype, "repr": repr(i)}
    except Exception as e:  # noqa: BLE001
        return error(e)


def set_default(d):
    try:
        torch.set_default_dtype(d)
        return {"ok": True}
    except Exception as e:  # noqa: BLE001
        return error(e)
    finally:
        torch.set_default_dtype(torch.float32)


# Each case: what its tensor's dtype is, and where deterministic its values (tolist) and its print.
# test/default-dtype.test.ts has the same names with the JS spelling of each expression.
ints = lambda: torch.tensor([1, 2, 3])
CASES = {
    "tensor(1.5)": lambda: torch.tensor(1.5),
    "tensor([1, 2.5])": lambda: torch.tensor([1, 2.5]),
    "tensor([])": lambda: torch.tensor([]),
    "tensor([1, 2])": lambda: torch.tensor([1, 2]),
    "tensor([true])": lambda: torch.tensor([True]),
    "zeros(2)": lambda: torch.zeros(2),
    "ones(2, 2)": lambda: torch.ones(2, 2),
    "empty(2).zero_()": lambda: torch.empty(2).zero_(),
    "full([2], 1.5)": lambda: torch.full((2,), 1.5),
    "full([2], 2)": lambda: torch.full((2,), 2),
    "full([2], true)": lambda: torch.full((2,), True),
    "rand(2).mul(0)": lambda: torch.rand(2).mul(0),
    "randn(2).mul(0)": lambda: torch.randn(2).mul(0),
    "arange(5)": lambda: torch.arange(5),
    "arange(0.5, 3)": lambda: torch.arange(0.5, 3),
    "arange(0, 1, 0.25)": lambda: torch.arange(0, 1, 0.25),
    "linspace(0, 1, 5)": lambda: torch.linspace(0, 1, 5),
    "logspace(0, 1, 3)": lambda: torch.logspace(0, 1, 3),
    "eye(2)": lambda: torch.eye(2),
    "zeros_like(float32)": lambda: torch.zeros_like(torch.ones(2, dtype=torch.float32)),
    "ones_like(int64)": lambda: torch.ones_like(ints()),
    "randint(0, 5, [2]).mul(0)": lambda: torch.randint(0, 5, (2,)).mul(0),
    "randperm(3).sort().values": lambda: torch.randperm(3).sort().values,
    "hann_window(4)": lambda: torch.hann_window(4),
    "ints + 1.5": lambda: ints() + 1.5,
    "ints * 0.5": lambda: ints() * 0.5,
    "ints / 3": lambda: ints() / 3,
    "ints.sqrt()": lambda: ints().sqrt(),
    "ints.pow(0.5)": lambda: ints().pow(0.5),
    "ints + 1": lambda: ints() + 1,
    "bools + 1.5": lambda: torch.tensor([True, False]) + 1.5,
    "int 0-dim + 1.5": lambda: torch.tensor(2) + 1.5,
    "float32 + 1.5": lambda: torch.ones(2, dtype=torch.float32) + 1.5,
    "float16 + 0.1": lambda: torch.ones(2, dtype=torch.float16) + 0.1,
    "float64 + 0.1": lambda: torch.ones(2, dtype=torch.float64) + 0.1,
    "where(ints > 1, 1.5, ints)": lambda: torch.where(ints() > 1, 1.5, ints()),
    "result_type(ints, 1.5)": lambda: torch.empty(0, dtype=torch.result_type(ints(), 1.5)),
    "ints.float()": lambda: ints().float(),
}


def run_cases():
    out = {}
    for case, fn in CASES.items():
        t = fn()
        out[case] = {"dtype": name(t.dtype), "values": t.tolist(), "str": str(t)}
    return out


defaults = {}
for d in [torch.float32, torch.float64, torch.float16, torch.bfloat16]:
    torch.set_default_dtype(d)
    try:
        torch.manual_seed(0)
        defaults[name(d)] = {"cases": run_cases(), "finfo()": repr(torch.finfo())}
    finally:
        torch.set_default_dtype(torch.float32)

def reduction_settings():
    """torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction: each setting, then what reads back (or the error)."""
    m = torch.backends.cuda.matmul
    rows = []
    # the refused ones come while both halves are off, so that a half-made change would show
    for value in [False, [False, False], [True, False], 1, [], [True, True, True], [False, 1], [True], [False, True], True]:
        try:
            m.allow_fp16_reduced_precision_reduction = tuple(value) if isinstance(value, list) else value
            rows.append({"set": value, "read": [m.allow_fp16_reduced_precision_reduction, m.allow_fp16_reduced_precision_reduction_split_k]})
        except Exception as e:  # noqa: BLE001 - the error class and text are the data
            rows.append({"set": value, "error": type(e).__name__, "read": [m.allow_fp16_reduced_precision_reduction, m.allow_fp16_reduced_precision_reduction_split_k]})
    m.allow_fp16_reduced_precision_reduction = True
    return rows


def device_apis_without_gpu():
    """What torch.cuda, torch.cpu and torch.backends answer on this CPU-only build."""
    c = torch.cuda
    m = torch.backends.cuda.matmul
    return {
        "matmul": {"fp16Reduced": m.allow_fp16_reduced_precision_reduction, "fp16SplitK": m.allow_fp16_reduced_precision_reduction_split_k,
                   "bf16Reduced": m.allow_bf16_reduced_precision_reduction, "bf16SplitK": m.allow_bf16_reduced_precision_reduction_split_k,
                   "fp16Accumulation": m.allow_fp16_accumulation},
        "fp16ReductionSettings": reduction_settings(),
        "mps": [torch.backends.mps.is_available(), torch.backends.mps.is_built()],
        "optEinsum": {"available": torch.backends.opt_einsum.is_available(), "enabled": torch.backends.opt_einsum.enabled,
                      "strategy": torch.backends.opt_einsum.strategy},
        "cuda": {"isInitialized": c.is_initialized(), "getRngStateAll": len(c.get_rng_state_all()), "memoryStats": dict(c.memory_stats()),
                 "isBf16Supported": c.is_bf16_supported(), "defaultGenerators": len(c.default_generators)},
        "cpu": {"isInitialized": torch.cpu.is_initialized(), "capabilityTypes": {k: type(v).__name__ for k, v in torch.cpu.get_capabilities().items()}},
    }


out = {
    "meta": {"torch": torch.__version__, "generator": "scripts/make-constants-fixtures.py"},
    "deviceApis": device_apis_without_gpu(),
    "finfo": {name(d): finfo(d) for d in dtypes},
    "iinfo": {name(d): iinfo(d) for d in dtypes},
    "setDefaultDtype": {name(d): set_default(d) for d in dtypes},
    "defaults": defaults,
    "layouts": sorted(n for n in dir(torch) if isinstance(getattr(torch, n), torch.layout)),
    "memoryFormats": sorted(n for n in dir(torch) if isinstance(getattr(torch, n), torch.memory_format)),
    "constants": {"pi": torch.pi, "e": torch.e},
    "float32MatmulPrecision": torch.get_float32_matmul_precision(),
    "cpuCapability": torch.backends.cpu.get_cpu_capability(),
    "backends": {"mkldnn": torch.backends.mkldnn.is_available(), "mkl": torch.backends.mkl.is_available(),
                 "openmp": torch.backends.openmp.is_available(), "cudnnEnabled": torch.backends.cudnn.enabled,
                 "cudnnDeterministic": torch.backends.cudnn.deterministic, "cudnnBenchmark": torch.backends.cudnn.benchmark,
                 "cudnnAllowTf32": torch.backends.cudnn.allow_tf32, "mkldnnEnabled": torch.backends.mkldnn.enabled},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "constants.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"{path}: {len(dtypes)} dtypes, {len(CASES)} cases x {len(defaults)} defaults")
