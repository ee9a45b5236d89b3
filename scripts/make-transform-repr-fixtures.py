"""Fixtures of the reprs of torchvision's transforms (v1 and v2), torchvision 0.28 on torch 2.13: run with
PYTHONPATH=scripts .venv/bin/python scripts/make-transform-repr-fixtures.py

Writes test/fixtures/vision-transform-reprs.json: for each case the class, "v1" or "v2", the constructor's
positional arguments and keyword arguments (snake_case) as JSON, and repr(transform). Arguments that JSON
cannot hold are tokens: {"mode": "bilinear"} an InterpolationMode (v1) or
the string "bilinear" (v2, which keeps it as given), {"transform": [name, args]} a v1/v2
transform built the same way, {"fillDict": {"Image": 1, "others": 0}} a v2 fill dict keyed by tv_tensors class
names, {"dtype": "float32"} a torch dtype, {"policy": "cifar10"} an AutoAugmentPolicy, {"tensor": [...]} a torch.tensor, {"tuple": [...]} a tuple.
"""
import json
import os

import torchvision_cpu  # noqa: F401 (torchvision against CPU torch: before any torchvision import)
import torch  # noqa: E402
import torchvision  # noqa: E402
from torchvision import transforms as v1  # noqa: E402
from torchvision import tv_tensors  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from torchvision.transforms import _presets  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "vision-transform-reprs.json")
MODULES = {"v1": v1, "v2": v2, "presets": _presets}


def decode(v, ver):
    if isinstance(v, list):
        return [decode(x, ver) for x in v]
    if isinstance(v, dict):
        if "mode" in v:  # v2 keeps a string as given (its repr prints it bare), as torchnode's modes are strings
            return v["mode"] if ver == "v2" else v1.InterpolationMode(v["mode"])
        if "transform" in v:
            name, args = v["transform"]
            return getattr(MODULES[ver], name)(*decode(args, ver))
        if "fillDict" in v:
            return {(k if k == "others" else getattr(tv_tensors, k)): decode(x, ver) for k, x in v["fillDict"].items()}
        if "dtype" in v:
            return getattr(torch, v["dtype"])
        if "policy" in v:
            return v1.AutoAugmentPolicy(v["policy"])
        if "tuple" in v:
            return tuple(decode(v["tuple"], ver))
        if "tensor" in v:
            return torch.tensor(v["tensor"])
        return {k: decode(x, ver) for k, x in v.items()}
    return v


CASES = []


def case(name, ver, *args, **kwargs):
    t = getattr(MODULES[ver], name)(*decode(list(args), ver), **{k: decode(x, ver) for k, x in kwargs.items()})
    CASES.append({"name": name, "version": ver, "args": list(args), "kwargs": kwargs, "repr": repr(t)})


def tr(name, *args):
    return {"transform": [name, list(args)]}


M = lambda m: {"mode": m}  # noqa: E731

