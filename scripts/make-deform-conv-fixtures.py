"""Fixtures of torchnode's vision.ops.deformConv2d / DeformConv2d (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-deform-conv-fixtures.py.

Writes test/fixtures/deform-conv.json (read by test/vision-deform-conv.test.ts):
  inputs   the tensors every case starts from (stored exactly)
  cases    name -> [output, then the gradients of (out * weights).sum() (weights of `weights_for`) for the
           input, offset, mask (v2 only), weight and bias (when given)]
  inits    name -> [weight, bias or None] of torchvision.ops.DeformConv2d after torch.manual_seed(seed)
  reprs    name -> repr(DeformConv2d(...))
  errors   name -> the message torchvision raises (the port keeps the text after its function name)
Deterministic: a rerun rewrites the same bytes.

torchvision's _C.so is a CUDA build that fails to load against CPU torch, so its native deform_conv2d
cannot run here. The reference is torchvision's own Python (deform_conv2d's defaults, _pair, its offset-group
check; DeformConv2d's init, forward and __repr__) calling `ref_deform_conv2d` in place of
torch.ops.torchvision.deform_conv2d: a transcription of the forward kernel of
torchvision/csrc/ops/cpu/deform_conv2d_kernel.cpp (its TORCH_CHECKs and messages, its output size in C int
division, bilinear_interpolate with the kernel's branches on every sampling point, the column layout
channel-major then tap, the per-group matmul, the bias). It runs as torch ops on 0-d and [Cg] tensors in the
case's dtype, so autograd gives the reference gradients (the native backward computes the same derivatives
in closed form). Before anything is recorded the script proves the reference: zero offsets (mask of ones)
equal torch.nn.functional.conv2d, integer offsets equal conv2d of the shifted input, and a hand-worked
bilinear case, with its hand-worked offset gradient.
"""
import importlib.util
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import torchvision_cpu  # noqa: E402,F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision.ops import deform_conv as dc  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "deform-conv.json")
G = torch.Generator().manual_seed(20261205)
BARE = "Expected {} to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)"


# ------------------------------------------------------------------------------------------------
# The reference: the CPU forward kernel, transcribed


def check(cond, message):
    if not cond:
        raise RuntimeError(message)


