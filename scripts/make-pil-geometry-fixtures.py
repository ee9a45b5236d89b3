"""Fixtures of torchnode's PIL-exact warps (torchvision 0.28 with Pillow 12.3): run with .venv/bin/python.

Writes test/fixtures/pil-geometry.json: torchvision's rotate, affine and perspective on PIL images
(v1's functional and v2's, each filter, fills, centers, expand), its v1 and v2 RandomRotation,
RandomAffine and RandomPerspective on PIL images after torch.manual_seed(seed) (with the next
torch.rand(1): the RNG's position), and the automatic augmentations' geometric operations (v1's
_apply_op) on PIL images. Pixels are base64 of PIL's bytes (rows, bands interleaved).
With `--random N [SEED]`, writes N random functional cases to /tmp/pil-geometry-random.json instead (a scratch check).
"""
import base64
import importlib.util
import math
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)

import torch  # noqa: E402
import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision.transforms as T  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402
import torchvision.transforms.v2 as T2  # noqa: E402
import torchvision.transforms.v2.functional as TF2  # noqa: E402
from torchvision.transforms.autoaugment import _apply_op  # noqa: E402
from PIL import Image  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "pil-geometry.json")
IM = T.InterpolationMode


def make_images():
    rng = np.random.default_rng(7)
    imgs = {
        "gray": Image.fromarray(rng.integers(0, 256, (11, 13), dtype=np.uint8), "L"),
        "rgb": Image.fromarray(rng.integers(0, 256, (12, 15, 3), dtype=np.uint8), "RGB"),
        "square": Image.fromarray(rng.integers(0, 256, (10, 10, 3), dtype=np.uint8), "RGB"),
        "tiny": Image.fromarray(rng.integers(0, 256, (2, 3), dtype=np.uint8), "L"),
    }
    # a smooth gradient, where the filters' arithmetic shows
    yy, xx = np.mgrid[0:14, 0:17]
    imgs["ramp"] = Image.fromarray(np.stack([xx * 15, yy * 18, (xx * yy) % 256], -1).astype(np.uint8), "RGB")
    return imgs


def enc_image(im):
    return {"mode": im.mode, "width": im.width, "height": im.height, "data": base64.b64encode(im.tobytes()).decode()}


def run_functional(api, fn, img, a):
    F = TF if api == "v1" else TF2
    interp = IM(a["interpolation"])
    if fn == "rotate":
        return F.rotate(img, a["angle"], interp, a["expand"], a["center"], a["fill"])
    if fn == "affine":
        return F.affine(img, a["angle"], a["translate"], a["scale"], a["shear"], interp, a["fill"], a["center"])
    return F.perspective(img, a["startpoints"], a["endpoints"], interp, a["fill"])


def functional_cases():
    cases = []
    fills = [None, 7, 300, -4, 2.7, [200], [10, 20, 30]]
    for api in ("v1", "v2"):
        for img in ("gray", "rgb", "square", "ramp"):
            channels = 1 if img == "gray" else 3
            ok_fills = [f for f in fills if not (isinstance(f, list) and len(f) not in (1, channels))]
            k = 0
            for interp in ("nearest", "bilinear", "bicubic"):
                for angle in (0, 90, 180, 270, -45, 33.3, 720.5, -90):
                    for expand in (False, True):
                        for center in (None, [2, 3], [4.5, 1.25]):
                            k += 1
                            cases.append((api, "rotate", img, {"angle": angle, "interpolation": interp, "expand": expand, "center": center, "fill": ok_fills[k % len(ok_fills)]}))
                for angle, translate, scale, shear, center in [
                    (0, [0, 0], 1.0, [0.0, 0.0], None), (0, [3, -2], 1.0, [0.0, 0.0], None), (0, [0, 0], 0.7, [0.0, 0.0], None),
                    (0, [0, 0], 1.3, [0.0, 0.0], [1, 2]), (30, [1, 2], 1.1, [5.0, -7.0], None), (-12.5, [0, 0], 0.9, [20.0, 0.0], [0, 0]),
                    (0, [0, 0], 1.0, [16.7, 0.0], [0, 0]), (0, [0, 0], 1.0, [0.0, -16.7], [0, 0]), (45, [2.5, -1.5], 1.0, [0.0, 0.0], [3.5, 2.5]),
                    (90, [0, 0], 1.0, [0.0, 0.0], None), (180, [0, 0], 2.0, [0.0, 0.0], None), (-200.25, [1, 1], 0.5, [3.0, 3.0], None),
                ]:
                    k += 1
                    cases.append((api, "affine", img, {"angle": angle, "translate": translate, "scale": scale, "shear": shear, "interpolation": interp,
                                                       "center": center, "fill": ok_fills[k % len(ok_fills)]}))
                for sp, ep in [
                    ([[0, 0], [12, 0], [12, 10], [0, 10]], [[1, 2], [11, 0], [12, 9], [0, 10]]),
                    ([[0, 0], [12, 0], [12, 10], [0, 10]], [[3, 3], [9, 1], [10, 8], [2, 10]]),
                    ([[0, 0], [12, 0], [12, 10], [0, 10]], [[0.5, 1.5], [11.25, 0.75], [12, 9.5], [0.25, 9]]),
                    ([[1, 1], [5, 1], [5, 5], [1, 5]], [[0, 0], [8, 0], [8, 8], [0, 8]]),
                ]:
                    k += 1
                    cases.append((api, "perspective", img, {"startpoints": sp, "endpoints": ep, "interpolation": interp, "fill": ok_fills[k % len(ok_fills)]}))
    return cases


