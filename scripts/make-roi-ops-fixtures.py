"""Fixtures of torchnode's vision.ops RoI operators (torchvision 0.28 on torch 2.13): run with
.venv/bin/python scripts/make-roi-ops-fixtures.py.

Writes test/fixtures/roi-ops.json (read by test/vision-roi-ops.test.ts):
  inputs   the tensors every case starts from (stored exactly)
  cases    name -> the reference result (outputs, and the input gradients of (out * weights).sum() for the
           weights of `weights_for`), each the port in the test must give bit for bit
  reprs    name -> repr(module) of torchvision's module classes
  errors   name -> the message torchvision raises (the port keeps the text after its function name)
Deterministic: a rerun rewrites the same bytes.

torchvision's _C.so is a CUDA build; torchvision_native loads it against CPU torch (stub CUDA libraries),
so its native CPU kernels run here.
  roi_align / RoIAlign / MultiScaleRoIAlign: torchvision itself, its CPU kernel
    (csrc/ops/cpu/roi_align_kernel.cpp) forward and backward, as Python runs it with native ops (its
    pure-PyTorch `_roi_align` is only the fallback without them); the RoIs get no gradient (None).
  roi_pool / ps_roi_pool / ps_roi_align: ref_* below, line-by-line Python transcriptions of torchvision's
    CPU kernels (torchvision/csrc/ops/cpu/{roi_pool,ps_roi_pool,ps_roi_align}_kernel.cpp), forward and
    backward, scalar by scalar in the kernel's type T (numpy float32/float64 scalars round each step as C++
    does), accumulating in the kernels' loop order. Gradients are what torchvision's autograd returns: the
    backward kernel applied to the output gradient (the RoIs get none). The shape checks are torchvision's
    own check_roi_boxes_shape / convert_boxes_to_roi_format (as the Python wrappers call them); the kernels'
    own checks (TORCH_CHECK) are quoted from their source.
"""
import importlib.util
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)  # pins ATEN_CPU_CAPABILITY=avx2 and one thread before torch loads

import torch  # noqa: E402

import torchvision_native  # noqa: E402,F401 (torchvision's native kernels against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision import ops  # noqa: E402
from torchvision.ops._utils import check_roi_boxes_shape, convert_boxes_to_roi_format  # noqa: E402
from torchvision.ops import poolers  # noqa: E402


OUT = os.path.join(HERE, "..", "test", "fixtures", "roi-ops.json")
G = torch.Generator().manual_seed(20260412)


def rand(*shape, dtype=torch.float32):
    return torch.rand(*shape, generator=G, dtype=torch.float64).to(dtype)


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=G, dtype=torch.float64).to(dtype)


# ------------------------------------------------------------------------------------------------
# Inputs

INPUTS = {}


def inp(name, t):
    INPUTS[name] = t
    return t


def I(name):  # noqa: E743
    return INPUTS[name].clone()


def rois_for(n, batch, scale, dtype, special=True):
    """n RoIs (batch index, x1, y1, x2, y2) over a feature map of `scale` image pixels: some reach past its
    edges, one is reversed (x2 < x1), one smaller than a pixel, one entirely outside."""
    xy = rand(n, 2, dtype=torch.float64) * scale * 1.2 - scale * 0.15
    wh = rand(n, 2, dtype=torch.float64) * scale * 0.6
    b = torch.cat([xy, xy + wh], 1)
    if not special:
        return torch.cat([torch.zeros(n, 1, dtype=torch.float64), b], 1).to(dtype)
    b[1] = torch.tensor([b[1, 2], b[1, 1], b[1, 0], b[1, 3]])       # reversed in x
    b[2, 2:] = b[2, :2] + 0.3                                      # smaller than a pixel
    b[3] = torch.tensor([-9.0, -7.5, -2.0, -1.25]) * scale / 10   # entirely above and left of the map
    ids = (torch.arange(n) % batch).to(torch.float64)[:, None]
    return torch.cat([ids, b], 1).to(dtype)


