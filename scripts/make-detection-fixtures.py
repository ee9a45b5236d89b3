"""Fixtures of torchnode's vision.models.detection groundwork (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-detection-fixtures.py.

Writes test/fixtures/vision-detection.json (read by test/vision-detection.test.ts):
  inputs   small tensors the cases start from (stored exactly)
  cases    name -> what torchvision returns (mf.enc encoding), for the box coders, matchers, the sampler
           (its torch.randperm draws after torch.manual_seed), anchor generators, GeneralizedRCNNTransform,
           the FPN backbones and the RPN (outputs, losses, gradients)
  errors   name -> the message torchvision raises
  warns    name -> the warning torchvision issues
Tensors of the convolutional models are hashed (SHA-256 of their bytes, as the models fixtures do) with a
few statistics beside, so that other CPUs (other oneDNN kernels) can still be compared within rounding.

torchvision's _C.so is a CUDA build that fails to load against CPU torch: its native ops are placeholders
(scripts/torchvision_cpu.py). The RPN's batched_nms runs torchvision's own _batched_nms_coordinate_trick
with its `nms` bound to ref_nms, the transcription of torchvision's CPU kernel that
scripts/make-box-ops-fixtures.py uses (copied here).
"""
import hashlib
import importlib.util
import json
import math
import os
import warnings
from collections import OrderedDict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

import torchvision_cpu  # noqa: E402 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision import models  # noqa: E402
from torchvision.ops import boxes as box_ops  # noqa: E402
from torchvision.ops import misc as misc_nn_ops  # noqa: E402
from torchvision.ops.feature_pyramid_network import LastLevelP6P7  # noqa: E402
from torchvision.models.detection import _utils as det_utils  # noqa: E402
from torchvision.models.detection import backbone_utils, rpn as rpn_mod  # noqa: E402
from torchvision.models.detection.anchor_utils import AnchorGenerator, DefaultBoxGenerator  # noqa: E402
from torchvision.models.detection.image_list import ImageList  # noqa: E402
from torchvision.models.detection.transform import GeneralizedRCNNTransform, resize_boxes, resize_keypoints  # noqa: E402
from cpu_identity import cpu_model  # noqa: E402 (meta.cpuModel: model name and oneDNN ISA)

assert not torchvision.extension._has_ops()
OUT = os.path.join(HERE, "..", "test", "fixtures", "vision-detection.json")
G = torch.Generator().manual_seed(20260501)


ref_nms = torchvision_cpu.ref_nms  # torchvision/csrc/ops/cpu/nms_kernel.cpp line by line


box_ops.nms = ref_nms  # what batched_nms' strategies call


