"""Fixtures of torchnode's SSD and SSDlite (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-ssd-fixtures.py.

Writes test/fixtures/ssd.json (read by test/vision-ssd.test.ts):
  inputs   small tensors the cases start from (stored exactly)
  cases    name -> what torchvision returns (mf.enc encoding):
             ssd_loss          SSD.compute_loss on given head outputs, anchors and matches (hard negative mining), with
                               the gradients of the head outputs, and with an image without boxes: no convolution,
                               bit-exact everywhere
             ssd_tiny*         a seeded small SSD on a tiny two-level custom backbone (default boxes, fixed size 72 x 56):
                               state dict at construction (SHA-256), eval detections, the matches, train losses and
                               every parameter's gradient hash after one backward; an image without boxes in _background
             ssd_vgg_tiny      SSDFeatureExtractorVGG (through _vgg_extractor, 3 trainable stages) over a narrow VGG-like
                               features Sequential, with ssd300_vgg16's default boxes at 300 x 300
             ssd_vgg_highres   SSDFeatureExtractorVGG with highres (SSD512's conv12_2) over the same VGG-like features: its
                               weights and its seven feature maps' shapes and sums on a 512 x 512 input
             ssdlite_extractor_width  SSDLiteFeatureExtractorMobileNet with width_mult 0.5 and min_depth 80: its weights and
                               feature shapes
             ssdlite_tiny      SSDlite: a 0.25-wide MobileNetV3-Large (reduced tail) through ssdlite's _mobilenet_extractor
                               (3 trainable stages) and an SSDLiteHead at 96 x 96
             builder_*         ssd300_vgg16 and ssdlite320_mobilenet_v3_large (weights None, weights_backbone None): state
                               dict hashes, frozen parameters; SSDlite also runs in eval at its 320 x 320
  errors   name -> the message torchvision raises
Convolutions run oneDNN kernels that depend on the CPU model: the test compares their results bit for bit on the
CPU model that made the fixture, within rounding elsewhere. torchvision's set-up (batched_nms on ref_nms) and the
helpers are scripts/rcnn_fixtures.py's.
"""
import os
import sys
import warnings
from collections import OrderedDict
from functools import partial

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rcnn_fixtures import HERE, Fixture, mf, sha, state_rows  # noqa: E402 (loads torch and torchvision as set up there)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torchvision.models.detection import ssd as ssd_mod  # noqa: E402
from torchvision.models.detection import ssdlite as ssdlite_mod  # noqa: E402
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator  # noqa: E402
from torchvision.models.detection._utils import retrieve_out_channels  # noqa: E402
from torchvision.models.mobilenetv3 import mobilenet_v3_large  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "ssd.json")
fx = Fixture(20261207)
inp, I, case, error = fx.inp, fx.I, fx.case, fx.error

# ------------------------------------------------------------------------------------------------
# Inputs

fx.two_images(min_side=8.0)
# compute_loss: 2 images, 30 anchors, 4 classes
inp("h_cls", (fx.rand(2, 30, 4) - 0.5) * 6)
inp("h_reg", (fx.rand(2, 30, 4) - 0.5) * 2)
inp("h_anchors_0", fx.xyxy(30, 40, 32, min_side=3.0))
inp("h_anchors_1", fx.xyxy(30, 40, 32, min_side=3.0))
inp("h_boxes_0", fx.xyxy(3, 40, 32, min_side=5.0))
inp("h_boxes_1", fx.xyxy(2, 40, 32, min_side=5.0))
inp("h_matched_0", (fx.rand(30) * 6).floor().long() - 3)  # -3 .. 2: mostly negatives
inp("h_matched_1", (fx.rand(30) * 3).floor().long() - 2)  # -2 .. 0