def random_functional_cases(n, seed=1234):
    rnd = random.Random(seed)
    cases = []
    for _ in range(n):
        api = rnd.choice(["v1", "v2"])
        img = rnd.choice(["gray", "rgb", "square", "ramp", "tiny"])
        interp = rnd.choice(["nearest", "bilinear", "bicubic", "nearest-exact"])
        fill = rnd.choice([None, rnd.randint(0, 255), [rnd.randint(0, 255)]])
        fn = rnd.choice(["rotate", "affine", "perspective"])
        if fn == "rotate":
            angle = rnd.choice([rnd.uniform(-360, 360), float(rnd.randint(-8, 8) * 45), round(rnd.uniform(-180, 180), 1)])
            center = rnd.choice([None, [rnd.randint(-2, 15), rnd.randint(-2, 15)], [rnd.uniform(0, 12), rnd.uniform(0, 12)]])
            a = {"angle": angle, "interpolation": interp, "expand": rnd.random() < 0.5, "center": center, "fill": fill}
        elif fn == "affine":
            a = {"angle": rnd.uniform(-180, 180), "translate": [rnd.randint(-4, 4), rnd.randint(-4, 4)], "scale": rnd.uniform(0.5, 1.8),
                 "shear": [rnd.uniform(-30, 30), rnd.choice([0.0, rnd.uniform(-30, 30)])], "interpolation": interp,
                 "center": rnd.choice([None, [rnd.randint(0, 12), rnd.randint(0, 10)]]), "fill": fill}
        else:
            w, h = 12, 10
            sp = [[0, 0], [w, 0], [w, h], [0, h]]
            ep = [[p[0] + rnd.randint(-3, 3), p[1] + rnd.randint(-3, 3)] for p in sp]
            if rnd.random() < 0.5:
                ep = [[x + rnd.uniform(-0.5, 0.5), y] for x, y in ep]
            a = {"startpoints": sp, "endpoints": ep, "interpolation": interp, "fill": fill}
        cases.append((api, fn, img, a))
    return cases


def encode_functional(cases, imgs):
    out = []
    for api, fn, img, a in cases:
        res = run_functional(api, fn, imgs[img], a)
        out.append({"api": api, "fn": fn, "image": img, "args": a, "out": enc_image(res)})
    return out


