"""Fixtures of torchnode's tv_tensors and their transforms.v2 (torchvision 0.28 on torch 2.13): run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-tv-tensors-fixtures.py

Writes test/fixtures/tv-tensors.json: detection and segmentation samples (a uint8 image, float boxes in
each format, some partly outside the canvas and some degenerate, per-instance masks, int64 labels; a
semantic mask) and what each v2 transform makes of them after torch.manual_seed(seed), every leaf with
its tv_tensor kind (boxes with their format and canvas size), and where the torch RNG is left.
"""
import json
import os

import torch

import torchvision_cpu  # noqa: F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
import torchvision.transforms as T  # noqa: E402 (v1, which refuses per-type fills)
from torchvision import tv_tensors  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from torchvision.transforms.v2 import functional as F  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "tv-tensors.json")
H, W = 20, 24


def enc(t):
    t = t.detach().cpu().contiguous()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": t.flatten().tolist()}


def enc_leaf(v):
    if isinstance(v, torch.Tensor):
        out = {"tensor": enc(v.as_subclass(torch.Tensor)), "kind": None}
        if isinstance(v, tv_tensors.BoundingBoxes):
            out.update(kind="BoundingBoxes", format=v.format.name, canvasSize=list(v.canvas_size), clampingMode=v.clamping_mode)
        elif isinstance(v, tv_tensors.KeyPoints):
            out.update(kind="KeyPoints", canvasSize=list(v.canvas_size))
        elif isinstance(v, tv_tensors.TVTensor):
            out["kind"] = type(v).__name__
        return out
    if isinstance(v, (tuple, list)):
        return {"list": [enc_leaf(x) for x in v]}
    if isinstance(v, dict):
        return {"dict": {k: enc_leaf(x) for k, x in v.items()}}
    return {"value": v}


g = torch.Generator().manual_seed(20261205)
IMAGE = torch.randint(0, 256, (3, H, W), dtype=torch.uint8, generator=g)
XYXY = torch.tensor([
    [2.0, 3.0, 10.0, 12.0],
    [15.5, 4.25, 26.0, 14.0],   # partly outside on the right
    [-3.0, 10.0, 5.0, 19.5],    # partly outside on the left
    [6.0, 6.0, 6.5, 15.0],      # narrower than 1: degenerate
    [12.0, 8.0, 20.0, 18.0],
    [4.0, 14.0, 18.0, 22.0],    # partly outside at the bottom
    [9.0, 9.0, 9.0, 9.0],       # empty
])
BOXES = {fmt: F.convert_bounding_box_format(XYXY, old_format="XYXY", new_format=fmt) for fmt in ("XYXY", "XYWH", "CXCYWH")}
BOXES["XYXY_int"] = torch.tensor([[2, 3, 10, 12], [15, 4, 26, 14], [-3, 10, 5, 19], [6, 6, 7, 15], [12, 8, 20, 18], [4, 14, 18, 22], [9, 9, 9, 9]])
MASKS = (torch.rand(7, H, W, generator=g) > 0.6).to(torch.uint8)
SEMANTIC = torch.randint(0, 5, (H, W), generator=g)
LABELS = torch.tensor([1, 2, 3, 4, 5, 6, 7])
DISPLACEMENT = (torch.rand(1, H, W, 2, generator=torch.Generator().manual_seed(7)) * 2 - 1) * 0.2  # for elastic: 1 x H x W x 2
CORNERS = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
# Keypoints: 7 points (one per label), some outside the canvas or on its last pixel; 7 triangles; integer points.
KP = torch.tensor([[2.0, 3.0], [23.0, 19.0], [10.5, 7.25], [-1.5, 5.0], [25.0, 4.0], [12.0, 21.0], [6.75, 18.5]])
KPG = torch.tensor([
    [[1.0, 1.0], [5.5, 2.0], [3.0, 6.25]],
    [[20.0, 15.0], [23.5, 19.5], [18.0, 19.0]],
    [[-2.0, 4.0], [3.0, 4.0], [0.5, 9.0]],      # one point outside on the left
    [[10.0, 10.0], [14.0, 10.0], [12.0, 13.5]],
    [[22.0, 2.0], [26.0, 3.0], [21.0, 7.0]],    # one point outside on the right
    [[7.25, 16.0], [9.0, 19.0], [5.0, 19.75]],
    [[0.0, 0.0], [23.0, 0.0], [23.0, 19.0]],
])
KP_INT = torch.tensor([[2, 3], [23, 19], [10, 7], [-1, 5], [25, 4], [12, 21], [6, 18]])
KEYPOINTS = {"KP": KP, "KPG": KPG, "KP_int": KP_INT, "KP_double": KP.double()}


def boxes(key):
    fmt = key.split("_")[0]
    return tv_tensors.BoundingBoxes(BOXES[key], format=fmt, canvas_size=(H, W))


def kp(key):
    return tv_tensors.KeyPoints(KEYPOINTS[key], canvas_size=(H, W))


def sample(how, key):
    if how == "kp":  # image, boxes and keypoints (and masks) in one dict
        return ({"image": tv_tensors.Image(IMAGE), "boxes": boxes(key), "keypoints": kp("KP"), "masks": tv_tensors.Mask(MASKS), "labels": LABELS},)
    if how == "kp_pair":  # a plain tensor image, and triangles
        return (IMAGE, {"boxes": boxes(key), "keypoints": kp("KPG"), "labels": LABELS})
    if how == "kp_int":
        return ({"image": tv_tensors.Image(IMAGE), "keypoints": kp("KP_int"), "boxes": boxes(key), "labels": LABELS},)
    if how == "kp_only":
        return (tv_tensors.Image(IMAGE), kp("KP"))
    if how == "dict":
        return ({"image": tv_tensors.Image(IMAGE), "boxes": boxes(key), "masks": tv_tensors.Mask(MASKS), "labels": LABELS},)
    if how == "pair":  # a plain tensor image and a target dict
        return (IMAGE, {"boxes": boxes(key), "labels": LABELS, "masks": tv_tensors.Mask(MASKS)})
    if how == "seg":
        return (tv_tensors.Image(IMAGE), tv_tensors.Mask(SEMANTIC))
    if how == "img":  # an image alone (the automatic augmentations refuse masks and boxes)
        return (tv_tensors.Image(IMAGE),)
    if how == "img_pure":
        return (IMAGE,)
    raise ValueError(how)