class TinyBackbone(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(3, channels, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=2, padding=1)
        self.out_channels = [channels, channels]

    def forward(self, x):
        c1 = torch.relu(self.conv1(x))
        return OrderedDict([("0", c1), ("1", torch.relu(self.conv2(c1)))])


def make_ssd():
    torch.manual_seed(0)
    return ssd_mod.SSD(TinyBackbone(8), DefaultBoxGenerator([[2], [2, 3]]), (72, 56), 4, detections_per_img=20, topk_candidates=40)


# ------------------------------------------------------------------------------------------------
# SSD.compute_loss (no convolutions: bit-exact everywhere)


def ssd_loss():
    model = make_ssd()
    cls, reg = I("h_cls").requires_grad_(), I("h_reg").requires_grad_()
    targets = [{"boxes": I("h_boxes_0"), "labels": torch.tensor([1, 3, 2])}, {"boxes": I("h_boxes_1"), "labels": torch.tensor([0, 2])}]
    matched = [I("h_matched_0"), I("h_matched_1")]
    anchors = [I("h_anchors_0"), I("h_anchors_1")]
    losses = model.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, anchors, matched)
    sum(losses.values()).backward()
    out = {"losses": mf.enc(losses), "clsGrad": mf.enc(cls.grad), "regGrad": mf.enc(reg.grad)}
    targets[1] = {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)}
    matched[1] = torch.full((30,), -1, dtype=torch.int64)
    out["background"] = mf.enc(model.compute_loss(targets, {"cls_logits": I("h_cls"), "bbox_regression": I("h_reg")}, anchors, matched))
    model.positive_fraction = None
    model.neg_to_pos_ratio = 1.0
    out["ratio1"] = mf.enc(model.compute_loss(targets, {"cls_logits": I("h_cls"), "bbox_regression": I("h_reg")}, anchors, matched))
    return out


case("ssd_loss", ssd_loss)

# ------------------------------------------------------------------------------------------------
# Seeded small detectors


def vgg_like():
    c = [nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
         nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
         nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
         nn.Conv2d(8, 512, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
         nn.Conv2d(512, 512, 1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2)]
    m = nn.Module()
    m.features = nn.Sequential(*c)
    return m


def make_ssd_vgg():
    torch.manual_seed(0)
    backbone = ssd_mod._vgg_extractor(vgg_like(), False, 3)
    anchor_generator = DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]], scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05], steps=[8, 16, 32, 64, 100, 300])
    return ssd_mod.SSD(backbone, anchor_generator, (300, 300), 4, detections_per_img=20, topk_candidates=40, image_mean=[0.48235, 0.45882, 0.40784], image_std=[1.0 / 255.0] * 3)


NORM = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)


def make_ssdlite():
    torch.manual_seed(0)
    mobilenet = mobilenet_v3_large(width_mult=0.25, reduced_tail=True, norm_layer=NORM)
    ssdlite_mod._normal_init(mobilenet)
    backbone = ssdlite_mod._mobilenet_extractor(mobilenet, 3, NORM)
    anchor_generator = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
    out_channels = retrieve_out_channels(backbone, (96, 96))
    head = ssdlite_mod.SSDLiteHead(out_channels, anchor_generator.num_anchors_per_location(), 4, NORM)
    return ssd_mod.SSD(backbone, anchor_generator, (96, 96), 4, head=head, score_thresh=0.001, detections_per_img=20, topk_candidates=40,
                       image_mean=[0.5] * 3, image_std=[0.5] * 3)


def targets(background=False):
    return [{"boxes": I("boxes_a"), "labels": I("labels_a")},
            {"boxes": torch.zeros(0, 4) if background else I("boxes_b"), "labels": torch.zeros(0, dtype=torch.int64) if background else I("labels_b")}]


def model_case(make, background=False):
    model = make()
    out = {"state": state_rows(model), "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
           "numParams": sum(p.numel() for p in model.parameters()),
           "frozen": [k for k, p in model.named_parameters() if not p.requires_grad]}
    if not background:
        model.eval()
        with torch.no_grad():
            detections = model([I("img_a"), I("img_b")])
        assert all(len(d["boxes"]) > 0 for d in detections), [len(d["boxes"]) for d in detections]
        out["eval"] = mf.enc(detections)
    model.train()
    recorded = []
    original = model.compute_loss

    def spy(t, h, a, m):
        recorded.append([x.clone() for x in m])
        return original(t, h, a, m)

    model.compute_loss = spy
    losses = model([I("img_a"), I("img_b")], targets(background))
    del model.compute_loss
    out["matched"] = mf.enc(recorded[0])
    out["losses"] = mf.enc(losses)
    out["lossKeys"] = list(losses.keys())
    sum(losses.values()).backward()
    out["grads"] = [[k, sha(p.grad), p.grad.double().sum().item(), p.grad.double().abs().sum().item()] for k, p in model.named_parameters() if p.grad is not None]
    out["noGrad"] = [k for k, p in model.named_parameters() if p.requires_grad and p.grad is None]
    if not background:
        out["stateAfter"] = state_rows(model)  # BatchNorm's running statistics after the training step
    return out