def c_div(a, b):
    """C++ int division: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def bilinear_interpolate(im, height, width, h, w):
    """bilinear_interpolate for the [Cg, H, W] channels of one offset group at the 0-d tensors h, w: [Cg].

    The forward kernel returns 0 from h <= -1 on; its backward kernels (get_coordinate_weight,
    deformable_col2im's weights) test only each corner. At exactly -1 the corner formula below gives the
    same 0, and autograd through it gives the backward kernels' derivatives (the offset's is not 0 there:
    the row or column 0 corners count), so the early return starts below -1 here."""
    zero = im.new_zeros(im.shape[0])
    hf, wf = float(h), float(w)
    if hf < -1 or height <= hf or wf < -1 or width <= wf:
        return zero
    h_low, w_low = math.floor(hf), math.floor(wf)
    h_high, w_high = h_low + 1, w_low + 1
    lh = h - h_low
    lw = w - w_low
    hh, hw = 1 - lh, 1 - lw
    v1 = im[:, h_low, w_low] if h_low >= 0 and w_low >= 0 else zero
    v2 = im[:, h_low, w_high] if h_low >= 0 and w_high <= width - 1 else zero
    v3 = im[:, h_high, w_low] if h_high <= height - 1 and w_low >= 0 else zero
    v4 = im[:, h_high, w_high] if h_high <= height - 1 and w_high <= width - 1 else zero
    w1, w2, w3, w4 = hh * hw, hh * lw, lh * hw, lh * lw
    return w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4


def im2col(im, offset, mask, kh, kw, geo, use_mask):
    """deformable_im2col for one image: [C * kh * kw, out_h * out_w], rows channel-major then tap."""
    sh, sw, ph, pw, dh, dw, n_offset_grps, out_h, out_w = geo
    channels, height, width = im.shape
    per_grp = channels // n_offset_grps
    groups = []
    for g in range(n_offset_grps):
        group_im = im[g * per_grp:(g + 1) * per_grp]
        taps = []
        for i in range(kh):
            for j in range(kw):
                k = i * kw + j
                points = []
                for oy in range(out_h):
                    for ox in range(out_w):
                        y = offset[g * 2 * kh * kw + 2 * k, oy, ox] + ((oy * sh - ph) + i * dh)
                        x = offset[g * 2 * kh * kw + 2 * k + 1, oy, ox] + ((ox * sw - pw) + j * dw)
                        m = mask[g * kh * kw + k, oy, ox] if use_mask else 1
                        points.append(m * bilinear_interpolate(group_im, height, width, y, x))
                taps.append(torch.stack(points, 1))  # [Cg, L]
        groups.append(torch.stack(taps, 1))  # [Cg, K, L]
    return torch.cat(groups, 0).reshape(channels * kh * kw, out_h * out_w)


def ref_deform_conv2d(input, weight, offset, mask, bias, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w,
                      n_weight_grps, n_offset_grps, use_mask):
    """deform_conv2d_forward_kernel: its checks in order, then im2col and the grouped matmul per image."""
    check(input.dim() == 4, BARE.format("input_c.ndimension() == 4"))
    check(offset.dim() == 4, BARE.format("offset_c.ndimension() == 4"))
    check(not use_mask or mask.dim() == 4, BARE.format("!use_mask || mask_c.ndimension() == 4"))
    check(weight.dim() == 4, BARE.format("weight_c.ndimension() == 4"))
    batch, channels, in_h, in_w = input.shape
    out_channels, _, kh, kw = weight.shape
    # the kernel divides by the stride before checking it (a zero stride is a SIGFPE there)
    out_h = c_div(in_h + 2 * pad_h - (dil_h * (kh - 1) + 1), stride_h) + 1 if stride_h > 0 else 0
    out_w = c_div(in_w + 2 * pad_w - (dil_w * (kw - 1) + 1), stride_w) + 1 if stride_w > 0 else 0
    check(kh > 0 and kw > 0, f"weight_h: {kh} weight_w: {kw}")
    check(stride_h > 0 and stride_w > 0, f"stride_h: {stride_h} stride_w: {stride_w}")
    check(pad_h >= 0 and pad_w >= 0, f"pad_h: {pad_h} pad_w: {pad_w}")
    check(dil_h > 0 and dil_w > 0, f"dilation_h: {dil_h} dilation_w: {dil_w}")
    check(weight.shape[1] * n_weight_grps == channels, BARE.format("weight_c.size(1) * n_weight_grps == input_c.size(1)"))
    check(out_channels % n_weight_grps == 0, BARE.format("weight_c.size(0) % n_weight_grps == 0"))
    check(offset.shape[1] == n_offset_grps * 2 * kh * kw,
          f"offset.shape[1] is not valid: got: {offset.shape[1]} expected: {n_offset_grps * 2 * kh * kw}")
    if use_mask:  # (the messages read mask's dims, which the unused (N, 1) placeholder lacks)
        check(mask.shape[1] == n_offset_grps * kh * kw,
              f"mask.shape[1] is not valid: got: {mask.shape[1]} expected: {n_offset_grps * kh * kw}")
    check(channels % n_offset_grps == 0, BARE.format("input_c.size(1) % n_offset_grps == 0"))
    check(offset.shape[0] == batch, "invalid batch size of offset")
    check(offset.shape[2] == out_h and offset.shape[3] == out_w,
          f"offset output dims: ({offset.shape[2]}, {offset.shape[3]}) - computed output dims: ({out_h}, {out_w})")
    check(mask.shape[0] == batch, "invalid batch size of mask")
    if use_mask:
        check(mask.shape[2] == out_h and mask.shape[3] == out_w,
              f"mask output dims: ({mask.shape[2]}, {mask.shape[3]}) - computed output dims: ({out_h}, {out_w})")
    check(out_h > 0 and out_w > 0, f"Calculated output size too small - out_h: {out_h} out_w: {out_w}")

    geo = (stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, n_offset_grps, out_h, out_w)
    rows = channels // n_weight_grps * kh * kw
    outs = []
    for b in range(batch):
        cols = im2col(input[b], offset[b], mask[b] if use_mask else None, kh, kw, geo, use_mask)
        per_group = [weight[g * (out_channels // n_weight_grps):(g + 1) * (out_channels // n_weight_grps)].flatten(1)
                     @ cols[g * rows:(g + 1) * rows] for g in range(n_weight_grps)]
        outs.append(torch.cat(per_group, 0).reshape(out_channels, out_h, out_w))
    return torch.stack(outs, 0) + bias.view(1, out_channels, 1, 1)


dc._assert_has_ops = lambda: None  # its native ops are the reference's
torch.ops.torchvision.deform_conv2d = ref_deform_conv2d
assert not torchvision.extension._has_ops()


# ------------------------------------------------------------------------------------------------
# The reference proves itself


def close(a, b, tol=1e-12):
    return a.shape == b.shape and (a - b).abs().max().item() <= tol


def zero_offsets_give_conv2d():
    for (n, c, h, w, o, kh, kw, stride, padding, dilation, groups, offset_grps) in [
        (1, 3, 6, 5, 4, 3, 3, 1, 0, 1, 1, 1),
        (2, 4, 7, 8, 6, 3, 2, (2, 1), (1, 2), (2, 1), 2, 2),
        (1, 6, 5, 5, 3, 2, 2, 2, 1, 1, 3, 3),
    ]:
        x = torch.randn(n, c, h, w, dtype=torch.float64)
        wt = torch.randn(o, c // groups, kh, kw, dtype=torch.float64)
        b = torch.randn(o, dtype=torch.float64)
        want = F.conv2d(x, wt, b, stride, padding, dilation, groups)
        off = torch.zeros(n, 2 * offset_grps * kh * kw, *want.shape[2:], dtype=torch.float64)
        ones = torch.ones(n, offset_grps * kh * kw, *want.shape[2:], dtype=torch.float64)
        for mask in [None, ones]:
            got = dc.deform_conv2d(x, off, wt, b, stride, padding, dilation, mask)
            assert close(got, want), f"zero offsets: {(got - want).abs().max()}"


def shifted(x, dy, dx):
    """x[..., y + dy, x + dx], zero outside."""
    h, w = x.shape[-2:]
    p = max(abs(dy), abs(dx))
    return F.pad(x, (p, p, p, p))[..., p + dy:p + dy + h, p + dx:p + dx + w]


def integer_offsets_give_shifted_conv2d():
    # two offset groups with their own shift; no padding, so every tap's unshifted point is in the image
    x = torch.randn(2, 4, 6, 7, dtype=torch.float64)
    wt = torch.randn(4, 2, 3, 2, dtype=torch.float64)
    shifts = [(1, -2), (-1, 3)]
    want = F.conv2d(torch.cat([shifted(x[:, :2], *shifts[0]), shifted(x[:, 2:], *shifts[1])], 1), wt, None, (1, 2), 0, (1, 2), 2)
    off = torch.zeros(2, 2, 6, 2, *want.shape[2:], dtype=torch.float64)
    for g, (dy, dx) in enumerate(shifts):
        off[:, g, :, 0] = dy
        off[:, g, :, 1] = dx
    got = dc.deform_conv2d(x, off.reshape(2, 24, *want.shape[2:]), wt, None, (1, 2), 0, (1, 2))
    assert close(got, want), f"integer offsets: {(got - want).abs().max()}"


def hand_bilinear():
    """[[1, 2], [3, 4]] through a 1x1 kernel of weight 1, one sampling point per output location:
    (0.25, 0.5): 2.0; (-0.5, 1): only the in-map corners of row 0, 0.5 * 2 = 1.0; (1, -1): outside, 0;
    (1.5, 1.5): only (1, 1), 0.25 * 4 = 1.0. Masked by [[2, 1], [1, 3]]: 4, 1, 0, 3. The point (1, -1) on
    the left edge still has an x gradient in the native backward (get_coordinate_weight: 3 - 0 = 3)."""
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=torch.float64)
    wt = torch.ones(1, 1, 1, 1, dtype=torch.float64)
    off = torch.tensor([[0.25, 0.5], [-0.5, 0.0], [0.0, -1.0], [0.5, 0.5]], dtype=torch.float64).T.reshape(1, 2, 2, 2)
    off.requires_grad_()
    mask = torch.tensor([[[[2.0, 1.0], [1.0, 3.0]]]], dtype=torch.float64)
    out = dc.deform_conv2d(x, off, wt)
    assert out.flatten().tolist() == [2.0, 1.0, 0.0, 1.0], out
    assert dc.deform_conv2d(x, off, wt, mask=mask).flatten().tolist() == [4.0, 1.0, 0.0, 3.0]
    out.sum().backward()
    # at (0.25, 0.5): d/dy = 0.5 * (4 - 2) + 0.5 * (3 - 1) = 2, d/dx = 0.25 * (4 - 3) + 0.75 * (2 - 1) = 1
    assert off.grad[0, :, 0, 0].tolist() == [2.0, 1.0], off.grad
    assert off.grad[0, :, 1, 0].tolist() == [0.0, 3.0], off.grad
    return x, off.detach(), wt, mask


zero_offsets_give_conv2d()
integer_offsets_give_shifted_conv2d()
HAND = hand_bilinear()


# ------------------------------------------------------------------------------------------------
# Inputs and cases

INPUTS = {}
CASES = {}


def I(name):  # noqa: E743
    return INPUTS[name].clone()


def weights_for(out):
    """((k * 5) % 11 - 5) * 0.3 for the k-th element of out: a loss whose gradient differs everywhere."""
    return ((torch.arange(out.numel()) * 5) % 11 - 5).to(out.dtype).mul(0.3).reshape(out.shape)


def make_inputs(prefix, n, c, h, w, o, kh, kw, out_hw, offset_grps, groups, dtype, spread):
    """Seeded x, offset, mask, weight, bias of one configuration, each as `prefix`_name (drawn in float64)."""
    def draw(name, *shape, kind="randn", scale=1.0):
        t = (torch.randn if kind == "randn" else torch.rand)(*shape, generator=G, dtype=torch.float64) * scale
        INPUTS[f"{prefix}_{name}"] = t.to(dtype)
    draw("x", n, c, h, w)
    draw("offset", n, 2 * offset_grps * kh * kw, *out_hw, scale=spread)
    draw("mask", n, offset_grps * kh * kw, *out_hw, kind="rand")
    draw("weight", o, c // groups, kh, kw, scale=0.5)
    draw("bias", o)


def run(prefix, call, with_mask, with_bias):
    """call(x, offset, weight, bias, mask) with the inputs of `prefix`; the output and the gradients."""
    x, off, wt = (I(f"{prefix}_{k}").requires_grad_() for k in ("x", "offset", "weight"))
    mask = I(f"{prefix}_mask").requires_grad_() if with_mask else None
    bias = I(f"{prefix}_bias").requires_grad_() if with_bias else None
    out = call(x, off, wt, bias, mask)
    (out * weights_for(out)).sum().backward()
    return [out] + [t.grad for t in (x, off, mask, wt, bias) if t is not None]


def case(name, fn):
    assert name not in CASES
    CASES[name] = fn


# (prefix, n, c, h, w, o, kh, kw, stride, padding, dilation, offset groups, groups, offset spread)
CONFIGS = [
    ("plain", 1, 3, 6, 5, 4, 3, 3, 1, 0, 1, 1, 1, 1.5),
    ("groups", 1, 4, 4, 5, 6, 3, 3, 1, 1, 1, 2, 2, 1.5),
    ("geometry", 2, 2, 6, 7, 3, 3, 2, (2, 1), (1, 2), (2, 1), 2, 1, 1.5),
    ("offset_groups4", 1, 4, 5, 5, 2, 2, 2, 1, 0, 1, 4, 1, 1.0),
    ("outside", 2, 2, 5, 4, 3, 3, 3, 1, 1, 1, 1, 1, 4.0),
    ("batch3", 3, 2, 4, 5, 2, 2, 2, 2, 1, 1, 1, 1, 1.2),
    # zero offsets with padding 1 (DCN's usual start): the first row and column of taps sample exactly -1
    ("border", 1, 2, 4, 5, 3, 3, 3, 1, 1, 1, 1, 1, 0.0),
]


def out_size(size, k, stride, padding, dilation):
    return (size + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def pair(v):
    return v if isinstance(v, tuple) else (v, v)


for (prefix, n, c, h, w, o, kh, kw, stride, padding, dilation, og, groups, spread) in CONFIGS:
    s, p, d = pair(stride), pair(padding), pair(dilation)
    out_hw = (out_size(h, kh, s[0], p[0], d[0]), out_size(w, kw, s[1], p[1], d[1]))
    for dtype, suffix in [(torch.float64, "64"), (torch.float32, "32")]:
        name = f"{prefix}{suffix}"
        make_inputs(name, n, c, h, w, o, kh, kw, out_hw, og, groups, dtype, spread)
        for version, with_mask in [("v1", False), ("v2", True)]:
            def call(x, off, wt, bias, mask, stride=stride, padding=padding, dilation=dilation):
                return dc.deform_conv2d(x, off, wt, bias, stride=stride, padding=padding, dilation=dilation, mask=mask)
            case(f"{version}_{name}", lambda name=name, call=call, with_mask=with_mask: run(name, call, with_mask, True))
    # batch3 also without a bias (torchvision adds zeros)
case("v2_batch364_nobias", lambda: run("batch364", lambda x, off, wt, bias, mask: dc.deform_conv2d(x, off, wt, None, 2, 1, mask=mask), True, False))
case("v1_batch332_nobias", lambda: run("batch332", lambda x, off, wt, bias, mask: dc.deform_conv2d(x, off, wt, stride=2, padding=1), False, False))


def hand_case(with_mask):
    x, off, wt, mask = (t.clone() for t in HAND)
    tensors = [x, off, wt] + ([mask] if with_mask else [])
    for t in tensors:
        t.requires_grad_()
    out = dc.deform_conv2d(x, off, wt, mask=tensors[3] if with_mask else None)
    (out * weights_for(out)).sum().backward()
    return [out] + [t.grad for t in tensors]


INPUTS.update(zip(["hand_x", "hand_offset", "hand_weight", "hand_mask"], HAND))
case("hand_v1", lambda: hand_case(False))
case("hand_v2", lambda: hand_case(True))


def module_case():
    """DeformConv2d's forward: seeded init, then weight and bias gradients through the module."""
    torch.manual_seed(11)
    m = dc.DeformConv2d(4, 6, 3, padding=1, groups=2)
    x, off, mask = (I(f"groups64_{k}").float().requires_grad_() for k in ("x", "offset", "mask"))
    out = m(x, off, mask)
    (out * weights_for(out)).sum().backward()
    return [out, x.grad, off.grad, mask.grad, m.weight.grad, m.bias.grad]