# name -> (python source, how the sample is made, boxes key, seed, calls)
CASES = {
    "hflip": ("v2.RandomHorizontalFlip(p=1.0)", "dict", "XYXY", 0, 1),
    "hflip_xywh_pair": ("v2.RandomHorizontalFlip()", "pair", "XYWH", 3, 4),
    "vflip_cxcywh": ("v2.RandomVerticalFlip(p=1.0)", "dict", "CXCYWH", 0, 1),
    "vflip_xyxy_pair": ("v2.RandomVerticalFlip(p=0.5)", "pair", "XYXY", 5, 3),
    "resize": ("v2.Resize(10)", "dict", "XYXY", 0, 1),
    "resize_hw_cxcywh_pair": ("v2.Resize([15, 30])", "pair", "CXCYWH", 0, 1),
    "resize_int": ("v2.Resize(13)", "dict", "XYXY_int", 0, 1),
    "resize_max_size_xywh": ("v2.Resize(12, max_size=13)", "dict", "XYWH", 0, 1),
    "random_resized_crop": ("v2.RandomResizedCrop(12)", "dict", "XYXY", 0, 3),
    "random_resized_crop_xywh_pair": ("v2.RandomResizedCrop([10, 16], scale=(0.3, 1.0))", "pair", "XYWH", 1, 2),
    "random_resized_crop_int": ("v2.RandomResizedCrop(9)", "dict", "XYXY_int", 2, 2),
    "random_crop_padding": ("v2.RandomCrop(16, padding=4)", "dict", "XYXY", 0, 3),
    "random_crop_pad_if_needed_cxcywh": ("v2.RandomCrop([24, 28], pad_if_needed=True, fill=3)", "dict", "CXCYWH", 1, 2),
    "random_crop_xywh_pair": ("v2.RandomCrop([12, 20])", "pair", "XYWH", 2, 2),
    "center_crop_xywh": ("v2.CenterCrop(12)", "dict", "XYWH", 0, 1),
    "center_crop_larger": ("v2.CenterCrop([25, 27])", "dict", "XYXY", 0, 1),
    "center_crop_odd_cxcywh_pair": ("v2.CenterCrop([11, 13])", "pair", "CXCYWH", 0, 1),
    "pad": ("v2.Pad([2, 3, 4, 5])", "dict", "XYXY", 0, 1),
    "pad_fill_cxcywh_pair": ("v2.Pad(3, fill=9)", "pair", "CXCYWH", 0, 1),
    "zoom_out": ("v2.RandomZoomOut(p=1.0)", "dict", "XYXY", 0, 2),
    "zoom_out_side_xywh_pair": ("v2.RandomZoomOut(fill=5, side_range=(1.0, 2.0), p=0.7)", "pair", "XYWH", 3, 3),
    "iou_crop": ("v2.RandomIoUCrop()", "dict", "XYXY", 0, 4),
    "iou_crop_cxcywh_pair": ("v2.RandomIoUCrop(min_scale=0.5, sampler_options=[0.1, 0.3, 0.5], trials=20)", "pair", "CXCYWH", 1, 3),
    "iou_crop_sanitize": ("v2.Compose([v2.RandomIoUCrop(), v2.SanitizeBoundingBoxes()])", "dict", "XYXY", 2, 3),
    "scale_jitter": ("v2.ScaleJitter([16, 20])", "dict", "XYXY", 0, 2),
    "shortest_size_xywh": ("v2.RandomShortestSize([8, 10, 12], max_size=16)", "dict", "XYWH", 1, 2),
    "random_resize_cxcywh_pair": ("v2.RandomResize(8, 14)", "pair", "CXCYWH", 2, 2),
    "clamp": ("v2.ClampBoundingBoxes()", "dict", "XYXY", 0, 1),
    "clamp_cxcywh_pair": ("v2.ClampBoundingBoxes()", "pair", "CXCYWH", 0, 1),
    "clamp_int": ("v2.ClampBoundingBoxes()", "dict", "XYXY_int", 0, 1),
    "sanitize": ("v2.SanitizeBoundingBoxes()", "dict", "XYXY", 0, 1),
    "sanitize_xywh_pair": ("v2.SanitizeBoundingBoxes(min_size=2)", "pair", "XYWH", 0, 1),
    "clamp_sanitize_cxcywh": ("v2.Compose([v2.ClampBoundingBoxes(), v2.SanitizeBoundingBoxes(min_area=4)])", "dict", "CXCYWH", 0, 1),
    "convert_to_cxcywh": ("v2.ConvertBoundingBoxFormat('CXCYWH')", "dict", "XYXY", 0, 1),
    "convert_to_xywh_pair": ("v2.ConvertBoundingBoxFormat(tv_tensors.BoundingBoxFormat.XYWH)", "pair", "CXCYWH", 0, 1),
    "convert_to_xyxy": ("v2.ConvertBoundingBoxFormat('xyxy')", "dict", "XYWH", 0, 1),
    "convert_int_cxcywh": ("v2.ConvertBoundingBoxFormat('CXCYWH')", "dict", "XYXY_int", 0, 1),
    "to_dtype_per_type": ("v2.ToDtype({tv_tensors.Image: torch.float32, tv_tensors.Mask: torch.int64, 'others': None}, scale=True)", "dict", "XYXY", 0, 1),
    "to_dtype_plain": ("v2.ToDtype(torch.float32, scale=True)", "dict", "XYXY", 0, 1),
    "to_dtype_pure_key_pair": ("v2.ToDtype({torch.Tensor: torch.float64, tv_tensors.BoundingBoxes: torch.float64, 'others': None})", "pair", "XYWH", 0, 1),
    "ssd_train": ("v2.Compose([v2.RandomZoomOut(p=0.6), v2.RandomIoUCrop(), v2.RandomHorizontalFlip(), v2.ToDtype(torch.float32, scale=True), v2.SanitizeBoundingBoxes()])", "dict", "XYXY", 4, 3),
    "detr_like_train": ("v2.Compose([v2.RandomHorizontalFlip(), v2.RandomShortestSize([12, 14, 16], max_size=24), v2.RandomResizedCrop(14, scale=(0.5, 1.0)), v2.ClampBoundingBoxes(), v2.SanitizeBoundingBoxes()])", "pair", "CXCYWH", 6, 3),
    "seg_train": ("v2.Compose([v2.RandomResize(10, 20), v2.RandomCrop(12, pad_if_needed=True), v2.RandomHorizontalFlip()])", "seg", "XYXY", 7, 3),
    "rotation": ("v2.RandomRotation(30)", "dict", "XYXY", 0, 2),
    "rotation_expand_xywh_pair": ("v2.RandomRotation([20, 70], expand=True)", "pair", "XYWH", 1, 2),
    "rotation_center_fill_cxcywh": ("v2.RandomRotation(45, center=[5, 8], fill=3)", "dict", "CXCYWH", 2, 2),
    "rotation_expand_int": ("v2.RandomRotation(180, expand=True)", "dict", "XYXY_int", 3, 2),
    "rotation_90_expand": ("v2.RandomRotation([90, 90], expand=True)", "dict", "XYXY", 0, 1),
    "rotation_bilinear_seg": ("v2.RandomRotation(60, interpolation=v2.InterpolationMode.BILINEAR)", "seg", "XYXY", 4, 2),
    "affine": ("v2.RandomAffine(20, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=10)", "dict", "XYXY", 0, 2),
    "affine_shear4_xywh_pair": ("v2.RandomAffine(0, shear=(-10, 10, -5, 5))", "pair", "XYWH", 1, 2),
    "affine_center_fill_cxcywh": ("v2.RandomAffine(30, scale=(0.5, 0.9), center=[4, 6], fill=7)", "dict", "CXCYWH", 2, 2),
    "affine_int": ("v2.RandomAffine(15, translate=(0.3, 0.3))", "dict", "XYXY_int", 3, 2),
    "affine_bilinear_seg": ("v2.RandomAffine(25, translate=(0.1, 0.1), interpolation=v2.InterpolationMode.BILINEAR)", "seg", "XYXY", 5, 2),
    "rotate_sanitize_pair": ("v2.Compose([v2.RandomRotation(30, expand=True), v2.ClampBoundingBoxes(), v2.SanitizeBoundingBoxes()])", "pair", "CXCYWH", 6, 2),
    "perspective": ("v2.RandomPerspective(p=1.0)", "dict", "XYXY", 0, 2),
    "perspective_fill_xywh_pair": ("v2.RandomPerspective(0.3, p=0.6, fill=4)", "pair", "XYWH", 1, 3),
    "perspective_nearest_int": ("v2.RandomPerspective(0.7, p=1.0, interpolation=v2.InterpolationMode.NEAREST)", "dict", "XYXY_int", 2, 2),
    "perspective_seg": ("v2.RandomPerspective(p=1.0)", "seg", "XYXY", 3, 2),
    "perspective_cxcywh": ("v2.RandomPerspective(0.4, p=1.0)", "dict", "CXCYWH", 4, 1),
    "elastic": ("v2.ElasticTransform(sigma=2.0)", "dict", "XYXY", 0, 2),
    "elastic_fill_xywh_pair": ("v2.ElasticTransform(alpha=20.0, sigma=3.0, fill=2)", "pair", "XYWH", 1, 2),
    "elastic_nearest_int": ("v2.ElasticTransform(alpha=[30.0, 10.0], sigma=[2.0, 4.0], interpolation=v2.InterpolationMode.NEAREST)", "dict", "XYXY_int", 2, 2),
    "elastic_cxcywh": ("v2.ElasticTransform(alpha=80.0, sigma=1.5)", "dict", "CXCYWH", 3, 1),
    "elastic_unblurred_seg": ("v2.ElasticTransform(sigma=0.0)", "seg", "XYXY", 4, 1),
    # keypoints with images and boxes: one draw moves them all
    "kp_hflip": ("v2.RandomHorizontalFlip(p=1.0)", "kp", "XYXY", 0, 1),
    "kp_vflip_pair": ("v2.RandomVerticalFlip()", "kp_pair", "XYWH", 5, 3),
    "kp_resize": ("v2.Resize(10)", "kp", "XYXY", 0, 1),
    "kp_resize_int": ("v2.Resize([15, 30])", "kp_int", "CXCYWH", 0, 1),
    "kp_random_resized_crop": ("v2.RandomResizedCrop(12)", "kp", "XYXY", 0, 3),
    "kp_random_resized_crop_int": ("v2.RandomResizedCrop([10, 16], scale=(0.3, 1.0))", "kp_int", "XYWH", 1, 2),
    "kp_random_crop_padding_pair": ("v2.RandomCrop(16, padding=4)", "kp_pair", "XYXY", 0, 3),
    "kp_random_crop_pad_if_needed_int": ("v2.RandomCrop([24, 28], pad_if_needed=True, fill=3)", "kp_int", "CXCYWH", 1, 2),
    "kp_center_crop": ("v2.CenterCrop(12)", "kp", "XYWH", 0, 1),
    "kp_center_crop_larger_pair": ("v2.CenterCrop([25, 27])", "kp_pair", "XYXY", 0, 1),
    "kp_pad_pair": ("v2.Pad([2, 3, 4, 5])", "kp_pair", "XYXY", 0, 1),
    "kp_pad_fill_int": ("v2.Pad(3, fill=9)", "kp_int", "CXCYWH", 0, 1),
    "kp_zoom_out": ("v2.RandomZoomOut(p=1.0)", "kp", "XYXY", 0, 2),
    "kp_zoom_out_side_pair": ("v2.RandomZoomOut(fill=5, side_range=(1.0, 2.0), p=0.7)", "kp_pair", "XYWH", 3, 3),
    "kp_iou_crop": ("v2.RandomIoUCrop()", "kp", "XYXY", 0, 4),
    "kp_iou_crop_int": ("v2.RandomIoUCrop(min_scale=0.5, sampler_options=[0.1, 0.3, 0.5], trials=20)", "kp_int", "CXCYWH", 1, 3),
    "kp_scale_jitter": ("v2.ScaleJitter([16, 20])", "kp", "XYXY", 0, 2),
    "kp_shortest_size_pair": ("v2.RandomShortestSize([8, 10, 12], max_size=16)", "kp_pair", "XYWH", 1, 2),
    "kp_random_resize_int": ("v2.RandomResize(8, 14)", "kp_int", "CXCYWH", 2, 2),
    "kp_rotation": ("v2.RandomRotation(30)", "kp", "XYXY", 0, 2),
    "kp_rotation_expand_pair": ("v2.RandomRotation([20, 70], expand=True)", "kp_pair", "XYWH", 1, 2),
    "kp_rotation_center_fill_int": ("v2.RandomRotation(45, center=[5, 8], fill=3)", "kp_int", "CXCYWH", 2, 2),
    "kp_rotation_90_expand": ("v2.RandomRotation([90, 90], expand=True)", "kp", "XYXY", 0, 1),
    "kp_affine": ("v2.RandomAffine(20, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=10)", "kp", "XYXY", 0, 2),
    "kp_affine_shear4_pair": ("v2.RandomAffine(0, shear=(-10, 10, -5, 5))", "kp_pair", "XYWH", 1, 2),
    "kp_affine_center_fill_int": ("v2.RandomAffine(30, scale=(0.5, 0.9), center=[4, 6], fill=7)", "kp_int", "CXCYWH", 2, 2),
    "kp_perspective": ("v2.RandomPerspective(p=1.0)", "kp", "XYXY", 0, 2),
    "kp_perspective_fill_pair": ("v2.RandomPerspective(0.3, p=0.6, fill=4)", "kp_pair", "XYWH", 1, 3),
    "kp_perspective_int": ("v2.RandomPerspective(0.7, p=1.0, interpolation=v2.InterpolationMode.NEAREST)", "kp_int", "XYXY", 2, 2),
    "kp_elastic": ("v2.ElasticTransform(sigma=2.0)", "kp", "XYXY", 0, 2),
    "kp_elastic_fill_pair": ("v2.ElasticTransform(alpha=20.0, sigma=3.0, fill=2)", "kp_pair", "XYWH", 1, 2),
    "kp_elastic_int": ("v2.ElasticTransform(alpha=80.0, sigma=1.5)", "kp_int", "CXCYWH", 3, 1),
    "kp_clamp": ("v2.ClampKeyPoints()", "kp", "XYXY", 0, 1),
    "kp_clamp_int": ("v2.ClampKeyPoints()", "kp_int", "XYXY", 0, 1),
    "kp_sanitize": ("v2.SanitizeKeyPoints()", "kp", "XYXY", 0, 1),
    "kp_sanitize_labels_pair": ("v2.SanitizeKeyPoints(labels_getter='default')", "kp_pair", "XYXY", 0, 1),
    "kp_sanitize_labels_int": ("v2.SanitizeKeyPoints(labels_getter='default')", "kp_int", "XYXY", 0, 1),
    "kp_to_dtype_per_type_int": ("v2.ToDtype({tv_tensors.KeyPoints: torch.float64, 'others': None})", "kp_int", "XYXY", 0, 1),
    "kp_to_dtype_plain": ("v2.ToDtype(torch.float32, scale=True)", "kp_int", "XYXY", 0, 1),
    "kp_to_pure_tensor": ("v2.ToPureTensor()", "kp", "XYXY", 0, 1),
    "kp_five_crop_passes_through": ("v2.FiveCrop(8)", "kp_only", "XYXY", 0, 1),
    "kp_color_jitter_passes_through": ("v2.ColorJitter(0.5, 0.5)", "kp", "XYXY", 0, 1),
    # per-type fills (a dict keyed by tv_tensors types, torch.Tensor and "others"; a type without a key: None)
    "pad_fill_dict": ("v2.Pad(3, fill={tv_tensors.Image: 127, tv_tensors.Mask: 255})", "dict", "XYXY", 0, 1),
    "pad_fill_dict_others_pair": ("v2.Pad([2, 3, 4, 5], fill={tv_tensors.Mask: 255, 'others': 7})", "pair", "XYWH", 0, 1),
    "pad_fill_dict_tensor_key_pair": ("v2.Pad(2, fill={torch.Tensor: 50, tv_tensors.Mask: 1})", "pair", "CXCYWH", 0, 1),
    "pad_fill_dict_missing": ("v2.Pad(2, fill={tv_tensors.Mask: 9})", "dict", "XYXY", 0, 1),
    "zoom_out_fill_dict": ("v2.RandomZoomOut(fill={tv_tensors.Image: [10, 20, 30], tv_tensors.Mask: 255}, p=1.0)", "dict", "XYXY", 0, 2),
    "zoom_out_fill_dict_others_pair": ("v2.RandomZoomOut(fill={tv_tensors.Mask: 3, 'others': 9}, side_range=(1.0, 2.0), p=1.0)", "pair", "XYWH", 1, 2),
    "random_crop_fill_dict_seg": ("v2.RandomCrop(24, pad_if_needed=True, fill={tv_tensors.Mask: 255, 'others': 0})", "seg", "XYXY", 0, 2),
    "random_crop_fill_dict_missing": ("v2.RandomCrop(16, padding=4, fill={tv_tensors.Mask: 9})", "dict", "XYXY", 1, 2),
    "random_crop_fill_dict_tensor_key_pair": ("v2.RandomCrop([22, 26], pad_if_needed=True, fill={torch.Tensor: 40, tv_tensors.Image: 1, 'others': 2})", "pair", "CXCYWH", 2, 2),
    "rotation_fill_dict": ("v2.RandomRotation(30, interpolation=v2.InterpolationMode.BILINEAR, fill={tv_tensors.Image: 127, tv_tensors.Mask: 255})", "dict", "XYXY", 0, 2),
    "rotation_fill_dict_missing_bilinear": ("v2.RandomRotation(30, interpolation=v2.InterpolationMode.BILINEAR, fill={tv_tensors.Mask: 255})", "dict", "XYXY", 0, 2),
    "rotation_fill_dict_tensor_key_pair": ("v2.RandomRotation(45, fill={torch.Tensor: [1, 2, 3], 'others': 4})", "pair", "XYWH", 1, 2),
    "affine_fill_dict": ("v2.RandomAffine(20, translate=(0.1, 0.2), interpolation=v2.InterpolationMode.BILINEAR, fill={tv_tensors.Image: [5, 6, 7], tv_tensors.Mask: 200})", "dict", "CXCYWH", 2, 2),
    "affine_fill_dict_others_seg": ("v2.RandomAffine(30, scale=(0.7, 1.1), fill={tv_tensors.Mask: 255, 'others': 0})", "seg", "XYXY", 3, 2),
    "affine_fill_dict_missing_bilinear_pair": ("v2.RandomAffine(25, interpolation=v2.InterpolationMode.BILINEAR, fill={tv_tensors.Image: 9, tv_tensors.Mask: 1})", "pair", "XYXY", 4, 2),
    "perspective_fill_dict": ("v2.RandomPerspective(p=1.0, fill={tv_tensors.Image: 127, tv_tensors.Mask: 255})", "dict", "XYXY", 0, 2),
    "perspective_fill_dict_missing_pair": ("v2.RandomPerspective(0.6, p=1.0, fill={tv_tensors.Mask: 1})", "pair", "XYWH", 1, 2),
    "perspective_fill_dict_others_seg": ("v2.RandomPerspective(0.4, p=1.0, fill={tv_tensors.Mask: 255, 'others': [1, 2, 3]})", "seg", "XYXY", 2, 2),
    "elastic_fill_dict": ("v2.ElasticTransform(sigma=2.0, fill={tv_tensors.Image: 100, tv_tensors.Mask: 7})", "dict", "XYXY", 0, 2),
    "elastic_fill_dict_others_pair": ("v2.ElasticTransform(alpha=20.0, sigma=3.0, fill={tv_tensors.Mask: 2, 'others': [9, 8, 7]})", "pair", "XYWH", 1, 2),
    "elastic_fill_dict_missing_seg": ("v2.ElasticTransform(alpha=80.0, sigma=1.5, fill={tv_tensors.Mask: 4})", "seg", "XYXY", 2, 1),
    "auto_augment_fill_dict": ("v2.AutoAugment(fill={tv_tensors.Image: 127, torch.Tensor: 3})", "img", "XYXY", 0, 4),
    "auto_augment_fill_dict_pure": ("v2.AutoAugment(v2.AutoAugmentPolicy.SVHN, fill={tv_tensors.Image: 127, torch.Tensor: 3})", "img_pure", "XYXY", 1, 4),
    "rand_augment_fill_dict": ("v2.RandAugment(num_ops=4, fill={tv_tensors.Image: [10, 20, 30], 'others': 0})", "img", "XYXY", 2, 3),
    "rand_augment_fill_dict_missing_pure": ("v2.RandAugment(num_ops=3, interpolation=v2.InterpolationMode.BILINEAR, fill={tv_tensors.Image: 5})", "img_pure", "XYXY", 3, 3),
    "trivial_augment_fill_dict": ("v2.TrivialAugmentWide(fill={tv_tensors.Image: 200, tv_tensors.Mask: 1})", "img", "XYXY", 4, 6),
    "trivial_augment_fill_dict_others_pure": ("v2.TrivialAugmentWide(interpolation=v2.InterpolationMode.BILINEAR, fill={'others': [1, 2, 3]})", "img_pure", "XYXY", 5, 6),
    "augmix_fill_dict": ("v2.AugMix(fill={tv_tensors.Image: 200, torch.Tensor: 50})", "img", "XYXY", 6, 2),
    "augmix_fill_dict_image_key_only": ("v2.AugMix(severity=5, fill={tv_tensors.Image: 200})", "img", "XYXY", 7, 2),
    "augmix_fill_dict_others_pure": ("v2.AugMix(chain_depth=2, fill={'others': 90})", "img_pure", "XYXY", 8, 2),
    # fill=None: {"others": None} (no fill blend for the grid transforms' images, 0 for padding)
    "rotation_fill_none_bilinear": ("v2.RandomRotation(30, interpolation=v2.InterpolationMode.BILINEAR, fill=None)", "dict", "XYXY", 0, 2),
    "affine_fill_none_bilinear_pair": ("v2.RandomAffine(25, interpolation=v2.InterpolationMode.BILINEAR, fill=None)", "pair", "XYXY", 4, 2),
    "perspective_fill_none": ("v2.RandomPerspective(p=1.0, fill=None)", "dict", "XYXY", 0, 2),
    "elastic_fill_none_pair": ("v2.ElasticTransform(alpha=20.0, sigma=3.0, fill=None)", "pair", "XYWH", 1, 2),
    "pad_fill_none": ("v2.Pad(3, fill=None)", "dict", "XYXY", 0, 1),
    # one fill value per channel: v2's _pad_with_vector_fill
    "pad_fill_list_kp_pair": ("v2.Pad([1, 2, 3, 4], fill=[10, 20, 30])", "kp_pair", "XYXY", 0, 1),
    "pad_fill_dict_list": ("v2.Pad(3, fill={tv_tensors.Image: [1, 2, 3], tv_tensors.Mask: 255})", "dict", "XYXY", 0, 1),
    "random_crop_fill_dict_list_seg": ("v2.RandomCrop(24, pad_if_needed=True, fill={tv_tensors.Image: [5, 6, 7], tv_tensors.Mask: 255})", "seg", "XYXY", 0, 2),
    "random_crop_fill_none_seg": ("v2.RandomCrop(24, pad_if_needed=True, fill=None)", "seg", "XYXY", 0, 2),
    "zoom_out_fill_none": ("v2.RandomZoomOut(fill=None, p=1.0)", "dict", "XYXY", 0, 2),
    "kp_pipeline": ("v2.Compose([v2.RandomZoomOut(p=0.6), v2.RandomIoUCrop(), v2.RandomHorizontalFlip(), v2.RandomRotation(20, expand=True), v2.Resize(16), v2.ToDtype(torch.float32, scale=True), v2.ClampKeyPoints(), v2.SanitizeBoundingBoxes(), v2.SanitizeKeyPoints()])", "kp", "XYXY", 4, 3),
}