case("ssd_tiny", lambda: model_case(make_ssd))
case("ssd_tiny_background", lambda: model_case(make_ssd, background=True))
case("ssd_vgg_tiny", lambda: model_case(make_ssd_vgg))
case("ssdlite_tiny", lambda: model_case(make_ssdlite))


def extractor_width():
    torch.manual_seed(0)
    features = mobilenet_v3_large(width_mult=0.25, reduced_tail=True, norm_layer=NORM).features
    m = ssdlite_mod.SSDLiteFeatureExtractorMobileNet(features, 13, NORM, width_mult=0.5, min_depth=80)
    with torch.no_grad():
        m.eval()
        shapes = [list(v.shape) for v in m(I("img_a")[None]).values()]
    return {"state": state_rows(m), "modules": [[k, type(x).__name__] for k, x in m.named_modules()], "shapes": shapes}


case("ssdlite_extractor_width", extractor_width)


def vgg_highres():
    torch.manual_seed(0)
    m = ssd_mod._vgg_extractor(vgg_like(), True, 3)
    torch.manual_seed(1)
    x = torch.rand(1, 3, 512, 512)
    with torch.no_grad():
        out = m(x)
    return {"state": state_rows(m), "modules": [[k, type(x).__name__] for k, x in m.named_modules()],
            "shapes": [list(v.shape) for v in out.values()], "sums": [v.double().sum().item() for v in out.values()]}


case("ssd_vgg_highres", vgg_highres)
print("models done")

_s = make_ssd()
_s.train()
error("ssd_no_targets", lambda: _s([I("img_a")]))
error("ssd_boxes_shape", lambda: _s([I("img_a")], [{"boxes": torch.zeros(3), "labels": torch.zeros(3, dtype=torch.int64)}]))
error("ssd_degenerate", lambda: _s([I("img_a")], [{"boxes": torch.tensor([[4.0, 5.0, 4.0, 9.0]]), "labels": torch.tensor([1])}]))
error("ssd_out_channels", lambda: ssd_mod.SSD(TinyBackbone(8), DefaultBoxGenerator([[2]]), (64, 64), 3))
error("ssdlite_res_connect", lambda: ssdlite_mod.SSDLiteFeatureExtractorMobileNet(mobilenet_v3_large(width_mult=0.25).features, 3, NORM))
error("vgg_trainable", lambda: ssd_mod._vgg_extractor(vgg_like(), False, 6))
error("builder_num_classes", lambda: ssd_mod.ssd300_vgg16(weights="DEFAULT", num_classes=5))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    error("builder_size", lambda: ssd_mod.ssd300_vgg16(weights=None, weights_backbone=None, size=(200, 200)))

# ------------------------------------------------------------------------------------------------
# The builders' defaults (weights None, weights_backbone None)


def builder_case(fn, run=False, **kw):
    torch.manual_seed(0)
    model = fn(weights=None, weights_backbone=None, **kw)
    out = {"state": state_rows(model), "frozen": [k for k, p in model.named_parameters() if not p.requires_grad],
           "numParams": sum(p.numel() for p in model.parameters()),
           "normLayers": sorted({type(m).__name__ for m in model.modules() if "Norm" in type(m).__name__}),
           "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
           "bn": sorted({(m.eps, m.momentum) for m in model.modules() if isinstance(m, nn.BatchNorm2d)})}
    if run:
        model.eval()
        with torch.no_grad():
            out["eval"] = mf.enc(model([I("img_a")]))
    return out


case("builder_ssd300_vgg16", lambda: builder_case(ssd_mod.ssd300_vgg16))
case("builder_ssdlite320_mobilenet_v3_large", lambda: builder_case(ssdlite_mod.ssdlite320_mobilenet_v3_large, run=True, num_classes=5, detections_per_img=10))
print("builders done")


def main():
    fx.write(OUT)


if __name__ == "__main__":
    main()
