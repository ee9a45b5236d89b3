"""Fixtures of torchnode's rotated bounding boxes in transforms.v2 (torchvision 0.28 on torch 2.13): run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-tv-rotated-fixtures.py

Writes test/fixtures/tv-rotated.json: rotated boxes (XYWHR, CXCYWHR, XYXYXYXY; float32 and float64; some
partly outside the canvas, one degenerate, one empty) through every v2 box kernel (as BoundingBoxes with
each clamping mode, and as plain tensors, int64 included where torchvision takes it), the v2 classes on
samples of an image, rotated boxes and labels after torch.manual_seed(seed) (every leaf with its kind,
format, canvas size and clamping mode, and where the torch RNG is left), and torchvision's refusals.
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

_spec = importlib.util.spec_from_file_location("make_tv_tensors_fixtures", os.path.join(HERE, "make-tv-tensors-fixtures.py"))
tvf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tvf)  # its enc_leaf: a leaf with its tv_tensor kind, boxes with format, canvas size and clamping mode
enc_leaf = tvf.enc_leaf

OUT = os.path.join(HERE, "..", "test", "fixtures", "tv-rotated.json")
H, W = 20, 24
FORMATS = ("XYWHR", "CXCYWHR", "XYXYXYXY")


g = torch.Generator().manual_seed(20261206)
IMAGE = torch.randint(0, 256, (3, H, W), dtype=torch.uint8, generator=g)
CXCYWHR = torch.tensor([
    [8.0, 7.0, 6.0, 4.0, 30.0],
    [20.0, 10.0, 10.0, 5.0, -20.0],   # partly outside on the right
    [2.0, 15.0, 6.0, 3.0, 45.0],      # partly outside on the left
    [12.0, 12.0, 0.5, 6.0, 10.0],     # narrower than 1: degenerate
    [12.0, 18.5, 8.0, 6.0, 90.0],     # partly outside at the bottom, a quarter turn
    [10.0, 10.0, 4.0, 4.0, 0.0],      # axis-aligned
    [15.0, 2.0, 7.0, 5.0, 120.0],     # partly outside at the top
])
BOXES = {}
for fmt in FORMATS:
    b = F.convert_bounding_box_format(CXCYWHR, old_format="CXCYWHR", new_format=fmt)
    BOXES[fmt] = b
    BOXES[fmt + "_float64"] = F.convert_bounding_box_format(CXCYWHR.double(), old_format="CXCYWHR", new_format=fmt)
    BOXES[fmt + "_empty"] = torch.zeros(0, 8 if fmt == "XYXYXYXY" else 5)
INT_BOXES = {"CXCYWHR_int": torch.tensor([[8, 7, 6, 4, 30], [20, 10, 10, 5, -20], [2, 15, 6, 3, 45]]),
             "XYWHR_int": torch.tensor([[5, 3, 6, 4, 30], [14, 7, 10, 5, -20], [-2, 13, 6, 3, 45]]),
             "XYXYXYXY_int": torch.tensor([[5, 3, 10, 1, 12, 4, 7, 6], [14, 7, 23, 10, 22, 15, 12, 11], [-2, 13, 2, 10, 4, 12, 0, 15]])}
BOXES.update(INT_BOXES)
LABELS = torch.tensor([1, 2, 3, 4, 5, 6, 7])
MASKS = (torch.rand(7, H, W, generator=g) > 0.6).to(torch.uint8)
DISPLACEMENT = (torch.rand(1, H, W, 2, generator=torch.Generator().manual_seed(7)) * 2 - 1) * 0.2
CORNERS = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
ENDPOINTS = [[2, 1], [20, 3], [22, 18], [1, 17]]


def fmt_of(key):
    return key.split("_")[0]


def boxes(key, mode="soft"):
    return tv_tensors.BoundingBoxes(BOXES[key], format=fmt_of(key), canvas_size=(H, W), clamping_mode=mode)


# The kernels, called on BoundingBoxes (the dispatch: kernel, format and clamping mode from the boxes): name -> python source with `B` the boxes.
KERNELS = {
    "hflip": "F.horizontal_flip(B)",
    "vflip": "F.vertical_flip(B)",
    "resize": "F.resize(B, [15, 30])",
    "resize_max_size": "F.resize(B, 12, max_size=13)",
    "resize_same": "F.resize(B, [H, W])",
    "pad": "F.pad(B, [2, 3, 4, 5])",
    "crop": "F.crop(B, -2, 3, 15, 14)",
    "center_crop": "F.center_crop(B, [11, 13])",
    "center_crop_larger": "F.center_crop(B, [25, 27])",
    "resized_crop": "F.resized_crop(B, 2, 3, 12, 16, [9, 21])",
    "rotate": "F.rotate(B, 33.0)",
    "rotate_expand": "F.rotate(B, 75, expand=True)",
    "rotate_center": "F.rotate(B, -50, center=[3, 4])",
    "affine": "F.affine(B, 12.5, [2, -3], 1.3, [5, -7])",
    "affine_center": "F.affine(B, -20, [0, 0], 0.7, 15, center=[10, 2])",
    "perspective": "F.perspective(B, CORNERS, ENDPOINTS)",
    "perspective_coefficients": "F.perspective(B, None, None, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "elastic": "F.elastic(B, DISPLACEMENT)",
    "clamp": "F.clamp_bounding_boxes(B)",
    "clamp_hard": "F.clamp_bounding_boxes(B, clamping_mode='hard')",
    "clamp_soft": "F.clamp_bounding_boxes(B, clamping_mode='soft')",
    "clamp_none": "F.clamp_bounding_boxes(B, clamping_mode=None)",
    "convert_xywhr": "F.convert_bounding_box_format(B, new_format='XYWHR')",
    "convert_cxcywhr": "F.convert_bounding_box_format(B, new_format=tv_tensors.BoundingBoxFormat.CXCYWHR)",
    "convert_xyxyxyxy": "F.convert_bounding_box_format(B, new_format='xyxyxyxy')",
    "sanitize": "F.sanitize_bounding_boxes(B)",
    "sanitize_min_size": "F.sanitize_bounding_boxes(B, min_size=3.0, min_area=10.0)",
    "to_dtype": "F.to_dtype(B, torch.float64)",
}
# Which kernels run with every clamping mode (the others with 'soft' only).
MODED = ("resize", "pad", "crop", "center_crop", "resized_crop", "rotate", "rotate_expand", "affine", "perspective", "elastic", "clamp")

# The plain-tensor kernels (format and canvas passed), float and int64 boxes: name -> source with `X` the tensor and `FMT` its format.
PLAIN = {
    "hflip": "F.horizontal_flip_bounding_boxes(X, format=FMT, canvas_size=(H, W))",
    "vflip": "F.vertical_flip_bounding_boxes(X, FMT, (H, W))",
    "resize": "F.resize_bounding_boxes(X, canvas_size=(H, W), size=[15, 30], format=FMT)",
    "resize_hard": "F.resize_bounding_boxes(X, (H, W), [10, 12], None, FMT, 'hard')",
    "pad": "F.pad_bounding_boxes(X, FMT, (H, W), padding=[1, 2])",
    "crop": "F.crop_bounding_boxes(X, FMT, 3, 4, 10, 30)",
    "center_crop": "F.center_crop_bounding_boxes(X, FMT, (H, W), [9, 9], clamping_mode='hard')",
    "resized_crop": "F.resized_crop_bounding_boxes(X, FMT, 1, -2, 15, 20, size=[30, 10])",
    "rotate": "F.rotate_bounding_boxes(X, FMT, (H, W), 123.0, expand=True, center=[7, 9])",
    "affine": "F.affine_bounding_boxes(X, FMT, (H, W), 10, [1, 2], 1.1, [3, 4])",
    "perspective": "F.perspective_bounding_boxes(X, FMT, (H, W), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]])",
    "elastic": "F.elastic_bounding_boxes(X, FMT, (H, W), DISPLACEMENT)",
    "elastic_none": "F.elastic_bounding_boxes(X, FMT, (H, W), DISPLACEMENT, clamping_mode=None)",
    "clamp_soft": "F.clamp_bounding_boxes(X, FMT, (H, W), 'soft')",
    "clamp_hard": "F.clamp_bounding_boxes(X, FMT, (H, W), 'hard')",
    "convert_xywhr": "F.convert_bounding_box_format(X, FMT, 'XYWHR')",
    "convert_cxcywhr": "F.convert_bounding_box_format(X, FMT, 'CXCYWHR')",
    "convert_xyxyxyxy": "F.convert_bounding_box_format(X, FMT, 'XYXYXYXY')",
    "convert_inplace": "F.convert_bounding_box_format(X.clone(), FMT, 'CXCYWHR' if FMT.name != 'CXCYWHR' else 'XYWHR', inplace=True)",
    "sanitize": "F.sanitize_bounding_boxes(X, FMT, (H, W))",
}


def sample(how, key, mode="soft"):
    if how == "dict":
        return ({"image": tv_tensors.Image(IMAGE), "boxes": boxes(key, mode), "labels": LABELS},)
    if how == "masks":
        return ({"image": tv_tensors.Image(IMAGE), "boxes": boxes(key, mode), "masks": tv_tensors.Mask(MASKS), "labels": LABELS},)
    if how == "pair":
        return (IMAGE, {"boxes": boxes(key, mode), "labels": LABELS})
    raise ValueError(how)


# name -> (python source, how the sample is made, boxes key, clamping mode, seed, calls)
CASES = {
    "hflip": ("v2.RandomHorizontalFlip(p=1.0)", "dict", "XYWHR", "soft", 0, 1),
    "hflip_pair_cxcywhr": ("v2.RandomHorizontalFlip()", "pair", "CXCYWHR", "soft", 3, 4),
    "vflip_xyxyxyxy": ("v2.RandomVerticalFlip(p=1.0)", "dict", "XYXYXYXY", "soft", 0, 1),
    "vflip_float64": ("v2.RandomVerticalFlip(p=0.5)", "masks", "XYWHR_float64", "hard", 5, 3),
    "resize": ("v2.Resize(11)", "dict", "CXCYWHR", "soft", 0, 1),
    "resize_hard_xyxyxyxy": ("v2.Resize([14, 31])", "masks", "XYXYXYXY", "hard", 0, 1),
    "resize_none_xywhr": ("v2.Resize(11, max_size=14)", "dict", "XYWHR", None, 0, 1),
    "random_resized_crop": ("v2.RandomResizedCrop(13)", "dict", "XYWHR", "soft", 0, 3),
    "random_resized_crop_hard_cxcywhr": ("v2.RandomResizedCrop([11, 17], scale=(0.4, 1.0))", "pair", "CXCYWHR", "hard", 1, 2),
    "random_resized_crop_xyxyxyxy": ("v2.RandomResizedCrop(10)", "masks", "XYXYXYXY_float64", "soft", 2, 2),
    "random_crop_padding": ("v2.RandomCrop(15, padding=5)", "dict", "CXCYWHR", "soft", 0, 3),
    "random_crop_pad_if_needed_xyxyxyxy": ("v2.RandomCrop([23, 29], pad_if_needed=True, fill=2)", "dict", "XYXYXYXY", "hard", 1, 2),
    "random_crop_none_xywhr": ("v2.RandomCrop([13, 19])", "pair", "XYWHR", None, 2, 2),
    "center_crop": ("v2.CenterCrop(13)", "dict", "XYWHR", "soft", 0, 1),
    "center_crop_larger_hard": ("v2.CenterCrop([26, 28])", "dict", "CXCYWHR", "hard", 0, 1),
    "center_crop_odd_xyxyxyxy": ("v2.CenterCrop([9, 15])", "pair", "XYXYXYXY", "soft", 0, 1),
    "pad": ("v2.Pad([3, 1, 2, 4])", "dict", "XYXYXYXY", "soft", 0, 1),
    "pad_fill_cxcywhr": ("v2.Pad([2, 4], fill=8)", "masks", "CXCYWHR_float64", "hard", 0, 1),
    "zoom_out": ("v2.RandomZoomOut(side_range=(1.0, 3.0), p=1.0)", "dict", "XYWHR", "soft", 0, 2),
    "zoom_out_side_xyxyxyxy": ("v2.RandomZoomOut(fill=6, side_range=(1.2, 2.5), p=0.8)", "pair", "XYXYXYXY", "soft", 3, 3),
    "rotation_expand": ("v2.RandomRotation(35, expand=True)", "dict", "CXCYWHR", "soft", 0, 2),
    "rotation_expand_hard_xywhr": ("v2.RandomRotation([15, 65], expand=True)", "masks", "XYWHR", "hard", 1, 2),
    "rotation_center_xyxyxyxy": ("v2.RandomRotation(40, center=[6, 9], fill=2)", "dict", "XYXYXYXY", "soft", 2, 2),
    "rotation_none_float64": ("v2.RandomRotation(170)", "pair", "CXCYWHR_float64", None, 3, 2),
    "affine": ("v2.RandomAffine(25, translate=(0.2, 0.1), scale=(0.7, 1.3), shear=12)", "dict", "XYWHR", "soft", 0, 2),
    "affine_shear4_hard_cxcywhr": ("v2.RandomAffine(0, shear=[-12, 8, -6, 4])", "pair", "CXCYWHR", "hard", 1, 2),
    "affine_center_xyxyxyxy": ("v2.RandomAffine(35, scale=(0.6, 1.0), center=[5, 7], fill=6)", "masks", "XYXYXYXY", "soft", 2, 2),
    "perspective": ("v2.RandomPerspective(0.55, p=1.0)", "dict", "CXCYWHR", "soft", 0, 2),
    "perspective_hard_xywhr": ("v2.RandomPerspective(0.35, p=0.7, fill=5)", "pair", "XYWHR", "hard", 1, 3),
    "perspective_xyxyxyxy_float64": ("v2.RandomPerspective(0.45, p=1.0)", "dict", "XYXYXYXY_float64", "soft", 2, 2),
    "elastic": ("v2.ElasticTransform(sigma=2.5)", "dict", "XYWHR", "soft", 0, 1),
    "elastic_hard_cxcywhr": ("v2.ElasticTransform(alpha=25.0, sigma=3.5, fill=1)", "masks", "CXCYWHR", "hard", 1, 1),
    "elastic_xyxyxyxy": ("v2.ElasticTransform(alpha=70.0, sigma=1.75)", "pair", "XYXYXYXY", "soft", 2, 1),
    "scale_jitter": ("v2.ScaleJitter([18, 22])", "dict", "CXCYWHR", "soft", 0, 2),
    "scale_jitter_xyxyxyxy": ("v2.ScaleJitter([30, 36], scale_range=(0.5, 1.5))", "masks", "XYXYXYXY", "hard", 1, 2),
    "shortest_size_xywhr": ("v2.RandomShortestSize([9, 11, 13], max_size=17)", "dict", "XYWHR", "soft", 1, 2),
    "random_resize_cxcywhr": ("v2.RandomResize(9, 15)", "pair", "CXCYWHR", "soft", 2, 2),
    "iou_crop_leave_as_is": ("v2.RandomIoUCrop(sampler_options=[1.0])", "dict", "XYWHR", "soft", 0, 1),
    "clamp": ("v2.ClampBoundingBoxes()", "dict", "XYWHR", "soft", 0, 1),
    "clamp_hard_cxcywhr": ("v2.ClampBoundingBoxes('hard')", "pair", "CXCYWHR", "soft", 0, 1),
    "clamp_auto_hard_xyxyxyxy": ("v2.ClampBoundingBoxes()", "dict", "XYXYXYXY", "hard", 0, 1),
    "clamp_none_float64": ("v2.ClampBoundingBoxes(None)", "dict", "XYWHR_float64", "soft", 0, 1),
    "convert_to_cxcywhr": ("v2.ConvertBoundingBoxFormat('CXCYWHR')", "dict", "XYWHR", "soft", 0, 1),
    "convert_to_xyxyxyxy": ("v2.ConvertBoundingBoxFormat(tv_tensors.BoundingBoxFormat.XYXYXYXY)", "pair", "CXCYWHR", "hard", 0, 1),
    "convert_to_xywhr_float64": ("v2.ConvertBoundingBoxFormat('xywhr')", "dict", "XYXYXYXY_float64", None, 0, 1),
    "set_clamping_mode_hard": ("v2.SetClampingMode('hard')", "dict", "XYWHR", "soft", 0, 1),
    "set_clamping_mode_none": ("v2.SetClampingMode(None)", "pair", "CXCYWHR", "hard", 0, 1),
    "set_hard_then_crop": ("v2.Compose([v2.SetClampingMode('hard'), v2.RandomCrop(14), v2.SetClampingMode('soft'), v2.RandomRotation(40, expand=True)])", "dict", "XYXYXYXY", "soft", 4, 2),
    "sanitize": ("v2.SanitizeBoundingBoxes()", "masks", "XYWHR", "soft", 0, 1),
    "sanitize_min_size_cxcywhr": ("v2.SanitizeBoundingBoxes(min_size=3, min_area=10)", "dict", "CXCYWHR", "soft", 0, 1),
    "clamp_sanitize_xyxyxyxy": ("v2.Compose([v2.ClampBoundingBoxes(), v2.SanitizeBoundingBoxes()])", "pair", "XYXYXYXY", "soft", 0, 1),
    "detection_train": ("v2.Compose([v2.RandomHorizontalFlip(), v2.RandomRotation(25), v2.RandomResizedCrop(16, scale=(0.5, 1.0)), v2.ClampBoundingBoxes(), v2.SanitizeBoundingBoxes()])", "masks", "CXCYWHR", "soft", 7, 3),
    "detection_train_hard": ("v2.Compose([v2.SetClampingMode('hard'), v2.RandomZoomOut(p=1.0), v2.RandomAffine(15, translate=(0.1, 0.1)), v2.RandomPerspective(0.2, p=1.0), v2.Resize(18), v2.SanitizeBoundingBoxes()])", "dict", "XYWHR", "soft", 8, 2),
}

# What torchvision refuses, and its message: name -> python source.
ERRORS = {
    "new_int_rotated": "tv_tensors.BoundingBoxes(INT_BOXES['XYWHR_int'], format='XYWHR', canvas_size=(H, W))",
    "convert_rotated_to_xyxy": "F.convert_bounding_box_format(boxes('XYWHR'), new_format='XYXY')",
    "convert_xywh_to_cxcywhr": "F.convert_bounding_box_format(torch.zeros(2, 4), 'XYWH', 'CXCYWHR')",
    "convert_class_rotated_to_cxcywh": "v2.ConvertBoundingBoxFormat('CXCYWH')(boxes('XYXYXYXY'))",
    "iou_crop_rotated": "(torch.manual_seed(0), v2.RandomIoUCrop(sampler_options=[0.0])(tv_tensors.Image(IMAGE), boxes('CXCYWHR')))",
    "set_clamping_mode_value": "v2.SetClampingMode('auto')",
    "new_clamping_mode_value": "tv_tensors.BoundingBoxes(BOXES['XYWHR'], format='XYWHR', canvas_size=(H, W), clamping_mode='auto')",
    "clamp_plain_rotated_auto": "F.clamp_bounding_boxes(BOXES['XYWHR'], 'XYWHR', (H, W))",
    "pad_rotated_reflect": "F.pad(boxes('CXCYWHR'), 2, padding_mode='reflect')",
    "perspective_rotated_not_invertible": "F.perspective_bounding_boxes(BOXES['XYXYXYXY'], 'XYXYXYXY', (H, W), None, None, coefficients=[0, 0, 0, 0, 0, 0, 0, 0])",
    "elastic_rotated_displacement_shape": "F.elastic(boxes('XYWHR'), torch.zeros(1, 5, 5, 2))",
    "sanitize_labels_mismatch": "v2.SanitizeBoundingBoxes()({'image': tv_tensors.Image(IMAGE), 'boxes': boxes('XYWHR'), 'labels': LABELS[:3]})",
    "auto_augment_rotated": "v2.AutoAugment()(tv_tensors.Image(IMAGE), boxes('XYWHR'))",
}


def outcome(src, env):
    try:
        return {"output": enc_leaf(eval(src, globals(), env))}
    except Exception as e:  # noqa: BLE001 (torch refuses some integer in-place ops: recorded as such)
        return {"error": {"type": type(e).__name__, "message": str(e)}}


def main():
    kernels = []
    for kname, src in KERNELS.items():
        for fmt in FORMATS:
            for key in (fmt, fmt + "_float64", fmt + "_empty"):
                if key.endswith("_empty") and kname not in ("hflip", "resize", "pad", "rotate_expand", "perspective", "elastic", "clamp_hard", "convert_xyxyxyxy", "sanitize", "crop"):
                    continue
                for mode in (("soft", "hard", None) if kname in MODED and not key.endswith("_empty") else ("soft",)):
                    r = outcome(src, {"B": boxes(key, mode)})
                    if "error" in r:
                        raise AssertionError(f"{kname} {key} {mode}: {r['error']}")
                    kernels.append({"name": kname, "py": src, "boxes": key, "clampingMode": mode, **r})
    plain = []
    for kname, src in PLAIN.items():
        for fmt in FORMATS:
            for key in (fmt, fmt + "_float64", fmt + "_int"):
                plain.append({"name": kname, "py": src, "boxes": key, **outcome(src, {"X": BOXES[key], "FMT": tv_tensors.BoundingBoxFormat[fmt]})})
    cases = []
    for name, (src, how, key, mode, seed, calls) in CASES.items():
        transform = eval(src)
        inputs = sample(how, key, mode)
        torch.manual_seed(seed)
        outs = [enc_leaf(transform(*inputs)) for _ in range(calls)]
        cases.append({"name": name, "py": src, "how": how, "boxes": key, "clampingMode": mode, "seed": seed, "calls": calls, "outputs": outs, "after": torch.rand(1).item(), "repr": repr(transform)})
    errors = [{"name": k, "py": src, **outcome(src, {})["error"]} for k, src in ERRORS.items()]  # a KeyError where torchvision did not refuse
    fixture = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(), "canvasSize": [H, W]},
        "inputs": {"image": mf.enc_tensor(IMAGE), "masks": mf.enc_tensor(MASKS), "labels": mf.enc_tensor(LABELS), "displacement": mf.enc_tensor(DISPLACEMENT),
                   "boxes": {k: mf.enc_tensor(v) for k, v in BOXES.items()}},
        "kernels": kernels, "plain": plain, "cases": cases, "errors": errors,
    }
    mf.write_json(OUT, fixture)
    n_plain_err = sum(1 for p in plain if "error" in p)
    print(f"wrote {OUT}: {len(kernels)} kernel calls, {len(plain)} plain-kernel calls ({n_plain_err} refused), {len(cases)} class cases, {len(errors)} errors")


if __name__ == "__main__":
    main()
