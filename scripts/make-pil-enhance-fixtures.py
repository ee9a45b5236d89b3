"""Fixtures of the colour adjustments of a vision.Image against torchvision 0.28's PIL path (Pillow 12.3):
run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-pil-enhance-fixtures.py

Writes test/fixtures/pil-enhance.json: small L and RGB PIL images (random, smooth, uniform, saturated,
tiny); torchvision.transforms.functional's adjust_brightness / contrast / saturation / sharpness / hue /
gamma and autocontrast on each (ImageEnhance, ImageOps, Image.point and PIL's HSV underneath); the v1 and
v2 colour classes called on PIL images after torch.manual_seed(seed) (with where the torch RNG is left);
and the automatic augmentations on PIL images for seeds whose drawn operations are all colour operations
(the geometric ones are PIL's affine, not this port's), with the operations each call drew.
Pass --random N to also write N random functional cases to /tmp/pil-enhance-random.json (a scratch check).
"""
import base64
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins the CPU capability and one thread before torch loads

import numpy as np  # noqa: E402
import torch  # noqa: E402

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision.transforms as T  # noqa: E402
import torchvision.transforms.autoaugment as AA  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from PIL import Image  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "pil-enhance.json")


def enc(img):
    return {"mode": img.mode, "width": img.width, "height": img.height, "data": base64.b64encode(img.tobytes()).decode()}


def make_images(rng):
    def rgb(a):
        return Image.fromarray(np.ascontiguousarray(a, dtype=np.uint8), "RGB")

    def gray(a):
        return Image.fromarray(np.ascontiguousarray(a, dtype=np.uint8), "L")

    yy, xx = np.mgrid[0:11, 0:13]
    smooth = np.stack([xx * 19, yy * 23, (xx + yy) * 10 + 5], -1)
    sat = rng.integers(0, 256, (9, 10, 3))
    sat[rng.random((9, 10, 3)) < 0.35] = 0
    sat[rng.random((9, 10, 3)) < 0.35] = 255
    return {
        "rgb": rgb(rng.integers(0, 256, (11, 13, 3))),
        "gray": gray(rng.integers(0, 256, (11, 13))),
        "rgb_smooth": rgb(smooth),
        "gray_smooth": gray(xx * 9 + yy * 11 + 7),
        "rgb_uniform": rgb(np.full((6, 7, 3), [200, 40, 90])),
        "gray_uniform": gray(np.full((6, 7), 77)),
        "rgb_sat": rgb(sat),
        "gray_sat": gray(np.where(rng.random((9, 10)) < 0.5, 0, 255)),
        "rgb_narrow": rgb(rng.integers(0, 256, (2, 6, 3))),
        "rgb_dark": rgb(rng.integers(30, 61, (8, 9, 3))),
        "gray_mid": gray(rng.integers(100, 141, (7, 8))),
    }


FACTORS = [0.0, 0.3, 1.0, 1.7, 5.0, -0.4]
HUES = [-0.5, -0.37, -0.1, 0.0, 0.013, 0.25, 0.5]
GAMMAS = [(1.0, 1.0), (0.5, 1.0), (2.2, 1.0), (0.0, 1.0), (1.0, 0.5), (0.7, 1.3), (3.0, 2.0), (1.0, -1.0)]


def functional_cases(images, factors, hues, gammas):
    cases = []
    for name, img in images.items():
        for f in factors:
            for fn in ("adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_sharpness"):
                cases.append({"fn": fn, "image": name, "args": [f], "out": enc(getattr(TF, fn)(img, f))})
        for h in hues:
            cases.append({"fn": "adjust_hue", "image": name, "args": [h], "out": enc(TF.adjust_hue(img, h))})
        for g, gain in gammas:
            cases.append({"fn": "adjust_gamma", "image": name, "args": [g, gain], "out": enc(TF.adjust_gamma(img, g, gain))})
        cases.append({"fn": "autocontrast", "image": name, "args": [], "out": enc(TF.autocontrast(img))})
    return cases


def random_cases(n):
    rng = np.random.default_rng(99)
    images, cases = {}, []
    for k in range(n):
        h, w = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        mode = "RGB" if rng.random() < 0.7 else "L"
        shape = (h, w, 3) if mode == "RGB" else (h, w)
        lo = int(rng.integers(0, 200))
        hi = int(rng.integers(lo + 1, 257))
        img = Image.fromarray(rng.integers(lo, hi, shape).astype(np.uint8), mode)
        name = f"r{k}"
        images[name] = img
        fn = ["adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_sharpness", "adjust_hue", "adjust_gamma", "autocontrast"][k % 7]
        if fn == "adjust_hue":
            args = [float(rng.uniform(-0.5, 0.5))]
        elif fn == "adjust_gamma":
            args = [float(rng.uniform(0, 4)), float(rng.uniform(-0.5, 3))]
        elif fn == "autocontrast":
            args = []
        else:
            args = [float(rng.uniform(-1, 6))]
        cases.append({"fn": fn, "image": name, "args": args, "out": enc(getattr(TF, fn)(img, *args))})
    return {"images": {k: enc(v) for k, v in images.items()}, "cases": cases}