for ver in ("v1", "v2"):
    case("Compose", ver, [tr("RandomHorizontalFlip"), tr("CenterCrop", 4)])
    case("RandomApply", ver, [tr("RandomHorizontalFlip", 0.25)])
    case("RandomApply", ver, [tr("RandomVerticalFlip")], p=0.3)
    case("RandomOrder", ver, [tr("RandomHorizontalFlip"), tr("RandomVerticalFlip")])
    case("RandomChoice", ver, [tr("RandomHorizontalFlip"), tr("RandomVerticalFlip")])
    case("PILToTensor", ver)
    case("ToPILImage", ver)
    case("ToPILImage", ver, "RGB")
    case("ConvertImageDtype", ver, {"dtype": "float32"})
    case("Normalize", ver, [0.5, 0.25, 1], [1, 2, 0.5])
    case("Normalize", ver, [0, 0, 0], [1, 1, 1], inplace=True)
    case("Resize", ver, 8)
    case("Resize", ver, [6, 8], interpolation=M("nearest"), antialias=False)
    case("Resize", ver, 8, max_size=12, interpolation=M("bicubic"))
    case("CenterCrop", ver, 4)
    case("CenterCrop", ver, [3, 5])
    case("Pad", ver, 2)
    case("Pad", ver, [1, 2], fill=3, padding_mode="reflect")
    case("Pad", ver, [1, 2, 3, 4], fill=1.5, padding_mode="edge")
    case("RandomCrop", ver, 4)
    case("RandomCrop", ver, [4, 6], padding=2, pad_if_needed=True, fill=5, padding_mode="symmetric")
    case("RandomHorizontalFlip", ver)
    case("RandomHorizontalFlip", ver, 0.25)
    case("RandomVerticalFlip", ver)
    case("RandomVerticalFlip", ver, 1)
    case("RandomPerspective", ver)
    case("RandomPerspective", ver, 0.25, 0.75, interpolation=M("nearest"), fill=3)
    case("RandomResizedCrop", ver, 4)
    case("RandomResizedCrop", ver, [4, 6], scale=[0.5, 1], ratio=[1, 2], interpolation=M("bicubic"), antialias=False)
    case("FiveCrop", ver, 4)
    case("FiveCrop", ver, [3, 5])
    case("TenCrop", ver, 4)
    case("TenCrop", ver, [3, 5], vertical_flip=True)
    case("LinearTransformation", ver, {"tensor": [[1.0, 0.0], [0.5, 2.0]]}, {"tensor": [0.0, 1.5]})
    case("ColorJitter", ver)
    case("ColorJitter", ver, 1, 0.5, 0.25, 0.1)
    case("ColorJitter", ver, brightness=[0.5, 1.5], hue=[-0.2, 0.3])
    case("RandomRotation", ver, 30)
    case("RandomRotation", ver, [-10, 20], interpolation=M("bilinear"), expand=True, center=[1, 2], fill=3)
    case("RandomRotation", ver, 15.5, fill=[1, 2, 3])
    case("RandomAffine", ver, 30)
    case("RandomAffine", ver, [-10, 20], translate=[0.1, 0.2], scale=[0.5, 1.5], shear=10, interpolation=M("bilinear"), fill=2, center=[1, 2])
    case("RandomAffine", ver, 0, shear=[1, 2, 3, 4])
    case("Grayscale", ver)
    case("Grayscale", ver, 3)
    case("RandomGrayscale", ver)
    case("RandomGrayscale", ver, 0.5)
    case("RandomErasing", ver)
    case("RandomErasing", ver, 0.75, scale=[0.1, 0.2], ratio=[0.5, 2], value=3, inplace=True)
    case("RandomErasing", ver, value=[1, 2, 3])
    case("GaussianBlur", ver, 3)
    case("GaussianBlur", ver, [3, 5], sigma=[0.5, 1])
    case("GaussianBlur", ver, 5, sigma=2)
    case("RandomInvert", ver)
    case("RandomInvert", ver, 0.25)
    case("RandomPosterize", ver, 4)
    case("RandomPosterize", ver, 2, p=0.25)
    case("RandomSolarize", ver, 128)
    case("RandomSolarize", ver, 0.5, p=0.25)
    case("RandomAdjustSharpness", ver, 2)
    case("RandomAdjustSharpness", ver, 0.5, p=0.25)
    case("RandomAutocontrast", ver)
    case("RandomAutocontrast", ver, 0.25)
    case("RandomEqualize", ver)
    case("RandomEqualize", ver, 0.25)
    case("ElasticTransform", ver)
    case("ElasticTransform", ver, alpha=[10.0, 20.0], sigma=3.0, interpolation=M("nearest"), fill=1)
    case("AutoAugment", ver)
    case("AutoAugment", ver, {"policy": "cifar10"}, interpolation=M("bilinear"), fill=[1, 2, 3])
    case("RandAugment", ver)
    case("RandAugment", ver, num_ops=3, magnitude=5, num_magnitude_bins=11, interpolation=M("bilinear"), fill=4)
    case("TrivialAugmentWide", ver)
    case("TrivialAugmentWide", ver, num_magnitude_bins=11, fill=[1, 2, 3])
    case("AugMix", ver)
    case("AugMix", ver, alpha=2)  # alpha as given (the default 1.0)
    case("AugMix", ver, severity=2, mixture_width=4, chain_depth=2, alpha=0.5, all_ops=False, interpolation=M("nearest"), fill=1)

