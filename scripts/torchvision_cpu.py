"""Imports torchvision 0.28 against the venv's CPU torch, for the fixture scripts: its _C.so is a CUDA build
that fails to load there, and its Python modules only need the native operators' schemas to exist, so
placeholders are defined first (calling one fails: the scripts compute NMS with ref_nms, the transcription of
its CPU kernel)."""
import numpy as np
import torch

_lib = torch.library.Library("torchvision", "DEF")
for _op in ["nms", "qnms", "roi_align", "_roi_align_backward", "ps_roi_align", "_ps_roi_align_backward", "roi_pool",
            "_roi_pool_backward", "ps_roi_pool", "_ps_roi_pool_backward", "qroi_align", "deform_conv2d",
            "_deform_conv2d_backward"]:
    _lib.define(f"{_op}(Tensor x) -> Tensor")
import torchvision  # noqa: E402,F401 (loaded here, after the placeholders)


def ref_nms(dets, scores, iou_threshold):
    """nms_kernel_impl line by line: the order of scores.sort(0, descending) (as the kernel's call: not
    a stable sort, so ties come in its order), areas as tensor ops in the boxes' dtype, the IoU in that
    dtype (numpy float32 scalars round each step as C++ floats do), and `ovr > iou_threshold` with the
    float IoU widened to double, as C++ compares a float with a double."""
    assert dets.dim() == 2 and dets.size(1) == 4 and scores.dim() == 1 and dets.size(0) == scores.size(0)
    assert dets.dtype in (torch.float32, torch.float64) and dets.dtype == scores.dtype
    if dets.numel() == 0:
        return torch.empty((0,), dtype=torch.int64)
    x1_t, y1_t, x2_t, y2_t = (dets.select(1, k).contiguous() for k in range(4))
    areas_t = (x2_t - x1_t) * (y2_t - y1_t)
    order = scores.sort(0, True)[1].tolist()
    cast = np.float32 if dets.dtype == torch.float32 else np.float64
    x1, y1, x2, y2, areas = ([cast(v) for v in t.tolist()] for t in (x1_t, y1_t, x2_t, y2_t, areas_t))
    zero = cast(0)
    ndets = dets.size(0)
    suppressed = [False] * ndets
    keep = []
    for _i in range(ndets):
        i = order[_i]
        if suppressed[i]:
            continue
        keep.append(i)
        ix1, iy1, ix2, iy2, iarea = x1[i], y1[i], x2[i], y2[i], areas[i]
        for _j in range(_i + 1, ndets):
            j = order[_j]
            if suppressed[j]:
                continue
            xx1 = x1[j] if ix1 < x1[j] else ix1          # std::max(a, b): a < b ? b : a
            yy1 = y1[j] if iy1 < y1[j] else iy1
            xx2 = x2[j] if x2[j] < ix2 else ix2          # std::min(a, b): b < a ? b : a
            yy2 = y2[j] if y2[j] < iy2 else iy2
            w = (xx2 - xx1) if zero < (xx2 - xx1) else zero
            h = (yy2 - yy1) if zero < (yy2 - yy1) else zero
            inter = w * h
            with np.errstate(invalid="ignore", divide="ignore"):
                ovr = inter / (iarea + areas[j] - inter)
            if float(ovr) > float(iou_threshold):
                suppressed[j] = True
    return torch.tensor(keep, dtype=torch.int64)
