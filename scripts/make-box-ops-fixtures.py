"""Fixtures of torchnode's vision.ops box operations and losses and vision.utils' drawing functions
(torchvision 0.28 on torch 2.13): run with .venv/bin/python scripts/make-box-ops-fixtures.py.

Writes test/fixtures/box-ops.json (read by test/vision-box-ops.test.ts):
  inputs    the tensors every case starts from (stored exactly)
  cases     name -> torchvision's result (results and input gradients of differentiable ops, NMS indices,
            drawn images), each the port in the test must give bit for bit
  errors    name -> the message torchvision raises (the port keeps the text after its function name)
  warnings  name -> the message torchvision warns with
Deterministic: a rerun rewrites the same bytes.

torchvision's _C.so is a CUDA build that fails to load against CPU torch, so torch.ops.torchvision.nms
cannot run here: NMS results come from ref_nms below, a line-by-line Python transcription of
torchvision/csrc/ops/cpu/nms_kernel.cpp (the kernel the port follows), and batched_nms from
torchvision's own _batched_nms_coordinate_trick / _batched_nms_vanilla with their `nms` bound to it.
The hand-checkable NMS cases (ties, IoU exactly at the threshold) state their expected result in a
comment and the script asserts it, so they do not depend on ref_nms being right.
"""
import importlib.util
import os
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads (sort's tie order depends on it)

import torch  # noqa: E402

import torchvision_cpu  # noqa: E402 (torchvision against CPU torch: before any torchvision import)
import PIL  # noqa: E402
import PIL.ImageColor  # noqa: E402
import torchvision  # noqa: E402
import torchvision.ops.boxes as B  # noqa: E402
from torchvision import ops  # noqa: E402
from torchvision.utils import draw_bounding_boxes, draw_keypoints, draw_segmentation_masks  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "box-ops.json")
G = torch.Generator().manual_seed(20260311)


def rand(*shape, dtype=torch.float32):
    return torch.rand(*shape, generator=G, dtype=torch.float64).to(dtype)


def xyxy(n, dtype=torch.float32, scale=20.0, quantum=None):
    """n valid (x1 <= x2, y1 <= y2) boxes; quantum rounds the coordinates (short JSON, exact in any dtype)."""
    xy = rand(n, 2, dtype=torch.float64) * scale
    wh = rand(n, 2, dtype=torch.float64) * scale / 2
    b = torch.cat([xy, xy + wh], 1)
    if quantum is not None:
        b = (b / quantum).round() * quantum
    return b.to(dtype)


# ------------------------------------------------------------------------------------------------
# Inputs

INPUTS = {}


def inp(name, t):
    INPUTS[name] = t
    return t


