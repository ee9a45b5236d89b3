#!/usr/bin/env python3
"""Records every torch.dtype of Python torch 2.13 (names, aliases, sizes, kinds) and a few
conversions into the new dtypes, for test/dtype.test.ts. Run: .venv/bin/python scripts/make-dtype-fixture.py"""
import json
import os

import torch

assert torch.__version__.startswith("2.13"), torch.__version__
names = {}
for n in sorted(dir(torch)):
    v = getattr(torch, n)
    if isinstance(v, torch.dtype):
        names.setdefault(v, []).append(n)


def attr(d, name):
    try:
        return getattr(d, name)
    except Exception:  # is_signed raises for quantized and bits types
        return None


dtypes = []
for d, ns in names.items():
    primary = str(d)[len("torch."):]
    dtypes.append({"name": primary, "aliases": sorted(n for n in ns if n != primary), "itemsize": d.itemsize,
                   "isFloatingPoint": d.is_floating_point, "isComplex": d.is_complex, "isSigned": attr(d, "is_signed")})
dtypes.sort(key=lambda e: e["name"])

# Values after a round trip through the narrow formats: the same rounding in every kernel.
src = [0.1, -1.7, 3.3, 448.0, 500.0, 1e-3]
enc = lambda xs: [x if x == x and abs(x) != float("inf") else str(x) for x in xs]  # JSON has no nan/inf: 'nan', 'inf'
conversions = {name: enc(torch.tensor(src).to(getattr(torch, name)).float().tolist())
               for name in ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "bfloat16", "float16"]}
uints = {name: torch.tensor([0, 1, 200, 65535]).to(getattr(torch, name)).mul(3).tolist() for name in ["uint16", "uint32", "uint64"]}
out = {"meta": {"torch": torch.__version__, "generator": "scripts/make-dtype-fixture.py"},
       "dtypes": dtypes, "source": src, "conversions": conversions, "uintMul3": uints}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "dtypes.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"{path}: {len(dtypes)} dtypes")
