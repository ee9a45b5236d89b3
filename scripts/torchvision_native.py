"""Imports torchvision 0.28 with its real native CPU kernels against the venv's CPU torch, for fixtures that
need the kernels' own numbers (roi_align: its CPU kernel differs from the Python fallback `_roi_align`).

torchvision's _C.so is a CUDA build: it needs libc10_cuda.so and libtorch_cuda.so (absent from CPU torch) and
libcudart (present where the CUDA runtime is installed). Its CPU kernels never call into them, so tiny stub
libraries with those SONAMEs, defining the c10::cuda / at::cuda symbols _C.so imports as empty functions, are
built here (gcc) and loaded RTLD_GLOBAL first; then `import torchvision` loads _C.so and registers the
kernels. Unlike torchvision_cpu, nothing falls back to Python: torchvision.extension._has_ops() is True.
Import this instead of torchvision_cpu (never both: torchvision_cpu defines placeholder schemas)."""
import ctypes
import hashlib
import importlib.util
import os
import subprocess
import tempfile

import torch

_TV = os.path.dirname(importlib.util.find_spec("torchvision").origin)
_SO = os.path.join(_TV, "_C.so")
_STUB_SONAMES = ("libc10_cuda.so", "libtorch_cuda.so")
# the C++ namespaces only the CUDA libraries define (mangled prefixes)
_CUDA_NAMESPACES = ("_ZN3c104cuda", "_ZNK3c104cuda", "_ZN2at4cuda", "_ZNK2at4cuda")


def _cuda_symbols():
    names = subprocess.run(["nm", "-D", "--undefined-only", "--format=posix", _SO], check=True, capture_output=True, text=True).stdout
    syms = sorted({line.split()[0].split("@")[0] for line in names.splitlines() if line.strip()})
    return [s for s in syms if s.startswith(_CUDA_NAMESPACES)]


def _load_stubs():
    syms = _cuda_symbols()
    key = hashlib.sha256("\n".join(syms).encode()).hexdigest()[:16]
    folder = os.path.join(tempfile.gettempdir(), f"torchvision-native-stubs-{key}")
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, "stub.c")
    with open(source, "w") as f:
        f.write("".join(f"void {s}(void) {{}}\n" for s in syms))
    for i, soname in enumerate(_STUB_SONAMES):
        path = os.path.join(folder, soname)
        if not os.path.exists(path):  # the symbols go in the first; the second only has to exist
            src = source if i == 0 else os.devnull
            subprocess.run(["gcc", "-shared", "-fPIC", "-x", "c", src, "-o", path, f"-Wl,-soname,{soname}"], check=True)
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


_load_stubs()
import torchvision  # noqa: E402 (after the stubs)

assert torchvision.extension._has_ops(), "torchvision's _C.so did not load (is libcudart installed?)"
assert torch.ops.torchvision.roi_align.default is not None
