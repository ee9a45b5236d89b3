"""Fixtures of torchnode's RetinaNet and FCOS (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-retinanet-fixtures.py.

Writes test/fixtures/retinanet.json (read by test/vision-retinanet.test.ts):
  inputs   small tensors the cases start from (stored exactly)
  cases    name -> what torchvision returns (mf.enc encoding):
             *_head_loss   the heads' compute_loss on given head outputs, anchors and matches (RetinaNetHead with
                           the l1 and giou box losses, FCOSHead), with the gradients of the head outputs: no
                           convolution, bit-exact everywhere
             *_tiny*       seeded small detectors on a tiny two-level custom backbone: state dict at construction
                           (SHA-256), eval detections, the anchors' matches, train losses and every parameter's
                           gradient hash after one backward; an image without boxes in the _background cases
             builder_*     retinanet_resnet50_fpn, retinanet_resnet50_fpn_v2 and fcos_resnet50_fpn (weights None,
                           weights_backbone None): state-dict hashes, frozen parameters; the v2 and FCOS models
                           also run (eval and train) at a small min_size
  errors   name -> the message torchvision raises
Convolutions run oneDNN kernels that depend on the CPU model: the test compares their results bit for bit on the
CPU model that made the fixture, within rounding elsewhere. torchvision's set-up (batched_nms on ref_nms) and the
helpers are scripts/rcnn_fixtures.py's.
"""
import os
import sys
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rcnn_fixtures import HERE, Fixture, grad_rows, mf, sha, state_rows  # noqa: E402 (loads torch and torchvision as set up there)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torchvision.models.detection import fcos as fcos_mod  # noqa: E402
from torchvision.models.detection import retinanet as rn  # noqa: E402
from torchvision.models.detection.anchor_utils import AnchorGenerator  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "retinanet.json")
fx = Fixture(20261206)
inp, I, case, error = fx.inp, fx.I, fx.case, fx.error

# ------------------------------------------------------------------------------------------------
# Inputs

fx.two_images(min_side=8.0)
# the heads' losses: 2 images, 30 anchors, 4 classes
inp("h_cls", (fx.rand(2, 30, 4) - 0.5) * 6)
inp("h_reg", (fx.rand(2, 30, 4) - 0.5) * 2)
inp("h_reg_pos", fx.rand(2, 30, 4) * 3)
inp("h_ctr", (fx.rand(2, 30, 1) - 0.5) * 4)
inp("h_anchors_0", fx.xyxy(30, 40, 32, min_side=3.0))
inp("h_anchors_1", fx.xyxy(30, 40, 32, min_side=3.0))
inp("h_boxes_0", fx.xyxy(3, 40, 32, min_side=5.0))
inp("h_boxes_1", fx.xyxy(2, 40, 32, min_side=5.0))
inp("h_matched_0", (fx.rand(30) * 6).floor().long() - 2)  # -2 .. 3, 3 an index too: clipped below
inp("h_matched_1", (fx.rand(30) * 4).floor().long() - 2)  # -2 .. 1


def h_targets():
    m0 = I("h_matched_0").clamp(max=2)
    return ([{"boxes": I("h_boxes_0"), "labels": torch.tensor([1, 3, 2])}, {"boxes": I("h_boxes_1"), "labels": torch.tensor([0, 2])}],
            [m0, I("h_matched_1")])

# ------------------------------------------------------------------------------------------------
# The heads' losses (no convolutions: bit-exact everywhere)


def retina_head_loss(loss_type):
    torch.manual_seed(1)
    head = rn.RetinaNetHead(8, 3, 4)
    head.regression_head._loss_type = loss_type
    cls, reg = I("h_cls").requires_grad_(), I("h_reg").requires_grad_()
    targets, matched = h_targets()
    losses = head.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, [I("h_anchors_0"), I("h_anchors_1")], matched)
    sum(losses.values()).backward()
    return {"losses": mf.enc(losses), "clsGrad": mf.enc(cls.grad), "regGrad": mf.enc(reg.grad)}


case("retina_head_loss_l1", lambda: retina_head_loss("l1"))
case("retina_head_loss_giou", lambda: retina_head_loss("giou"))
case("retina_head_loss_smooth_l1", lambda: retina_head_loss("smooth_l1"))


def fcos_head_loss():
    torch.manual_seed(1)
    head = fcos_mod.FCOSHead(32, 1, 4, num_convs=1)
    cls, reg, ctr = I("h_cls").requires_grad_(), I("h_reg_pos").requires_grad_(), I("h_ctr").requires_grad_()
    targets, matched = h_targets()
    losses = head.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg, "bbox_ctrness": ctr}, [I("h_anchors_0"), I("h_anchors_1")], matched)
    sum(losses.values()).backward()
    out = {"losses": mf.enc(losses), "clsGrad": mf.enc(cls.grad), "regGrad": mf.enc(reg.grad), "ctrGrad": mf.enc(ctr.grad)}
    # an image without boxes
    targets[1] = {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)}
    matched[1] = torch.full((30,), -1, dtype=torch.int64)
    out["background"] = mf.enc(head.compute_loss(targets, {"cls_logits": I("h_cls"), "bbox_regression": I("h_reg_pos"), "bbox_ctrness": I("h_ctr")},
                                                 [I("h_anchors_0"), I("h_anchors_1")], matched))
    return out


case("fcos_head_loss", fcos_head_loss)

# ------------------------------------------------------------------------------------------------
# Seeded small detectors on a tiny two-level backbone