a32 = xyxy(6)
a32[3, 2] = a32[3, 0]            # zero width
a32[4] = a32[0]                  # a duplicate
a32[5] = torch.tensor([3.0, 3.0, 3.0, 3.0])  # a point
inp("a32", a32)
inp("b32", xyxy(5))
a64 = xyxy(6, torch.float64)
a64[2, 3] = a64[2, 1]            # zero height
inp("a64", a64)
inp("b64", xyxy(4, torch.float64))
inp("ai", xyxy(4, torch.int64, scale=30, quantum=1))
inp("bi", xyxy(3, torch.int64, scale=30, quantum=1))
inp("au8", xyxy(3, torch.uint8, scale=200, quantum=1))
inp("ah", xyxy(3, torch.float16, quantum=0.25))
inp("bh", xyxy(2, torch.float16, quantum=0.25))
inp("batch_a", torch.stack([xyxy(3), xyxy(3)]))
inp("batch_b", torch.stack([xyxy(4), xyxy(4)]))
inp("empty", torch.zeros(0, 4))
# wide ranges for clipping: negative and beyond a 10 x 15 image
inp("wild32", xyxy(5, scale=30) - 8)
inp("wild64", xyxy(5, torch.float64, scale=30) - 8)
inp("wildi", xyxy(5, torch.int64, scale=30, quantum=1) - 8)
inp("wild_batch", torch.stack([xyxy(3, scale=30), xyxy(3, scale=30)]) - 8)
# rotated boxes (cx, cy, w, h, r in degrees), float and int
rot = torch.cat([rand(4, 2) * 20, rand(4, 2) * 10 + 1, rand(4, 1) * 180 - 90], 1)
inp("rot32", rot)
inp("rot64", torch.cat([rand(3, 2, dtype=torch.float64) * 20, rand(3, 2, dtype=torch.float64) * 10 + 1, rand(3, 1, dtype=torch.float64) * 360 - 180], 1))
inp("roti", torch.tensor([[10, 12, 6, 4, 30], [5, 5, 2, 8, -45], [0, 0, 3, 3, 0]]))
# loss pairs: overlapping, disjoint, identical, nested, zero width
p32 = xyxy(5)
t32 = xyxy(5)
t32[1] = p32[1] + 25.0           # disjoint
t32[2] = p32[2]                  # identical
t32[3] = torch.tensor([p32[3, 0] + 0.5, p32[3, 1] + 0.5, p32[3, 2] - 0.25, p32[3, 3] - 0.25])  # nested
p32[4, 2] = p32[4, 0]            # zero width prediction
inp("p32", p32)
inp("t32", t32)
p64 = xyxy(4, torch.float64)
t64 = xyxy(4, torch.float64)
t64[0] = p64[0] + torch.tensor([30.0, 0.0, 30.0, 0.0], dtype=torch.float64)  # disjoint in x only
inp("p64", p64)
inp("t64", t64)
inp("pone", xyxy(1)[0])          # Tensor[4]
inp("tone", xyxy(1)[0])
inp("pi", xyxy(3, torch.int64, scale=30, quantum=1))
inp("ti", xyxy(3, torch.int64, scale=30, quantum=1))
# focal loss
inp("logits32", torch.randn(3, 5, generator=G) * 2)
inp("labels32", (torch.rand(3, 5, generator=G) > 0.6).float())
inp("soft32", torch.rand(3, 5, generator=G))
inp("logits64", torch.randn(4, 2, 3, generator=G, dtype=torch.float64) * 3)
inp("labels64", (torch.rand(4, 2, 3, generator=G) > 0.5).double())
# masks: a blob, a single pixel, an empty mask, a full row, a single column
m = torch.zeros(5, 7, 9, dtype=torch.bool)
m[0, 2:5, 3:8] = True
m[0, 1, 4] = True
m[1, 6, 8] = True
m[3, 4, :] = True
m[4, :, 0] = True
inp("masks", m)
inp("masks_u8", (torch.rand(3, 6, 4, generator=G) > 0.7).to(torch.uint8) * 3)
inp("masks_f", torch.where(torch.rand(2, 5, 5, generator=G) > 0.6, 0.5, 0.0))


# NMS inputs (quantized coordinates keep the JSON short; scores stay full float32/float64)
inp("nms_boxes32", xyxy(30, quantum=0.125))
inp("nms_scores32", rand(30))
inp("nms_boxes64", xyxy(30, torch.float64))
inp("nms_scores64", rand(30, dtype=torch.float64))
inp("nms_tie_boxes", xyxy(40, scale=12, quantum=0.5))
inp("nms_tie_scores", (rand(40) * 4).floor() / 4)   # four score levels: many ties
inp("nms_idxs", (rand(40) * 3).floor().to(torch.int64))
inp("big_boxes", xyxy(1100, scale=100, quantum=0.25))   # 4400 coordinates: batched_nms takes the per-class loop
inp("big_scores", rand(1100))
inp("big_idxs", (rand(1100) * 5).floor().to(torch.int64))
inp("hand_boxes", torch.tensor([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 1.0], [1.0, 0.0, 3.0, 1.0], [5.0, 5.0, 6.0, 6.0], [6.0, 5.0, 7.0, 6.0], [5.0, 5.0, 6.0, 6.0]]))
inp("hand_boxes64", INPUTS["hand_boxes"].double())
inp("hand_scores", torch.tensor([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]))
inp("hand_scores64", INPUTS["hand_scores"].double())
inp("third_boxes", torch.tensor([[0.0, 0.0, 2.0, 1.0], [1.0, 0.0, 3.0, 1.0]]))
inp("third_boxes64", INPUTS["third_boxes"].double())
inp("third_scores", torch.tensor([0.9, 0.8]))
inp("third_scores64", INPUTS["third_scores"].double())
inp("tie_scores", torch.tensor([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]))
inp("degenerate_boxes", torch.tensor([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0]]))
inp("degenerate_scores", torch.tensor([0.9, 0.8, 0.7]))
# drawing: images and boxes (fractional, negative, beyond the image, degenerate, thin)
inp("img_u8", torch.randint(0, 256, (3, 12, 16), generator=G, dtype=torch.uint8))
inp("img_gray", torch.randint(0, 256, (1, 12, 16), generator=G, dtype=torch.uint8))
inp("img_f32", torch.rand(3, 12, 16, generator=G))
inp("img_f64", torch.rand(3, 12, 16, generator=G, dtype=torch.float64))
inp("draw_boxes", torch.tensor([[1.0, 1.0, 10.0, 8.0], [4.7, 2.2, 14.9, 11.5], [-3.5, -0.5, 3.0, 4.0], [12.0, 9.0, 25.0, 30.0], [6.0, 3.0, 6.0, 9.0], [2.0, 10.0, 8.0, 10.0]]))
inp("draw_boxes_small", torch.tensor([[2.0, 2.0, 4.0, 4.0], [8.0, 1.0, 13.0, 9.0], [0.0, 0.0, 15.0, 11.0]]))
inp("draw_boxes_int", torch.tensor([[0, 0, 15, 11], [3, 3, 9, 7]]))
inp("draw_masks", torch.rand(3, 12, 16, generator=G) > 0.6)
inp("draw_mask2d", torch.rand(12, 16, generator=G) > 0.5)
inp("draw_masks_many", torch.rand(7, 12, 16, generator=G) > 0.8)
# keypoints and oriented boxes: a larger image (dashes and wide lines need room)
inp("img_big", torch.randint(0, 256, (3, 40, 48), generator=G, dtype=torch.uint8))
inp("img_big_gray", torch.randint(0, 256, (1, 40, 48), generator=G, dtype=torch.uint8))
inp("img_big_f32", torch.rand(3, 40, 48, generator=G))
# two instances of five keypoints: fractional, on the border, outside (partly and wholly), negative
inp("kps", torch.tensor([[[5.0, 6.0], [20.7, 8.2], [33.5, 30.9], [12.0, 35.0], [47.0, 0.0]],
                         [[-1.5, 10.0], [25.0, 25.0], [50.0, 20.0], [10.2, -3.9], [60.0, 60.0]]]))
