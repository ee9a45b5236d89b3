"""Fixtures of torchnode's transforms.v2 GaussianNoise, RGB, RandomChannelPermutation,
RandomPhotometricDistort and UniformTemporalSubsample (classes and v2.functional kernels), and of
torchvision.utils.flow_to_image, torchvision 0.28 on torch 2.13: run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-v2-photometric-fixtures.py

Writes test/fixtures/v2-photometric.json: each kernel on plain tensors, tv_tensors and PIL images (where
torchvision takes them), seeded where it draws (with the next torch.rand after it); each class called on
samples after torch.manual_seed(seed) (every leaf with its kind, and where the torch RNG is left);
RandomPhotometricDistort's drawn parameters; flow_to_image on single, batched and zero flows; and
torchvision's refusals with their messages.
"""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins the CPU capability and one thread before torch loads

import torch  # noqa: E402

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision import tv_tensors  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from torchvision.transforms.v2 import functional as F  # noqa: E402
from torchvision.utils import flow_to_image, _make_colorwheel, _normalized_flow_to_image  # noqa: E402

import v2_fixture_io as v2io  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "v2-photometric.json")


def enc_out(v):
    return v2io.enc_out(v, mf.enc_tensor)


g = torch.Generator().manual_seed(2024)
INPUTS = {
    "rgb": torch.randint(0, 256, (3, 10, 12), dtype=torch.uint8, generator=g),
    "rgbf": torch.rand(3, 10, 12, generator=g),
    "gray": torch.randint(0, 256, (1, 10, 12), dtype=torch.uint8, generator=g),
    "grayf": torch.rand(1, 10, 12, generator=g),
    "batch": torch.randint(0, 256, (2, 3, 8, 9), dtype=torch.uint8, generator=g),
    "video": torch.randint(0, 256, (4, 3, 6, 7), dtype=torch.uint8, generator=g),
    "videof": torch.rand(5, 3, 6, 7, generator=g),
    "videos": torch.rand(2, 5, 1, 4, 4, generator=g),
    "c4": torch.rand(4, 5, 6, generator=g),
    "f64": torch.rand(3, 4, 5, generator=g, dtype=torch.float64),
    "flow": torch.randn(2, 7, 9, generator=g) * 3,
    "flows": torch.randn(3, 2, 5, 6, generator=g) * torch.tensor([0.5, 2.0, 10.0])[:, None, None, None],
    "zeroflow": torch.zeros(2, 4, 4),
    "oneflow": torch.zeros(2, 3, 3).index_put_((torch.tensor([0, 1]), torch.tensor([1, 1]), torch.tensor([2, 2])), torch.tensor([1.5, -2.0])),
}
MASK = torch.randint(0, 3, (10, 12), dtype=torch.uint8, generator=g)
BOXES = torch.tensor([[1.0, 2.0, 5.0, 7.0], [0.0, 0.0, 12.0, 10.0]])
INPUTS["mask"] = MASK
INPUTS["boxes"] = BOXES


def pil(name):
    return v2io.pil_of(INPUTS[name])


def make(name, how):
    return v2io.make_input(INPUTS[name], how)


error_of = v2io.error_of


