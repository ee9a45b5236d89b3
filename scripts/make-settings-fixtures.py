#!/usr/bin/env python3
"""Python torch 2.13's answers for test/torch-settings.test.ts: build flags, qschemes, torch.Size,
deterministic debug modes, autocast state and what autocast does to CPU matmuls, the error classes. Run: .venv/bin/python scripts/make-settings-fixtures.py"""
import json
import os
import warnings

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"   # the kernels vitest.config.ts pins

import torch  # noqa: E402

assert torch.__version__.startswith("2.13"), torch.__version__


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the fixture records Python's error kind
        return {"error": type(e).__name__, "message": str(e)}
    return None


def tensor(t):
    return {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.float().tolist()}


a = torch.arange(6.0).reshape(2, 3) / 7
b = torch.arange(12.0).reshape(3, 4) / 5


def autocast_run(**kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autocast("cpu", **kw):
            inside = {"enabled": torch.is_autocast_enabled("cpu"), "dtype": str(torch.get_autocast_dtype("cpu")),
                      "cache": torch.is_autocast_cache_enabled(), "matmul": tensor(a.matmul(b)), "add": str((a + 1).dtype),
                      "linear": tensor(torch.nn.functional.linear(a, b.T))}
    inside["warnings"] = [str(w.message) for w in caught]
    return inside


def debug_mode(mode):
    failed = error(lambda: torch.set_deterministic_debug_mode(mode))
    result = failed or {"mode": torch.get_deterministic_debug_mode(), "enabled": torch.are_deterministic_algorithms_enabled(),
                        "warnOnly": torch.is_deterministic_algorithms_warn_only_enabled()}
    torch.set_deterministic_debug_mode(0)
    return result


x = torch.arange(6.0).reshape(2, 3)
q_tensor = torch.quantize_per_tensor(x, 0.5, 3, torch.quint8)
q_channel = torch.quantize_per_channel(x, torch.tensor([0.5, 0.25]), torch.tensor([0, 1]), 0, torch.quint8)
with torch.inference_mode():
    inference_inside = torch.is_inference_mode_enabled()

fixture = {
    "torch": torch.__version__,
    "flags": {"hasLapack": torch.has_lapack, "hasMkl": torch.has_mkl, "hasOpenmp": torch.has_openmp, "hasSpectral": torch.has_spectral,
              "compiledWithCxx11Abi": torch.compiled_with_cxx11_abi(), "isInferenceModeEnabled": torch.is_inference_mode_enabled(),
              "isInferenceModeEnabledInside": inference_inside, "isWarnAlwaysEnabled": torch.is_warn_always_enabled(),
              "setFlushDenormalFalse": torch.set_flush_denormal(False), "getDefaultDevice": str(torch.get_default_device()),
              "newaxis": torch.newaxis, "legacyContiguousFormat": str(torch.legacy_contiguous_format),
              "legacyIsContiguous": torch.legacy_contiguous_format is torch.contiguous_format},
    "qschemes": [str(q) for q in (torch.per_tensor_affine, torch.per_channel_affine, torch.per_tensor_symmetric,
                                  torch.per_channel_symmetric, torch.per_channel_affine_float_qparams)],
    "qschemeOf": {"perTensor": str(q_tensor.qscheme()), "perChannel": str(q_channel.qscheme())},
    "size": {"str": str(torch.Size([2, 3])), "numel": torch.Size([2, 3]).numel(), "emptyNumel": torch.Size([]).numel(),
             "float": error(lambda: torch.Size([2.5]))},
    "debugModes": {json.dumps(m): debug_mode(m) for m in (0, 1, 2, "default", "warn", "error", 3, "x")},
    "autocastDefaults": {"cpu": str(torch.get_autocast_dtype("cpu")), "cuda": str(torch.get_autocast_dtype("cuda")),
                         "xla": str(torch.get_autocast_dtype("xla")), "ipu": str(torch.get_autocast_dtype("ipu")),
                         "cpuEnabled": torch.is_autocast_enabled("cpu"), "enabled": torch.is_autocast_enabled(),
                         "cache": torch.is_autocast_cache_enabled()},
    "autocast": {"plain": {"matmul": tensor(a.matmul(b))}, "bfloat16": autocast_run(dtype=torch.bfloat16), "default": autocast_run(),
                 "float16": autocast_run(dtype=torch.float16), "float32": autocast_run(dtype=torch.float32),
                 "disabled": autocast_run(enabled=False), "noCache": autocast_run(cache_enabled=False)},
    "autocastUnknownDevice": error(lambda: torch.autocast("nosuch")),
    "nesting": [torch.autocast_increment_nesting(), torch.autocast_increment_nesting(), torch.autocast_decrement_nesting(), torch.autocast_decrement_nesting()],
    "errors": {n: [c.__name__ for c in getattr(torch, n).__mro__] for n in ("AcceleratorError", "OutOfMemoryError", "FatalError", "JITException")},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "settings.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