inp("kps_vis", torch.tensor([[True, True, False, True, True], [True, True, True, False, True]]))
inp("kps_vis_float", torch.tensor([[0.0, 1.0, 0.5, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0, 1.0]]))
inp("kps_f64", torch.tensor([[[3.9, 4.99], [40.2, 35.7], [24.0, 2.5]]], dtype=torch.float64))
# oriented boxes (x1, y1, ..., x4, y4): rotated rectangles, a quadrilateral, an axis-aligned one,
# a degenerate segment and a point, one crossing the border, one outside the image
inp("oboxes", torch.tensor([
    [10.0, 5.0, 30.0, 12.0, 26.0, 24.0, 6.0, 17.0],
    [40.5, 3.2, 46.9, 9.8, 40.1, 16.3, 33.7, 9.9],
    [3.0, 28.0, 20.0, 28.0, 20.0, 37.0, 3.0, 37.0],
    [24.0, 30.0, 44.0, 38.0, 44.0, 38.0, 24.0, 30.0],
    [15.0, 20.0, 15.0, 20.0, 15.0, 20.0, 15.0, 20.0],
    [-6.0, -4.0, 8.0, -1.0, 5.0, 9.0, -9.0, 6.0],
    [60.0, 50.0, 70.0, 55.0, 65.0, 62.0, 55.0, 58.0],
]))
inp("oboxes_diag", torch.tensor([[2.0, 2.0, 38.0, 38.0, 45.0, 31.0, 9.0, -5.0], [30.0, 1.0, 47.0, 18.0, 30.0, 35.0, 13.0, 18.0]]))


def I(name):
    return INPUTS[name].clone()


def G2(name):
    return INPUTS[name].clone().requires_grad_()


# ------------------------------------------------------------------------------------------------
# NMS reference: torchvision/csrc/ops/cpu/nms_kernel.cpp, transcribed (torchvision_cpu.ref_nms)

ref_nms = torchvision_cpu.ref_nms


B.nms = ref_nms  # what torchvision's batched variants call


def batched_nms(boxes, scores, idxs, thr):
    return B.batched_nms(boxes, scores, idxs, thr)


# ------------------------------------------------------------------------------------------------
# Cases: name -> a function of nothing; its result is recorded with mf.enc

CASES = {}


def case(name, fn):
    assert name not in CASES, name
    CASES[name] = fn


def with_grads(fn, *names):
    """fn's output on fresh leaf copies of the inputs, then (after output.sum().backward()) their grads."""
    leaves = [G2(n) for n in names]
    out = fn(*leaves)
    out.sum().backward()
    return [out] + [leaf.grad for leaf in leaves]


FMTS = ["xyxy", "xywh", "cxcywh"]
for src in ["a32", "a64", "ai", "ah", "batch_a", "empty"]:
    for fi in FMTS:
        for fo in FMTS:
            case(f"box_convert_{src}_{fi}_{fo}", lambda s=src, i=fi, o=fo: ops.box_convert(I(s), i, o))
