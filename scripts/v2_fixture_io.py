"""What the transforms.v2 fixture scripts (make-v2-jpeg-fixtures.py, make-v2-photometric-fixtures.py,
make-v2-transform-api-fixtures.py) share:
a tensor as a PIL image, the ways a sample input is wrapped, torchvision's refusal as a record, and a
call's output leaf by leaf (PIL images with their mode, tensors with their tv_tensor kind), which
test/v2-out.ts checks."""
import torch
from PIL import Image as PILImage

from torchvision import tv_tensors
from torchvision.transforms.functional import pil_to_tensor


def pil_of(t):
    """A uint8 (1 or 3, H, W) tensor as a PIL image ('L' or 'RGB')."""
    return PILImage.fromarray(t[0].numpy(), "L") if t.size(0) == 1 else PILImage.fromarray(t.permute(1, 2, 0).contiguous().numpy(), "RGB")


def make_input(t, how):
    """A fresh input: a plain tensor ('pure'), a PIL image ('pil'), a tv_tensors Image or Video."""
    return {"pure": lambda: t.clone(), "pil": lambda: pil_of(t), "image": lambda: tv_tensors.Image(t.clone()),
            "video": lambda: tv_tensors.Video(t.clone())}[how]()


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("no error")


def enc_out(v, enc, meta=False):
    """A call's output with each tensor encoded by `enc`; with `meta`, boxes with their format, canvas size and
    clamping mode and keypoints with their canvas size (as test/tv-leaf.ts checks them)."""
    if isinstance(v, PILImage.Image):
        return {"pil": v.mode, "tensor": enc(pil_to_tensor(v))}
    if isinstance(v, torch.Tensor):
        kind = type(v).__name__ if isinstance(v, tv_tensors.TVTensor) else None
        out = {"kind": kind, "tensor": enc(v.as_subclass(torch.Tensor))}
        if meta and isinstance(v, tv_tensors.BoundingBoxes):
            out.update(format=v.format.name, canvasSize=list(v.canvas_size), clampingMode=v.clamping_mode)
        elif meta and isinstance(v, tv_tensors.KeyPoints):
            out.update(canvasSize=list(v.canvas_size))
        return out
    if isinstance(v, (tuple, list)):
        return {"list": [enc_out(x, enc, meta) for x in v]}
    if isinstance(v, dict):
        return {"dict": {k: enc_out(x, enc, meta) for k, x in v.items()}}
    return {"value": v}
