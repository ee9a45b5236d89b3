#!/usr/bin/env python3
"""AOTInductor fixtures for test/aoti.test.ts and the 'aoti' bench workload: two small models exported
with torch.export and compiled by torch._inductor.aoti_compile_and_package into .pt2 packages, plus
test/fixtures/aoti/aoti.json with seeded inputs and the outputs of both eager PyTorch and the
compiled package run by Python.

Usage: .venv/bin/python scripts/make-aoti-fixtures.py   (about a minute; rewrites test/fixtures/aoti/)

Portability: inductor compiles C++ with -march=native by default, so a package built on an AVX-512
machine may die with SIGILL elsewhere. PORTABLE pins the host ISA to x86-64-v2 and the vector ISA to
AVX2 (every x86_64 CI machine of the last decade has it); check_no_avx512 disassembles each package's
shared objects and fails if any AVX-512 register or opmask appears.
The numbers are seeded; the .pt2 bytes are not reproducible (inductor embeds hashes and paths).
"""
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 (inductor reads it too) and one thread

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.export import Dim  # noqa: E402

OUT_DIR = os.path.join(HERE, "..", "test", "fixtures", "aoti")
# 256-bit vectors = AVX2 (+FMA, F16C) on an x86-64-v2 baseline; no -g1 line tables (they tripled the size).
PORTABLE = {"cpp.march": "x86-64-v2", "cpp.simdlen": 256, "aot_inductor.enable_line_tables": False}
# torchnode runs packages with their input checks on; inductor's 0/1 specialisation makes a dynamic
# dim's recorded lower bound 2, so without this a batch of 1 (which the compiled code handles) is refused.
INDUCTOR_CONFIGS = {**PORTABLE, "aot_inductor.check_lowerbound": False}


class SmallCNN(nn.Module):
    """conv-relu-pool twice, then a linear classifier: the benchmark's small CNN."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 8 * 8, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))


class TwoInTwoOut(nn.Module):
    """Two inputs of different dtypes, a tuple of two outputs of different dtypes."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 5)
        self.register_buffer("offset", torch.arange(5, dtype=torch.float32) / 10)

    def forward(self, x, bias_index):
        y = torch.tanh(self.proj(x)) + self.offset + bias_index.unsqueeze(1).to(torch.float32)
        return y, torch.argmax(x * x, dim=1) + bias_index


class ScalarsAndNone(nn.Module):
    """Python scalars and None among the inputs (export specialises them; the package takes the tensors only)
    and None among the outputs."""

    def forward(self, x, n: int, opt, y):
        return {"sum": x * n + y, "none": None, "pair": (x - y, None)}


def check_no_avx512(package):
    """Fails when a compiled object in the package uses AVX-512 (zmm, ymm16-31 or k registers)."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(package) as z:
        objects = [n for n in z.namelist() if n.endswith((".so", ".o"))]
        assert objects, f"{package}: no compiled object inside"
        for name in objects:
            path = z.extract(name, tmp)
            asm = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], check=True,
                                 capture_output=True, text=True).stdout
            bad = [line for line in asm.splitlines()
                   if "%zmm" in line or "{%k" in line or any(f"%ymm{i}" in line or f"%xmm{i}" in line for i in range(16, 32))]
            assert not bad, f"{package}:{name} uses AVX-512: {bad[:3]}"
            has_avx2 = any("%ymm" in line for line in asm.splitlines())
            print(f"  {name}: {os.path.getsize(path)} bytes, no AVX-512 instruction, 256-bit AVX2 used: {has_avx2}")


def compile_package(name, model, inputs, dynamic_shapes=None):
    ep = torch.export.export(model, inputs, dynamic_shapes=dynamic_shapes)
    path = os.path.join(OUT_DIR, f"{name}.pt2")
    if os.path.exists(path):
        os.remove(path)
    torch._inductor.aoti_compile_and_package(ep, package_path=path, inductor_configs=INDUCTOR_CONFIGS)
    check_no_avx512(path)
    print(f"{path}: {os.path.getsize(path)} bytes")
    return path


def run_case(name, model, inputs, dynamic_shapes=None, extra_inputs=()):
    model.eval()
    path = compile_package(name, model, inputs, dynamic_shapes)
    compiled = torch._inductor.aoti_load_package(path)
    runs = []
    for args in (inputs, *extra_inputs):
        with torch.no_grad():
            eager = model(*args)
            aoti = compiled(*args)
        flat_eager = eager if isinstance(eager, tuple) else (eager,)
        flat_aoti = aoti if isinstance(aoti, tuple) else (aoti,)
        diff = max(float((a.double() - e.double()).abs().max()) for a, e in zip(flat_aoti, flat_eager))
        print(f"  {name} {[tuple(a.shape) for a in args]}: max |aoti - eager| = {diff:.3g}")
        runs.append({
            "inputs": [mf.enc_tensor(a) for a in args],
            "tuple": isinstance(eager, tuple),
            "eager": [mf.enc_tensor(t) for t in flat_eager],
            "aoti": [mf.enc_tensor(t) for t in flat_aoti],
        })
    return {
        "file": f"{name}.pt2",
        "metadata": compiled.get_metadata(),
        "constantFqns": sorted(compiled.get_constant_fqns()),
        "runs": runs,
    }


def main():
    assert platform.machine() in ("x86_64", "AMD64"), "the committed packages are x86_64 shared objects"
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    os.makedirs(OUT_DIR)
    torch.manual_seed(0)
    cnn = SmallCNN()
    x1 = torch.randn(1, 3, 32, 32)
    x2 = torch.randn(2, 3, 32, 32)
    batch = Dim("batch", min=1, max=64)  # exported from a batch of 2: an example of 1 would specialise it
    two = TwoInTwoOut()
    a = torch.randn(3, 4)
    idx = torch.tensor([0, 2, 1], dtype=torch.int64)
    sx, sy = torch.randn(2, 3), torch.randn(2, 3)
    scalars = ScalarsAndNone()
    scalars_path = compile_package("scalars_none", scalars, (sx, 2, None, sy))
    scalars_out = torch._inductor.aoti_load_package(scalars_path)(sx, 2, None, sy)
    assert scalars_out["none"] is None and scalars_out["pair"][1] is None
    # load_constants: new values for some of the constants (the rest kept), then the same inputs again
    two_path = os.path.join(OUT_DIR, "two_in_two_out.pt2")
    fixture = {
        "meta": {"torch": torch.__version__, "cpuCapability": mf.CPU_CAPABILITY, "threads": torch.get_num_threads(),
                 "inductorConfigs": INDUCTOR_CONFIGS},
        "cnn": run_case("small_cnn", cnn, (x2,), ({0: batch},), extra_inputs=((x1,),)),
        "two": run_case("two_in_two_out", two, (a, idx)),
        "scalarsNone": {"file": "scalars_none.pt2", "x": mf.enc_tensor(sx), "y": mf.enc_tensor(sy),
                        "sum": mf.enc_tensor(scalars_out["sum"]), "pair0": mf.enc_tensor(scalars_out["pair"][0])},
    }
    reloaded = torch._inductor.aoti_load_package(two_path)
    new_weight = torch.linspace(-1, 1, 20).reshape(5, 4)
    reloaded.load_constants({"proj.weight": new_weight}, check_full_update=False)
    y, arg = reloaded(a, idx)
    fixture["loadConstants"] = {"weight": mf.enc_tensor(new_weight), "outputs": [mf.enc_tensor(y), mf.enc_tensor(arg)]}
    mf.write_json(os.path.join(OUT_DIR, "aoti.json"), fixture)


if __name__ == "__main__":
    sys.exit(main())