# (api, class name, kwargs, image, seed, calls)
CLASS_CASES = [
    ("v1", "RandomRotation", {"degrees": 30}, "rgb", 0, 3),
    ("v1", "RandomRotation", {"degrees": [-45, 10], "interpolation": "bilinear"}, "rgb", 1, 3),
    ("v1", "RandomRotation", {"degrees": [20, 80], "interpolation": "bilinear", "expand": True, "fill": 50}, "gray", 2, 3),
    ("v1", "RandomRotation", {"degrees": 25, "interpolation": "bicubic", "center": [2, 3], "fill": [10, 20, 30]}, "ramp", 3, 3),
    ("v1", "RandomAffine", {"degrees": 30}, "rgb", 4, 3),
    ("v1", "RandomAffine", {"degrees": 20, "translate": [0.1, 0.2], "scale": [0.8, 1.2], "shear": 10, "interpolation": "bilinear"}, "ramp", 5, 3),
    ("v1", "RandomAffine", {"degrees": [-10, 10], "shear": [-5, 5, -8, 8], "interpolation": "bilinear", "fill": [10, 20, 30]}, "rgb", 6, 3),
    ("v1", "RandomAffine", {"degrees": 45, "translate": [0.3, 0.3], "center": [3, 4], "fill": 0.5, "interpolation": "bicubic"}, "gray", 7, 3),
    ("v1", "RandomPerspective", {}, "rgb", 8, 3),
    ("v1", "RandomPerspective", {"distortion_scale": 0.8, "p": 1.0, "interpolation": "nearest", "fill": [5, 6, 7]}, "ramp", 9, 3),
    ("v1", "RandomPerspective", {"distortion_scale": 0.3, "p": 0.9, "fill": 0.25, "interpolation": "bicubic"}, "gray", 10, 3),
    ("v2", "RandomRotation", {"degrees": 30}, "rgb", 0, 3),
    ("v2", "RandomRotation", {"degrees": [-45, 10], "interpolation": "bilinear", "expand": True}, "ramp", 1, 3),
    ("v2", "RandomRotation", {"degrees": 25, "interpolation": "bicubic", "center": [2, 3], "fill": 9}, "gray", 3, 3),
    ("v2", "RandomAffine", {"degrees": 20, "translate": [0.1, 0.2], "scale": [0.8, 1.2], "shear": 10, "interpolation": "bilinear"}, "ramp", 5, 3),
    ("v2", "RandomAffine", {"degrees": [-10, 10], "shear": [-5, 5, -8, 8], "interpolation": "bicubic", "fill": [10, 20, 30]}, "rgb", 6, 3),
    ("v2", "RandomAffine", {"degrees": 45, "translate": [0.3, 0.3], "center": [3, 4], "fill": 0.5, "interpolation": "bilinear"}, "gray", 7, 3),
    ("v2", "RandomPerspective", {}, "rgb", 8, 3),
    ("v2", "RandomPerspective", {"distortion_scale": 0.8, "p": 1.0, "interpolation": "nearest", "fill": [5, 6, 7]}, "ramp", 9, 3),
    ("v2", "RandomPerspective", {"distortion_scale": 0.3, "p": 0.9, "fill": 0.25, "interpolation": "bicubic"}, "gray", 10, 3),
]


def class_cases(imgs):
    out = []
    for api, cls, kwargs, img, seed, calls in CLASS_CASES:
        kw = dict(kwargs)
        if "interpolation" in kw:
            kw["interpolation"] = IM(kw["interpolation"])
        t = getattr(T if api == "v1" else T2, cls)(**kw)
        random.seed(seed)
        torch.manual_seed(seed)
        outs = [enc_image(t(imgs[img])) for _ in range(calls)]
        out.append({"api": api, "cls": cls, "kwargs": kwargs, "image": img, "seed": seed, "outputs": outs, "after": torch.rand(1).item()})
    return out


# the automatic augmentations on PIL images: seeds whose drawn operations are all geometric (or Identity),
# so that the pixels are the warps' alone; AugMix, which runs on the image's tensor, any seed
AUGMENT_CLASS_CASES = [
    ("v1", "TrivialAugmentWide", {"interpolation": "bilinear", "fill": 100}, "rgb"),
    ("v1", "TrivialAugmentWide", {}, "gray"),
    ("v1", "RandAugment", {"num_ops": 2, "magnitude": 15, "interpolation": "bilinear", "fill": [1, 2, 3]}, "ramp"),
    ("v1", "AutoAugment", {"policy": "imagenet", "interpolation": "bilinear"}, "rgb"),
    ("v1", "AutoAugment", {"policy": "svhn", "fill": 7}, "gray"),
    ("v2", "TrivialAugmentWide", {"interpolation": "bilinear", "fill": 100}, "rgb"),
    ("v2", "RandAugment", {"num_ops": 2, "magnitude": 15, "interpolation": "bilinear", "fill": [1, 2, 3]}, "ramp"),
    ("v2", "AutoAugment", {"policy": "svhn", "interpolation": "bilinear", "fill": 7}, "gray"),
]
GEOMETRIC_OPS = {"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Identity"}


