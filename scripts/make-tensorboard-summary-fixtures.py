# Writes test/fixtures/tensorboard-summary.json: what torch 2.13's own torch/utils/tensorboard/summary.py
# builds for add_tensor, add_histogram(_raw), add_scalar and add_audio inputs that the event-file fixtures
# (make-tensorboard-fixtures.py, which needs the tensorboard package) do not cover. Runs without
# tensorboard or protobuf: their modules are stood in for by message classes that keep their fields,
# so PyTorch's functions run unchanged and their messages are dumped as JSON (field names as in .proto).
import base64
import importlib.abc
import importlib.machinery
import json
import math
import os
import sys
import types

import numpy as np
import torch

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")


class Message:
    """A protobuf message stand-in: the keyword fields it was built with; nested types by attribute."""

    def __init__(self, **fields):
        self.fields = fields

    def __class_getitem__(cls, item):
        return cls


class MessageType(type):
    def __getattr__(cls, name):  # Summary.Value, TensorShapeProto.Dim, ...: nested message types
        if name.startswith("__"):
            raise AttributeError(name)
        return MessageType(name, (Message,), {})


class StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return MessageType(name, (Message,), {})


class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in ("tensorboard", "google"):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = StubModule(spec.name)
        module.__path__ = []
        if spec.name == "tensorboard":
            module.__version__ = "2.21.0"
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, StubFinder())
from torch.utils.tensorboard import summary  # noqa: E402  (PyTorch's code, over the stand-ins)


def plain(v):
    """A message tree as JSON: fields by name, numpy values as Python ones, bytes as base64, non-finite floats as strings."""
    if isinstance(v, Message):
        return {k: plain(x) for k, x in v.fields.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return plain(v.tolist())
    if isinstance(v, bytes):
        return {"base64": base64.b64encode(v).decode()}
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else str(f)
    if isinstance(v, (np.integer, np.bool_)):
        return v.item()
    return v


def tensor_cases():
    out = []
    values = [0.5, 1.5, -2.0, 1e-3, 65504.0, 3.0e-8]
    for name in ["float16", "bfloat16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool", "complex64", "complex128"]:
        dtype = getattr(torch, name)
        if dtype.is_complex:
            t = torch.tensor([[1.5 - 2j, 0.25 + 1e-3j], [3j, -1.0 + 0j]], dtype=dtype)
        elif dtype == torch.bool:
            t = torch.tensor([[True, False, True]])
        elif dtype.is_floating_point:
            t = torch.tensor(values, dtype=dtype).reshape(2, 3)
        elif dtype == torch.int64:
            t = torch.tensor([[2**40 + 3, -5, 7]], dtype=dtype)
        else:
            t = torch.tensor([[1, 2, 100], [0, 5, 9]], dtype=dtype)
        js = torch.view_as_real(t).tolist() if dtype.is_complex else t.float().tolist() if dtype == torch.bfloat16 else t.tolist()
        out.append({"dtype": name, "shape": list(t.shape), "input": plain(js), "summary": plain(summary.tensor_proto("t", t))})
    return out


def image_box_cases():
    """image_boxes (add_image_with_boxes without labels) over seeded images: the boxes are drawn by PIL itself."""
    g = torch.Generator().manual_seed(0)
    cases = [
        ("CHW", torch.rand(3, 12, 16, generator=g), [[1, 2, 10, 9], [3.7, 0.2, 15.9, 11.5], [-2, 5, 4, 20]], 1),
        ("CHW", torch.rand(1, 10, 10, generator=g), [[2, 2, 7, 7]], 1),
        ("HWC", (torch.rand(9, 11, 4, generator=g) * 255).to(torch.uint8), [[0, 0, 10, 8], [6, 1, 2, 7]], 1),
        ("CHW", torch.rand(3, 20, 24, generator=g), [[2, 3, 20, 15]], 0.5),
        ("CHW", torch.rand(3, 8, 10, generator=g), [[1, 1, 8, 6]], 2.5),
    ]
    out = []
    for formats, img, boxes, rescale in cases:
        value = plain(summary.image_boxes("b", img, torch.tensor(boxes, dtype=torch.float32), rescale=rescale, dataformats=formats))
        js = img.tolist()
        out.append({"dataformats": formats, "dtype": str(img.dtype).removeprefix("torch."), "shape": list(img.shape), "image": js, "boxes": boxes, "rescale": rescale, "summary": value})
    return out


def default_bins():
    """SummaryWriter.__init__'s default_bins (what add_histogram's bins='tensorflow' means), built as it builds them."""
    v, buckets = 1e-12, []
    while v < 1e20:
        buckets.append(v)
        v *= 1.1
    return [-b for b in reversed(buckets)] + [0] + buckets


def main():
    bf = torch.tensor([1e5, 1e-6, 3e-8, 0.5]).to(torch.bfloat16)
    fixture = {
        "torch": torch.__version__,
        "tensor": tensor_cases(),
        "histogramRaw": plain(summary.histogram_raw("h", -1.0, 3.5, 6, 4.25, 20.5, [0.0, 1.0, 2.0, 3.5], [1, 2, 0, 3])),
        # make_np turns bfloat16 into float16 first: 1e5 overflows to inf
        "bfloat16": {
            "input": bf.float().tolist(),
            "scalar": plain(summary.scalar("s", bf[0])),
            "histogram": plain(summary.histogram("h", bf, default_bins())),
        },
        # numpy's min/max of values with a NaN are NaN
        "nanHistogram": {"input": [1.0, 2.0, "nan", 3.0], "summary": plain(summary.histogram("h", torch.tensor([1.0, 2.0, float("nan"), 3.0]), default_bins()))},
        "imageBoxes": image_box_cases(),
        # the clip is scaled in its own precision: float16's 1.0 * 32767 is 32768, which int16 wraps
        "audio": [
            {"dtype": name, "input": [0.5, 1.0, -1.0, 0.25, -0.123, 0.999],
             "summary": plain(summary.audio("a", torch.tensor([0.5, 1.0, -1.0, 0.25, -0.123, 0.999], dtype=getattr(torch, name)), sample_rate=8000))}
            for name in ["float16", "bfloat16", "float32", "float64"]
        ],
    }
    with open(os.path.join(FIXTURES, "tensorboard-summary.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