case("module_groups32", module_case)

# DeformConv2d(*args, **kwargs) after torch.manual_seed(seed): its weight and bias
INIT_ARGS = {
    "init_3x3": (0, (3, 8, 3), {}),
    "init_groups": (1, (4, 6, (3, 2)), {"groups": 2, "padding": 1}),
    "init_nobias": (2, (2, 5, 1), {"bias": False}),
    "init_large": (3, (8, 16, 3), {"stride": 2, "dilation": 2}),
}


def init_of(seed, args, kwargs):
    torch.manual_seed(seed)
    m = dc.DeformConv2d(*args, **kwargs)
    return [m.weight, m.bias, list(m.state_dict().keys())]


REPRS = {
    "default": lambda: dc.DeformConv2d(3, 8, 3),
    "all": lambda: dc.DeformConv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2, groups=2, bias=False),
    "padding_only": lambda: dc.DeformConv2d(2, 2, 1, padding=1),
}


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return str(e)
    raise AssertionError("expected an error")


def bad(x_shape, off_shape, w_shape, mask_shape=None, bias_shape=None, **kwargs):
    t = lambda shape: torch.zeros(*shape, dtype=torch.float64)  # noqa: E731
    mask = t(mask_shape) if mask_shape else None
    bias = t(bias_shape) if bias_shape else None
    return lambda: dc.deform_conv2d(t(x_shape), t(off_shape), t(w_shape), bias, mask=mask, **kwargs)