def augment_class_cases(imgs):
    import torchvision.transforms.autoaugment as AA
    import torchvision.transforms.v2._auto_augment as AA2
    used = []
    v1_apply = AA._apply_op
    v2_apply = AA2._AutoAugmentBase._apply_image_or_video_transform

    def rec1(img, op_name, *args, **kwargs):
        used.append(op_name)
        return v1_apply(img, op_name, *args, **kwargs)

    def rec2(self, image, transform_id, *args, **kwargs):
        used.append(transform_id)
        return v2_apply(self, image, transform_id, *args, **kwargs)

    AA._apply_op = rec1
    AA2._AutoAugmentBase._apply_image_or_video_transform = rec2
    out = []
    try:
        for api, cls, kwargs, img in AUGMENT_CLASS_CASES:
            kw = dict(kwargs)
            if "interpolation" in kw:
                kw["interpolation"] = IM(kw["interpolation"])
            if "policy" in kw:
                kw["policy"] = T.AutoAugmentPolicy(kw["policy"])
            t = getattr(T if api == "v1" else T2, cls)(**kw)
            found = 0
            for seed in range(400):
                used.clear()
                random.seed(seed)
                torch.manual_seed(seed)
                outs = [enc_image(t(imgs[img])) for _ in range(2)]
                after = torch.rand(1).item()
                if used and all(op in GEOMETRIC_OPS for op in used) and any(op != "Identity" for op in used):
                    out.append({"api": api, "cls": cls, "kwargs": kwargs, "image": img, "seed": seed, "outputs": outs, "after": after, "ops": list(used)})
                    found += 1
                    if found == 3:
                        break
        for api in ("v1", "v2"):
            t = getattr(T if api == "v1" else T2, "AugMix")(severity=5)
            random.seed(11)
            torch.manual_seed(11)
            outs = [enc_image(t(imgs["rgb"])) for _ in range(2)]
            out.append({"api": api, "cls": "AugMix", "kwargs": {"severity": 5}, "image": "rgb", "seed": 11, "outputs": outs, "after": torch.rand(1).item()})
    finally:
        AA._apply_op = v1_apply
        AA2._AutoAugmentBase._apply_image_or_video_transform = v2_apply
    return out


def augment_op_cases(imgs):
    out = []
    k = 0
    for img in ("rgb", "gray", "ramp"):
        for op, mags in [("ShearX", [0.3, -0.15, 0.0, 0.99]), ("ShearY", [0.3, -0.2]), ("TranslateX", [4.0, -3.5]), ("TranslateY", [2.9, -5.0]),
                         ("Rotate", [30.0, -13.3, 0.0])]:
            for mag in mags:
                for interp in ("nearest", "bilinear"):
                    k += 1
                    fill = [None, 40, [1, 2, 3] if img != "gray" else [3]][k % 3]
                    res = _apply_op(imgs[img], op, mag, IM(interp), fill)
                    out.append({"image": img, "op": op, "magnitude": mag, "interpolation": interp, "fill": fill, "out": enc_image(res)})
    return out


def vision_transform_cases():
    """test/fixtures/vision-transforms.json's warping cases (make-vision-fixtures.py's CASES) on PIL images: their PIL outputs."""
    spec = importlib.util.spec_from_file_location("make_vision_fixtures", os.path.join(HERE, "make-vision-fixtures.py"))
    mv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mv)
    out = {}
    for name, (src, inp, seed, calls) in mv.CASES.items():
        x = mv.INPUTS[inp]
        if not any(k in name for k in VISION_CASE_KEYS) or name in mv.TENSOR_ONLY_CASES or x.dtype != torch.uint8 or x.dim() != 3:
            continue
        transform = eval(src, vars(mv))
        random.seed(seed)
        torch.manual_seed(seed)
        out[name] = [mv.enc(T.PILToTensor()(transform(mv.pil_of(x)))) for _ in range(calls)]
    return out


# the cases of vision-transforms.json whose PIL outputs come from the warps alone
VISION_CASE_KEYS = ("rotation", "random_affine", "random_perspective")


def main():
    imgs = make_images()
    if len(sys.argv) > 2 and sys.argv[1] == "--random":
        n = int(sys.argv[2])
        mf.write_json("/tmp/pil-geometry-random.json", {"images": {k: enc_image(v) for k, v in imgs.items()},
                                                       "functional": encode_functional(random_functional_cases(n, int(sys.argv[3]) if len(sys.argv) > 3 else 1234), imgs)})
        return
    fx = {
        "images": {k: enc_image(v) for k, v in imgs.items()},
        "functional": encode_functional(functional_cases(), imgs),
        "classes": class_cases(imgs) + augment_class_cases(imgs),
        "augmentOps": augment_op_cases(imgs),
        "visionTransforms": vision_transform_cases(),
    }
    mf.write_json(OUT, fx)
    print(f"{len(fx['functional'])} functional, {len(fx['classes'])} class, {len(fx['augmentOps'])} augmentation-op cases, "
          f"{len(fx['visionTransforms'])} vision-transforms.json cases on PIL images")


if __name__ == "__main__":
    main()