case("ToTensor", "v1")
case("ConvertImageDtype", "v1", {"dtype": "uint8"})
case("ObjectDetection", "presets")
case("ImageClassification", "presets", crop_size=224)
case("ImageClassification", "presets", crop_size=176, resize_size=232, interpolation=M("bicubic"), mean=[0.5, 0.5, 0.5])
case("SemanticSegmentation", "presets", resize_size=520)
case("SemanticSegmentation", "presets", resize_size=None, std=[1, 1, 1])  # kept as given: ints print as ints
case("ImageClassification", "presets", crop_size=224, mean=[0, 0, 0], std=[1, 1, 1])
case("ElasticTransform", "v1", fill=[1, 2, 3])  # v1 keeps [float(f) for f in fill]
# v2 only
case("ToImage", "v2")
case("ToPureTensor", "v2")
case("Identity", "v2")
case("ToDtype", "v2", {"dtype": "float32"})
case("ToDtype", "v2", {"dtype": "float32"}, scale=True)
case("RandomChoice", "v2", [tr("RandomHorizontalFlip"), tr("RandomVerticalFlip")], p=[0.25, 0.75])
case("RandomRotation", "v2", 30, fill={"fillDict": {"Image": 127, "others": 0}})
case("RandomCrop", "v2", 4, padding=1, fill={"fillDict": {"Image": [1, 2, 3], "Mask": 0}})
case("Pad", "v2", 2, fill={"fillDict": {"Image": 5, "others": None}})
case("RandomAffine", "v2", 10, fill={"fillDict": {"Image": 1.5}})
case("RandomZoomOut", "v2")
case("RandomZoomOut", "v2", fill=2, side_range=[1, 3], p=0.25)
case("RandomIoUCrop", "v2")
case("RandomIoUCrop", "v2", min_scale=0.5, max_scale=0.9, min_aspect_ratio=0.25, max_aspect_ratio=4, sampler_options=[0, 0.5], trials=10)
case("ScaleJitter", "v2", [64, 48])
case("ScaleJitter", "v2", [64, 48], scale_range=[0.5, 1], interpolation=M("nearest"), antialias=False)
case("RandomShortestSize", "v2", [8, 10])
case("RandomShortestSize", "v2", 8, max_size=20, interpolation=M("bicubic"))
case("RandomResize", "v2", 4, 10)
case("RandomResize", "v2", 4, 10, interpolation=M("nearest"), antialias=False)
case("ConvertBoundingBoxFormat", "v2", "XYWH")
case("ClampBoundingBoxes", "v2")
case("ClampBoundingBoxes", "v2", "hard")
case("SetClampingMode", "v2", "soft")
case("ClampKeyPoints", "v2")
case("SanitizeBoundingBoxes", "v2")
case("SanitizeBoundingBoxes", "v2", min_size=2, min_area=3, labels_getter=None)
case("SanitizeKeyPoints", "v2")
case("MixUp", "v2", num_classes=10)
case("MixUp", "v2", alpha=0.5, num_classes=3)
case("CutMix", "v2", num_classes=10)
case("JPEG", "v2", 50)
case("JPEG", "v2", [10, 90])
case("GaussianNoise", "v2")
case("GaussianNoise", "v2", 0.5, 2, clip=False)
case("RGB", "v2")
case("RandomChannelPermutation", "v2")
case("RandomPhotometricDistort", "v2")
case("RandomPhotometricDistort", "v2", brightness={"tuple": [0.5, 1.5]}, hue={"tuple": [-0.1, 0.1]}, p=0.25)  # its annotations: tuples of floats
case("UniformTemporalSubsample", "v2", 4)
# v2 RandomCrop keeps the padding as [left, right, top, bottom], 0 as None
case("RandomCrop", "v2", 4, padding=[1, 2])
case("RandomCrop", "v2", 4, padding=[1, 2, 3, 4])
case("RandomCrop", "v2", 4, padding=0)
case("RandomCrop", "v2", 4, padding=[0])
case("RandomCrop", "v2", 4, fill=[1, 2, 3])
case("Pad", "v2", 2, [1, 2, 3])
# RandomChoice's p: prob / total, floats
case("RandomChoice", "v2", [tr("RandomHorizontalFlip")])
case("RandomChoice", "v2", [tr("RandomHorizontalFlip"), tr("RandomVerticalFlip")], p=[1, 0])

meta = {"torch": torch.__version__, "torchvision": torchvision.__version__}
with open(OUT, "w") as f:
    json.dump({"meta": meta, "cases": CASES}, f, indent=1)
    f.write("\n")
print(f"{len(CASES)} cases -> {OUT}")