class TinyBackbone(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(3, channels, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=2, padding=1)
        self.out_channels = channels

    def forward(self, x):
        c1 = torch.relu(self.conv1(x))
        return OrderedDict([("0", c1), ("1", torch.relu(self.conv2(c1)))])


def make_retina():
    torch.manual_seed(0)
    backbone = TinyBackbone(8)
    return rn.RetinaNet(backbone, 4, min_size=64, max_size=96, anchor_generator=AnchorGenerator(((16, 20), (32, 40)), ((0.5, 1.0, 2.0),) * 2),
                        score_thresh=0.009, detections_per_img=20, topk_candidates=40)


def make_fcos():
    torch.manual_seed(0)
    backbone = TinyBackbone(32)
    return fcos_mod.FCOS(backbone, 4, min_size=64, max_size=96, anchor_generator=AnchorGenerator(((4,), (8,)), ((1.0,),) * 2),
                         score_thresh=0.06, detections_per_img=20, topk_candidates=40)


def targets(background=False):
    return [{"boxes": I("boxes_a"), "labels": I("labels_a")},
            {"boxes": torch.zeros(0, 4) if background else I("boxes_b"), "labels": torch.zeros(0, dtype=torch.int64) if background else I("labels_b")}]


def model_case(make, background=False):
    model = make()
    out = {"state": state_rows(model), "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
           "numParams": sum(p.numel() for p in model.parameters())}
    if not background:
        model.eval()
        with torch.no_grad():
            detections = model([I("img_a"), I("img_b")])
        assert all(len(d["boxes"]) > 0 for d in detections), [len(d["boxes"]) for d in detections]
        out["eval"] = mf.enc(detections)
    model.train()
    recorded = []
    original = model.head.compute_loss

    def spy(t, h, a, m):
        recorded.append([x.clone() for x in m])
        return original(t, h, a, m)

    model.head.compute_loss = spy
    losses = model([I("img_a"), I("img_b")], targets(background))
    del model.head.compute_loss
    out["matched"] = mf.enc(recorded[0])
    out["losses"] = mf.enc(losses)
    out["lossKeys"] = list(losses.keys())
    sum(losses.values()).backward()
    out["grads"] = grad_rows(model)
    out["noGrad"] = [k for k, p in model.named_parameters() if p.requires_grad and p.grad is None]
    return out


case("retina_tiny", lambda: model_case(make_retina))
case("retina_tiny_background", lambda: model_case(make_retina, background=True))
case("fcos_tiny", lambda: model_case(make_fcos))
case("fcos_tiny_background", lambda: model_case(make_fcos, background=True))
print("models done")

_r = make_retina()
_r.train()
error("retina_no_targets", lambda: _r([I("img_a")]))
error("retina_boxes_shape", lambda: _r([I("img_a")], [{"boxes": torch.zeros(3), "labels": torch.zeros(3, dtype=torch.int64)}]))
error("retina_boxes_type", lambda: _r([I("img_a")], [{"boxes": [[1.0, 2.0, 3.0, 4.0]], "labels": torch.zeros(1, dtype=torch.int64)}]))
error("retina_degenerate", lambda: _r([I("img_a")], [{"boxes": torch.tensor([[4.0, 5.0, 4.0, 9.0]]), "labels": torch.tensor([1])}]))
error("retina_anchor_generator", lambda: rn.RetinaNet(TinyBackbone(8), 3, anchor_generator=3))
error("retina_no_out_channels", lambda: rn.RetinaNet(nn.ReLU(), 3))
_f = make_fcos()
_f.train()
error("fcos_boxes_shape", lambda: _f([I("img_a")], [{"boxes": torch.zeros(3), "labels": torch.zeros(3, dtype=torch.int64)}]))
error("fcos_boxes_type", lambda: _f([I("img_a")], [{"boxes": [[1.0, 2.0, 3.0, 4.0]], "labels": torch.zeros(1, dtype=torch.int64)}]))
error("fcos_anchors_per_location", lambda: fcos_mod.FCOS(TinyBackbone(32), 3, anchor_generator=AnchorGenerator(((8, 16),), ((1.0,),))))
error("fcos_anchor_generator", lambda: fcos_mod.FCOS(TinyBackbone(32), 3, anchor_generator=3))
error("builder_num_classes", lambda: rn.retinanet_resnet50_fpn(weights="DEFAULT", num_classes=5))

# ------------------------------------------------------------------------------------------------
# The builders' defaults (weights None, weights_backbone None)


def builder_case(fn, run=False, **kw):
    torch.manual_seed(0)
    model = fn(weights=None, weights_backbone=None, **kw)
    out = {"state": state_rows(model), "frozen": [k for k, p in model.named_parameters() if not p.requires_grad],
           "numParams": sum(p.numel() for p in model.parameters()),
           "normLayers": sorted({type(m).__name__ for m in model.modules() if "Norm" in type(m).__name__}),
           "modules": [[k, type(m).__name__] for k, m in model.named_modules()]}
    if run:
        model.eval()
        with torch.no_grad():
            out["eval"] = mf.enc(model([I("img_a")]))
        model.train()
        losses = model([I("img_a")], targets()[:1])
        out["losses"] = mf.enc(losses)
        sum(losses.values()).backward()
        out["grads"] = grad_rows(model)
    return out


SMALL = dict(min_size=64, max_size=96, topk_candidates=30, detections_per_img=10)
case("builder_retinanet_resnet50_fpn", lambda: builder_case(rn.retinanet_resnet50_fpn))
case("builder_retinanet_resnet50_fpn_v2", lambda: builder_case(rn.retinanet_resnet50_fpn_v2, run=True, num_classes=7, score_thresh=0.0, **SMALL))
case("builder_fcos_resnet50_fpn", lambda: builder_case(fcos_mod.fcos_resnet50_fpn, run=True, num_classes=5, score_thresh=0.0, **SMALL))
print("builders done")


def main():
    fx.write(OUT)


if __name__ == "__main__":
    main()