def sha(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


def hashed(t):
    """A big float tensor: its hash, and statistics (in float64) for comparisons within rounding."""
    d = t.detach().double()
    return {"hash": sha(t), "dtype": str(t.dtype)[6:], "shape": list(t.shape), "sum": d.sum().item(),
            "absSum": d.abs().sum().item(), "head": mf.enc(t.detach().reshape(-1)[:8])}


def rand(*shape, dtype=torch.float32):
    return torch.rand(*shape, generator=G, dtype=torch.float64).to(dtype)


def xyxy(n, scale=50.0, quantum=0.25, dtype=torch.float32, min_side=1.0):
    xy = (rand(n, 2, dtype=torch.float64) * scale / quantum).floor() * quantum
    wh = (rand(n, 2, dtype=torch.float64) * scale / 2 / quantum).floor() * quantum + min_side
    return torch.cat([xy, xy + wh], 1).to(dtype)


INPUTS = {}


def inp(name, t):
    INPUTS[name] = t
    return t


def I(name):  # noqa: E743
    return INPUTS[name].clone()


CASES = {}
ERRORS = {}
WARNS = {}


def case(name, fn):
    CASES[name] = fn()


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS[name] = {"type": type(e).__name__, "message": str(e)}
        return
    raise AssertionError(f"{name} did not raise")


# ------------------------------------------------------------------------------------------------
# Inputs

inp("ref_a", xyxy(5))
inp("ref_b", xyxy(3))
inp("prop_a", xyxy(5))
inp("prop_b", xyxy(3))
rel = (rand(8, 8) - 0.5) * 3
rel[0, 2] = 9.0  # dw past bbox_xform_clip
rel[3, 7] = 7.5  # dh past it
inp("rel_codes", rel)
inp("anchors8", xyxy(8, scale=40))
inp("gt4", xyxy(4, scale=40, min_side=6.0))
inp("anchors30", xyxy(30, scale=40, min_side=4.0))
inp("quality_ties", (rand(3, 20) * 6).floor() / 8)       # many ties, values in [0, 0.625]
inp("matched_a", (rand(60) * 6).floor().to(torch.int64) - 2)   # -2 .. 3
inp("matched_few_pos", torch.tensor([0] * 40 + [1, -1, -2, 2, 0, -1], dtype=torch.int64))
inp("matched_few_neg", torch.tensor([1, 2, 3] * 10 + [0, 0, -1], dtype=torch.int64))
inp("img_a", rand(3, 15, 22))
inp("img_b", rand(3, 18, 12))
inp("boxes_a", torch.tensor([[1.0, 2.0, 10.5, 12.0], [0.0, 0.0, 21.0, 14.0]]))
inp("boxes_b", torch.tensor([[2.0, 3.5, 8.0, 17.0]]))
inp("labels_a", torch.tensor([1, 2]))
inp("labels_b", torch.tensor([3]))
inp("kp_a", torch.cat([rand(2, 3, 2) * 14, torch.ones(2, 3, 1)], 2))
inp("masks_a", (rand(2, 15, 22) > 0.5).to(torch.uint8))
inp("pred_boxes", xyxy(4, scale=16))
inp("pred_kp", torch.cat([rand(4, 2, 2) * 16, torch.ones(4, 2, 1)], 2))
inp("rpn_gt_a", torch.tensor([[4.0, 6.0, 30.0, 40.0], [20.0, 10.0, 60.0, 28.0], [36.0, 36.0, 58.0, 62.0]]))
inp("rpn_gt_b", torch.tensor([[0.0, 0.0, 24.0, 20.0], [10.0, 30.0, 50.0, 48.0]]))
inp("reg_pred", (rand(6, 4) - 0.5) * 0.4)
inp("reg_anchors", xyxy(6, scale=40, min_side=8.0))
inp("reg_gt", xyxy(6, scale=40, min_side=8.0))

# ------------------------------------------------------------------------------------------------
# _utils: BoxCoder, BoxLinearCoder, Matcher, SSDMatcher, BalancedPositiveNegativeSampler, _box_loss


def box_coder_encode(weights):
    refs = [I("ref_a").requires_grad_(), I("ref_b").requires_grad_()]
    props = [I("prop_a").requires_grad_(), I("prop_b").requires_grad_()]
    out = det_utils.BoxCoder(weights).encode(refs, props)
    w = torch.arange(1, 33, dtype=torch.float32).reshape(8, 4) / 7
    torch.cat(out).mul(w).sum().backward()
    return {"out": mf.enc(list(out)), "gradRefs": mf.enc([r.grad for r in refs]), "gradProps": mf.enc([p.grad for p in props])}


case("box_coder_encode_10_10_5_5", lambda: box_coder_encode((10.0, 10.0, 5.0, 5.0)))
case("box_coder_encode_1", lambda: box_coder_encode((1.0, 1.0, 1.0, 1.0)))


def box_coder_decode(weights, clip=None, dtype=torch.float32):
    rel_codes = I("rel_codes").to(dtype).requires_grad_()
    coder = det_utils.BoxCoder(weights) if clip is None else det_utils.BoxCoder(weights, clip)
    out = coder.decode(rel_codes, [I("anchors8")[:5], I("anchors8")[5:]])
    w = torch.arange(1, out.numel() + 1, dtype=dtype).reshape(out.shape) / 11
    out.mul(w).sum().backward()
    return {"out": mf.enc(out), "grad": mf.enc(rel_codes.grad)}


case("box_coder_decode_10_10_5_5", lambda: box_coder_decode((10.0, 10.0, 5.0, 5.0)))
case("box_coder_decode_1_clip2", lambda: box_coder_decode((1.0, 1.0, 1.0, 1.0), 2.0))
case("box_coder_decode_f64", lambda: box_coder_decode((2.0, 2.0, 1.0, 1.0), dtype=torch.float64))
case("box_coder_decode_empty", lambda: mf.enc(det_utils.BoxCoder((1.0, 1.0, 1.0, 1.0)).decode(torch.zeros(0, 4), [torch.zeros(0, 4)])))
case("box_coder_decode_single", lambda: mf.enc(det_utils.BoxCoder((10.0, 10.0, 5.0, 5.0)).decode_single(I("rel_codes")[:, :4], I("anchors8"))))
case("box_coder_encode_single_f64", lambda: mf.enc(det_utils.BoxCoder((10.0, 10.0, 5.0, 5.0)).encode_single(I("ref_a").double(), I("prop_a").double())))
case("box_linear_coder", lambda: mf.enc([
    det_utils.BoxLinearCoder(True).encode(I("ref_a"), I("prop_a")),
    det_utils.BoxLinearCoder(False).encode(I("ref_a"), I("prop_a")),
    det_utils.BoxLinearCoder(True).decode(I("rel_codes")[:5, :4], I("ref_a")),
    det_utils.BoxLinearCoder(False).decode(I("rel_codes")[:5, :4], I("ref_a")),
]))


def matcher(hi, lo, allow, m):
    return mf.enc(det_utils.Matcher(hi, lo, allow)(m))


case("matcher_iou", lambda: matcher(0.7, 0.3, False, box_ops.box_iou(I("gt4"), I("anchors30"))))
case("matcher_iou_low_quality", lambda: matcher(0.7, 0.3, True, box_ops.box_iou(I("gt4"), I("anchors30"))))
case("matcher_ties_low_quality", lambda: matcher(0.5, 0.25, True, I("quality_ties")))
case("matcher_ties_equal_thresholds", lambda: matcher(0.375, 0.375, False, I("quality_ties")))
case("ssd_matcher", lambda: mf.enc(det_utils.SSDMatcher(0.5)(box_ops.box_iou(I("gt4"), I("anchors30")))))
case("ssd_matcher_ties", lambda: mf.enc(det_utils.SSDMatcher(0.25)(I("quality_ties"))))
error("matcher_no_gt", lambda: det_utils.Matcher(0.7, 0.3)(torch.zeros(0, 5)))
error("matcher_no_proposals", lambda: det_utils.Matcher(0.7, 0.3)(torch.zeros(3, 0)))
error("matcher_thresholds", lambda: det_utils.Matcher(0.3, 0.7))


def sampler(seed, batch, frac, names):
    torch.manual_seed(seed)
    pos, neg = det_utils.BalancedPositiveNegativeSampler(batch, frac)([I(n) for n in names])
    after = torch.rand(2)  # the generator's state after the draws
    return {"pos": mf.enc(pos), "neg": mf.enc(neg), "after": mf.enc(after)}


case("sampler_seed0", lambda: sampler(0, 16, 0.25, ["matched_a", "matched_few_pos", "matched_few_neg"]))
case("sampler_seed7_big_batch", lambda: sampler(7, 256, 0.5, ["matched_a", "matched_few_neg"]))
case("sampler_seed3_all_pos", lambda: sampler(3, 10, 1.0, ["matched_few_neg", "matched_a"]))


def box_loss(kind, cnf=None):
    pred = I("reg_pred").requires_grad_()
    loss = det_utils._box_loss(kind, det_utils.BoxCoder((1.0, 1.0, 1.0, 1.0)), I("reg_anchors"), I("reg_gt"), pred, cnf)
    loss.backward()
    return {"loss": mf.enc(loss), "grad": mf.enc(pred.grad)}


case("box_loss_l1", lambda: box_loss("l1"))
case("box_loss_smooth_l1", lambda: box_loss("smooth_l1", {"beta": 1 / 9}))
case("box_loss_smooth_l1_default", lambda: box_loss("smooth_l1"))
case("box_loss_giou", lambda: box_loss("giou"))
case("box_loss_diou", lambda: box_loss("diou", {"eps": 1e-5}))
case("box_loss_ciou", lambda: box_loss("ciou"))
error("box_loss_unknown", lambda: box_loss("l2"))
case("topk_min", lambda: [det_utils._topk_min(torch.zeros(2, 7), 5, 1), det_utils._topk_min(torch.zeros(2, 7), 9, 1)])

# ------------------------------------------------------------------------------------------------
# anchor_utils


def anchors_of(gen, image_shape, image_sizes, feature_shapes, dtype=torch.float32):
    il = ImageList(torch.zeros(image_shape), image_sizes)
    feats = [torch.zeros(s, dtype=dtype) for s in feature_shapes]
    out = gen(il, feats)
    return {"anchors": mf.enc(out), "cellAnchors": mf.enc(gen.cell_anchors), "numAnchorsPerLocation": gen.num_anchors_per_location()}


case("anchor_generator_default", lambda: {"cellAnchors": mf.enc(AnchorGenerator().cell_anchors),
                                          "numAnchorsPerLocation": AnchorGenerator().num_anchors_per_location()})
case("anchor_generator_fpn", lambda: anchors_of(AnchorGenerator(((16,), (32,), (64,)), ((0.5, 1.0, 2.0),) * 3),
                                                [2, 3, 32, 40], [(30, 40), (32, 36)], [[2, 4, 8, 10], [2, 4, 4, 5], [2, 4, 2, 3]]))
case("anchor_generator_flat_f64", lambda: anchors_of(AnchorGenerator((24, 40), (0.5, 1.0)),
                                                     [1, 3, 30, 45], [(30, 45)], [[1, 2, 7, 11], [1, 2, 4, 6]], torch.float64))
case("anchor_generator_multi", lambda: anchors_of(AnchorGenerator(((8, 16), (32,)), ((1.0,), (0.25, 4.0, 1.5))),
                                                  [1, 3, 16, 24], [(16, 24)], [[1, 1, 4, 6], [1, 1, 2, 3]]))
error("anchor_generator_mismatch", lambda: AnchorGenerator(((16,), (32,)), ((1.0,),) * 2)(ImageList(torch.zeros(1, 3, 16, 16), [(16, 16)]), [torch.zeros(1, 1, 4, 4)]))


def dbox(gen, image_shape, n_images, feature_shapes, dtype=torch.float32):
    il = ImageList(torch.zeros(image_shape), [tuple(image_shape[-2:])] * n_images)
    out = gen(il, [torch.zeros(s, dtype=dtype) for s in feature_shapes])
    return {"boxes": mf.enc(out), "scales": gen.scales, "whPairs": mf.enc(gen._wh_pairs),
            "numAnchorsPerLocation": gen.num_anchors_per_location(), "repr": repr(gen)}


case("default_boxes", lambda: dbox(DefaultBoxGenerator([[2], [2, 3]]), [2, 3, 30, 30], 2, [[2, 4, 5, 5], [2, 4, 3, 3]]))
case("default_boxes_steps_noclip", lambda: dbox(DefaultBoxGenerator([[2, 3], [2]], min_ratio=0.2, max_ratio=0.95, steps=[8, 16], clip=False),
                                                [1, 3, 32, 48], 1, [[1, 4, 4, 6], [1, 4, 2, 3]]))
case("default_boxes_scales_f64", lambda: dbox(DefaultBoxGenerator([[3]], scales=[0.3, 0.75]), [1, 3, 20, 28], 1, [[1, 4, 3, 4]], torch.float64))
case("default_boxes_single", lambda: dbox(DefaultBoxGenerator([[2]]), [1, 3, 24, 24], 1, [[1, 4, 3, 3]]))
case("default_boxes_three", lambda: dbox(DefaultBoxGenerator([[2], [2, 3], [2]], min_ratio=0.1, max_ratio=0.8), [1, 3, 16, 16], 1, [[1, 4, 4, 4], [1, 4, 2, 2], [1, 4, 1, 1]]))
error("default_boxes_steps", lambda: DefaultBoxGenerator([[2], [2]], steps=[8]))

# ------------------------------------------------------------------------------------------------
# transform: GeneralizedRCNNTransform

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def targets():
    return [{"boxes": I("boxes_a"), "labels": I("labels_a"), "keypoints": I("kp_a"), "masks": I("masks_a")},
            {"boxes": I("boxes_b"), "labels": I("labels_b")}]


def run_transform(t, training, seed=None, with_targets=True, dtype=torch.float32):
    t.train(training)
    if seed is not None:
        torch.manual_seed(seed)
    tg = targets() if with_targets else None
    il, out_targets = t([I("img_a").to(dtype), I("img_b").to(dtype)], tg)
    return {"tensors": mf.enc(il.tensors), "imageSizes": [list(s) for s in il.image_sizes],
            "targets": mf.enc(out_targets), "after": mf.enc(torch.rand(1)) if seed is not None or training else None}


case("transform_eval", lambda: run_transform(GeneralizedRCNNTransform(20, 30, MEAN, STD, size_divisible=8), False))
case("transform_eval_max_size", lambda: run_transform(GeneralizedRCNNTransform(40, 30, MEAN, STD), False, with_targets=False))
case("transform_train_choice", lambda: run_transform(GeneralizedRCNNTransform((12, 16, 20), 40, MEAN, STD, size_divisible=4), True, seed=3))
case("transform_train_choice_seed11", lambda: run_transform(GeneralizedRCNNTransform((12, 16, 20), 40, MEAN, STD, size_divisible=4), True, seed=11))
case("transform_fixed_size", lambda: run_transform(GeneralizedRCNNTransform(20, 30, MEAN, STD, size_divisible=1, fixed_size=(24, 16)), False))
case("transform_skip_resize", lambda: run_transform(GeneralizedRCNNTransform(20, 30, MEAN, STD, size_divisible=16, _skip_resize=True), True, seed=4))
case("transform_f64", lambda: run_transform(GeneralizedRCNNTransform(17, 25, [0.5, 0.4, 0.3], [0.2, 0.3, 0.25], size_divisible=5), False, dtype=torch.float64))
case("transform_repr", lambda: repr(GeneralizedRCNNTransform((12, 16), 40, MEAN, STD)))


def postprocess(training):
    t = GeneralizedRCNNTransform(20, 30, MEAN, STD)
    t.train(training)
    result = [{"boxes": I("pred_boxes"), "scores": torch.tensor([0.9, 0.8, 0.7, 0.1]), "keypoints": I("pred_kp")},
              {"boxes": I("pred_boxes")[:2], "labels": torch.tensor([4, 5])}]
    return mf.enc(t.postprocess(result, [(20, 29), (30, 20)], [(15, 22), (18, 12)]))


case("transform_postprocess", lambda: postprocess(False))
case("transform_postprocess_training", lambda: postprocess(True))
case("batch_images", lambda: mf.enc(GeneralizedRCNNTransform(20, 30, MEAN, STD).batch_images([I("img_a"), I("img_b")])))
case("resize_boxes_keypoints", lambda: mf.enc([resize_boxes(I("pred_boxes"), [16, 20], [23, 29]), resize_boxes(I("pred_boxes").double(), [16, 20], [23, 29]),
                                               resize_keypoints(I("pred_kp"), [16, 20], [23, 29])]))
error("transform_2d_image", lambda: GeneralizedRCNNTransform(20, 30, MEAN, STD)([torch.zeros(15, 22)]))
error("transform_int_image", lambda: GeneralizedRCNNTransform(20, 30, MEAN, STD)([torch.zeros(3, 15, 22, dtype=torch.uint8)]))

# ------------------------------------------------------------------------------------------------
# backbone_utils


def backbone_case(src, input_shape):
    torch.manual_seed(0)
    model = eval(src)
    state = [[k, list(v.shape), str(v.dtype)[6:], sha(v)] for k, v in model.state_dict().items()]
    frozen = [k for k, p in model.named_parameters() if not p.requires_grad]
    torch.manual_seed(1)
    x = torch.randn(*input_shape)
    model.eval()
    with torch.no_grad():
        evaluated = model(x)
    model.train()
    xg = x.clone().requires_grad_(True)
    trained = model(xg)
    parts = list(trained.values()) if isinstance(trained, dict) else [trained]
    sum(p.sum() for p in parts).backward()
    enc_out = (lambda o: {k: hashed(v) for k, v in o.items()} if isinstance(o, dict) else hashed(o))
    return {"py": src, "input": input_shape, "state": state, "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
            "frozen": frozen, "outChannels": model.out_channels, "eval": enc_out(evaluated), "train": enc_out(trained),
            "inputGrad": sha(xg.grad), "grads": [[k, sha(p.grad)] for k, p in model.named_parameters() if p.grad is not None][::5],
            "numParams": sum(p.numel() for p in model.parameters())}


BACKBONES = {
    "resnet18_fpn": ("backbone_utils.resnet_fpn_backbone(backbone_name='resnet18', weights=None)", [1, 3, 32, 32]),
    "resnet18_fpn_p6p7": ("backbone_utils.resnet_fpn_backbone(backbone_name='resnet18', weights=None, trainable_layers=5, returned_layers=[2, 4], "
                          "extra_blocks=LastLevelP6P7(512, 256))", [2, 3, 40, 32]),
    "resnet50_fpn_bn_frozen": ("backbone_utils._resnet_fpn_extractor(models.resnet50(), 0, returned_layers=[3], "
                               "norm_layer=lambda c: torch.nn.GroupNorm(32, c))", [1, 3, 32, 32]),
    "mobilenet_v3_large_fpn": ("backbone_utils.mobilenet_backbone(backbone_name='mobilenet_v3_large', weights=None, fpn=True, trainable_layers=3)", [1, 3, 64, 64]),
    "mobilenet_v3_small_conv": ("backbone_utils.mobilenet_backbone(backbone_name='mobilenet_v3_small', weights=None, fpn=False, trainable_layers=0)", [1, 3, 48, 48]),
    "mobilenet_v2_fpn": ("backbone_utils.mobilenet_backbone(backbone_name='mobilenet_v2', weights=None, fpn=True, trainable_layers=6, returned_layers=[3, 4, 5])", [1, 3, 64, 64]),
    "mobilenet_v3_large_extractor_bn": ("backbone_utils._mobilenet_extractor(models.mobilenet_v3_large(), True, 1, returned_layers=[2, 5])", [2, 3, 32, 32]),
}
for _name, (_src, _shape) in BACKBONES.items():
    case(_name, lambda: backbone_case(_src, _shape))
    print(f"{_name:34s} {CASES[_name]['numParams']:>10d} parameters")

case("retrieve_out_channels", lambda: [det_utils.retrieve_out_channels(backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None), (32, 32)),
                                       det_utils.retrieve_out_channels(backbone_utils.mobilenet_backbone(backbone_name="mobilenet_v3_small", weights=None, fpn=False), (40, 32))])