# Functional kernels on plain tensors: name -> python source (P: the XYXY float boxes as a plain tensor).
P = XYXY
FUNCTIONAL = {
    "clamp_plain": "F.clamp_bounding_boxes(BOXES['CXCYWH'], format='CXCYWH', canvas_size=(H, W), clamping_mode='soft')",
    "convert_plain": "F.convert_bounding_box_format(BOXES['XYWH'], old_format='XYWH', new_format='CXCYWH')",
    "convert_plain_int": "F.convert_bounding_box_format(BOXES['XYXY_int'], old_format='XYXY', new_format='XYWH')",
    "hflip_boxes": "F.horizontal_flip_bounding_boxes(BOXES['XYWH'], format=tv_tensors.BoundingBoxFormat.XYWH, canvas_size=(H, W))",
    "vflip_boxes": "F.vertical_flip_bounding_boxes(BOXES['XYXY'], format=tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W))",
    "resize_boxes": "F.resize_bounding_boxes(BOXES['XYXY'], canvas_size=(H, W), size=[7, 31])[0]",
    "crop_boxes": "F.crop_bounding_boxes(BOXES['CXCYWH'], tv_tensors.BoundingBoxFormat.CXCYWH, top=-2, left=3, height=15, width=14)[0]",
    "pad_image_vector_fill_int": "F.pad(tv_tensors.Image(IMAGE), [1, 2, 3, 4], fill=[1, 2, 3])",
    "pad_image_vector_fill_float": "F.pad(IMAGE, [2, 1], fill=[7.5, 300.5, -2.25])",
    "pad_image_vector_fill_negative": "F.pad(IMAGE.float(), [-2, 3, 1, -1], fill=[0.25, 0.5, 0.75])",
    "pad_boxes": "F.pad_bounding_boxes(BOXES['XYXY'], tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W), padding=[1, 2])[0]",
    "hflip_tv": "F.horizontal_flip(boxes('CXCYWH'))",
    "resize_tv": "F.resize(boxes('XYWH'), [30, 12])",
    "crop_mask": "F.crop(tv_tensors.Mask(SEMANTIC), 3, 4, 10, 30)",
    "resize_mask": "F.resize(tv_tensors.Mask(SEMANTIC), [9, 31], interpolation=v2.InterpolationMode.BILINEAR)",
    "rotate_boxes": "F.rotate_bounding_boxes(BOXES['XYWH'], format=tv_tensors.BoundingBoxFormat.XYWH, canvas_size=(H, W), angle=33.0)",
    "rotate_boxes_center_int": "F.rotate_bounding_boxes(BOXES['XYXY_int'], format=tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W), angle=-50, center=[3, 4])",
    "rotate_boxes_expand_center": "F.rotate_bounding_boxes(BOXES['CXCYWH'], format=tv_tensors.BoundingBoxFormat.CXCYWH, canvas_size=(H, W), angle=123.0, expand=True, center=[7, 9])",
    "affine_boxes": "F.affine_bounding_boxes(BOXES['CXCYWH'], format=tv_tensors.BoundingBoxFormat.CXCYWH, canvas_size=(H, W), angle=12.5, translate=[2, -3], scale=1.3, shear=[5, -7])",
    "affine_boxes_float64": "F.affine_bounding_boxes(P.double(), format=tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W), angle=-20, translate=[0, 0], scale=0.7, shear=15, center=[10, 2])",
    "rotate_tv_expand": "F.rotate(boxes('CXCYWH'), 75, expand=True)",
    "rotate_tv_empty_expand": "F.rotate(tv_tensors.BoundingBoxes(torch.zeros(0, 4), format='XYXY', canvas_size=(H, W)), 30, expand=True)",
    "affine_tv": "F.affine(boxes('XYWH'), 10, [1, 2], 1.1, [3, 4])",
    "rotate_mask_expand": "F.rotate(tv_tensors.Mask(MASKS), 40, expand=True)",
    "rotate_mask_center_fill": "F.rotate(tv_tensors.Mask(SEMANTIC), -35, center=[3, 17], fill=9)",
    "rotate_mask_270_expand": "F.rotate(tv_tensors.Mask(SEMANTIC), 270, expand=True)",
    "rotate_mask_bool": "F.rotate_mask(MASKS.bool(), 100.0)",
    "affine_mask_fill": "F.affine(tv_tensors.Mask(SEMANTIC), 20, [2, 1], 0.9, 8, fill=4)",
    "affine_mask_instances": "F.affine_mask(MASKS, angle=-15, translate=[-3, 0], scale=1.2, shear=[0, 10], center=[8, 8])",
    "perspective_boxes": "F.perspective_bounding_boxes(BOXES['XYWH'], format=tv_tensors.BoundingBoxFormat.XYWH, canvas_size=(H, W), startpoints=CORNERS, endpoints=[[2, 1], [20, 3], [22, 18], [1, 17]])",
    "perspective_boxes_coefficients_int": "F.perspective_bounding_boxes(BOXES['XYXY_int'], format=tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W), startpoints=None, endpoints=None, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "perspective_boxes_fractional_corners": "F.perspective_bounding_boxes(BOXES['CXCYWH'], format=tv_tensors.BoundingBoxFormat.CXCYWH, canvas_size=(H, W), startpoints=[[0.5, 0], [23, 0.25], [23, 19], [0, 19]], endpoints=[[2.5, 1], [20, 3], [22, 18.75], [1, 17]])",
    "perspective_tv": "F.perspective(boxes('CXCYWH'), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]])",
    "perspective_mask_fill": "F.perspective(tv_tensors.Mask(MASKS), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]], fill=1)",
    "perspective_mask_coefficients": "F.perspective_mask(SEMANTIC, None, None, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "elastic_boxes": "F.elastic_bounding_boxes(BOXES['XYXY'], format=tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W), displacement=DISPLACEMENT)",
    "elastic_boxes_int": "F.elastic_bounding_boxes(BOXES['XYXY_int'], format=tv_tensors.BoundingBoxFormat.XYXY, canvas_size=(H, W), displacement=DISPLACEMENT)",
    "elastic_boxes_float64_cxcywh": "F.elastic_bounding_boxes(BOXES['CXCYWH'].double(), format=tv_tensors.BoundingBoxFormat.CXCYWH, canvas_size=(H, W), displacement=DISPLACEMENT)",
    "elastic_tv": "F.elastic(boxes('XYWH'), DISPLACEMENT)",
    "elastic_mask_fill": "F.elastic(tv_tensors.Mask(MASKS), DISPLACEMENT, fill=3)",
    "elastic_mask_semantic": "F.elastic_mask(SEMANTIC, DISPLACEMENT)",
    # keypoints: the plain kernels (with their canvas sizes where they return them) and the dispatch on KeyPoints
    "kp_new_one_point": "tv_tensors.KeyPoints([3.5, 4.0], canvas_size=(H, W))",
    "kp_new_int_groups": "tv_tensors.KeyPoints([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], canvas_size=(5, 9))",
    "kp_hflip": "F.horizontal_flip_keypoints(KP, canvas_size=(H, W))",
    "kp_vflip_groups": "F.vertical_flip_keypoints(KPG, canvas_size=(H, W))",
    "kp_hflip_tv_int": "F.horizontal_flip(kp('KP_int'))",
    "kp_vflip_tv": "F.vertical_flip(kp('KP'))",
    "kp_resize": "F.resize_keypoints(KP, size=[7, 31], canvas_size=(H, W))",
    "kp_resize_same": "F.resize_keypoints(KP, size=[H, W], canvas_size=(H, W))",
    "kp_resize_double": "F.resize_keypoints(KP.double(), [30, 12], (H, W))",
    "kp_resize_tv_int": "F.resize(kp('KP_int'), 13)",
    "kp_resize_tv_max_size_groups": "F.resize(kp('KPG'), 12, max_size=13)",
    "kp_crop": "F.crop_keypoints(KP, top=-2, left=3, height=15, width=14)",
    "kp_crop_tv_int": "F.crop(kp('KP_int'), 3, 4, 10, 30)",
    "kp_pad": "F.pad_keypoints(KP, (H, W), padding=[1, 2])",
    "kp_pad_tv_groups": "F.pad(kp('KPG'), [2, 3, 4, 5])",
    "kp_pad_tv_int_fill": "F.pad(kp('KP_int'), 3, fill=7, padding_mode='constant')",
    "kp_center_crop_tv": "F.center_crop(kp('KP'), [11, 13])",
    "kp_center_crop_larger": "F.center_crop_keypoints(KP, (H, W), [25, 27])",
    "kp_center_crop_odd_int": "F.center_crop(kp('KP_int'), 9)",
    "kp_resized_crop_tv_groups": "F.resized_crop(kp('KPG'), 2, 3, 12, 16, [9, 21])",
    "kp_resized_crop_int": "F.resized_crop_keypoints(KP_INT, 1, -2, 15, 20, size=[30, 10])",
    # uint8 points wrap below 0, as Python's torch.tensor([-left, -top], dtype=uint8) does
    "kp_crop_tv_uint8": "F.crop(tv_tensors.KeyPoints(torch.tensor([[1, 2], [8, 9]], dtype=torch.uint8), canvas_size=(10, 12)), 2, 3, 6, 7)",
    "kp_center_crop_tv_uint8": "F.center_crop(tv_tensors.KeyPoints(torch.tensor([[1, 2], [8, 9]], dtype=torch.uint8), canvas_size=(10, 12)), [4, 6])",
    "kp_pad_tv_uint8_negative": "F.pad(tv_tensors.KeyPoints(torch.tensor([[1, 2], [8, 9]], dtype=torch.uint8), canvas_size=(10, 12)), [-3, 1])",
    "kp_rotate": "F.rotate_keypoints(KP, (H, W), angle=33.0)",
    "kp_rotate_tv_expand": "F.rotate(kp('KP'), 75, expand=True)",
    "kp_rotate_tv_center_groups": "F.rotate(kp('KPG'), -50, center=[3, 4])",
    "kp_rotate_expand_center_int": "F.rotate_keypoints(KP_INT, (H, W), 123.0, expand=True, center=[7, 9])",
    "kp_rotate_tv_90_expand": "F.rotate(kp('KP'), 90, expand=True)",
    "kp_rotate_tv_empty_expand": "F.rotate(tv_tensors.KeyPoints(torch.zeros(0, 2), canvas_size=(H, W)), 30, expand=True)",
    "kp_affine": "F.affine_keypoints(KP, (H, W), angle=12.5, translate=[2, -3], scale=1.3, shear=[5, -7])",
    "kp_affine_double_center": "F.affine_keypoints(KP.double(), (H, W), -20, [0, 0], 0.7, 15, center=[10, 2])",
    "kp_affine_tv_int": "F.affine(kp('KP_int'), 10, [1, 2], 1.1, [3, 4])",
    "kp_affine_tv_groups": "F.affine(kp('KPG'), -7.5, [0.5, 1.5], 0.9, 12)",
    "kp_perspective": "F.perspective_keypoints(KP, (H, W), CORNERS, [[2, 1], [20, 3], [22, 18], [1, 17]])",
    "kp_perspective_coefficients_int": "F.perspective_keypoints(KP_INT, (H, W), None, None, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "kp_perspective_tv_groups": "F.perspective(kp('KPG'), CORNERS, [[3, 2], [21, 0], [23, 16], [0, 19]])",
    "kp_perspective_tv_double": "F.perspective(kp('KP_double'), [[0.5, 0], [23, 0.25], [23, 19], [0, 19]], [[2.5, 1], [20, 3], [22, 18.75], [1, 17]])",
    "kp_elastic": "F.elastic_keypoints(KP, (H, W), DISPLACEMENT)",
    "kp_elastic_tv_int": "F.elastic(kp('KP_int'), DISPLACEMENT)",
    "kp_elastic_tv_groups": "F.elastic(kp('KPG'), DISPLACEMENT)",
    "kp_elastic_double": "F.elastic_keypoints(KP.double(), (H, W), DISPLACEMENT)",
    "kp_clamp_tv": "F.clamp_keypoints(kp('KPG'))",
    "kp_clamp_plain_int": "F.clamp_keypoints(KP_INT, canvas_size=(H, W))",
    "kp_sanitize_tv": "F.sanitize_keypoints(kp('KP'))",
    "kp_sanitize_plain_groups": "F.sanitize_keypoints(KPG, canvas_size=(H, W))",
    "kp_to_dtype_tv": "F.to_dtype(kp('KP_int'), torch.float64)",
    "kp_get_size": "F.get_size(kp('KPG'))",
    # perspective of images from coefficients
    "perspective_image_coefficients": "F.perspective(tv_tensors.Image(IMAGE), None, None, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "perspective_image_coefficients_nearest_fill": "F.perspective_image(IMAGE, None, None, interpolation=v2.InterpolationMode.NEAREST, fill=[1, 2, 3], coefficients=[0.9, -0.1, 1.5, 0.1, 1.05, -2.0, -0.002, 0.003])",
    "perspective_image_coefficients_fill": "F.perspective(IMAGE, startpoints=None, endpoints=None, fill=7, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "perspective_image_coefficients_float": "F.perspective(tv_tensors.Image(IMAGE.float() / 255), None, None, fill=0.5, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
}

