"""Fixtures of torchnode's Keypoint R-CNN (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-keypoint-rcnn-fixtures.py.

Writes test/fixtures/keypoint-rcnn.json (read by test/vision-keypoint-rcnn.test.ts):
  inputs   small tensors the cases start from (stored exactly)
  cases    name -> what torchvision returns (mf.enc encoding):
             kp_*        the keypoint branch's functions (keypoints_to_heatmap, keypointrcnn_loss and its gradient,
                         heatmaps_to_keypoints, keypointrcnn_inference): bit-exact everywhere
             model_*     a seeded small KeypointRCNN (a tiny custom backbone, small keypoint head and predictor):
                         state dict at construction (SHA-256), eval detections with keypoints and their scores,
                         train losses (loss_keypoint included) and every parameter's gradient hash after one backward
             heads       KeypointRCNNHeads / KeypointRCNNPredictor: initialization and outputs
             builder     keypointrcnn_resnet50_fpn (weights None, weights_backbone None): state-dict hashes
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
from torchvision.models.detection import keypoint_rcnn as krcnn  # noqa: E402
from torchvision.models.detection import roi_heads as rh  # noqa: E402
from torchvision.models.detection.anchor_utils import AnchorGenerator  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "keypoint-rcnn.json")
fx = Fixture(20261206)
inp, I, case, error = fx.inp, fx.I, fx.case, fx.error


def keypoints_in(boxes, k, p_visible=0.7):
    """float32 keypoints (N, k, 3) inside each box, on a half-pixel grid, visibility 0/1/2 (some invisible)."""
    out = []
    for b in boxes:
        x = b[0] + (fx.rand(k) * (b[2] - b[0]) * 2).floor() / 2
        y = b[1] + (fx.rand(k) * (b[3] - b[1]) * 2).floor() / 2
        v = (fx.rand(k) < p_visible).float() * 2
        out.append(torch.stack([x, y, v], 1))
    return torch.stack(out).float() if out else torch.zeros(0, k, 3)


# ------------------------------------------------------------------------------------------------
# Inputs

fx.two_images(min_side=10.0, labels_a=(1, 1, 1), labels_b=(1, 1))
inp("kp_a", keypoints_in(I("boxes_a"), 5))
inp("kp_b", keypoints_in(I("boxes_b"), 5))
# the keypoint functions: proposals, ground-truth keypoints (on the proposals' edges, outside them, invisible)
inp("rois", torch.cat([fx.xyxy(5, 30, 24, min_side=3.0), torch.tensor([[2.0, 3.0, 12.5, 9.0]])]))
inp("rois_2", fx.xyxy(3, 20, 16, min_side=3.0))
_kp = keypoints_in(torch.tensor([[0.0, 0.0, 30.0, 24.0]] * 4), 6, p_visible=0.8)
_kp[5 % 4, 0, :2] = torch.tensor([12.5, 9.0])  # the right/bottom edge of the last roi, matched to gt 1
_kp[1, 1, :2] = torch.tensor([12.5, 4.0])
inp("gt_kp", _kp)
inp("gt_kp_2", keypoints_in(torch.tensor([[0.0, 0.0, 20.0, 16.0]] * 2), 6))
inp("matched", torch.tensor([0, 2, 3, 1, 0, 1]))
inp("matched_2", torch.tensor([1, 0, 1]))
inp("kp_logits", (fx.rand(9, 6, 7, 7) - 0.5) * 6)
inp("maps", (fx.rand(6, 4, 8, 8) - 0.5) * 4)
inp("map_rois", torch.tensor([[1.0, 2.0, 9.5, 13.25], [0.0, 0.0, 0.5, 0.25], [3.0, 4.0, 20.0, 11.0], [5.5, 5.5, 6.75, 9.0], [2.0, 1.0, 14.0, 30.0], [0.0, 0.0, 8.0, 8.0]]))

# ------------------------------------------------------------------------------------------------
# The keypoint functions (no convolutions: bit-exact everywhere)

case("kp_heatmap", lambda: {"h7": mf.enc(list(rh.keypoints_to_heatmap(I("gt_kp")[I("matched")], I("rois"), 7))),
                            "h5": mf.enc(list(rh.keypoints_to_heatmap(I("gt_kp_2")[I("matched_2")], I("rois_2"), 5)))})


def loss_case():
    logits = I("kp_logits").requires_grad_()
    loss = rh.keypointrcnn_loss(logits, [I("rois"), I("rois_2")], [I("gt_kp"), I("gt_kp_2")], [I("matched"), I("matched_2")])
    loss.backward()
    invisible = I("gt_kp").clone()
    invisible[..., 2] = 0
    logits0 = I("kp_logits")[:6].requires_grad_()
    loss0 = rh.keypointrcnn_loss(logits0, [I("rois")], [invisible], [I("matched")])
    loss0.backward()
    return {"loss": mf.enc(loss), "grad": mf.enc(logits.grad), "none": mf.enc(loss0), "noneGrad": mf.enc(logits0.grad)}


case("kp_loss", loss_case)
case("kp_heatmaps_to_keypoints", lambda: {"one": mf.enc(list(rh.heatmaps_to_keypoints(I("maps"), I("map_rois")))),
                                          "inference": mf.enc([list(x) for x in rh.keypointrcnn_inference(I("maps"), [I("map_rois")[:4], I("map_rois")[4:]])]),
                                          "empty": mf.enc(list(rh.heatmaps_to_keypoints(I("maps")[:0], I("map_rois")[:0])))})
error("kp_loss_not_square", lambda: rh.keypointrcnn_loss(torch.zeros(2, 3, 4, 5), [I("rois")[:2]], [I("gt_kp")], [I("matched")[:2]]))

# ------------------------------------------------------------------------------------------------
# A small seeded Keypoint R-CNN


def tiny_backbone():
    body = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True), nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True))
    body.out_channels = 8
    return body


def make_tiny():
    # keyword arguments run left to right: the parts are made in this order (the test makes them so)
    torch.manual_seed(0)
    backbone = tiny_backbone()
    return krcnn.KeypointRCNN(backbone, num_classes=2, min_size=64, max_size=96, rpn_anchor_generator=AnchorGenerator(((16, 32),), ((0.5, 1.0, 2.0),)),
                              box_roi_pool=MultiScaleRoIAlign(["0"], 7, 2), keypoint_roi_pool=MultiScaleRoIAlign(["0"], 7, 2),
                              keypoint_head=krcnn.KeypointRCNNHeads(8, [8, 8]), keypoint_predictor=krcnn.KeypointRCNNPredictor(8, 5),
                              rpn_pre_nms_top_n_train=300, rpn_pre_nms_top_n_test=200, rpn_post_nms_top_n_train=100, rpn_post_nms_top_n_test=80,
                              rpn_batch_size_per_image=64, box_batch_size_per_image=32, box_score_thresh=0.2, box_detections_per_img=12)


def targets(background=False):
    return [{"boxes": I("boxes_a"), "labels": I("labels_a"), "keypoints": I("kp_a")},
            {"boxes": torch.zeros(0, 4) if background else I("boxes_b"), "labels": torch.zeros(0, dtype=torch.int64) if background else I("labels_b"),
             "keypoints": torch.zeros(0, 5, 3) if background else I("kp_b")}]


def model_case(make, train_seed, background=False):
    return rcnn_model_case(make, train_seed, lambda: [I("img_a"), I("img_b")], targets, background)


case("model_tiny", lambda: model_case(make_tiny, 5))
case("model_tiny_background", lambda: model_case(make_tiny, 11, background=True))
print("models done")

_tiny = make_tiny()
_tiny.train()
error("model_no_keypoints", lambda: _tiny([I("img_a")], [{"boxes": I("boxes_a"), "labels": I("labels_a")}]))
error("model_double_keypoints", lambda: _tiny([I("img_a")], [{"boxes": I("boxes_a"), "labels": I("labels_a"), "keypoints": I("kp_a").double()}]))
error("keypoint_rcnn_num_keypoints_and_predictor", lambda: krcnn.KeypointRCNN(tiny_backbone(), num_classes=2, num_keypoints=5,
                                                                              keypoint_predictor=krcnn.KeypointRCNNPredictor(8, 5)))

# ------------------------------------------------------------------------------------------------
# Heads


def heads_case():
    torch.manual_seed(3)
    heads = krcnn.KeypointRCNNHeads(6, [8, 5])
    predictor = krcnn.KeypointRCNNPredictor(5, 3)
    x = torch.randn(2, 6, 5, 5)
    outs = {"heads": heads(x), "predictor": predictor(heads(x))}
    return {"state": {k: state_rows(m) for k, m in [("heads", heads), ("predictor", predictor)]},
            "modules": [[k, type(m).__name__] for k, m in heads.named_modules()], "input": sha(x),
            "reprs": [repr(heads), repr(predictor)],
            "out": {k: [list(v.shape), v.double().sum().item(), sha(v)] for k, v in outs.items()}}


case("heads", heads_case)

# ------------------------------------------------------------------------------------------------
# The builder's defaults (weights None, weights_backbone None)


def builder_case(fn, **kw):
    torch.manual_seed(0)
    model = fn(weights=None, weights_backbone=None, **kw)
    heads = model.roi_heads
    return {"state": state_rows(model), "frozen": [k for k, p in model.named_parameters() if not p.requires_grad],
            "numParams": sum(p.numel() for p in model.parameters()), "minSize": list(model.transform.min_size),
            "keypointRoiPool": repr(heads.keypoint_roi_pool), "keypointHead": repr(heads.keypoint_head), "keypointPredictor": repr(heads.keypoint_predictor)}


case("builder_resnet50_fpn", lambda: builder_case(krcnn.keypointrcnn_resnet50_fpn))
print("builders done")


def main():
    fx.write(OUT)


if __name__ == "__main__":
    main()