# ---- kernels: (functional, input, how, keyword arguments, seed) -------------------------------------
KERNELS = [
    ("gaussian_noise", "rgbf", "pure", {}, 0),
    ("gaussian_noise", "rgbf", "pure", {"mean": -0.2, "sigma": 0.5, "clip": False}, 1),
    ("gaussian_noise", "rgbf", "image", {"mean": 0.3, "sigma": 0.05}, 2),
    ("gaussian_noise", "rgb", "pure", {}, 3),
    ("gaussian_noise", "rgb", "pure", {"mean": 0.1, "sigma": 0.3, "clip": False}, 4),
    ("gaussian_noise", "rgb", "pure", {"mean": -0.5, "sigma": 1.0}, 5),
    ("gaussian_noise", "batch", "pure", {"sigma": 0.2}, 6),
    ("gaussian_noise", "video", "video", {"sigma": 0.4, "clip": False}, 7),
    ("gaussian_noise", "videof", "video", {"sigma": 0.0}, 8),
    ("gaussian_noise", "f64", "pure", {"mean": 0.5, "sigma": 0.25}, 9),
    ("grayscale_to_rgb", "gray", "pure", {}, None),
    ("grayscale_to_rgb", "grayf", "image", {}, None),
    ("grayscale_to_rgb", "rgb", "pure", {}, None),
    ("grayscale_to_rgb", "c4", "image", {}, None),
    ("grayscale_to_rgb", "gray", "pil", {}, None),
    ("grayscale_to_rgb", "rgb", "pil", {}, None),
    ("grayscale_to_rgb", "videos", "pure", {}, None),
    ("permute_channels", "rgb", "pure", {"permutation": [2, 0, 1]}, None),
    ("permute_channels", "rgbf", "image", {"permutation": [1, 2, 0]}, None),
    ("permute_channels", "batch", "pure", {"permutation": [2, 1, 0]}, None),
    ("permute_channels", "video", "video", {"permutation": [1, 0, 2]}, None),
    ("permute_channels", "c4", "pure", {"permutation": [3, 1, 0, 2]}, None),
    ("permute_channels", "rgb", "pil", {"permutation": [2, 1, 0]}, None),
    ("permute_channels", "gray", "pil", {"permutation": [0]}, None),
    ("permute_channels", "rgb", "pure", {"permutation": [-1, 0, 1]}, None),
    ("uniform_temporal_subsample", "video", "video", {"num_samples": 2}, None),
    ("uniform_temporal_subsample", "video", "video", {"num_samples": 4}, None),
    ("uniform_temporal_subsample", "video", "video", {"num_samples": 7}, None),
    ("uniform_temporal_subsample", "video", "pure", {"num_samples": 1}, None),
    ("uniform_temporal_subsample", "video", "pure", {"num_samples": 0}, None),
    ("uniform_temporal_subsample", "videof", "video", {"num_samples": 3}, None),
    ("uniform_temporal_subsample", "videos", "pure", {"num_samples": 3}, None),
    ("uniform_temporal_subsample", "videos", "video", {"num_samples": 12}, None),
]
kernels = []
for fn, name, how, kw, seed in KERNELS:
    if seed is not None:
        torch.manual_seed(seed)
    out = getattr(F, fn)(make(name, how), **kw)
    kernels.append({"fn": fn, "input": name, "how": how, "kwargs": kw, "seed": seed, "out": enc_out(out),
                    "next": torch.rand(2).tolist() if seed is not None else None})

num_frames = {"video": F.get_num_frames(tv_tensors.Video(INPUTS["video"])), "videos": F.get_num_frames(INPUTS["videos"]),
              "video_kernel": F.get_num_frames_video(INPUTS["videof"])}