# roi_align / roi_pool: 2 images, 3 channels, 7 x 9 maps (image coordinates at most ~2x the map)
inp("x32", randn(2, 3, 7, 9))
inp("x64", randn(2, 3, 7, 9, dtype=torch.float64))
inp("rois32", rois_for(7, 2, 16.0, torch.float32))
inp("rois64", rois_for(7, 2, 16.0, torch.float64))
# the kernel throws for a reversed RoI under aligned adaptive sampling (a negative grid side: see ERRORS)
inp("rois32_ordered", INPUTS["rois32"][[0, 2, 3, 4, 5, 6]])
inp("rois64_ordered", INPUTS["rois64"][[0, 2, 3, 4, 5, 6]])
inp("boxes_a", rois_for(3, 1, 16.0, torch.float32, False)[:, 1:])       # a list of per-image boxes
inp("boxes_b", rois_for(2, 1, 16.0, torch.float32, False)[:, 1:])
inp("boxes_none", torch.zeros(0, 4))
inp("rois_empty", torch.zeros(0, 5))
# quantized values: ties for roi_pool's max (the first in row-major order wins), and special values
inp("xq", (randn(2, 3, 7, 9) * 2).round() / 2)
xs = (randn(1, 2, 5, 6, dtype=torch.float64) * 2).round() / 2
xs[0, 0, 1, 1] = float("nan")
xs[0, 0, 2, 3] = float("inf")
xs[0, 1, :3, :3] = float("-inf")
xs[0, 1, 4, 5] = -3.5e38  # below -FLT_MAX, roi_pool's start value even for double: never the max
inp("xs", xs)
inp("rois_s", torch.tensor([[0, 0.0, 0.0, 5.0, 4.0], [0, 0.5, 0.5, 2.5, 2.5], [0, 3.0, 1.0, 5.5, 4.5], [0, 1.0, 0.0, 1.0, 0.0]], dtype=torch.float64))
# ps_roi_*: 8 channels = 2 output channels x (2 x 2) bins, or 4 x (1 x 2)
inp("p32", randn(2, 8, 6, 7))
inp("p64", randn(2, 8, 6, 7, dtype=torch.float64))
inp("prois32", rois_for(6, 2, 14.0, torch.float32))
inp("prois64", rois_for(6, 2, 14.0, torch.float64))
# MultiScaleRoIAlign: an FPN-like pyramid over 64 x 80 images (strides 4, 8, 16), boxes of many sizes
inp("f0", randn(2, 2, 16, 20))
inp("f1", randn(2, 2, 8, 10))
inp("f2", randn(2, 2, 4, 5))
ms_boxes = []
for n in (4, 3):
    xy = rand(n, 2, dtype=torch.float64) * 50
    wh = torch.tensor([4.0, 12.0, 40.0, 70.0, 25.0, 7.0, 56.0])[:n, None] * (0.6 + rand(n, 2, dtype=torch.float64))
    ms_boxes.append(torch.cat([xy, xy + wh], 1).float())
inp("ms_boxes0", ms_boxes[0])
inp("ms_boxes1", ms_boxes[1])


def weights_for(out):
    """The output gradient every case backpropagates: ((k * 5) % 11 - 5) * 0.3 for the k-th element."""
    k = torch.arange(out.numel())
    return (((k * 5) % 11 - 5).to(out.dtype) * 0.3).reshape(out.shape)


# ------------------------------------------------------------------------------------------------
# Kernel transcriptions

FLT_MAX = float(np.finfo(np.float32).max)


def c_round(v):
    """C's round(): half away from zero."""
    v = float(v)
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5) if v == v else v


def c_int(v):
    """C's (int) conversion: toward zero."""
    return int(math.trunc(float(v)))


def scalar_type(t):
    return np.float32 if t.dtype == torch.float32 else np.float64


def roi_pool_forward(input, rois, spatial_scale, pooled_height, pooled_width):
    """roi_pool_forward_kernel_impl: (output, argmax)."""
    T = scalar_type(input)
    num_rois = rois.size(0)
    _, channels, height, width = input.shape
    inp_ = [T(v) for v in input.contiguous().reshape(-1).tolist()]
    rois_ = [T(v) for v in rois.contiguous().reshape(-1).tolist()]
    spatial_scale = T(spatial_scale)
    output = [T(0)] * (num_rois * channels * pooled_height * pooled_width)
    argmax_data = [0] * len(output)
    for n in range(num_rois):
        offset_rois = rois_[n * 5:n * 5 + 5]
        roi_batch_ind = c_int(offset_rois[0])
        roi_start_w = c_int(c_round(offset_rois[1] * spatial_scale))
        roi_start_h = c_int(c_round(offset_rois[2] * spatial_scale))
        roi_end_w = c_int(c_round(offset_rois[3] * spatial_scale))
        roi_end_h = c_int(c_round(offset_rois[4] * spatial_scale))
        roi_width = max(roi_end_w - roi_start_w + 1, 1)
        roi_height = max(roi_end_h - roi_start_h + 1, 1)
        bin_size_h = T(roi_height) / T(pooled_height)
        bin_size_w = T(roi_width) / T(pooled_width)
        for ph in range(pooled_height):
            for pw in range(pooled_width):
                hstart = c_int(math.floor(T(ph) * bin_size_h))
                wstart = c_int(math.floor(T(pw) * bin_size_w))
                hend = c_int(math.ceil(T(ph + 1) * bin_size_h))
                wend = c_int(math.ceil(T(pw + 1) * bin_size_w))
                hstart = min(max(hstart + roi_start_h, 0), height)
                hend = min(max(hend + roi_start_h, 0), height)
                wstart = min(max(wstart + roi_start_w, 0), width)
                wend = min(max(wend + roi_start_w, 0), width)
                is_empty = (hend <= hstart) or (wend <= wstart)
                for c in range(channels):
                    maxval = T(0) if is_empty else T(-FLT_MAX)
                    maxidx = -1
                    input_offset = (roi_batch_ind * channels + c) * height * width
                    for h in range(hstart, hend):
                        for w in range(wstart, wend):
                            input_index = h * width + w
                            if inp_[input_offset + input_index] > maxval:
                                maxval = inp_[input_offset + input_index]
                                maxidx = input_index
                    index = ((n * channels + c) * pooled_height + ph) * pooled_width + pw
                    output[index] = maxval
                    argmax_data[index] = maxidx
    shape = (num_rois, channels, pooled_height, pooled_width)
    return torch.tensor([float(v) for v in output], dtype=input.dtype).reshape(shape), argmax_data


