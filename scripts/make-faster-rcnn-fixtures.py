"""Fixtures of torchnode's Faster R-CNN (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-faster-rcnn-fixtures.py.

Writes test/fixtures/vision-faster-rcnn.json (read by test/vision-faster-rcnn.test.ts):
  inputs   small tensors the cases start from (stored exactly)
  cases    name -> what torchvision returns (mf.enc encoding):
             roi_heads_*   RoIHeads' parts without convolutions or Linear layers (fastrcnn_loss,
                           select_training_samples with its torch.randperm draws, postprocess_detections):
                           bit-exact everywhere
             model_*       seeded small detectors (a tiny custom backbone; fasterrcnn_mobilenet_v3_large_320_fpn
                           with num_classes 5 at a small min/max size): state dict at construction (SHA-256),
                           eval detections, train losses and the parameters' gradient hashes after one backward
             builder_*     the four builders' defaults (weights None, weights_backbone None): state-dict hashes,
                           frozen parameters, the configuration the builder gives FasterRCNN
  errors   name -> the message torchvision raises
  warns    name -> the warnings torchvision issues
Convolutions and Linear layers run oneDNN / BLAS kernels that depend on the CPU model: the test compares
their results bit for bit on the CPU model that made the fixture, within rounding elsewhere.

torchvision's _C.so is a CUDA build: scripts/torchvision_native.py loads it against CPU torch with stub CUDA
libraries, so roi_align runs torchvision's own CPU kernel; batched_nms runs torchvision's own strategies with
`nms` bound to ref_nms (scripts/ref_nms.py, the transcription of its CPU kernel). That set-up and the helpers
are scripts/rcnn_fixtures.py's (shared with the Mask and Keypoint R-CNN fixture scripts).
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rcnn_fixtures import HERE, Fixture, mf, sha, state_rows  # noqa: E402 (loads torch and torchvision as set up there)

import torch  # noqa: E402
from torch import nn  # noqa: E402

import torchvision  # noqa: E402
from torchvision import models  # noqa: E402
from torchvision.ops import MultiScaleRoIAlign  # noqa: E402
from torchvision.models.detection import faster_rcnn as frcnn  # noqa: E402
from torchvision.models.detection import roi_heads as rh  # noqa: E402
from torchvision.models.detection.anchor_utils import AnchorGenerator  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "vision-faster-rcnn.json")
fx = Fixture(20260521)
rand, xyxy, inp, I, case, error = fx.rand, fx.xyxy, fx.inp, fx.I, fx.case, fx.error


# ------------------------------------------------------------------------------------------------
# Inputs

fx.two_images()
# RoIHeads' parts: proposals in 60x80 / 50x40 images, ground truth, logits and deltas
inp("prop_a", xyxy(12, 80, 60))
inp("prop_b", xyxy(9, 40, 50))
inp("gt_a", xyxy(3, 80, 60, min_side=12.0))
inp("gt_b", xyxy(2, 40, 50, min_side=12.0))
inp("gt_labels_a", torch.tensor([1, 4, 2]))
inp("gt_labels_b", torch.tensor([3, 3]))
inp("class_logits", (rand(21, 5) - 0.5) * 6)
inp("box_regression", (rand(21, 20) - 0.5) * 2)
inp("loss_labels_a", torch.tensor([0, 2, 1, 0, 0, 4, 0, 3]))
inp("loss_labels_b", torch.tensor([0, 0, 1, 0, 0]))
inp("loss_targets", (rand(13, 4) - 0.5) * 2)
inp("loss_logits", (rand(13, 5) - 0.5) * 4)
inp("loss_regression", (rand(13, 20) - 0.5) * 2)

# ------------------------------------------------------------------------------------------------
# RoIHeads' parts (no convolutions, no Linear layers: bit-exact everywhere)


def make_roi_heads(score_thresh=0.05, nms_thresh=0.5, detections_per_img=100, weights=None, batch=16, fraction=0.25):
    return rh.RoIHeads(MultiScaleRoIAlign(["0"], 7, 2), nn.Identity(), nn.Identity(), 0.5, 0.3, batch, fraction, weights,
                       score_thresh, nms_thresh, detections_per_img)


def fastrcnn_loss_case():
    logits = I("loss_logits").requires_grad_()
    regression = I("loss_regression").requires_grad_()
    cls, box = rh.fastrcnn_loss(logits, regression, [I("loss_labels_a"), I("loss_labels_b")], [I("loss_targets")[:8], I("loss_targets")[8:]])
    (cls + box).backward()
    return {"cls": mf.enc(cls), "box": mf.enc(box), "gradLogits": mf.enc(logits.grad), "gradRegression": mf.enc(regression.grad)}


case("roi_heads_fastrcnn_loss", fastrcnn_loss_case)


def select_case(seed, background=False, weights=None):
    heads = make_roi_heads(weights=weights)
    targets = [{"boxes": I("gt_a"), "labels": I("gt_labels_a")},
               {"boxes": torch.zeros(0, 4) if background else I("gt_b"), "labels": torch.zeros(0, dtype=torch.int64) if background else I("gt_labels_b")}]
    torch.manual_seed(seed)
    proposals, matched_idxs, labels, regression_targets = heads.select_training_samples([I("prop_a"), I("prop_b")], targets)
    assigned = heads.assign_targets_to_proposals(heads.add_gt_proposals([I("prop_a"), I("prop_b")], [t["boxes"] for t in targets]),
                                                 [t["boxes"] for t in targets], [t["labels"] for t in targets])
    return {"proposals": mf.enc(proposals), "matchedIdxs": mf.enc(matched_idxs), "labels": mf.enc(labels),
            "regressionTargets": mf.enc(regression_targets), "assigned": mf.enc(list(assigned)), "after": mf.enc(torch.rand(2))}


case("roi_heads_select_seed3", lambda: select_case(3))
case("roi_heads_select_seed8_background", lambda: select_case(8, background=True))
case("roi_heads_select_weights", lambda: select_case(5, weights=(1.0, 2.0, 3.0, 4.0)))


def postprocess_case(score_thresh, nms_thresh, detections_per_img):
    heads = make_roi_heads(score_thresh, nms_thresh, detections_per_img)
    boxes, scores, labels = heads.postprocess_detections(I("class_logits"), I("box_regression"), [I("prop_a"), I("prop_b")], [(60, 80), (50, 40)])
    return {"boxes": mf.enc(boxes), "scores": mf.enc(scores), "labels": mf.enc(labels)}


case("roi_heads_postprocess", lambda: postprocess_case(0.05, 0.5, 100))
case("roi_heads_postprocess_strict", lambda: postprocess_case(0.2, 0.3, 5))
case("roi_heads_postprocess_none", lambda: postprocess_case(0.99, 0.5, 100))
error("roi_heads_check_targets_none", lambda: make_roi_heads().check_targets(None))
error("roi_heads_check_targets_boxes", lambda: make_roi_heads().check_targets([{"labels": I("gt_labels_a")}]))
error("roi_heads_check_targets_labels", lambda: make_roi_heads().check_targets([{"boxes": I("gt_a")}]))
error("roi_heads_int_boxes", lambda: make_roi_heads()({}, [I("prop_a")], [(60, 80)], [{"boxes": I("gt_a").long(), "labels": I("gt_labels_a")}]))
error("roi_heads_int32_labels", lambda: make_roi_heads()({}, [I("prop_a")], [(60, 80)], [{"boxes": I("gt_a"), "labels": I("gt_labels_a").int()}]))

# ------------------------------------------------------------------------------------------------
# Small seeded detectors


def tiny_backbone():
    body = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True), nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(inplace=True))
    body.out_channels = 8
    return body


def make_tiny():
    torch.manual_seed(0)
    backbone = tiny_backbone()
    anchors = AnchorGenerator(((16, 32),), ((0.5, 1.0, 2.0),))
    pool = MultiScaleRoIAlign(["0"], 7, 2)
    return frcnn.FasterRCNN(backbone, num_classes=4, min_size=64, max_size=96, rpn_anchor_generator=anchors, box_roi_pool=pool,
                            rpn_pre_nms_top_n_train=300, rpn_pre_nms_top_n_test=200, rpn_post_nms_top_n_train=100, rpn_post_nms_top_n_test=80,
                            rpn_batch_size_per_image=64, box_batch_size_per_image=32, box_score_thresh=0.2, box_detections_per_img=30)


def make_mobilenet():
    torch.manual_seed(0)
    return frcnn.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None, num_classes=5, min_size=128, max_size=160,
                                                      rpn_pre_nms_top_n_test=60, rpn_post_nms_top_n_test=50, rpn_post_nms_top_n_train=100,
                                                      box_batch_size_per_image=64)


def targets(background=False):
    return [{"boxes": I("boxes_a"), "labels": I("labels_a")},
            {"boxes": torch.zeros(0, 4) if background else I("boxes_b"), "labels": torch.zeros(0, dtype=torch.int64) if background else I("labels_b")}]


def config(model):
    rpn, heads, t = model.rpn, model.roi_heads, model.transform
    return {"transform": repr(t), "minSize": list(t.min_size), "maxSize": t.max_size, "imageMean": t.image_mean, "imageStd": t.image_std,
            "rpnPreNmsTopN": rpn._pre_nms_top_n, "rpnPostNmsTopN": rpn._post_nms_top_n, "rpnNmsThresh": rpn.nms_thresh,
            "rpnScoreThresh": rpn.score_thresh, "rpnMatcher": [rpn.proposal_matcher.high_threshold, rpn.proposal_matcher.low_threshold],
            "rpnSampler": [rpn.fg_bg_sampler.batch_size_per_image, rpn.fg_bg_sampler.positive_fraction],
            "anchorSizes": [list(s) for s in rpn.anchor_generator.sizes], "aspectRatios": [list(a) for a in rpn.anchor_generator.aspect_ratios],
            "boxScoreThresh": heads.score_thresh, "boxNmsThresh": heads.nms_thresh, "boxDetectionsPerImg": heads.detections_per_img,
            "boxMatcher": [heads.proposal_matcher.high_threshold, heads.proposal_matcher.low_threshold],
            "boxSampler": [heads.fg_bg_sampler.batch_size_per_image, heads.fg_bg_sampler.positive_fraction], "bboxRegWeights": list(heads.box_coder.weights),
            "roiPool": repr(heads.box_roi_pool)}


def model_case(make, train_seed, background=False):
    model = make()
    out = {"state": state_rows(model), "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
           "frozen": [k for k, p in model.named_parameters() if not p.requires_grad], "config": config(model),
           "numParams": sum(p.numel() for p in model.parameters()), "repr": repr(model)}
    model.eval()
    with torch.no_grad():
        detections = model([I("img_a"), I("img_b")])
    out["eval"] = mf.enc(detections)
    model.train()
    torch.manual_seed(train_seed)
    losses = model([I("img_a"), I("img_b")], targets(background))
    out["losses"] = mf.enc(losses)
    out["lossKeys"] = list(losses.keys())
    out["after"] = mf.enc(torch.rand(2))
    sum(losses.values()).backward()
    out["grads"] = [[k, sha(p.grad)] for k, p in model.named_parameters() if p.grad is not None]
    out["noGrad"] = [k for k, p in model.named_parameters() if p.requires_grad and p.grad is None]
    out["stateAfter"] = [[k, sha(v)] for k, v in model.state_dict().items() if "running" in k or "num_batches" in k][:6]
    return out


case("model_tiny", lambda: model_case(make_tiny, 5))
case("model_tiny_background", lambda: model_case(make_tiny, 11, background=True))
case("model_mobilenet_320", lambda: model_case(make_mobilenet, 7))
print("models done")


def errs(model, name, fn):
    error(name, lambda: fn(model))


_tiny = make_tiny()
_tiny.train()
errs(_tiny, "model_train_no_targets", lambda m: m([I("img_a")]))
errs(_tiny, "model_boxes_shape", lambda m: m([I("img_a")], [{"boxes": I("boxes_a")[0], "labels": I("labels_a")}]))
errs(_tiny, "model_degenerate", lambda m: m([I("img_a"), I("img_b")], [{"boxes": I("boxes_a"), "labels": I("labels_a")},
                                                                        {"boxes": torch.tensor([[3.0, 4.0, 20.0, 30.0], [10.0, 12.0, 10.0, 25.0]]), "labels": I("labels_b")}]))
errs(_tiny, "model_int32_labels", lambda m: m([I("img_a")], [{"boxes": I("boxes_a"), "labels": I("labels_a").int()}]))
errs(_tiny, "model_2d_image", lambda m: m.eval()([torch.zeros(40, 56)]))
error("faster_rcnn_no_out_channels", lambda: frcnn.FasterRCNN(nn.ReLU(), num_classes=3))
error("faster_rcnn_num_classes_and_predictor", lambda: frcnn.FasterRCNN(tiny_backbone(), num_classes=3, box_predictor=frcnn.FastRCNNPredictor(1024, 3)))
error("faster_rcnn_no_num_classes", lambda: frcnn.FasterRCNN(tiny_backbone()))
error("predictor_shape", lambda: frcnn.FastRCNNPredictor(8, 3)(torch.zeros(2, 8, 2, 2)))
error("builder_trainable_6", lambda: frcnn.fasterrcnn_resnet50_fpn(weights_backbone=models.ResNet50_Weights.IMAGENET1K_V1, trainable_backbone_layers=6))
error("builder_mobilenet_trainable_7", lambda: frcnn.fasterrcnn_mobilenet_v3_large_fpn(weights_backbone=models.MobileNet_V3_Large_Weights.IMAGENET1K_V1, trainable_backbone_layers=7))
error("builder_wrong_backbone_weights", lambda: frcnn.fasterrcnn_resnet50_fpn(weights_backbone=models.MobileNet_V3_Large_Weights.IMAGENET1K_V1))

# ------------------------------------------------------------------------------------------------
# Heads


def heads_case():
    torch.manual_seed(2)
    two = frcnn.TwoMLPHead(8 * 16, 16)
    conv_fc = frcnn.FastRCNNConvFCHead((8, 4, 4), [8, 6], [12], norm_layer=nn.BatchNorm2d)
    conv_fc_plain = frcnn.FastRCNNConvFCHead((8, 4, 4), [5], [10, 7])
    predictor = frcnn.FastRCNNPredictor(12, 3)
    x = torch.randn(3, 8, 4, 4)
    conv_fc.eval()
    outs = {"two": two(x), "convFc": conv_fc(x), "convFcPlain": conv_fc_plain(x), "predictor": predictor(conv_fc(x)[:, :, None, None]), }
    return {"state": {k: state_rows(m) for k, m in [("two", two), ("convFc", conv_fc), ("convFcPlain", conv_fc_plain), ("predictor", predictor)]},
            "modules": [[k, type(m).__name__] for k, m in conv_fc.named_modules()], "input": sha(x),
            "reprs": [repr(two), repr(conv_fc), repr(predictor)],
            "out": {k: [list(v.shape), v.double().sum().item(), sha(v)] if isinstance(v, torch.Tensor) else [[list(t.shape), t.double().sum().item(), sha(t)] for t in v]
                    for k, v in outs.items()}}


case("heads", heads_case)

# ------------------------------------------------------------------------------------------------
# The builders' defaults (weights None, weights_backbone None)


def builder_case(fn, **kw):
    torch.manual_seed(0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        model = fn(weights=None, weights_backbone=None, **kw)
    return {"state": state_rows(model), "frozen": [k for k, p in model.named_parameters() if not p.requires_grad], "config": config(model),
            "numParams": sum(p.numel() for p in model.parameters()), "warnings": [str(x.message) for x in w],
            "normLayers": sorted({type(m).__name__ for m in model.modules() if "Norm" in type(m).__name__}),
            "boxHead": type(model.roi_heads.box_head).__name__, "rpnConvDepth": len(model.rpn.head.conv)}


case("builder_resnet50_fpn", lambda: builder_case(frcnn.fasterrcnn_resnet50_fpn))
case("builder_resnet50_fpn_v2", lambda: builder_case(frcnn.fasterrcnn_resnet50_fpn_v2, num_classes=7))
case("builder_mobilenet_v3_large_fpn", lambda: builder_case(frcnn.fasterrcnn_mobilenet_v3_large_fpn, trainable_backbone_layers=2))
case("builder_mobilenet_v3_large_320_fpn", lambda: builder_case(frcnn.fasterrcnn_mobilenet_v3_large_320_fpn, num_classes=3, rpn_score_thresh=0.1, box_nms_thresh=0.4))


# With backbone weights (is_trained: FrozenBatchNorm2d, frozen early layers). No download: the ImageNet
# entries' get_state_dict returns a seeded random network's state (torch.manual_seed(42), then the
# architecture built); the test saves that state to a file and passes its path as weightsBackbone.
_STAND_IN = {}


def _stand_in(self, *args, **kwargs):
    if self.url not in _STAND_IN:
        state = torch.get_rng_state()
        torch.manual_seed(42)
        net = models.resnet50() if "resnet50" in self.url else models.mobilenet_v3_large()
        torch.set_rng_state(state)
        _STAND_IN[self.url] = net.state_dict()
    return {k: v.clone() for k, v in _STAND_IN[self.url].items()}


torchvision.models._api.WeightsEnum.get_state_dict = _stand_in
case("builder_resnet50_fpn_pretrained_backbone", lambda: builder_case(lambda **kw: frcnn.fasterrcnn_resnet50_fpn(**{**kw, "weights_backbone": models.ResNet50_Weights.IMAGENET1K_V1})))
case("builder_mobilenet_v3_large_fpn_pretrained_backbone",
     lambda: builder_case(lambda **kw: frcnn.fasterrcnn_mobilenet_v3_large_fpn(**{**kw, "weights_backbone": models.MobileNet_V3_Large_Weights.IMAGENET1K_V1}), trainable_backbone_layers=2))
print("builders done")


def main():
    fx.write(OUT)


if __name__ == "__main__":
    main()