error("resnet_fpn_trainable_6", lambda: backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=6))
error("resnet_fpn_returned_0", lambda: backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None, returned_layers=[0, 1]))
error("resnet_fpn_returned_5", lambda: backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None, returned_layers=[2, 5]))
error("mobilenet_trainable_7", lambda: backbone_utils.mobilenet_backbone(backbone_name="mobilenet_v3_large", weights=None, fpn=True, trainable_layers=7))
error("mobilenet_returned_6", lambda: backbone_utils.mobilenet_backbone(backbone_name="mobilenet_v3_large", weights=None, fpn=True, returned_layers=[4, 6]))


def validate(*args):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        value = backbone_utils._validate_trainable_layers(*args)
    return {"value": value, "warnings": [str(x.message) for x in w]}


case("validate_trainable_layers", lambda: [validate(False, None, 5, 3), validate(False, 2, 5, 3), validate(True, None, 5, 3), validate(True, 0, 6, 3)])
error("validate_trainable_layers_range", lambda: backbone_utils._validate_trainable_layers(True, 6, 5, 3))

# ------------------------------------------------------------------------------------------------
# rpn: RPNHead, RegionProposalNetwork


def rpn_features():
    torch.manual_seed(1)
    return OrderedDict([("0", torch.randn(2, 8, 16, 16)), ("1", torch.randn(2, 8, 8, 8))])