for src in ["rot32", "rot64", "roti"]:
    for fi, fo in [("cxcywhr", "xywhr"), ("xywhr", "cxcywhr"), ("cxcywhr", "xyxyxyxy"), ("xywhr", "xyxyxyxy"), ("cxcywhr", "cxcywhr")]:
        case(f"box_convert_{src}_{fi}_{fo}", lambda s=src, i=fi, o=fo: ops.box_convert(I(s), i, o))
    case(f"box_convert_{src}_roundtrip8", lambda s=src: ops.box_convert(ops.box_convert(I(s), "cxcywhr", "xyxyxyxy"), "xyxyxyxy", "cxcywhr"))
    case(f"box_convert_{src}_8_to_xywhr", lambda s=src: ops.box_convert(ops.box_convert(I(s), "xywhr", "xyxyxyxy"), "xyxyxyxy", "xywhr"))
case("box_convert_grad", lambda: with_grads(lambda b: ops.box_convert(b, "cxcywh", "xywh") * torch.arange(4.0), "a32"))

for src in ["a32", "a64", "ai", "au8", "ah", "batch_a", "empty"]:
    for f in FMTS:
        case(f"box_area_{src}_{f}", lambda s=src, f=f: ops.box_area(I(s), fmt=f))

for a, b in [("a32", "b32"), ("a64", "b64"), ("ai", "bi"), ("ah", "bh"), ("batch_a", "batch_b"), ("empty", "b32"), ("a32", "empty")]:
    for f in FMTS:
        case(f"box_iou_{a}_{b}_{f}", lambda a=a, b=b, f=f: ops.box_iou(I(a), I(b), fmt=f))
    case(f"generalized_box_iou_{a}_{b}", lambda a=a, b=b: ops.generalized_box_iou(I(a), I(b)))
    case(f"distance_box_iou_{a}_{b}", lambda a=a, b=b: ops.distance_box_iou(I(a), I(b)))
    case(f"complete_box_iou_{a}_{b}", lambda a=a, b=b: ops.complete_box_iou(I(a), I(b)))
case("distance_box_iou_eps", lambda: ops.distance_box_iou(I("a64"), I("b64"), eps=0.5))
case("complete_box_iou_eps", lambda: ops.complete_box_iou(I("a32"), I("b32"), eps=1e-3))
for a, b in [("a32", "b32"), ("a64", "b64"), ("batch_a", "batch_b")]:
    for f in FMTS:
        case(f"box_iou_grad_{a}_{f}", lambda a=a, b=b, f=f: with_grads(lambda x, y: ops.box_iou(x, y, fmt=f), a, b))
    case(f"generalized_box_iou_grad_{a}", lambda a=a, b=b: with_grads(ops.generalized_box_iou, a, b))
    case(f"distance_box_iou_grad_{a}", lambda a=a, b=b: with_grads(ops.distance_box_iou, a, b))
    case(f"complete_box_iou_grad_{a}", lambda a=a, b=b: with_grads(ops.complete_box_iou, a, b))

for src in ["wild32", "wild64", "wildi", "wild_batch", "empty"]:
    case(f"clip_boxes_{src}", lambda s=src: ops.clip_boxes_to_image(I(s), (10, 15)))
case("clip_boxes_grad", lambda: with_grads(lambda b: ops.clip_boxes_to_image(b, (10, 15)) * torch.arange(4.0), "wild32"))

for src, ms in [("a32", [0.0, 1.0, 4.5]), ("a64", [2.25]), ("ai", [3, 5.5]), ("batch_a", [2.0]), ("empty", [1.0])]:
    for k, v in enumerate(ms):
        case(f"remove_small_boxes_{src}_{k}", lambda s=src, v=v: ops.remove_small_boxes(I(s), v))

for src in ["masks", "masks_u8", "masks_f"]:
    case(f"masks_to_boxes_{src}", lambda s=src: ops.masks_to_boxes(I(s)))
case("masks_to_boxes_empty", lambda: ops.masks_to_boxes(torch.zeros(0, 7, 9, dtype=torch.bool)))
case("masks_to_boxes_zero_width", lambda: ops.masks_to_boxes(torch.ones(2, 4, 0, dtype=torch.bool)))