ERRORS = {
    "offset_groups_zero": bad((1, 2, 5, 5), (1, 4, 3, 3), (3, 2, 3, 3)),
    "offset_channels": bad((1, 2, 5, 5), (1, 27, 3, 3), (3, 2, 3, 3)),
    "mask_channels": bad((1, 2, 5, 5), (1, 18, 3, 3), (3, 2, 3, 3), (1, 8, 3, 3)),
    "weight_groups": bad((1, 3, 5, 5), (1, 18, 3, 3), (4, 2, 3, 3)),
    "out_channels_groups": bad((1, 4, 5, 5), (1, 18, 3, 3), (5, 2, 3, 3)),
    "input_offset_groups": bad((1, 3, 5, 5), (1, 36, 3, 3), (4, 3, 3, 3)),
    "offset_batch": bad((1, 2, 5, 5), (2, 18, 3, 3), (3, 2, 3, 3)),
    "offset_dims": bad((1, 2, 6, 5), (1, 18, 3, 3), (3, 2, 3, 3)),
    "mask_batch": bad((1, 2, 5, 5), (1, 18, 3, 3), (3, 2, 3, 3), (2, 9, 3, 3)),
    "mask_dims": bad((1, 2, 5, 5), (1, 18, 3, 3), (3, 2, 3, 3), (1, 9, 3, 2)),
    "output_too_small": bad((1, 2, 2, 5), (1, 18, 0, 3), (3, 2, 3, 3)),
    "stride_zero": bad((1, 2, 5, 5), (1, 18, 3, 3), (3, 2, 3, 3), stride=(0, 1)),
    "padding_negative": bad((1, 2, 5, 5), (1, 18, 3, 3), (3, 2, 3, 3), padding=(-1, 0)),
    "dilation_zero": bad((1, 2, 5, 5), (1, 18, 3, 3), (3, 2, 3, 3), dilation=(1, 0)),
    "bias_size": bad((1, 2, 5, 5), (1, 18, 3, 3), (4, 2, 3, 3), bias_shape=(3,)),
    "module_in_groups": lambda: dc.DeformConv2d(3, 4, 3, groups=2),
    "module_out_groups": lambda: dc.DeformConv2d(4, 3, 3, groups=2),
}


def main():
    cases = {name: mf.enc(fn()) for name, fn in CASES.items()}
    fixture = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__,
                 "cpuCapability": mf.CPU_CAPABILITY, "threads": torch.get_num_threads()},
        "inputs": {name: mf.enc_tensor(t) for name, t in INPUTS.items()},
        "cases": cases,
        "inits": {name: mf.enc(init_of(*spec)) for name, spec in INIT_ARGS.items()},
        "reprs": {name: repr(fn()) for name, fn in REPRS.items()},
        "errors": {name: error_of(fn) for name, fn in ERRORS.items()},
    }
    mf.write_json(OUT, fixture)
    print(f"wrote {len(cases)} cases, {len(fixture['errors'])} errors to {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