# What torchvision refuses, and its message: name -> python source.
ERRORS = {
    "kp_shape": "tv_tensors.KeyPoints(torch.zeros(2, 3), canvas_size=(H, W))",
    "kp_shape_3d": "tv_tensors.KeyPoints(torch.zeros(2, 3, 4), canvas_size=(H, W))",
    "pad_image_vector_fill_reflect": "F.pad(IMAGE, 2, fill=[1, 2, 3], padding_mode='reflect')",
    "pad_image_vector_fill_channels": "F.pad(IMAGE, [1, 2], fill=[1, 2])",
    "kp_pad_reflect": "F.pad(kp('KP'), 2, padding_mode='reflect')",
    "kp_pad_edge": "F.pad_keypoints(KP, (H, W), [1, 2], padding_mode='edge')",
    "kp_pad_symmetric": "F.pad(kp('KPG'), [1, 2, 3, 4], padding_mode='symmetric')",
    "kp_random_crop_reflect": "v2.RandomCrop(8, padding=2, padding_mode='reflect')(tv_tensors.Image(IMAGE), kp('KP'))",
    "kp_perspective_not_invertible": "F.perspective_keypoints(KP, (H, W), None, None, coefficients=[0, 0, 0, 0, 0, 0, 0, 0])",
    "kp_clamp_plain_no_canvas": "F.clamp_keypoints(KP)",
    "kp_clamp_tv_canvas": "F.clamp_keypoints(kp('KP'), canvas_size=(H, W))",
    "kp_sanitize_plain_no_canvas": "F.sanitize_keypoints(KP)",
    "kp_sanitize_labels_mismatch": "v2.SanitizeKeyPoints(labels_getter='default')({'image': tv_tensors.Image(IMAGE), 'keypoints': kp('KP'), 'labels': LABELS[:3]})",
    "kp_sanitize_no_keypoints": "v2.SanitizeKeyPoints()(tv_tensors.Image(IMAGE), boxes('XYXY'))",
    "kp_auto_augment": "v2.AutoAugment()(tv_tensors.Image(IMAGE), kp('KP'))",
    "kp_rand_augment": "v2.RandAugment()(IMAGE, {'keypoints': kp('KP')})",
    "kp_trivial_augment": "v2.TrivialAugmentWide()(kp('KP'), tv_tensors.Image(IMAGE))",
    "kp_augmix": "v2.AugMix()({'image': tv_tensors.Image(IMAGE), 'keypoints': kp('KP')})",
    "kp_mixup": "v2.MixUp(num_classes=3)(torch.zeros(2, 3, 4, 4), torch.tensor([0, 1]), tv_tensors.KeyPoints([[1.0, 2.0]], canvas_size=(4, 4)))",
    "kp_cutmix": "v2.CutMix(num_classes=3)({'image': torch.zeros(2, 3, 4, 4), 'labels': torch.tensor([0, 1]), 'kp': tv_tensors.KeyPoints([[1.0, 2.0]], canvas_size=(4, 4))})",
    "perspective_image_coefficients_and_points": "F.perspective(tv_tensors.Image(IMAGE), CORNERS, CORNERS, coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.5, 0.001, -0.002])",
    "perspective_image_coefficients_length": "F.perspective_image(IMAGE, None, None, coefficients=[1.0, 0.0, 0.0])",
    "perspective_image_no_points": "F.perspective(IMAGE, None, None)",
    "fill_dict_value": "v2.RandomRotation(30, fill={tv_tensors.Image: 'a'})",
    "v1_pad_refuses_fill_dict": "T.Pad(2, fill={tv_tensors.Image: 1})",
    "kp_query_size": "v2.RandomResizedCrop(8)(tv_tensors.Image(IMAGE), tv_tensors.KeyPoints([[1.0, 2.0]], canvas_size=(5, 7)))",
}


