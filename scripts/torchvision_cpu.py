"""Imports torchvision 0.28 against the venv's CPU torch, for the fixture scripts: its _C.so is a CUDA build
that fails to load there, and its Python modules only need the native operators' schemas to exist, so
placeholders are defined first (calling one fails: the scripts compute NMS with ref_nms, the transcription of
its CPU kernel)."""
import torch

_lib = torch.library.Library("torchvision", "DEF")
for _op in ["nms", "qnms", "roi_align", "_roi_align_backward", "ps_roi_align", "_ps_roi_align_backward", "roi_pool",
            "_roi_pool_backward", "ps_roi_pool", "_ps_roi_pool_backward", "qroi_align", "deform_conv2d",
            "_deform_conv2d_backward"]:
    _lib.define(f"{_op}(Tensor x) -> Tensor")
import torchvision  # noqa: E402,F401 (loaded here, after the placeholders)
from ref_nms import ref_nms  # noqa: E402,F401 (the scripts' NMS, as torchvision_cpu.ref_nms)