def make_rpn(score_thresh=0.0, **kw):
    torch.manual_seed(0)
    gen = AnchorGenerator(((16,), (32,)), ((0.5, 1.0, 2.0),) * 2)
    head = rpn_mod.RPNHead(8, 3, **kw)
    return rpn_mod.RegionProposalNetwork(gen, head, 0.7, 0.3, 64, 0.5, dict(training=60, testing=40), dict(training=30, testing=15), 0.7, score_thresh)


def rpn_images():
    return ImageList(torch.zeros(2, 3, 64, 64), [(64, 60), (50, 64)])


def rpn_case(training, seed, score_thresh=0.0, background=False, conv_depth=1):
    rpn = make_rpn(score_thresh, conv_depth=conv_depth)
    state = [[k, list(v.shape), str(v.dtype)[6:], sha(v)] for k, v in rpn.state_dict().items()]
    feats = rpn_features()
    rpn.train(training)
    tg = [{"boxes": I("rpn_gt_a")}, {"boxes": torch.zeros(0, 4) if background else I("rpn_gt_b")}] if training else None
    torch.manual_seed(seed)
    boxes, losses = rpn(rpn_images(), feats, tg)
    out = {"state": state, "features": [sha(v) for v in feats.values()], "boxes": mf.enc(boxes), "losses": mf.enc(losses), "after": mf.enc(torch.rand(2))}
    if training:
        sum(losses.values()).backward()
        out["grads"] = mf.enc({k: p.grad for k, p in rpn.named_parameters()})
    return out


