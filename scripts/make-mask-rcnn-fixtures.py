"""Fixtures of torchnode's Mask R-CNN (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-mask-rcnn-fixtures.py.

Writes test/fixtures/mask-rcnn.json (read by test/vision-mask-rcnn.test.ts):
  inputs   small tensors the cases start from (stored exactly)
  cases    name -> what torchvision returns (mf.enc encoding):
             mask_*      the mask branch's functions without convolutions (project_masks_on_boxes, maskrcnn_loss
                         and its gradient, maskrcnn_inference, expand_boxes, expand_masks, paste_masks_in_image):
                         bit-exact everywhere
             model_*     a seeded small MaskRCNN (a tiny custom backbone, small mask head and predictor): state dict
                         at construction (SHA-256), eval detections with their masks pasted into the images,
                         train losses (loss_mask included) and every parameter's gradient hash after one backward
             heads       MaskRCNNHeads / MaskRCNNPredictor: initialization and outputs
             builder_*   maskrcnn_resnet50_fpn and maskrcnn_resnet50_fpn_v2 (weights None, weights_backbone None):
                         state-dict hashes, the configuration the builder gives MaskRCNN
  errors   name -> the message torchvision raises
Convolutions and Linear layers run oneDNN / BLAS kernels that depend on the CPU model: the test compares their
results bit for bit on the CPU model that made the fixture, within rounding elsewhere. The helpers and
torchvision's set-up (its roi_align CPU kernel, ref_nms) are scripts/rcnn_fixtures.py's.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rcnn_fixtures import HERE, Fixture, mf, rcnn_model_case, sha, state_rows  # noqa: E402 (loads torch and torchvision as set up there)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torchvision.ops import MultiScaleRoIAlign  # noqa: E402
from torchvision.models.detection import faster_rcnn as frcnn  # noqa: E402
from torchvision.models.detection import mask_rcnn as mrcnn  # noqa: E402
from torchvision.models.detection import roi_heads as rh  # noqa: E402
from torchvision.models.detection.anchor_utils import AnchorGenerator  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "mask-rcnn.json")
fx = Fixture(20261205)
inp, I, case, error = fx.inp, fx.I, fx.case, fx.error


def masks_in(boxes, h, w, p=0.35):
    """uint8 masks (N, h, w): random pixels inside each box."""
    ys = torch.arange(h, dtype=torch.float32)[:, None]
    xs = torch.arange(w, dtype=torch.float32)[None, :]
    out = []
    for b in boxes:
        inside = (xs >= b[0]) & (xs < b[2]) & (ys >= b[1]) & (ys < b[3])
        out.append((inside & (fx.rand(h, w) > p)).to(torch.uint8))
    return torch.stack(out) if out else torch.zeros(0, h, w, dtype=torch.uint8)


# ------------------------------------------------------------------------------------------------
# Inputs

fx.two_images(min_side=8.0)
inp("masks_a", masks_in(I("boxes_a"), 40, 56))
inp("masks_b", masks_in(I("boxes_b"), 48, 36))
# the mask functions: ground-truth masks of a 20x24 image, proposals, logits
inp("gt_masks", masks_in(fx.xyxy(3, 24, 20, min_side=6.0), 20, 24, p=0.2))
inp("gt_masks_2", masks_in(fx.xyxy(2, 18, 16, min_side=6.0), 16, 18, p=0.3))
inp("proposals", torch.cat([fx.xyxy(5, 24, 20, min_side=2.0), torch.tensor([[-3.0, -2.0, 10.0, 30.0]])]))
inp("proposals_2", fx.xyxy(4, 18, 16, min_side=2.0))
inp("matched", torch.tensor([0, 2, 1, 1, 0, 2]))
inp("matched_2", torch.tensor([1, 0, 0, 1]))
inp("gt_labels", torch.tensor([2, 1, 3]))
inp("gt_labels_2", torch.tensor([3, 1]))
inp("mask_logits", (fx.rand(10, 4, 7, 7) - 0.5) * 8)
inp("probs", fx.rand(5, 1, 6, 6))
inp("paste_boxes", torch.tensor([[2.3, 3.7, 17.9, 12.2], [0.0, 0.0, 30.0, 20.0], [25.5, 15.25, 29.0, 19.75], [10.0, 4.0, 10.4, 4.2], [-1.0, 18.0, 5.0, 26.0]]))

# ------------------------------------------------------------------------------------------------
# The mask functions (no convolutions: bit-exact everywhere)

case("mask_project", lambda: {"m7": mf.enc(rh.project_masks_on_boxes(I("gt_masks"), I("proposals"), I("matched"), 7)),
                              "m5": mf.enc(rh.project_masks_on_boxes(I("gt_masks_2"), I("proposals_2"), I("matched_2"), 5))})


def loss_case():
    logits = I("mask_logits").requires_grad_()
    loss = rh.maskrcnn_loss(logits, [I("proposals"), I("proposals_2")], [I("gt_masks"), I("gt_masks_2")], [I("gt_labels"), I("gt_labels_2")],
                            [I("matched"), I("matched_2")])
    loss.backward()
    empty = I("mask_logits")[:0].requires_grad_()
    loss0 = rh.maskrcnn_loss(empty, [torch.zeros(0, 4)], [I("gt_masks")], [I("gt_labels")], [torch.zeros(0, dtype=torch.int64)])
    loss0.backward()
    return {"loss": mf.enc(loss), "grad": mf.enc(logits.grad), "empty": mf.enc(loss0), "emptyGrad": mf.enc(empty.grad)}


case("mask_loss", loss_case)
case("mask_inference", lambda: {"probs": mf.enc(list(rh.maskrcnn_inference(I("mask_logits"), [torch.tensor([1, 3, 0, 2, 2, 1]), torch.tensor([3, 0, 1, 2])]))),
                                "empty": mf.enc(list(rh.maskrcnn_inference(I("mask_logits")[:0], [torch.zeros(0, dtype=torch.int64)])))})
case("mask_expand", lambda: {"boxes": mf.enc(rh.expand_boxes(I("paste_boxes"), 8 / 6)), "boxes_1_25": mf.enc(rh.expand_boxes(I("paste_boxes"), 1.25)),
                             "masks": mf.enc(rh.expand_masks(I("probs"), 2)[0]), "scale": rh.expand_masks(I("probs"), 2)[1]})
case("mask_paste", lambda: {"p1": mf.enc(rh.paste_masks_in_image(I("probs"), I("paste_boxes"), (20, 30))),
                            "p2": mf.enc(rh.paste_masks_in_image(I("probs"), I("paste_boxes"), (24, 28), padding=2)),
                            "p0": mf.enc(rh.paste_masks_in_image(I("probs"), I("paste_boxes"), (21, 31), padding=0)),
                            "one": mf.enc(rh.paste_mask_in_image(I("probs")[0, 0], I("paste_boxes")[0].long(), 20, 30)),
                            "empty": mf.enc(rh.paste_masks_in_image(I("probs")[:0], I("paste_boxes")[:0], (20, 30)))})

# ------------------------------------------------------------------------------------------------
# A small seeded Mask R-CNN


def tiny_backbone():
    body = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True), nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True))
    body.out_channels = 8
    return body


def make_tiny():
    # keyword arguments run left to right: the parts are made in this order (the test makes them so)
    torch.manual_seed(0)
    backbone = tiny_backbone()
    return mrcnn.MaskRCNN(backbone, num_classes=None, min_size=64, max_size=96, rpn_anchor_generator=AnchorGenerator(((16, 32),), ((0.5, 1.0, 2.0),)),
                          box_roi_pool=MultiScaleRoIAlign(["0"], 7, 2), box_predictor=frcnn.FastRCNNPredictor(1024, 4),
                          mask_roi_pool=MultiScaleRoIAlign(["0"], 8, 2), mask_head=mrcnn.MaskRCNNHeads(8, [12, 12], 1),
                          mask_predictor=mrcnn.MaskRCNNPredictor(12, 10, 4),
                          rpn_pre_nms_top_n_train=300, rpn_pre_nms_top_n_test=200, rpn_post_nms_top_n_train=100, rpn_post_nms_top_n_test=80,
                          rpn_batch_size_per_image=64, box_batch_size_per_image=32, box_score_thresh=0.2, box_detections_per_img=12)


def targets(background=False):
    return [{"boxes": I("boxes_a"), "labels": I("labels_a"), "masks": I("masks_a")},
            {"boxes": torch.zeros(0, 4) if background else I("boxes_b"), "labels": torch.zeros(0, dtype=torch.int64) if background else I("labels_b"),
             "masks": torch.zeros(0, 48, 36, dtype=torch.uint8) if background else I("masks_b")}]


def model_case(make, train_seed, background=False):
    return rcnn_model_case(make, train_seed, lambda: [I("img_a"), I("img_b")], targets, background)


case("model_tiny", lambda: model_case(make_tiny, 5))
case("model_tiny_background", lambda: model_case(make_tiny, 11, background=True))
print("models done")

_tiny = make_tiny()
_tiny.train()
error("model_no_masks", lambda: _tiny([I("img_a")], [{"boxes": I("boxes_a"), "labels": I("labels_a")}]))
error("mask_rcnn_num_classes_and_predictor", lambda: mrcnn.MaskRCNN(tiny_backbone(), num_classes=3, mask_predictor=mrcnn.MaskRCNNPredictor(8, 8, 3)))

# ------------------------------------------------------------------------------------------------
# Heads


def heads_case():
    torch.manual_seed(3)
    heads = mrcnn.MaskRCNNHeads(6, [8, 5], 2)
    heads_bn = mrcnn.MaskRCNNHeads(6, [7], 1, norm_layer=nn.BatchNorm2d)
    predictor = mrcnn.MaskRCNNPredictor(5, 6, 3)
    x = torch.randn(2, 6, 5, 5)
    heads_bn.eval()
    outs = {"heads": heads(x), "headsBn": heads_bn(x), "predictor": predictor(heads(x))}
    return {"state": {k: state_rows(m) for k, m in [("heads", heads), ("headsBn", heads_bn), ("predictor", predictor)]},
            "modules": [[k, type(m).__name__] for k, m in heads_bn.named_modules()], "input": sha(x),
            "reprs": [repr(heads), repr(heads_bn), repr(predictor)],
            "out": {k: [list(v.shape), v.double().sum().item(), sha(v)] for k, v in outs.items()}}


case("heads", heads_case)

# ------------------------------------------------------------------------------------------------
# The builders' defaults (weights None, weights_backbone None)


def builder_case(fn, **kw):
    torch.manual_seed(0)
    model = fn(weights=None, weights_backbone=None, **kw)
    heads = model.roi_heads
    return {"state": state_rows(model), "frozen": [k for k, p in model.named_parameters() if not p.requires_grad],
            "numParams": sum(p.numel() for p in model.parameters()),
            "normLayers": sorted({type(m).__name__ for m in model.modules() if "Norm" in type(m).__name__}),
            "maskRoiPool": repr(heads.mask_roi_pool), "maskHead": repr(heads.mask_head), "maskPredictor": repr(heads.mask_predictor)}


case("builder_resnet50_fpn", lambda: builder_case(mrcnn.maskrcnn_resnet50_fpn))
case("builder_resnet50_fpn_v2", lambda: builder_case(mrcnn.maskrcnn_resnet50_fpn_v2, num_classes=7))
print("builders done")


def main():
    fx.write(OUT)


if __name__ == "__main__":
    main()