def error_of(src):
    try:
        eval(src)
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError(f"no error: {src}")


def main():
    cases = []
    for name, (src, how, key, seed, calls) in CASES.items():
        transform = eval(src)
        inputs = sample(how, key)
        torch.manual_seed(seed)
        outs = [enc_leaf(transform(*inputs)) for _ in range(calls)]
        cases.append({"name": name, "py": src, "how": how, "boxes": key, "seed": seed, "calls": calls, "outputs": outs, "after": torch.rand(1).item()})
    functional = [{"name": k, "py": src, "output": enc_leaf(eval(src))} for k, src in FUNCTIONAL.items()]
    errors = [{"name": k, "py": src, **error_of(src)} for k, src in ERRORS.items()]
    fixture = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(), "canvasSize": [H, W]},
        "inputs": {"image": enc(IMAGE), "masks": enc(MASKS), "semantic": enc(SEMANTIC), "labels": enc(LABELS), "displacement": enc(DISPLACEMENT), "boxes": {k: enc(v) for k, v in BOXES.items()},
                   "keypoints": {k: enc(v) for k, v in KEYPOINTS.items()}},
        "cases": cases, "functional": functional, "errors": errors,
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases, {len(functional)} functional, {len(errors)} errors")


if __name__ == "__main__":
    main()
