"""Fixtures of vision.Image resizing against Pillow (torchvision 0.28's PIL path, Pillow 12.3): run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-pil-resample-fixtures.py

Writes test/fixtures/pil-resample.json:
- images: 'L' and 'RGB' PIL images (random bytes, smooth gradients, 1xN and Nx1 strips, a large one for
  huge reductions), their pixels base64-encoded row by row with interleaved bands;
- cases: torchvision's functionals and transforms on those PIL images, v1 and v2 (F.resize with every
  filter at many ratios, max_size, v2's size=None, resized_crop inside and across the border,
  Resize, RandomResizedCrop, ScaleJitter, RandomShortestSize, RandomResize after torch.manual_seed),
  each call's output pixels and the next torch.rand(1) after the calls (where the RNG was left);
- tensors: v2's resize of uint8 and float tensors with lanczos, and the refusals of box, hamming and
  lanczos on tensors (v1, and v2 without antialias), with torchvision's messages.

With PIL_RESAMPLE_RANDOM=N it writes N random F.resize cases (sizes up to PIL_RESAMPLE_LARGEST, 64 by
default, ratios, filters) to /tmp/pil-resample-random.json instead, for a scratch comparison.
"""
import base64
import importlib.util
import os
import random
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)

import numpy as np  # noqa: E402
import PIL  # noqa: E402
import PIL.Image  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, HERE)
import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
import torchvision.transforms as T  # noqa: E402
import torchvision.transforms.functional as F  # noqa: E402
from torchvision.transforms import InterpolationMode  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from torchvision.transforms.v2 import functional as F2  # noqa: E402

warnings.filterwarnings("ignore")
OUT = os.path.join(HERE, "..", "test", "fixtures", "pil-resample.json")
MODES = ["nearest", "nearest-exact", "bilinear", "bicubic", "box", "hamming", "lanczos"]


def interp(name):
    return InterpolationMode(name)


def enc_image(img):
    return {"mode": img.mode, "width": img.width, "height": img.height, "data": base64.b64encode(img.tobytes()).decode()}


def random_image(rng, mode, w, h):
    c = 3 if mode == "RGB" else 1
    a = rng.randint(0, 256, size=(h, w, c), dtype=np.uint8)
    return PIL.Image.fromarray(a[:, :, 0] if c == 1 else a, mode)


