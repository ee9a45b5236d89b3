"""ref_nms: torchvision's CPU nms kernel (nms_kernel_impl) transcribed line by line in Python, the NMS the fixture
scripts compare torchnode's nms and batched_nms with (its own module, so scripts that load torchvision's real
kernels through torchvision_native.py can use it too, without torchvision_cpu.py's placeholder schemas)."""
import numpy as np
import torch


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