# losses: value and gradients of both box sets, per reduction
LOSSES = {"giou": ops.generalized_box_iou_loss, "diou": ops.distance_box_iou_loss, "ciou": ops.complete_box_iou_loss}
for lname, fn in LOSSES.items():
    for a, b in [("p32", "t32"), ("p64", "t64"), ("pone", "tone")]:
        for red in ["none", "mean", "sum"]:
            case(f"{lname}_loss_{a}_{red}", lambda fn=fn, a=a, b=b, red=red: with_grads(lambda x, y: fn(x, y, reduction=red), a, b))
    case(f"{lname}_loss_eps", lambda fn=fn: with_grads(lambda x, y: fn(x, y, reduction="sum", eps=0.25), "p64", "t64"))
    case(f"{lname}_loss_int", lambda fn=fn: fn(I("pi"), I("ti")))
    case(f"{lname}_loss_empty_mean", lambda fn=fn: with_grads(lambda x, y: fn(x, y, reduction="mean"), "empty", "empty"))
    case(f"{lname}_loss_empty_none", lambda fn=fn: fn(I("empty"), I("empty")))

for lg, tg in [("logits32", "labels32"), ("logits32", "soft32"), ("logits64", "labels64")]:
    for alpha, gamma in [(0.25, 2), (-1, 2), (0.75, 0), (0.5, 1.5), (1, 2)]:
        for red in ["none", "mean", "sum"]:
            case(f"focal_{lg}_{tg}_{alpha}_{gamma}_{red}",
                 lambda lg=lg, tg=tg, alpha=alpha, gamma=gamma, red=red: with_grads(
                     lambda x: ops.sigmoid_focal_loss(x, I(tg), alpha=alpha, gamma=gamma, reduction=red), lg))
case("focal_target_grad", lambda: with_grads(lambda x, y: ops.sigmoid_focal_loss(x, y), "logits32", "soft32"))
case("focal_empty_mean", lambda: ops.sigmoid_focal_loss(torch.zeros(0), torch.zeros(0), reduction="mean"))

# NMS
HAND = {
    # (boxes, scores, threshold) -> the kept indices, worked out by hand. hand_boxes, in score order:
    # 0 = [0,0,2,2] (area 4) and 1 = [0,0,2,1] (area 2): IoU 2/4 = 0.5 exactly; 0 and 2 = [1,0,3,1]: IoU 1/5;
    # 1 and 2: IoU 1/3; 3 and 5 are identical (IoU 1); 4 touches 3 (IoU 0); {0,1,2} and {3,4,5} are apart.
    "hand_at_half": ("hand_boxes", "hand_scores", 0.5, [0, 1, 2, 3, 4]),     # IoU 0.5 is not > 0.5: box 1 stays; 5 goes (IoU 1)
    "hand_below_half": ("hand_boxes", "hand_scores", 0.49, [0, 2, 3, 4]),    # 0.5 > 0.49: box 1 goes; box 2 (1/5 with 0) stays
    "hand_zero": ("hand_boxes", "hand_scores", 0.0, [0, 3, 4]),             # any overlap goes; touching (IoU 0) stays
    "hand_one": ("hand_boxes", "hand_scores", 1.0, [0, 1, 2, 3, 4, 5]),     # IoU 1 is not > 1: nothing goes
    "hand_negative": ("hand_boxes", "hand_scores", -0.5, [0]),               # 0 > -0.5: everything after the first goes
    # third_boxes: [0,0,2,1] and [1,0,3,1], IoU 1/3. In float32 the IoU rounds up (0.3333333432674408) and the
    # kernel compares it in double: above the threshold 1/3, so box 1 goes ...
    "third_f32": ("third_boxes", "third_scores", 1 / 3, [0]),
    # ... in float64 it is exactly the double 1/3, not above it: box 1 stays
    "third_f64": ("third_boxes64", "third_scores64", 1 / 3, [0, 1]),
    # zero-area boxes: IoU 0/0 = NaN, never > the threshold: all kept, even the duplicate
    "hand_degenerate": ("degenerate_boxes", "degenerate_scores", 0.3, [0, 1, 2]),
}
for name, (bx, sc, thr, want) in HAND.items():
    got = ref_nms(I(bx), I(sc), thr).tolist()
    assert got == want, (name, got, want)
    case(f"nms_{name}", lambda bx=bx, sc=sc, thr=thr: ref_nms(I(bx), I(sc), thr))
# all scores tied: the kept boxes follow torch.sort(descending=True)'s order of the ties (recorded with it)
case("nms_ties_order", lambda: I("tie_scores").sort(0, True)[1])
case("nms_ties", lambda: ref_nms(I("hand_boxes"), I("tie_scores"), 0.3))
for thr in [0.3, 0.5, 0.7]:
    case(f"nms_rand32_{thr}", lambda thr=thr: ref_nms(I("nms_boxes32"), I("nms_scores32"), thr))
    case(f"nms_rand64_{thr}", lambda thr=thr: ref_nms(I("nms_boxes64"), I("nms_scores64"), thr))