# ---- the classes: (source, how the sample is made, seed, calls); after each, where the RNG is ---------
CLASS_CASES = [
    ("v2.GaussianNoise()", "rgbf_pure", 0, 2),
    ("v2.GaussianNoise(mean=0.1, sigma=0.2, clip=False)", "rgb_pure", 1, 2),
    ("v2.GaussianNoise(sigma=0.3)", "image_dict", 2, 1),
    ("v2.GaussianNoise(0.05, 0.1, True)", "video_dict", 3, 1),
    ("v2.GaussianNoise()", "two_pure", 4, 1),
    ("v2.RGB()", "gray_pure", 0, 1),
    ("v2.RGB()", "gray_pil_label", 0, 1),
    ("v2.RGB()", "gray_dict", 0, 1),
    ("v2.RGB()", "rgb_pure", 0, 1),
    ("v2.RandomChannelPermutation()", "rgb_pure", 0, 3),
    ("v2.RandomChannelPermutation()", "image_dict", 5, 2),
    ("v2.RandomChannelPermutation()", "rgb_pil", 6, 2),
    ("v2.RandomChannelPermutation()", "c4_pure", 7, 2),
    ("v2.RandomChannelPermutation()", "video_dict", 8, 1),
    ("v2.RandomPhotometricDistort()", "rgb_pure", 0, 6),
    ("v2.RandomPhotometricDistort()", "rgbf_pure", 11, 6),
    ("v2.RandomPhotometricDistort(p=1.0)", "rgb_pure", 12, 3),
    ("v2.RandomPhotometricDistort(p=1.0)", "rgbf_pure", 13, 3),
    ("v2.RandomPhotometricDistort(p=0.0)", "rgb_pure", 14, 2),
    ("v2.RandomPhotometricDistort(p=0.5)", "image_dict", 15, 4),
    ("v2.RandomPhotometricDistort(p=1.0)", "rgb_pil", 16, 2),
    ("v2.RandomPhotometricDistort()", "rgb_pil", 17, 4),
    ("v2.RandomPhotometricDistort(p=1.0)", "video_dict", 18, 2),
    ("v2.RandomPhotometricDistort(brightness=(0.5, 1.5), contrast=(0.2, 1.8), saturation=(0.1, 2.0), hue=(-0.5, 0.5), p=0.8)", "rgbf_pure", 19, 4),
    ("v2.RandomPhotometricDistort(brightness=(0.5, 1.5), contrast=(0.2, 1.8), saturation=(0.1, 2.0), hue=(-0.5, 0.5), p=0.8)", "batch_pure", 20, 3),
    ("v2.RandomPhotometricDistort(p=1.0)", "gray_pure", 21, 2),
    ("v2.RandomPhotometricDistort(p=0.7)", "gray_pil_label", 22, 3),
    ("v2.UniformTemporalSubsample(3)", "video_dict", 0, 1),
    ("v2.UniformTemporalSubsample(2)", "video_pure", 0, 1),
    ("v2.UniformTemporalSubsample(10)", "videos_tv", 0, 1),
    ("v2.UniformTemporalSubsample(num_samples=1)", "videof_two", 0, 1),
    ("v2.UniformTemporalSubsample(2)", "pil_video", 0, 1),
    ("v2.RGB()", "video_dict", 0, 1),
]


def sample(how):
    if how == "rgbf_pure":
        return (INPUTS["rgbf"].clone(),)
    if how == "rgb_pure":
        return (INPUTS["rgb"].clone(),)
    if how == "gray_pure":
        return (INPUTS["gray"].clone(),)
    if how == "c4_pure":
        return (INPUTS["c4"].clone(),)
    if how == "batch_pure":
        return (INPUTS["batch"].clone(), 3)
    if how == "two_pure":  # the first plain tensor is the image; the second passes through
        return (INPUTS["rgbf"].clone(), INPUTS["grayf"].clone())
    if how == "image_dict":
        return ({"image": tv_tensors.Image(INPUTS["rgb"].clone()), "mask": tv_tensors.Mask(MASK.clone()),
                 "boxes": tv_tensors.BoundingBoxes(BOXES.clone(), format="XYXY", canvas_size=(10, 12)), "label": 4,
                 "extra": INPUTS["grayf"].clone()},)
    if how == "video_dict":
        return ({"video": tv_tensors.Video(INPUTS["video"].clone()), "mask": tv_tensors.Mask(torch.ones(6, 7, dtype=torch.uint8)),
                 "image": tv_tensors.Image(INPUTS["video"][0].clone()), "label": 2},)
    if how == "gray_dict":  # RGB: the Video passes through (torchvision has no video kernel for it)
        return ({"image": tv_tensors.Image(INPUTS["gray"].clone()), "video": tv_tensors.Video(INPUTS["videos"][0].clone()),
                 "mask": tv_tensors.Mask(MASK.clone())},)
    if how == "rgb_pil":
        return (pil("rgb"),)
    if how == "gray_pil_label":
        return (pil("gray"), 1)
    if how == "video_pure":
        return (INPUTS["video"].clone(),)
    if how == "videos_tv":
        return (tv_tensors.Video(INPUTS["videos"].clone()), torch.tensor([1, 2]))
    if how == "videof_two":  # two plain tensors: only the first is transformed
        return (INPUTS["videof"].clone(), INPUTS["video"].clone())
    if how == "pil_video":  # a PIL image is no tensor, and with it in the sample the plain tensor passes through too
        return (pil("rgb"), INPUTS["video"].clone())
    raise ValueError(how)


def replay(src, how, seed, calls):
    t = eval(src)
    torch.manual_seed(seed)
    outs = [enc_out(t(*sample(how))) for _ in range(calls)]
    return {"src": src, "how": how, "seed": seed, "calls": calls, "repr": repr(t), "outs": outs, "next": torch.rand(3).tolist()}