def roi_pool_backward(grad, rois, argmax_data, batch_size, channels, height, width, pooled_height, pooled_width):
    """roi_pool_backward_kernel_impl (grad contiguous: its strides are the contiguous ones)."""
    T = scalar_type(grad)
    num_rois = rois.size(0)
    grad_ = [T(v) for v in grad.contiguous().reshape(-1).tolist()]
    rois_ = [T(v) for v in rois.contiguous().reshape(-1).tolist()]
    grad_input = [T(0)] * (batch_size * channels * height * width)
    n_stride, c_stride, h_stride, w_stride = channels * pooled_height * pooled_width, pooled_height * pooled_width, pooled_width, 1
    for n in range(num_rois):
        roi_batch_ind = c_int(rois_[n * 5])
        for c in range(channels):
            grad_input_offset = (roi_batch_ind * channels + c) * height * width
            argmax_data_offset = (n * channels + c) * pooled_height * pooled_width
            for ph in range(pooled_height):
                for pw in range(pooled_width):
                    output_offset = n * n_stride + c * c_stride
                    argmax = argmax_data[argmax_data_offset + ph * pooled_width + pw]
                    if argmax != -1:
                        grad_input[grad_input_offset + argmax] += T(grad_[output_offset + ph * h_stride + pw * w_stride])
    return torch.tensor([float(v) for v in grad_input], dtype=grad.dtype).reshape(batch_size, channels, height, width)


def ps_roi_pool_forward(input, rois, spatial_scale, pooled_height, pooled_width):
    """ps_roi_pool_forward_kernel_impl: (output, channel_mapping)."""
    T = scalar_type(input)
    num_rois = rois.size(0)
    _, channels, height, width = input.shape
    channels_out = channels // (pooled_height * pooled_width)
    inp_ = [T(v) for v in input.contiguous().reshape(-1).tolist()]
    rois_ = [T(v) for v in rois.contiguous().reshape(-1).tolist()]
    spatial_scale = T(spatial_scale)
    output = [T(0)] * (num_rois * channels_out * pooled_height * pooled_width)
    channel_mapping = [0] * len(output)
    for n in range(num_rois):
        offset_rois = rois_[n * 5:n * 5 + 5]
        roi_batch_ind = c_int(offset_rois[0])
        roi_start_w = c_int(c_round(offset_rois[1] * spatial_scale))
        roi_start_h = c_int(c_round(offset_rois[2] * spatial_scale))
        roi_end_w = c_int(c_round(offset_rois[3] * spatial_scale))
        roi_end_h = c_int(c_round(offset_rois[4] * spatial_scale))
        roi_width = max(roi_end_w - roi_start_w, 1)
        roi_height = max(roi_end_h - roi_start_h, 1)
        bin_size_h = T(roi_height) / T(pooled_height)
        bin_size_w = T(roi_width) / T(pooled_width)
        c_in = 0
        for c_out in range(channels_out):
            for ph in range(pooled_height):
                for pw in range(pooled_width):
                    hstart = c_int(math.floor(T(ph) * bin_size_h))
                    wstart = c_int(math.floor(T(pw) * bin_size_w))
                    hend = c_int(math.ceil(T(ph + 1) * bin_size_h))
                    wend = c_int(math.ceil(T(pw + 1) * bin_size_w))
                    hstart = min(max(hstart + roi_start_h, 0), height - 1)
                    hend = min(max(hend + roi_start_h, 0), height - 1)
                    wstart = min(max(wstart + roi_start_w, 0), width - 1)
                    wend = min(max(wend + roi_start_w, 0), width - 1)
                    is_empty = (hend <= hstart) or (wend <= wstart)
                    offset_input = (roi_batch_ind * channels + c_in) * height * width
                    out_sum = T(0)
                    for h in range(hstart, hend):
                        for w in range(wstart, wend):
                            out_sum += inp_[offset_input + h * width + w]
                    index = ((n * channels_out + c_out) * pooled_height + ph) * pooled_width + pw
                    bin_area = T((hend - hstart) * (wend - wstart))
                    output[index] = T(0) if is_empty else out_sum / bin_area
                    channel_mapping[index] = c_in
                    c_in += 1
    shape = (num_rois, channels_out, pooled_height, pooled_width)
    return torch.tensor([float(v) for v in output], dtype=input.dtype).reshape(shape), channel_mapping