CLASS_CASES = [
    ("T.ColorJitter(0.4, 0.4, 0.4, 0.1)", "rgb", 0, 3),
    ("T.ColorJitter(brightness=(0.2, 2.0), contrast=0.8, saturation=(0.0, 3.0), hue=0.5)", "rgb_smooth", 1, 3),
    ("T.ColorJitter(0.5, 0.5, 0.5, 0.2)", "gray", 2, 2),
    ("T.RandomAutocontrast()", "rgb_dark", 3, 4),
    ("T.RandomAutocontrast(p=1.0)", "gray_mid", 4, 1),
    ("T.RandomAdjustSharpness(2.0)", "rgb", 5, 4),
    ("T.RandomAdjustSharpness(0.1, p=1.0)", "gray", 6, 1),
    ("v2.ColorJitter(0.4, 0.4, 0.4, 0.1)", "rgb", 0, 3),
    ("v2.ColorJitter(brightness=(0.2, 2.0), contrast=0.8, saturation=(0.0, 3.0), hue=0.5)", "rgb_sat", 7, 3),
    ("v2.RandomAutocontrast()", "rgb_dark", 3, 4),
    ("v2.RandomAdjustSharpness(3.0)", "rgb_smooth", 8, 4),
    ("v2.RandomPhotometricDistort(p=1.0)", "rgb", 9, 3),
    ("v2.RandomPhotometricDistort()", "rgb_smooth", 10, 4),
    ("v2.RandomPhotometricDistort(p=0.8)", "gray", 11, 3),
    ("v2.Compose([v2.ColorJitter(0.3, 0.3, 0.3, 0.05), v2.RandomAutocontrast(0.5), v2.RandomAdjustSharpness(1.5, 0.5)])", "rgb", 12, 3),
]


def replay(src, image, seed, calls, images):
    t = eval(src)
    torch.manual_seed(seed)
    outs = [enc(t(images[image].copy())) for _ in range(calls)]
    return {"src": src, "image": image, "seed": seed, "calls": calls, "outs": outs, "next": torch.rand(3).tolist()}


# ---- the automatic augmentations: seeds where every drawn operation is a colour operation ------------
COLOUR_OPS = {"Identity", "Brightness", "Color", "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize", "Invert"}
AUTO = [
    "T.AutoAugment(T.AutoAugmentPolicy.IMAGENET)", "T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)", "T.AutoAugment(T.AutoAugmentPolicy.SVHN)",
    "T.RandAugment()", "T.RandAugment(num_ops=3, magnitude=15)", "T.TrivialAugmentWide()",
    "v2.AutoAugment(v2.AutoAugmentPolicy.IMAGENET)", "v2.AutoAugment(v2.AutoAugmentPolicy.CIFAR10)", "v2.AutoAugment(v2.AutoAugmentPolicy.SVHN)",
    "v2.RandAugment()", "v2.RandAugment(num_ops=3, magnitude=15)", "v2.TrivialAugmentWide()",
]
drawn = []
_v1_apply = AA._apply_op


def _v1_record(img, op_name, *args, **kwargs):
    drawn.append(op_name)
    return _v1_apply(img, op_name, *args, **kwargs)


AA._apply_op = _v1_record
_v2_apply = v2.AutoAugment._apply_image_or_video_transform  # the shared _AutoAugmentBase method


def _v2_record(self, image, transform_id, *args, **kwargs):
    drawn.append(transform_id)
    return _v2_apply(self, image, transform_id, *args, **kwargs)


for cls in (v2.AutoAugment, v2.RandAugment, v2.TrivialAugmentWide, v2.AugMix):
    cls._apply_image_or_video_transform = _v2_record


def auto_cases(images, per_class=4, calls=2):
    out = []
    for src in AUTO:
        for image in ("rgb", "gray_smooth"):
            found, seed = 0, 0
            while found < per_class and seed < 400:
                t = eval(src)
                torch.manual_seed(seed)
                drawn.clear()
                outs, ops = [], []
                for _ in range(calls):
                    drawn.clear()
                    outs.append(enc(t(images[image].copy())))
                    ops.append(list(drawn))
                flat = {op for call in ops for op in call}
                if flat <= COLOUR_OPS and flat & {"Brightness", "Color", "Contrast", "Sharpness", "AutoContrast"}:
                    out.append({"src": src, "image": image, "seed": seed, "calls": calls, "ops": ops, "outs": outs, "next": torch.rand(3).tolist()})
                    found += 1
                seed += 1
    # AugMix works on the image's tensor (pil_to_tensor), so it keeps the tensor path: two seeds, any ops
    for src in ("T.AugMix()", "v2.AugMix(severity=5, mixture_width=2)"):
        t = eval(src)
        torch.manual_seed(3)
        outs = [enc(t(images["rgb"].copy())) for _ in range(2)]
        out.append({"src": src, "image": "rgb", "seed": 3, "calls": 2, "ops": None, "outs": outs, "next": torch.rand(3).tolist()})
    return out


def main():
    rng = np.random.default_rng(2026)
    images = make_images(rng)
    functional = functional_cases(images, FACTORS, HUES, GAMMAS)
    classes = [replay(*c, images) for c in CLASS_CASES]
    auto = auto_cases(images)
    mf.write_json(OUT, {"images": {k: enc(v) for k, v in images.items()}, "functional": functional, "classes": classes, "auto": auto})
    print(f"{OUT}: {len(images)} images, {len(functional)} functional cases, {len(classes)} class cases, {len(auto)} automatic augmentation cases")
    if "--random" in sys.argv:
        n = int(sys.argv[sys.argv.index("--random") + 1])
        with open("/tmp/pil-enhance-random.json", "w") as f:
            json.dump(random_cases(n), f)
        print(f"/tmp/pil-enhance-random.json: {n} random cases")


main()