classes = [replay(*c) for c in CLASS_CASES]

# RandomPhotometricDistort's parameters alone: make_params on an image of C channels, call after call
draws = []
for p, c, seed in [(0.5, 3, 0), (0.5, 1, 1), (0.9, 4, 2), (0.1, 3, 3), (1.0, 3, 4), (0.0, 3, 5)]:
    t = v2.RandomPhotometricDistort(p=p)
    torch.manual_seed(seed)
    params = []
    for _ in range(5):
        d = t.make_params([torch.zeros(c, 2, 2)])
        params.append({k: (v.tolist() if isinstance(v, torch.Tensor) else v) for k, v in d.items()})
    draws.append({"p": p, "channels": c, "seed": seed, "params": params, "next": torch.rand(2).tolist()})

# ---- flow_to_image ----------------------------------------------------------------------------------
flows = {name: enc_out(flow_to_image(INPUTS[name])) for name in ("flow", "flows", "zeroflow", "oneflow")}
colorwheel = mf.enc_tensor(_make_colorwheel())
normalized = (INPUTS["flows"] / 25.0).clamp(-0.7, 0.7)
normalized_image = {"input": mf.enc_tensor(normalized), "out": mf.enc_tensor(_normalized_flow_to_image(normalized))}

errors = {
    "noise_pil_class": error_of(lambda: v2.GaussianNoise()(pil("rgb"))),
    "noise_pil": error_of(lambda: F.gaussian_noise(pil("rgb"))),
    "noise_sigma": error_of(lambda: F.gaussian_noise(INPUTS["rgbf"], sigma=-0.1)),
    "noise_sigma_class": error_of(lambda: v2.GaussianNoise(sigma=-1.0)(INPUTS["rgbf"])),
    "noise_dtype": error_of(lambda: F.gaussian_noise(INPUTS["rgb"].to(torch.int32))),
    "noise_mask": error_of(lambda: F.gaussian_noise(tv_tensors.Mask(MASK))),
    "rgb_video": error_of(lambda: F.grayscale_to_rgb(tv_tensors.Video(INPUTS["video"]))),
    "rgb_two": error_of(lambda: F.grayscale_to_rgb(torch.zeros(2, 4, 4))),
    "permute_length": error_of(lambda: F.permute_channels(INPUTS["rgb"], [1, 0])),
    "permute_mask": error_of(lambda: F.permute_channels(tv_tensors.Mask(MASK), [0])),
    "permutation_no_image": error_of(lambda: v2.RandomChannelPermutation()({"mask": tv_tensors.Mask(MASK), "label": 1})),
    "distort_no_image": error_of(lambda: v2.RandomPhotometricDistort()({"boxes": tv_tensors.BoundingBoxes(BOXES, format="XYXY", canvas_size=(10, 12))})),
    "distort_sizes": error_of(lambda: v2.RandomPhotometricDistort()(tv_tensors.Image(INPUTS["rgb"]), tv_tensors.Image(INPUTS["gray"]))),
    "subsample_image": error_of(lambda: F.uniform_temporal_subsample(tv_tensors.Image(INPUTS["rgb"]), 2)),
    "frames_image": error_of(lambda: F.get_num_frames(tv_tensors.Image(INPUTS["rgb"]))),
    "subsample_negative": error_of(lambda: F.uniform_temporal_subsample(INPUTS["video"], -1)),
    "flow_dtype": error_of(lambda: flow_to_image(INPUTS["flow"].double())),
    "flow_shape": error_of(lambda: flow_to_image(torch.zeros(3, 4, 5))),
    "flow_shape4": error_of(lambda: flow_to_image(torch.zeros(2, 3, 4, 5))),
    "flow_2d": error_of(lambda: flow_to_image(torch.zeros(4, 5))),
}

mf.write_json(OUT, {
    "inputs": {k: mf.enc_tensor(v) for k, v in INPUTS.items()},
    "kernels": kernels, "numFrames": num_frames, "classes": classes, "draws": draws,
    "flows": flows, "colorwheel": colorwheel, "normalizedImage": normalized_image, "errors": errors,
})
print(f"{OUT}: {len(kernels)} kernels, {len(classes)} class cases, {len(draws)} draw sequences, {len(flows)} flows, {len(errors)} errors")
