"""Fixtures of torchnode's vision.ops layers (torchvision 0.28 on torch 2.13): run with .venv/bin/python
scripts/make-vision-ops-fixtures.py.

Writes test/fixtures/vision-ops-layers.json (read by test/vision-ops-layers.test.ts) for FrozenBatchNorm2d,
Conv3dNormActivation (and Conv2dNormActivation through the same ConvNormActivation code), DropBlock2d/3d
with drop_block2d/3d, and FeaturePyramidNetwork with its extra blocks:
  modules   name -> a layer built right after torch.manual_seed(0) (loading a state dict where the case says
            so): its state dict (names, shapes, dtypes, SHA-256 of each tensor's bytes: weights bit for bit),
            module tree and repr; then, after torch.manual_seed(1), its inputs (torch.randn, in order), its
            eval output, its train output on copies that require grad (random draws included), the SHA-256 of
            the input and parameter gradients after backward of the sum of every output, of the buffers after
            that train step, and the next torch.rand(1) (so the port must draw exactly as many numbers)
  functions name -> drop_block2d/3d on a seeded input: the output, the input gradient, the next torch.rand(1)
  errors    name -> the message torchvision raises
Outputs run oneDNN convolutions: bit-exact on the CPU model that made them (meta.cpuModel).
Deterministic: a rerun rewrites the same bytes.
"""
import hashlib
import importlib.util
import json
import os
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
from torch import nn  # noqa: E402

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision.ops import (Conv2dNormActivation, Conv3dNormActivation, DropBlock2d, DropBlock3d,  # noqa: E402
                             FeaturePyramidNetwork, FrozenBatchNorm2d, drop_block2d, drop_block3d)
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool, LastLevelP6P7  # noqa: E402
from cpu_identity import cpu_model  # noqa: E402 (meta.cpuModel: model name and oneDNN ISA)

OUT = os.path.join(HERE, "..", "test", "fixtures", "vision-ops-layers.json")