def smooth_image(mode, w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = [127.5 + 127.5 * np.sin(x / max(w, 1) * 5.1 + y / max(h, 1) * 2.3),
             255 * x / max(w - 1, 1), 255 * (y / max(h - 1, 1)) ** 2]
    a = np.stack(chans, -1).round().clip(0, 255).astype(np.uint8)
    return PIL.Image.fromarray(a[:, :, 0] if mode == "L" else a, mode)


def fixture_images():
    rng = np.random.RandomState(20260611)
    return {
        "rgb": random_image(rng, "RGB", 23, 19),
        "gray": random_image(rng, "L", 17, 13),
        "smooth_rgb": smooth_image("RGB", 32, 24),
        "smooth_gray": smooth_image("L", 40, 7),
        "row_rgb": random_image(rng, "RGB", 29, 1),
        "col_gray": random_image(rng, "L", 1, 31),
        "big_rgb": smooth_image("RGB", 211, 157),
        "big_gray": random_image(rng, "L", 160, 120),
        # over 100 times taller than wide: Image.resize shrinks the height first, in a resize of its own
        "tall_gray": random_image(rng, "L", 2, 201),
        "tall_rgb": random_image(rng, "RGB", 3, 640),
    }


def run_case(images, case):
    """The case's callable on its PIL image after torch.manual_seed(seed): its outputs and the next torch.rand(1)."""
    fn = eval(case["py"])
    img = images[case["image"]]
    torch.manual_seed(case["seed"])
    outs = [fn(img) for _ in range(case["calls"])]
    case["after"] = torch.rand(1).item()
    case["outputs"] = [enc_image(o) for o in outs]
    return case


def resize_cases(images):
    cases = []
    sizes = {
        "rgb": [[7, 5], [19, 46], [40, 23], [3, 11], [1, 1], [19, 22], [18, 23], [100, 3]],
        "gray": [[6, 8], [26, 34], [13, 5], [2, 2], [50, 17]],
        "smooth_rgb": [[12, 16], [7, 9], [48, 64], [24, 31], [5, 40], [33, 25]],
        "smooth_gray": [[3, 20], [14, 80], [7, 13], [1, 40]],
        "row_rgb": [[1, 7], [3, 29], [4, 60], [1, 2]],
        "col_gray": [[9, 1], [31, 4], [77, 2], [2, 1]],
        "big_rgb": [[3, 4], [1, 1], [10, 13], [157, 20], [7, 211], [60, 81]],
        "big_gray": [[2, 3], [12, 16], [1, 160], [33, 45]],
        "tall_gray": [[100, 1], [50, 3], [7, 2], [250, 1]],
        "tall_rgb": [[1, 2], [320, 1], [639, 3]],
    }
    for name, lst in sizes.items():
        for hw in lst:
            for mode in MODES:
                cases.append({"kind": "F.resize", "image": name, "size": hw, "interpolation": mode, "maxSize": None,
                              "py": f"lambda im: F.resize(im, {hw}, interp('{mode}'))", "seed": 0, "calls": 1})
    # The shorter edge, and max_size (v1 and v2).
    for name, size, max_size in [("rgb", 10, None), ("smooth_rgb", 9, 14), ("big_rgb", 50, 60), ("col_gray", 3, None),
                                 ("smooth_gray", 4, 30), ("gray", 26, None)]:
        for mode in ["bilinear", "bicubic", "nearest", "lanczos"]:
            for kind, mod in [("F.resize", "F"), ("F2.resize", "F2")]:
                cases.append({"kind": kind, "image": name, "size": size, "interpolation": mode, "maxSize": max_size,
                              "py": f"lambda im: {mod}.resize(im, {size}, interp('{mode}'), {max_size})", "seed": 0, "calls": 1})
    # v2: size None with max_size, antialias=False (ignored for PIL images), a list of one.
    for name, max_size, mode in [("big_rgb", 40, "bilinear"), ("smooth_gray", 16, "bicubic"), ("rgb", 50, "box")]:
        cases.append({"kind": "F2.resize", "image": name, "size": None, "interpolation": mode, "maxSize": max_size,
                      "py": f"lambda im: F2.resize(im, None, interp('{mode}'), {max_size})", "seed": 0, "calls": 1})
    for name, size, mode in [("rgb", [9, 9], "bilinear"), ("smooth_rgb", [8], "bicubic"), ("gray", [5, 30], "hamming")]:
        for kind, mod in [("F.resize", "F"), ("F2.resize", "F2")]:
            cases.append({"kind": kind, "image": name, "size": size, "interpolation": mode, "maxSize": None, "antialias": False,
                          "py": f"lambda im: {mod}.resize(im, {size}, interp('{mode}'), antialias=False)", "seed": 0, "calls": 1})
    # resized_crop: inside the image, and across its border (PIL's crop pads with zeros).
    for name, box, size, mode in [("rgb", [2, 3, 10, 12], [20, 7], "bilinear"), ("smooth_rgb", [-3, 5, 20, 30], [9, 9], "bicubic"),
                                  ("gray", [4, 4, 9, 9], [3, 17], "nearest"), ("big_gray", [10, 100, 90, 90], [7, 5], "lanczos"),
                                  ("smooth_gray", [0, 30, 7, 15], [21, 4], "hamming"), ("big_rgb", [50, 60, 40, 41], [12, 12], "box")]:
        for kind, mod in [("F.resized_crop", "F"), ("F2.resized_crop", "F2")]:
            cases.append({"kind": kind, "image": name, "box": box, "size": size, "interpolation": mode,
                          "py": f"lambda im: {mod}.resized_crop(im, *{box}, {size}, interp('{mode}'))", "seed": 0, "calls": 1})
    # Transforms after torch.manual_seed: outputs and where the RNG is left.
    transforms = [
        ("T.Resize", "rgb", {"size": 12}, "T.Resize(12)"),
        ("T.Resize", "big_rgb", {"size": [30, 20], "interpolation": "bicubic"}, "T.Resize([30, 20], interp('bicubic'))"),
        ("v2.Resize", "smooth_gray", {"size": 5, "interpolation": "lanczos"}, "v2.Resize(5, interp('lanczos'))"),
        ("v2.Resize", "big_gray", {"size": [50], "maxSize": 60}, "v2.Resize([50], max_size=60)"),
        ("T.RandomResizedCrop", "rgb", {"size": 10}, "T.RandomResizedCrop(10)"),
        ("T.RandomResizedCrop", "big_rgb", {"size": [24, 16], "scale": [0.2, 0.9], "ratio": [0.5, 2.0], "interpolation": "bicubic"},
         "T.RandomResizedCrop([24, 16], (0.2, 0.9), (0.5, 2.0), interp('bicubic'))"),
        ("T.RandomResizedCrop", "gray", {"size": 9, "interpolation": "nearest"}, "T.RandomResizedCrop(9, interpolation=interp('nearest'))"),
        ("v2.RandomResizedCrop", "smooth_rgb", {"size": 16, "interpolation": "box"}, "v2.RandomResizedCrop(16, interpolation=interp('box'))"),
        ("v2.RandomResizedCrop", "big_gray", {"size": [5, 40], "interpolation": "hamming"}, "v2.RandomResizedCrop([5, 40], interpolation=interp('hamming'))"),
        ("v2.ScaleJitter", "big_rgb", {"targetSize": [60, 80]}, "v2.ScaleJitter((60, 80))"),
        ("v2.ScaleJitter", "smooth_gray", {"targetSize": [20, 20], "scaleRange": [0.5, 1.5], "interpolation": "lanczos"},
         "v2.ScaleJitter((20, 20), (0.5, 1.5), interp('lanczos'))"),
        ("v2.RandomShortestSize", "rgb", {"minSize": [5, 9, 14], "maxSize": 20}, "v2.RandomShortestSize([5, 9, 14], 20)"),
        ("v2.RandomShortestSize", "big_gray", {"minSize": [10, 30], "interpolation": "bicubic"},
         "v2.RandomShortestSize([10, 30], interpolation=interp('bicubic'))"),
        ("v2.RandomResize", "smooth_rgb", {"minSize": 5, "maxSize": 40}, "v2.RandomResize(5, 40)"),
        ("v2.RandomResize", "big_rgb", {"minSize": 3, "maxSize": 30, "interpolation": "nearest"}, "v2.RandomResize(3, 30, interp('nearest'))"),
    ]
    for i, (kind, name, opts, src) in enumerate(transforms):
        for seed in (0, 7):
            cases.append({"kind": kind, "image": name, "options": opts, "py": f"{src}", "seed": seed + i, "calls": 3})
    return cases


def tensor_cases():
    """v2's resize of tensors with lanczos (antialiased: native uint8 on CPU, else float32), torchvision's
    extra filters refused on tensors (v1: F.interpolate's errors), for the same filters' Image path."""
    g = torch.Generator().manual_seed(5)
    inputs = {"u8": torch.randint(0, 256, (3, 13, 17), dtype=torch.uint8, generator=g),
              "f32": torch.rand(2, 3, 9, 11, generator=g), "u8_batch": torch.randint(0, 256, (2, 1, 20, 8), dtype=torch.uint8, generator=g)}
    cases = []
    for name, size in [("u8", [5, 7]), ("u8", [30, 40]), ("f32", [4, 20]), ("f32", [18, 5]), ("u8_batch", [7, 3]), ("u8", [6])]:
        cases.append({"input": name, "size": size, "output": mf.enc_tensor(F2.resize(inputs[name], size, InterpolationMode.LANCZOS))})
    errors = []
    for fn, mod, mode, kw in [("F.resize", F, "box", {}), ("F.resize", F, "hamming", {}), ("F.resize", F, "lanczos", {}),
                              ("F2.resize", F2, "box", {}), ("F2.resize", F2, "hamming", {}), ("F2.resize", F2, "lanczos", {"antialias": False})]:
        try:
            mod.resize(inputs["u8"], [4, 4], interp(mode), **kw)
            raise AssertionError("expected an error")
        except (ValueError, NotImplementedError, RuntimeError) as e:
            errors.append({"fn": fn, "interpolation": mode, "antialias": kw.get("antialias", True), "message": str(e)})
    return {"inputs": {k: mf.enc_tensor(v) for k, v in inputs.items()}, "cases": cases, "errors": errors}


def random_cases(n, largest):
    rng = random.Random(1234 + largest)
    nrng = np.random.RandomState(99)
    images, cases = {}, []
    for i in range(n):
        mode = rng.choice(["L", "RGB"])
        w, h = rng.randint(1, largest), rng.randint(1, largest)
        name = f"r{i}"
        images[name] = random_image(nrng, mode, w, h) if rng.random() < 0.5 else smooth_image(mode, w, h)
        ow = max(1, int(w * rng.choice([0.013, 0.1, 0.27, 0.5, 0.77, 1, 1.3, 2, 3.7]) + rng.randint(-2, 2)))
        oh = max(1, int(h * rng.choice([0.02, 0.1, 0.33, 0.5, 0.9, 1, 1.5, 2.5, 4]) + rng.randint(-2, 2)))
        m = rng.choice(MODES)
        cases.append({"kind": "F.resize", "image": name, "size": [oh, ow], "interpolation": m, "maxSize": None,
                      "py": f"lambda im: F.resize(im, {[oh, ow]}, interp('{m}'))", "seed": 0, "calls": 1})
    return images, cases


def main():
    n_random = int(os.environ.get("PIL_RESAMPLE_RANDOM", "0"))
    if n_random:
        images, cases = random_cases(n_random, int(os.environ.get("PIL_RESAMPLE_LARGEST", "64")))
        out = "/tmp/pil-resample-random.json"
    else:
        images = fixture_images()
        cases = resize_cases(images)
        out = OUT
    cases = [run_case(images, c) for c in cases]
    mf.write_json(out, {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__},
                        "images": {k: enc_image(v) for k, v in images.items()}, "cases": cases,
                        **({} if n_random else {"tensors": tensor_cases()})})
    print(f"{out}: {len(images)} images, {len(cases)} cases")


if __name__ == "__main__":
    main()