def ps_roi_pool_backward(grad, rois, channel_mapping, spatial_scale, pooled_height, pooled_width, batch_size, channels, height, width):
    """ps_roi_pool_backward_kernel_impl: note roundf (the scaled coordinate as a float) and the bins clipped
    to height / width where the forward clips to height - 1 / width - 1."""
    T = scalar_type(grad)
    num_rois = rois.size(0)
    channels_out = channels // (pooled_height * pooled_width)
    grad_ = [T(v) for v in grad.contiguous().reshape(-1).tolist()]
    rois_ = [T(v) for v in rois.contiguous().reshape(-1).tolist()]
    spatial_scale = T(spatial_scale)
    grad_input = [T(0)] * (batch_size * channels * height * width)
    for n in range(num_rois):
        offset_rois = rois_[n * 5:n * 5 + 5]
        roi_batch_ind = c_int(offset_rois[0])
        roi_start_w = c_int(c_round(np.float32(offset_rois[1] * spatial_scale)))
        roi_start_h = c_int(c_round(np.float32(offset_rois[2] * spatial_scale)))
        roi_end_w = c_int(c_round(np.float32(offset_rois[3] * spatial_scale)))
        roi_end_h = c_int(c_round(np.float32(offset_rois[4] * spatial_scale)))
        roi_width = max(roi_end_w - roi_start_w, 1)
        roi_height = max(roi_end_h - roi_start_h, 1)
        bin_size_h = T(roi_height) / T(pooled_height)
        bin_size_w = T(roi_width) / T(pooled_width)
        for ph in range(pooled_height):
            for pw in range(pooled_width):
                hstart = c_int(math.floor(T(ph) * bin_size_h))
                wstart = c_int(math.floor(T(pw) * bin_size_w))
                hend = c_int(math.ceil(T(ph + 1) * bin_size_h))
                wend = c_int(math.ceil(T(pw + 1) * bin_size_w))
                hstart = min(max(hstart + roi_start_h, 0), height)
                hend = min(max(hend + roi_start_h, 0), height)
                wstart = min(max(wstart + roi_start_w, 0), width)
                wend = min(max(wend + roi_start_w, 0), width)
                is_empty = (hend <= hstart) or (wend <= wstart)
                for c_out in range(channels_out):
                    index = ((n * channels_out + c_out) * pooled_height + ph) * pooled_width + pw
                    c_in = channel_mapping[index]
                    grad_input_offset = (roi_batch_ind * channels + c_in) * height * width
                    bin_area = T((hend - hstart) * (wend - wstart))
                    diff_val = T(0) if is_empty else grad_[index] / bin_area
                    for h in range(hstart, hend):
                        for w in range(wstart, wend):
                            grad_input[grad_input_offset + h * width + w] += diff_val
    return torch.tensor([float(v) for v in grad_input], dtype=grad.dtype).reshape(batch_size, channels, height, width)


