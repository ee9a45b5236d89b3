"""torchvision 0.28's deprecated `pretrained=` keyword (handle_legacy_interface), for test/vision-models.test.ts:
the weights entry `pretrained=True` stands for in each builder (read from torchvision's decorators, so nothing
downloads), the warnings of `pretrained=False`, and the errors. Run: .venv/bin/python scripts/make-legacy-pretrained-fixtures.py"""
import glob
import json
import os
import re
import warnings

import torchvision_cpu  # noqa: F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
import torchvision.models as M  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "vision-legacy-pretrained.json")
MODELS = os.path.dirname(M.__file__)
DECORATED = re.compile(r'@handle_legacy_interface\(\s*weights=\("pretrained",\s*([^)]*?)\)\s*,?(.*?)\)\s*def (\w+)', re.S)


def entries():
    """builder -> the entry name pretrained=True means (None: no weights), for the builders torchnode has."""
    out = {}
    for path in sorted(glob.glob(os.path.join(MODELS, "**", "*.py"), recursive=True)):
        if any(part in path for part in ("quantization", "video", "optical_flow")):
            continue
        for m in DECORATED.finditer(open(path).read()):
            default = m.group(1).strip()
            out[m.group(3)] = None if default == "None" else default.split(".")[-1]
    return out


def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn()
            error = None
        except Exception as e:  # noqa: BLE001
            error = {"type": type(e).__name__, "message": str(e)}
    return {"warnings": [str(x.message) for x in w], "error": error}


fixture = {
    "meta": {"torchvision": torchvision.__version__},
    "entries": entries(),
    "resnet18_false": caught(lambda: M.resnet18(pretrained=False)),
    "vit_h_14_true": caught(lambda: M.vit_h_14(pretrained=True)),
    "with_weights": caught(lambda: M.resnet18(pretrained=False, weights=None)),
}
with open(OUT, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print(f"wrote {OUT}: {len(fixture['entries'])} builders")