def sha(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


# ---- builders of the layers that need more than a constructor call

def frozen_from_batch_norm():
    """A BatchNorm2d with non-trivial affine parameters after one training step (running stats,
    num_batches_tracked = 1), loaded into a FrozenBatchNorm2d with another eps."""
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_()
    bn(torch.randn(4, 3, 5, 5) * 2 + 1)
    m = FrozenBatchNorm2d(3, eps=1e-3)
    sd = bn.state_dict()
    assert "num_batches_tracked" in sd
    result = m.load_state_dict(sd)
    assert not result.missing_keys and not result.unexpected_keys
    return m


def old_version_fpn():
    """An FPN's weights saved with the pre-version-2 names (inner_blocks.<i>.weight: before the blocks were
    Conv2dNormActivation) and without _metadata, loaded into a differently seeded FPN."""
    a = FeaturePyramidNetwork([4, 8], 6, extra_blocks=LastLevelP6P7(6, 6))
    old = OrderedDict()
    for k, v in a.state_dict().items():
        parts = k.split(".")
        if parts[0] in ("inner_blocks", "layer_blocks") and parts[2] == "0":
            k = ".".join(parts[:2] + parts[3:])
        old[k] = v
    assert "inner_blocks.0.weight" in old and "layer_blocks.1.bias" in old
    torch.manual_seed(5)
    b = FeaturePyramidNetwork([4, 8], 6, extra_blocks=LastLevelP6P7(6, 6))
    result = b.load_state_dict(old)  # a plain OrderedDict: no _metadata, so version None renames
    assert not result.missing_keys and not result.unexpected_keys
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    return b


def fmaps(*entries):
    return {"maps": [[name, shape] for name, shape in entries]}


# name: (python constructor, input: a shape, or {"maps": [[name, shape], ...]} for an FPN's OrderedDict)
MODULES = {
    # FrozenBatchNorm2d
    "frozen_bn_default": ("FrozenBatchNorm2d(4)", [2, 4, 5, 5]),
    "frozen_bn_from_batch_norm": ("frozen_from_batch_norm()", [2, 3, 4, 6]),
    # Conv3dNormActivation
    "conv3d_default": ("Conv3dNormActivation(3, 8)", [1, 3, 4, 5, 6]),
    "conv3d_tuple_plain": ("Conv3dNormActivation(4, 6, kernel_size=(3, 1, 5), stride=(1, 2, 1), dilation=(2, 1, 1), norm_layer=None, activation_layer=None)",
                           [1, 4, 7, 6, 9]),
    "conv3d_groups_silu": ("Conv3dNormActivation(4, 8, 3, 2, None, 2, lambda c: nn.GroupNorm(2, c), nn.SiLU, inplace=None, bias=True)", [2, 4, 6, 5, 7]),
    "conv3d_dilation_tuple": ("Conv3dNormActivation(2, 4, kernel_size=3, dilation=(1, 2, 2), activation_layer=nn.ReLU6)", [1, 2, 6, 8, 8]),
    "conv3d_padding_zero": ("Conv3dNormActivation(3, 5, kernel_size=1, padding=0, stride=2, inplace=False)", [2, 3, 5, 5, 5]),
    "conv3d_same": ("Conv3dNormActivation(2, 3, kernel_size=4, padding='same', norm_layer=None)", [1, 2, 5, 6, 7]),
    # Conv2dNormActivation, through the shared ConvNormActivation (tuple kernel sizes, which misc.ts's port lacks)
    "conv2d_default": ("Conv2dNormActivation(3, 8)", [2, 3, 9, 10]),
    "conv2d_tuple": ("Conv2dNormActivation(3, 6, kernel_size=(3, 5), stride=(2, 1), dilation=(1, 2), activation_layer=nn.Hardswish)", [2, 3, 11, 12]),
    # DropBlock (train: the draws; eval: the input itself)
    "drop_block2d": ("DropBlock2d(0.25, 3)", [2, 3, 10, 12]),
    "drop_block2d_inplace_eps": ("DropBlock2d(p=0.5, block_size=5, inplace=True, eps=0.25)", [2, 2, 9, 9]),
    "drop_block2d_clamped": ("DropBlock2d(0.3, 11)", [1, 3, 7, 8]),
    "drop_block3d": ("DropBlock3d(0.2, 3)", [1, 2, 6, 7, 8]),
    "drop_block3d_inplace": ("DropBlock3d(0.4, 5, True)", [1, 2, 5, 6, 6]),
    # FeaturePyramidNetwork
    "fpn_plain": ("FeaturePyramidNetwork([4, 8, 16], 6)", fmaps(["feat0", [1, 4, 12, 12]], ["feat1", [1, 8, 6, 6]], ["feat2", [1, 16, 3, 3]])),
    "fpn_maxpool_odd": ("FeaturePyramidNetwork([3, 5, 7], 4, extra_blocks=LastLevelMaxPool())",
                        fmaps(["c2", [1, 3, 15, 13]], ["c3", [1, 5, 8, 7]], ["c4", [1, 7, 3, 4]])),
    "fpn_p6p7_same": ("FeaturePyramidNetwork([4, 8], 8, LastLevelP6P7(8, 8))", fmaps(["p4", [1, 4, 10, 10]], ["p5", [1, 8, 5, 5]])),
    "fpn_p6p7_diff": ("FeaturePyramidNetwork([4, 8, 16], 8, extra_blocks=LastLevelP6P7(16, 8))",
                      fmaps(["c3", [1, 4, 10, 10]], ["c4", [1, 8, 5, 5]], ["c5", [1, 16, 3, 3]])),
    "fpn_batch_norm": ("FeaturePyramidNetwork([4, 8, 12], 6, extra_blocks=LastLevelMaxPool(), norm_layer=nn.BatchNorm2d)",
                       fmaps(["0", [2, 4, 8, 7]], ["1", [2, 8, 4, 4]], ["2", [2, 12, 2, 2]])),
    "fpn_group_norm": ("FeaturePyramidNetwork([6, 6], 4, norm_layer=lambda c: nn.GroupNorm(2, c))", fmaps(["a", [2, 6, 8, 8]], ["b", [2, 6, 4, 4]])),
    "fpn_old_version": ("old_version_fpn()", fmaps(["x", [1, 4, 10, 10]], ["y", [1, 8, 5, 5]])),
}

# name: (python call on x, which requires grad, input shape, dtype)
FUNCTIONS = {
    "d2_basic": ("drop_block2d(x, 0.3, 3)", [2, 3, 12, 12], "float32"),
    "d2_keywords": ("drop_block2d(x, p=0.6, block_size=5, eps=0.001)", [2, 2, 11, 13], "float32"),
    "d2_clamped": ("drop_block2d(x, 0.5, 9)", [1, 2, 5, 7], "float32"),
    "d2_p1_block1": ("drop_block2d(x, 1.0, 1)", [1, 2, 4, 4], "float32"),
    "d2_p0": ("drop_block2d(x, 0.0, 3)", [1, 2, 6, 6], "float32"),
    "d2_not_training": ("drop_block2d(x, 0.5, 3, False, 1e-06, False)", [1, 2, 6, 6], "float32"),
    "d2_inplace": ("drop_block2d(x.clone(), 0.4, 3, inplace=True)", [2, 3, 8, 9], "float32"),
    "d2_float64": ("drop_block2d(x, 0.35, 3)", [2, 2, 9, 10], "float64"),
    "d3_basic": ("drop_block3d(x, 0.2, 3)", [1, 2, 6, 7, 8], "float32"),
    "d3_clamped_inplace": ("drop_block3d(x.clone(), 0.5, 7, True, eps=0.01)", [1, 2, 5, 6, 9], "float32"),
    "d3_float64": ("drop_block3d(x, 0.15, 1)", [1, 3, 4, 5, 6], "float64"),
}

ERRORS = {
    "drop_block2d_p": "drop_block2d(torch.zeros(1, 1, 5, 5), 1.5, 3)",
    "drop_block2d_negative_p": "drop_block2d(torch.zeros(1, 1, 5, 5), -0.1, 3)",
    "drop_block2d_dims": "drop_block2d(torch.zeros(1, 5, 5), 0.1, 3)",
    "drop_block2d_even": "drop_block2d(torch.zeros(1, 1, 8, 8), 0.1, 4)",
    "drop_block2d_even_clamped": "drop_block2d(torch.zeros(1, 1, 6, 8), 0.1, 7)",
    "drop_block3d_dims": "drop_block3d(torch.zeros(1, 1, 5, 5), 0.1, 3)",
    "drop_block3d_p": "drop_block3d(torch.zeros(1, 1, 5, 5, 5), 2.0, 3)",
    "drop_block3d_even": "drop_block3d(torch.zeros(1, 1, 4, 5, 5), 0.1, 5)",
    "fpn_zero_channels": "FeaturePyramidNetwork([4, 0], 6)",
    "fpn_extra_blocks_type": "FeaturePyramidNetwork([4], 6, extra_blocks=nn.ReLU())",
}


def outputs_of(out):
    """An output as [keys or None, list of tensors]."""
    if isinstance(out, dict):
        return list(out.keys()), list(out.values())
    return None, [out]


def module_case(name, src, spec):
    torch.manual_seed(0)
    model = eval(src)
    state = [[k, list(v.shape), str(v.dtype)[6:], sha(v)] for k, v in model.state_dict().items()]
    torch.manual_seed(1)
    maps = spec["maps"] if isinstance(spec, dict) else [[None, spec]]
    xs = [torch.randn(*shape) for _, shape in maps]
    wrap = (lambda ts: OrderedDict(zip([n for n, _ in maps], ts))) if isinstance(spec, dict) else (lambda ts: ts[0])
    model.eval()
    with torch.no_grad():
        eval_keys, evaluated = outputs_of(model(wrap([x.clone() for x in xs])))
    model.train()
    leaves = [x.clone().requires_grad_(True) for x in xs]
    train_keys, trained = outputs_of(model(wrap([leaf.clone() for leaf in leaves])))  # clones: an inplace layer may write them
    assert train_keys == eval_keys
    sum(t.sum() for t in trained).backward()
    return {
        "name": name, "py": src, "input": spec,
        "state": state,
        "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
        "repr": repr(model),
        "keys": eval_keys,
        "eval": [mf.enc_tensor(t) for t in evaluated],
        "train": [mf.enc_tensor(t) for t in trained],
        "inputGrads": [sha(leaf.grad) for leaf in leaves],
        "grads": [[k, sha(p.grad)] for k, p in model.named_parameters()],
        "buffers": [[k, sha(b)] for k, b in model.named_buffers()],
        "nextRand": mf.enc_tensor(torch.rand(1)),
    }


def function_case(name, src, shape, dtype):
    torch.manual_seed(1)
    leaf = torch.randn(*shape, dtype=getattr(torch, dtype)).requires_grad_(True)
    x = leaf
    out = eval(src)
    out.sum().backward()
    return {
        "name": name, "py": src, "input": shape, "dtype": dtype,
        "output": mf.enc_tensor(out), "inputGrad": mf.enc_tensor(leaf.grad),
        "nextRand": mf.enc_tensor(torch.rand(1)),
    }


def error_of(src):
    try:
        eval(src)
    except (ValueError, TypeError) as e:
        return str(e)
    raise AssertionError(f"{src} did not raise")


def main():
    out = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "cpuCapability": mf.CPU_CAPABILITY,
                 "threads": torch.get_num_threads(), "cpuModel": cpu_model()},
        "modules": [module_case(name, src, spec) for name, (src, spec) in MODULES.items()],
        "functions": [function_case(name, src, shape, dtype) for name, (src, shape, dtype) in FUNCTIONS.items()],
        "errors": {name: error_of(src) for name, src in ERRORS.items()},
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"{len(out['modules'])} module cases, {len(out['functions'])} function cases, {len(out['errors'])} errors")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