def bilinear_interpolate_gradient(height, width, y, x, T):
    """ps_roi_align_kernel.cpp's bilinear_interpolate_gradient: (w1, w2, w3, w4, x_low, x_high, y_low, y_high)."""
    if not (y >= -1.0 and y <= height and x >= -1.0 and x <= width):
        return T(0), T(0), T(0), T(0), -1, -1, -1, -1
    if y <= 0:
        y = T(0)
    if x <= 0:
        x = T(0)
    y_low = c_int(y)
    x_low = c_int(x)
    if y_low >= height - 1:
        y_high = y_low = height - 1
        y = T(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_high = x_low = width - 1
        x = T(x_low)
    else:
        x_high = x_low + 1
    ly = y - T(y_low)
    lx = x - T(x_low)
    hy = T(1.0 - float(ly))
    hx = T(1.0 - float(lx))
    return hy * hx, hy * lx, ly * hx, ly * lx, x_low, x_high, y_low, y_high


def bilinear_interpolate(inp_, offset, height, width, y, x, T):
    """ps_roi_align_kernel.cpp's bilinear_interpolate (input at inp_[offset:]): its weights and corners are
    bilinear_interpolate_gradient's, statement for statement."""
    w1, w2, w3, w4, x_low, x_high, y_low, y_high = bilinear_interpolate_gradient(height, width, y, x, T)
    if x_low == -1:
        return T(0)
    v1 = inp_[offset + y_low * width + x_low]
    v2 = inp_[offset + y_low * width + x_high]
    v3 = inp_[offset + y_high * width + x_low]
    v4 = inp_[offset + y_high * width + x_high]
    return w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4


def ps_roi_align_forward(input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio):
    """ps_roi_align_forward_kernel_impl: (output, channel_mapping)."""
    T = scalar_type(input)
    num_rois = rois.size(0)
    _, channels, height, width = input.shape
    channels_out = channels // (pooled_height * pooled_width)
    inp_ = [T(v) for v in input.contiguous().reshape(-1).tolist()]
    rois_ = [T(v) for v in rois.contiguous().reshape(-1).tolist()]
    spatial_scale = T(spatial_scale)
    output = [T(0)] * (num_rois * channels_out * pooled_height * pooled_width)
    channel_mapping = [0] * len(output)
    for n in range(num_rois):
        offset_rois = rois_[n * 5:n * 5 + 5]
        roi_batch_ind = c_int(offset_rois[0])
        roi_start_w = offset_rois[1] * spatial_scale - T(0.5)
        roi_start_h = offset_rois[2] * spatial_scale - T(0.5)
        roi_end_w = offset_rois[3] * spatial_scale - T(0.5)
        roi_end_h = offset_rois[4] * spatial_scale - T(0.5)
        roi_width = roi_end_w - roi_start_w
        roi_height = roi_end_h - roi_start_h
        bin_size_h = T(roi_height) / T(pooled_height)
        bin_size_w = T(roi_width) / T(pooled_width)
        c_in = 0
        for c_out in range(channels_out):
            for ph in range(pooled_height):
                for pw in range(pooled_width):
                    index = ((n * channels_out + c_out) * pooled_height + ph) * pooled_width + pw
                    hstart = T(ph) * bin_size_h + roi_start_h
                    wstart = T(pw) * bin_size_w + roi_start_w
                    roi_bin_grid_h = sampling_ratio if sampling_ratio > 0 else c_int(math.ceil(roi_height / T(pooled_height)))
                    roi_bin_grid_w = sampling_ratio if sampling_ratio > 0 else c_int(math.ceil(roi_width / T(pooled_width)))
                    count = T(roi_bin_grid_h * roi_bin_grid_w)
                    offset_input = (roi_batch_ind * channels + c_in) * height * width
                    out_sum = T(0)
                    for iy in range(roi_bin_grid_h):
                        y = hstart + T(iy + 0.5) * bin_size_h / T(roi_bin_grid_h)
                        for ix in range(roi_bin_grid_w):
                            x = wstart + T(ix + 0.5) * bin_size_w / T(roi_bin_grid_w)
                            out_sum += bilinear_interpolate(inp_, offset_input, height, width, y, x, T)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        out_sum /= count
                    output[index] = out_sum
                    channel_mapping[index] = c_in
                    c_in += 1
    shape = (num_rois, channels_out, pooled_height, pooled_width)
    return torch.tensor([float(v) for v in output], dtype=input.dtype).reshape(shape), channel_mapping


def ps_roi_align_backward(grad, rois, channel_mapping, spatial_scale, pooled_height, pooled_width, sampling_ratio,
                          batch_size, channels, height, width):
    """ps_roi_align_backward_kernel_impl: one pass over the output elements in order."""
    T = scalar_type(grad)
    channels_out = channels // (pooled_height * pooled_width)
    grad_ = [T(v) for v in grad.contiguous().reshape(-1).tolist()]
    rois_ = [T(v) for v in rois.contiguous().reshape(-1).tolist()]
    spatial_scale = T(spatial_scale)
    grad_input = [T(0)] * (batch_size * channels * height * width)
    for index in range(grad.numel()):
        pw = index % pooled_width
        ph = (index // pooled_width) % pooled_height
        n = index // pooled_width // pooled_height // channels_out
        offset_rois = rois_[n * 5:n * 5 + 5]
        roi_batch_ind = c_int(offset_rois[0])
        roi_start_w = offset_rois[1] * spatial_scale - T(0.5)
        roi_start_h = offset_rois[2] * spatial_scale - T(0.5)
        roi_end_w = offset_rois[3] * spatial_scale - T(0.5)
        roi_end_h = offset_rois[4] * spatial_scale - T(0.5)
        roi_width = roi_end_w - roi_start_w
        roi_height = roi_end_h - roi_start_h
        bin_size_h = roi_height / T(pooled_height)
        bin_size_w = roi_width / T(pooled_width)
        c_in = channel_mapping[index]
        grad_input_offset = (roi_batch_ind * channels + c_in) * height * width
        hstart = T(ph) * bin_size_h + roi_start_h
        wstart = T(pw) * bin_size_w + roi_start_w
        grad_output_this_bin = grad_[index]
        roi_bin_grid_h = sampling_ratio if sampling_ratio > 0 else c_int(math.ceil(roi_height / T(pooled_height)))
        roi_bin_grid_w = sampling_ratio if sampling_ratio > 0 else c_int(math.ceil(roi_width / T(pooled_width)))
        count = T(roi_bin_grid_h * roi_bin_grid_w)
        for iy in range(roi_bin_grid_h):
            y = hstart + T(iy + 0.5) * bin_size_h / T(roi_bin_grid_h)
            for ix in range(roi_bin_grid_w):
                x = wstart + T(ix + 0.5) * bin_size_w / T(roi_bin_grid_w)
                w1, w2, w3, w4, x_low, x_high, y_low, y_high = bilinear_interpolate_gradient(height, width, y, x, T)
                g1 = grad_output_this_bin * w1 / count
                g2 = grad_output_this_bin * w2 / count
                g3 = grad_output_this_bin * w3 / count
                g4 = grad_output_this_bin * w4 / count
                if x_low >= 0 and x_high >= 0 and y_low >= 0 and y_high >= 0:
                    grad_input[grad_input_offset + y_low * width + x_low] += g1
                    grad_input[grad_input_offset + y_low * width + x_high] += g2
                    grad_input[grad_input_offset + y_high * width + x_low] += g3
                    grad_input[grad_input_offset + y_high * width + x_high] += g4
    return torch.tensor([float(v) for v in grad_input], dtype=grad.dtype).reshape(batch_size, channels, height, width)


# The Python wrappers around the kernels (roi_pool.py, ps_roi_pool.py, ps_roi_align.py) minus
# _assert_has_ops, with the kernels' own TORCH_CHECKs, and their autograd: (output, input gradient of
# (output * weights_for(output)).sum()).

def _prepare(boxes, output_size):
    check_roi_boxes_shape(boxes)
    rois = boxes
    output_size = torch.nn.modules.utils._pair(output_size)
    if not isinstance(rois, torch.Tensor):
        rois = convert_boxes_to_roi_format(rois)
    return rois, output_size


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    rois, (ph, pw) = _prepare(boxes, output_size)
    out, argmax = roi_pool_forward(input, rois, spatial_scale, ph, pw)
    grad = roi_pool_backward(weights_for(out), rois, argmax, *input.shape, ph, pw)
    return [out, grad]


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    rois, (ph, pw) = _prepare(boxes, output_size)
    out, mapping = ps_roi_pool_forward(input, rois, spatial_scale, ph, pw)
    grad = ps_roi_pool_backward(weights_for(out), rois, mapping, spatial_scale, ph, pw, *input.shape)
    return [out, grad]


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    rois, (ph, pw) = _prepare(boxes, output_size)
    out, mapping = ps_roi_align_forward(input, rois, spatial_scale, ph, pw, sampling_ratio)
    grad = ps_roi_align_backward(weights_for(out), rois, mapping, spatial_scale, ph, pw, sampling_ratio, *input.shape)
    return [out, grad]


def roi_align(input, boxes, *args, **kwargs):
    """torchvision's roi_align with gradients for the input and (a Tensor) the RoIs (None: the kernel gives none)."""
    x = input.requires_grad_()
    if isinstance(boxes, torch.Tensor):
        boxes.requires_grad_()
    out = ops.roi_align(x, boxes, *args, **kwargs)
    (out * weights_for(out)).sum().backward()
    res = [out, x.grad]
    if isinstance(boxes, torch.Tensor):
        res.append(boxes.grad)
    return res


# ------------------------------------------------------------------------------------------------
# Cases (the test ports each by name)

CASES = {}


def case(name, fn):
    assert name not in CASES, name
    CASES[name] = fn


# roi_align: aligned, sampling ratio, spatial scale, float64, a box list, empty
for d in ("32", "64"):
    for aligned in (False, True):
        for sr in (-1, 2):
            for scale in (0.5, 0.25):
                case(f"roi_align_{d}_{aligned}_{sr}_{scale}",
                     lambda d=d, a=aligned, s=sr, sc=scale: roi_align(I(f"x{d}"), I(f"rois{d}_ordered" if a and s <= 0 else f"rois{d}"), (3, 2), sc, s, a))
case("roi_align_scale1_int_size", lambda: roi_align(I("x32"), I("rois32"), 2, 1.0, 1))
case("roi_align_list", lambda: roi_align(I("x32"), [I("boxes_a"), I("boxes_b")], [2, 3], 0.5, -1, True))
case("roi_align_list_empty_image", lambda: roi_align(I("x32"), [I("boxes_none"), I("boxes_b")], 2, 0.5))
case("roi_align_empty", lambda: roi_align(I("x32"), I("rois_empty"), 2, 0.5))
case("roi_align_sr3", lambda: roi_align(I("x64"), I("rois64"), (2, 2), 0.5, 3, True))
case("roi_align_module", lambda: roi_align(I("x32"), I("rois32"), [3, 3], 0.5, 2, False))

# roi_pool
for d in ("32", "64"):
    for scale in (0.5, 0.25):
        case(f"roi_pool_{d}_{scale}", lambda d=d, sc=scale: roi_pool(I(f"x{d}"), I(f"rois{d}"), (3, 2), sc))
case("roi_pool_scale1", lambda: roi_pool(I("x32"), I("rois32"), 2, 1.0))
case("roi_pool_ties", lambda: roi_pool(I("xq"), I("rois32"), (2, 3), 0.5))
case("roi_pool_ties_overlap", lambda: roi_pool(I("xq"), I("rois32"), (4, 4), 0.5))
case("roi_pool_special", lambda: roi_pool(I("xs"), I("rois_s"), 2, 1.0))
case("roi_pool_list", lambda: roi_pool(I("x32"), [I("boxes_a"), I("boxes_b")], 3, 0.5))
case("roi_pool_empty", lambda: roi_pool(I("x32"), I("rois_empty"), 2, 0.5))

# ps_roi_pool / ps_roi_align: 8 channels over 2 x 2 or 1 x 2 bins
for d in ("32", "64"):
    for scale in (0.5, 0.25):
        case(f"ps_roi_pool_{d}_{scale}", lambda d=d, sc=scale: ps_roi_pool(I(f"p{d}"), I(f"prois{d}"), 2, sc))
        for sr in (-1, 2):
            case(f"ps_roi_align_{d}_{sr}_{scale}", lambda d=d, s=sr, sc=scale: ps_roi_align(I(f"p{d}"), I(f"prois{d}"), 2, sc, s))
case("ps_roi_pool_1x2_scale1", lambda: ps_roi_pool(I("p32"), I("prois32"), (1, 2), 1.0))
case("ps_roi_align_1x2_scale1", lambda: ps_roi_align(I("p32"), I("prois32"), (1, 2), 1.0, -1))
case("ps_roi_align_sr3", lambda: ps_roi_align(I("p64"), I("prois64"), (2, 2), 0.5, 3))
case("ps_roi_pool_list", lambda: ps_roi_pool(I("p32"), [I("boxes_a"), I("boxes_b")], 2, 0.5))
case("ps_roi_align_list", lambda: ps_roi_align(I("p32"), [I("boxes_a"), I("boxes_b")], 2, 0.5, 2))
case("ps_roi_pool_empty", lambda: ps_roi_pool(I("p32"), I("rois_empty"), 2, 0.5))
case("ps_roi_align_empty", lambda: ps_roi_align(I("p32"), I("rois_empty"), 2, 0.5))


# MultiScaleRoIAlign: the levels, scales and pooled features (and the features' gradients)
def multiscale(names, output_size, sampling_ratio, **kw):
    feats = {"f0": I("f0").requires_grad_(), "f1": I("f1").requires_grad_(), "f2": I("f2").requires_grad_()}
    m = ops.MultiScaleRoIAlign(names, output_size, sampling_ratio, **kw)
    out = m(feats, [I("ms_boxes0"), I("ms_boxes1")], [(64, 80), (60, 72)])
    (out * weights_for(out)).sum().backward()
    mapper = m.map_levels
    levels = mapper([I("ms_boxes0"), I("ms_boxes1")])
    return [out, [float(s) for s in m.scales], [mapper.k_min, mapper.k_max], levels] + [feats[n].grad for n in names]


case("multiscale_3", lambda: multiscale(["f0", "f1", "f2"], 3, 2, canonical_scale=56))
case("multiscale_2_canonical", lambda: multiscale(["f1", "f2"], [2, 3], -1, canonical_scale=32, canonical_level=3))
case("multiscale_1", lambda: multiscale(["f1"], (2, 2), 2))
case("multiscale_skip", lambda: multiscale(["f0", "f2"], 2, 1))
case("level_mapper", lambda: poolers.LevelMapper(2, 5, canonical_scale=40)([I("ms_boxes0"), I("ms_boxes1")]))
case("level_mapper_canonical", lambda: poolers.LevelMapper(0, 3, canonical_scale=16, canonical_level=2, eps=0.25)([I("ms_boxes0")]))


def setup_scales(shapes, image_shapes):
    scales, mapper = poolers._setup_scales([torch.zeros(1, 1, *s) for s in shapes], image_shapes, 224, 4)
    return [[float(s) for s in scales], [mapper.k_min, mapper.k_max]]


case("setup_scales_fpn", lambda: setup_scales([(200, 304), (100, 152), (50, 76), (25, 38)], [(800, 1216), (780, 1200)]))
case("setup_scales_odd", lambda: setup_scales([(13, 17), (7, 9)], [(100, 140)]))  # 0.13 -> 0.125, 0.07 -> 0.0625

REPRS = {
    "roi_align": lambda: ops.RoIAlign((2, 3), 0.5, -1),
    "roi_align_int": lambda: ops.RoIAlign(7, 0.25, 2, True),
    "roi_pool": lambda: ops.RoIPool((3, 3), 0.0625),
    "ps_roi_align": lambda: ops.PSRoIAlign(2, 0.5, 2),
    "ps_roi_pool": lambda: ops.PSRoIPool(3, 1.5),
    "multiscale": lambda: ops.MultiScaleRoIAlign(["feat1", "feat3"], 3, 2),
    "multiscale_pair": lambda: ops.MultiScaleRoIAlign(["0"], [7, 5], -1, canonical_scale=112),
}


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return str(e)
    raise AssertionError("expected an error")


ERRORS = {
    "roi_align_k4": lambda: ops.roi_align(I("x32"), I("rois32")[:, 1:], 2),
    "roi_align_list_l3": lambda: ops.roi_align(I("x32"), [I("boxes_a")[:, :3]], 2),
    "roi_align_not_boxes": lambda: ops.roi_align(I("x32"), "boxes", 2),
    "roi_align_reversed_aligned_adaptive": lambda: ops.roi_align(I("x32"), I("rois32"), (3, 2), 0.5, -1, True),
    "roi_pool_k4": lambda: roi_pool(I("x32"), I("rois32")[:, 1:], 2),
    "ps_roi_pool_list_l5": lambda: ps_roi_pool(I("p32"), [I("rois32")], 2),
    "ps_roi_align_k4": lambda: ps_roi_align(I("p32"), I("prois32")[:, :4], 2),
    "multiscale_no_images": lambda: ops.MultiScaleRoIAlign(["f0"], 2, 2)({"f0": I("f0")}, [I("ms_boxes0")], []),
}
# The kernels' TORCH_CHECK messages (torchvision/csrc/ops/cpu/*_kernel.cpp), quoted for the transcribed kernels
KERNEL_ERRORS = {
    "ps_roi_pool_channels": "input channels must be a multiple of pooling height * pooling width",
    "ps_roi_align_channels": "input channels must be a multiple of pooling height * pooling width",
    "roi_pool_dtype": "input and rois must have the same dtype",
    "ps_roi_pool_dtype": "input and rois must have the same dtype",
    "ps_roi_align_dtype": "input should have the same type as rois",
    "roi_pool_half": "roi_pool only supports float and double types",
    "ps_roi_pool_half": "ps_roi_pool only supports float and double types",
}


def main():
    cases = {name: mf.enc(fn()) for name, fn in CASES.items()}
    errors = {name: error_of(fn) for name, fn in ERRORS.items()}
    errors.update(KERNEL_ERRORS)
    fixture = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__,
                 "cpuCapability": mf.CPU_CAPABILITY, "threads": torch.get_num_threads()},
        "inputs": {name: mf.enc_tensor(t) for name, t in INPUTS.items()},
        "cases": cases,
        "reprs": {name: repr(fn()) for name, fn in REPRS.items()},
        "errors": errors,
    }
    mf.write_json(OUT, fixture)
    print(f"wrote {len(cases)} cases, {len(errors)} errors to {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