case("nms_tied_scores", lambda: ref_nms(I("nms_tie_boxes"), I("nms_tie_scores"), 0.4))
case("nms_empty", lambda: ref_nms(I("empty"), torch.zeros(0), 0.5))
case("batched_nms_32", lambda: batched_nms(I("nms_tie_boxes"), I("nms_tie_scores"), I("nms_idxs"), 0.4))
case("batched_nms_vanilla_small", lambda: B._batched_nms_vanilla(I("nms_tie_boxes"), I("nms_tie_scores"), I("nms_idxs"), 0.4))
case("batched_nms_64", lambda: batched_nms(I("nms_boxes64"), I("nms_scores64"), I("nms_idxs")[:30], 0.5))
case("batched_nms_one_class", lambda: batched_nms(I("nms_boxes32"), I("nms_scores32"), torch.zeros(30, dtype=torch.int64), 0.5))
case("batched_nms_empty", lambda: batched_nms(I("empty"), torch.zeros(0), torch.zeros(0, dtype=torch.int64), 0.5))
case("batched_nms_big", lambda: batched_nms(I("big_boxes"), I("big_scores"), I("big_idxs"), 0.5))  # > 4000 numbers: the per-class loop
case("batched_nms_big_trick", lambda: B._batched_nms_coordinate_trick(I("big_boxes"), I("big_scores"), I("big_idxs"), 0.5))

# drawing
DRAW = {
    "boxes_default": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes")),
    "boxes_width3_colors": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes"), colors=["red", "#00ff7f", (10, 20, 30), "hsl(200, 50%, 40%)", "rgb(10%, 20%, 90%)", "DarkGoldenRod"], width=3),
    "boxes_fill": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes"), fill=True),
    "boxes_fill_width2": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), fill=True, width=2, colors="blue"),
    "boxes_wide": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), width=5, colors=(255, 128, 0)),
    "boxes_width0": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), width=0),
    "boxes_width0_fill": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), width=0, fill=True),
    "boxes_gray": lambda: draw_bounding_boxes(I("img_gray"), I("draw_boxes_small"), colors="yellow"),
    "boxes_f32": lambda: draw_bounding_boxes(I("img_f32"), I("draw_boxes"), fill=True, width=2),
    "boxes_f64": lambda: draw_bounding_boxes(I("img_f64"), I("draw_boxes_small"), colors=["white", "hsv(120, 100%, 50%)", "#abc"]),
    "boxes_int": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_int"), colors=[(300, -5, 0), "rgba(1, 2, 3, 4)"]),
    "boxes_none_labels": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), labels=[None, None, None]),
    "boxes_font_size": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), font_size=12),
    "masks_default": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks")),
    "masks_2d": lambda: draw_segmentation_masks(I("img_u8"), I("draw_mask2d"), colors="red"),
    "masks_alpha": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks"), alpha=0.3, colors=["green", (1, 2, 3), "#123456", "blue"]),
    "masks_alpha1": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks"), alpha=1.0),
    "masks_alpha0": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks"), alpha=0.0),
    "masks_many": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks_many"), alpha=0.6),
    "masks_f32": lambda: draw_segmentation_masks(I("img_f32"), I("draw_masks")),
    "masks_f64": lambda: draw_segmentation_masks(I("img_f64"), I("draw_masks_many")),
    "masks_f64_named": lambda: draw_segmentation_masks(I("img_f64"), I("draw_masks"), alpha=0.45, colors=["orchid", (200, 100, 50), "hsl(10, 80%, 30%)"]),
    "obox_default": lambda: draw_bounding_boxes(I("img_big"), I("oboxes")),
    "obox_fill": lambda: draw_bounding_boxes(I("img_big"), I("oboxes"), fill=True),
    "obox_width2_fill": lambda: draw_bounding_boxes(I("img_big"), I("oboxes"), fill=True, width=2, colors="orange"),
    "obox_width3": lambda: draw_bounding_boxes(I("img_big"), I("oboxes"), width=3, colors=[(255, 0, 0), "lime", "#00f", "white", "black", "yellow", "cyan"]),
    "obox_width5_fill": lambda: draw_bounding_boxes(I("img_big"), I("oboxes_diag"), width=5, fill=True),
    "obox_width4": lambda: draw_bounding_boxes(I("img_big"), I("oboxes_diag"), width=4, colors="magenta"),
    "obox_diag": lambda: draw_bounding_boxes(I("img_big"), I("oboxes_diag")),
    "obox_width0_fill": lambda: draw_bounding_boxes(I("img_big"), I("oboxes"), width=0, fill=True),
    "obox_gray": lambda: draw_bounding_boxes(I("img_big_gray"), I("oboxes_diag"), width=2, colors="red"),
    "obox_f32": lambda: draw_bounding_boxes(I("img_big_f32"), I("oboxes"), fill=True, width=3),
    "kp_default": lambda: draw_keypoints(I("img_big"), I("kps")),
    "kp_red": lambda: draw_keypoints(I("img_big"), I("kps"), colors="red"),
    "kp_connect": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (1, 2), (2, 3), (3, 4), (0, 4), (-1, 1)], colors="blue"),
    "kp_connect_nocolor": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 2), (1, 3)]),
    "kp_radius0_width1": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (2, 4)], colors=(10, 200, 30), radius=0, width=1),
    "kp_radius1_width2": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (1, 2), (3, 0)], colors="#abcdef", radius=1, width=2),
    "kp_radius3_width4": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(4, 3), (2, 1)], colors=(300, -4, 128), radius=3, width=4),
    "kp_radius5_width5": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (1, 2), (2, 3)], colors="hsl(120, 60%, 40%)", radius=5, width=5),
    "kp_radius8_width7": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 2), (1, 4)], colors=(1, 2, 3, 4), radius=8, width=7),
    "kp_radius_float": lambda: draw_keypoints(I("img_big"), I("kps"), colors="green", radius=2.5),
    "kp_width0": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1)], colors="red", width=0),
    "kp_visibility": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (1, 2), (2, 3), (3, 4)], colors="yellow", visibility=I("kps_vis")),
    "kp_visibility3d": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (1, 2), (2, 3), (3, 4)], colors="yellow", visibility=I("kps_vis")[..., None]),
    "kp_visibility_float": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 2), (2, 4), (1, 3)], colors="white", visibility=I("kps_vis_float")),
    "kp_f32": lambda: draw_keypoints(I("img_big_f32"), I("kps"), connectivity=[(0, 1), (1, 2)], colors="red", radius=3, width=2),
    "kp_f64": lambda: draw_keypoints(I("img_big"), I("kps_f64"), connectivity=[(0, 1), (1, 2), (2, 0)], colors="cyan", radius=4),
    "kp_empty": lambda: draw_keypoints(I("img_big"), torch.zeros(0, 3, 2), connectivity=[(0, 9)], colors="red"),
    "kp_radius_negative_nocolor": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1)], radius=-1),
}
for name, fn in DRAW.items():
    case(f"draw_{name}", fn)