case("rpn_eval", lambda: rpn_case(False, 5))
case("rpn_train", lambda: rpn_case(True, 5))
case("rpn_train_seed9_background", lambda: rpn_case(True, 9, background=True))
case("rpn_eval_score_thresh", lambda: rpn_case(False, 5, score_thresh=0.5))
case("rpn_train_depth2", lambda: rpn_case(True, 2, conv_depth=2))


def rpn_head_case():
    torch.manual_seed(0)
    head = rpn_mod.RPNHead(8, 3)
    feats = list(rpn_features().values())
    logits, reg = head(feats)
    flat_cls, flat_reg = rpn_mod.concat_box_prediction_layers(logits, reg)
    return {"modules": [[k, type(m).__name__] for k, m in head.named_modules()], "logits": [hashed(t) for t in logits],
            "reg": [hashed(t) for t in reg], "flatCls": hashed(flat_cls), "flatReg": hashed(flat_reg), "flatShapes": [list(flat_cls.shape), list(flat_reg.shape)]}


case("rpn_head", rpn_head_case)


def rpn_parts():
    rpn = make_rpn()
    rpn.train()
    anchors = rpn.anchor_generator(rpn_images(), list(rpn_features().values()))
    labels, matched = rpn.assign_targets_to_anchors(anchors, [{"boxes": I("rpn_gt_a")}, {"boxes": torch.zeros(0, 4)}])
    # filter_proposals on seeded proposals and scores (no convolutions involved)
    g = torch.Generator().manual_seed(4)
    n = anchors[0].shape[0]
    objectness = torch.randn(2 * n, 1, generator=g)
    deltas = torch.randn(2 * n, 4, generator=g) * 0.3
    proposals = rpn.box_coder.decode(deltas, anchors).view(2, -1, 4)
    boxes, scores = rpn.filter_proposals(proposals, objectness, [(64, 60), (50, 64)], [16 * 16 * 3, 8 * 8 * 3])
    rpn.eval()
    boxes_eval, scores_eval = rpn.filter_proposals(proposals, objectness, [(64, 60), (50, 64)], [16 * 16 * 3, 8 * 8 * 3])
    rpn.score_thresh = 0.6
    boxes_thresh, scores_thresh = rpn.filter_proposals(proposals, objectness, [(64, 60), (50, 64)], [16 * 16 * 3, 8 * 8 * 3])
    rpn.score_thresh = 0.0
    rpn.train()
    regression_targets = rpn.box_coder.encode(matched, anchors)
    torch.manual_seed(12)
    obj = objectness.clone().requires_grad_()
    dl = deltas.clone().requires_grad_()
    loss_obj, loss_box = rpn.compute_loss(obj, dl, labels, regression_targets)
    (loss_obj + loss_box).backward()
    return {"labels": mf.enc(labels), "matchedHash": [sha(m) for m in matched], "boxes": mf.enc(boxes), "scores": mf.enc(scores),
            "boxesEval": mf.enc(boxes_eval), "scoresEval": mf.enc(scores_eval),
            "boxesThresh": mf.enc(boxes_thresh), "scoresThresh": mf.enc(scores_thresh), "targetsHash": [sha(t) for t in regression_targets],
            "lossObjectness": mf.enc(loss_obj), "lossBox": mf.enc(loss_box), "gradObjHash": sha(obj.grad), "gradDeltasHash": sha(dl.grad),
            "gradObjSum": obj.grad.double().sum().item(), "gradDeltasAbsSum": dl.grad.double().abs().sum().item()}


case("rpn_parts", rpn_parts)
error("rpn_train_no_targets", lambda: (lambda r: (r.train(), r(rpn_images(), rpn_features())))(make_rpn()))


def main():
    out = {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": 1, "cpuModel": cpu_model()},
           "inputs": {k: mf.enc(v) for k, v in INPUTS.items()}, "cases": CASES, "errors": ERRORS}
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