COLOR_SPECS = ["red", "Red", "DarkGoldenRod", "grey", "#abc", "#abcd", "#00ff7f", "#00FF7F80", "rgb(10, 20, 300)", "rgb( 1 ,2,3 )",
               "rgb(10%, 20%, 90%)", "rgb(33%,67%,100%)", "hsl(200, 50%, 40%)", "hsl(0, 100%, 50%)", "hsl(359.5, 20.5%, 70%)",
               "hsl(120, 0%, 33%)", "hsv(120, 100%, 50%)", "hsb(300.7, 42%, 97%)", "hsv(0, 0%, 100%)", "hsv(360, 50%, 50%)",
               "rgba(1, 2, 3, 4)", "#ff0000\n"]


def palette(n):
    return [[int(v) for v in c] for c in torchvision.utils._generate_color_palette(n)]


# ------------------------------------------------------------------------------------------------
# Errors and warnings: torchvision's messages

def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return str(e)
    raise AssertionError("expected an error")


ERRORS = {
    "box_convert_fmt": lambda: ops.box_convert(I("a32"), "xyxy", "foo"),
    "box_convert_rotated": lambda: ops.box_convert(I("a32"), "xyxy", "xywhr"),
    "box_area_fmt": lambda: ops.box_area(I("a32"), fmt="xyxyxyxy"),
    "box_iou_fmt": lambda: ops.box_iou(I("a32"), I("b32"), fmt="foo"),
    "focal_alpha": lambda: ops.sigmoid_focal_loss(I("logits32"), I("labels32"), alpha=1.5),
    "focal_reduction": lambda: ops.sigmoid_focal_loss(I("logits32"), I("labels32"), reduction="foo"),
    "giou_reduction": lambda: ops.generalized_box_iou_loss(I("p32"), I("t32"), reduction="avg"),
    "draw_boxes_batch": lambda: draw_bounding_boxes(I("img_u8")[None], I("draw_boxes")),
    "draw_boxes_channels": lambda: draw_bounding_boxes(I("img_u8")[:2], I("draw_boxes")),
    "draw_boxes_dtype": lambda: draw_bounding_boxes(I("img_u8").int(), I("draw_boxes")),
    "draw_boxes_order": lambda: draw_bounding_boxes(I("img_u8"), torch.tensor([[5.0, 1.0, 2.0, 4.0]])),
    "draw_boxes_labels": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), labels=["a", "b"]),
    "draw_boxes_few_colors": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), colors=["red"]),
    "draw_boxes_tuple": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), colors=(1, 2)),
    "draw_boxes_color_name": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), colors="notacolor"),
    "draw_boxes_rgba_fill": lambda: draw_bounding_boxes(I("img_u8"), I("draw_boxes_small"), colors="#ff000080", fill=True),
    "draw_masks_channels": lambda: draw_segmentation_masks(I("img_gray"), I("draw_masks")),
    "draw_masks_shape": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks")[None]),
    "draw_masks_dtype": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks").to(torch.uint8)),
    "draw_masks_size": lambda: draw_segmentation_masks(I("img_u8"), I("draw_masks")[:, :5]),
    "draw_masks_dtype_image": lambda: draw_segmentation_masks(I("img_u8").long(), I("draw_masks")),
    "draw_obox_rgba_fill": lambda: draw_bounding_boxes(I("img_big"), I("oboxes"), colors="rgba(1, 2, 3, 4)", fill=True),
    "draw_kp_channels": lambda: draw_keypoints(I("img_gray"), I("kps")),
    "draw_kp_batch": lambda: draw_keypoints(I("img_big")[None], I("kps")),
    "draw_kp_dtype": lambda: draw_keypoints(I("img_big").int(), I("kps")),
    "draw_kp_shape": lambda: draw_keypoints(I("img_big"), I("kps")[0]),
    "draw_kp_vis_ndim": lambda: draw_keypoints(I("img_big"), I("kps"), visibility=I("kps_vis")[0]),
    "draw_kp_vis_shape": lambda: draw_keypoints(I("img_big"), I("kps"), visibility=I("kps_vis")[:, :4]),
    "draw_kp_vis_3d": lambda: draw_keypoints(I("img_big"), I("kps"), visibility=torch.ones(2, 5, 2)),
    "draw_kp_radius": lambda: draw_keypoints(I("img_big"), I("kps"), colors="red", radius=-1),
    "draw_kp_connectivity": lambda: draw_keypoints(I("img_big"), I("kps"), connectivity=[(0, 1), (1, 5)]),
    "draw_kp_color_name": lambda: draw_keypoints(I("img_big"), I("kps"), colors="notacolor"),
    "draw_kp_color_before_radius": lambda: draw_keypoints(I("img_big"), I("kps"), colors="notacolor", radius=-1),
    "draw_kp_nan": lambda: draw_keypoints(I("img_big"), torch.tensor([[[5.0, 5.0], [float("nan"), 3.0]]]), colors="red"),
}


def warning_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    assert len(w) == 1, [str(x.message) for x in w]
    return str(w[0].message), out


def main():
    cases = {name: mf.enc(fn()) for name, fn in CASES.items()}
    errors = {name: error_of(fn) for name, fn in ERRORS.items()}
    warns = {}
    img = I("img_u8")
    msg, out = warning_of(lambda: draw_bounding_boxes(img, torch.zeros(0, 4)))
    assert out is img
    warns["draw_boxes_empty"] = msg
    msg, out = warning_of(lambda: draw_segmentation_masks(img, torch.zeros(0, 12, 16, dtype=torch.bool)))
    assert out is img
    warns["draw_masks_empty"] = msg
    warns["draw_boxes_font_size"] = warning_of(lambda: draw_bounding_boxes(img, I("draw_boxes_small"), font_size=12))[0]
    fixture = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__,
                 "cpuCapability": mf.CPU_CAPABILITY, "threads": torch.get_num_threads()},
        "inputs": {name: mf.enc_tensor(t) for name, t in INPUTS.items()},
        "palette": palette(12),
        "colors": {spec: list(PIL.ImageColor.getrgb(spec)) for spec in COLOR_SPECS},
        "cases": cases,
        "errors": errors,
        "warnings": warns,
    }
    mf.write_json(OUT, fixture)
    print(f"wrote {len(cases)} cases, {len(errors)} errors, {len(warns)} warnings to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
