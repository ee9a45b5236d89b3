"""Shared groundwork of the R-CNN fixture scripts (make-mask-rcnn-fixtures.py; the helpers follow
make-faster-rcnn-fixtures.py's): importing it loads make-fixtures.py (which pins ATEN_CPU_CAPABILITY=avx2 and
one thread before torch loads) as `mf`, torchvision with its own CPU kernels (scripts/torchvision_native.py:
roi_align as Python users run it, not the pure-PyTorch fallback _roi_align) with batched_nms' `nms` bound to
ref_nms (scripts/ref_nms.py, the transcription of its CPU kernel, which torchnode's nms follows: on three of the
Faster R-CNN cases the loaded kernel keeps other boxes), and gives the fixture's registries and helpers.
"""
import hashlib
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(HERE, "make-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)

import torch  # noqa: E402

import torchvision_native  # noqa: E402,F401 (torchvision's CPU kernels against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision.ops import boxes as box_ops  # noqa: E402
from cpu_identity import cpu_model  # noqa: E402 (meta.cpuModel: model name and oneDNN ISA)
from ref_nms import ref_nms  # noqa: E402

assert torchvision.extension._has_ops()
box_ops.nms = ref_nms  # what batched_nms' strategies call


def sha(t):
    """SHA-256 of a tensor's bytes (contiguous, detached)."""
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


def state_rows(model):
    return [[k, list(v.shape), str(v.dtype)[6:], sha(v)] for k, v in model.state_dict().items()]


def grad_rows(model):
    """[name, sha, sum, sum of |.|] of each parameter's gradient (test/model-fixtures.ts' GradRow)."""
    return [[k, sha(p.grad), p.grad.double().sum().item(), p.grad.double().abs().sum().item()] for k, p in model.named_parameters() if p.grad is not None]


def rcnn_model_case(make, train_seed, images, targets, background=False):
    """A seeded R-CNN's weights, modules, eval detections (not on background targets), train losses, generator state and gradients."""
    model = make()
    out = {"state": state_rows(model), "modules": [[k, type(m).__name__] for k, m in model.named_modules()],
           "numParams": sum(p.numel() for p in model.parameters()), "repr": repr(model)}
    if not background:  # the same model's detections
        model.eval()
        with torch.no_grad():
            detections = model(images())
        assert all(len(d["boxes"]) > 0 for d in detections), [len(d["boxes"]) for d in detections]
        out["eval"] = mf.enc(detections)
    model.train()
    torch.manual_seed(train_seed)
    losses = model(images(), targets(background))
    out["losses"] = mf.enc(losses)
    out["lossKeys"] = list(losses.keys())
    out["after"] = mf.enc(torch.rand(2))
    sum(losses.values()).backward()
    out["grads"] = grad_rows(model)
    out["noGrad"] = [k for k, p in model.named_parameters() if p.requires_grad and p.grad is None]
    return out


class Fixture:
    """A fixture's inputs (stored exactly), cases and errors, and its seeded generator of inputs."""

    def __init__(self, seed):
        self.G = torch.Generator().manual_seed(seed)
        self.inputs, self.cases, self.errors = {}, {}, {}

    def rand(self, *shape, dtype=torch.float32):
        return torch.rand(*shape, generator=self.G, dtype=torch.float64).to(dtype)

    def xyxy(self, n, w, h, min_side=4.0, quantum=0.5):
        """n boxes in a w x h image, corners on a `quantum` grid, sides at least min_side."""
        x = (self.rand(n, 1, dtype=torch.float64) * (w - min_side - 1) / quantum).floor() * quantum
        y = (self.rand(n, 1, dtype=torch.float64) * (h - min_side - 1) / quantum).floor() * quantum
        bw = ((self.rand(n, 1, dtype=torch.float64) * (w - x - min_side)) / quantum).floor() * quantum + min_side
        bh = ((self.rand(n, 1, dtype=torch.float64) * (h - y - min_side)) / quantum).floor() * quantum + min_side
        return torch.cat([x, y, (x + bw).clamp(max=w), (y + bh).clamp(max=h)], 1).float()

    def inp(self, name, t):
        self.inputs[name] = t
        return t

    def two_images(self, min_side=4.0, labels_a=(1, 3, 2), labels_b=(2, 2)):
        """The detection scripts' inputs: img_a (3, 40, 56) and img_b (3, 48, 36), 3 and 2 ground-truth boxes, their labels."""
        self.inp("img_a", self.rand(3, 40, 56))
        self.inp("img_b", self.rand(3, 48, 36))
        self.inp("boxes_a", self.xyxy(3, 56, 40, min_side=min_side))
        self.inp("boxes_b", self.xyxy(2, 36, 48, min_side=min_side))
        self.inp("labels_a", torch.tensor(list(labels_a)))
        self.inp("labels_b", torch.tensor(list(labels_b)))

    def I(self, name):  # noqa: E743
        return self.inputs[name].clone()

    def case(self, name, fn):
        self.cases[name] = fn()

    def error(self, name, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            self.errors[name] = {"type": type(e).__name__, "message": str(e).strip("'") if isinstance(e, KeyError) else str(e)}
            return
        raise AssertionError(f"{name} did not raise")

    def out(self):
        return {"meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": 1, "cpuModel": cpu_model()},
                "inputs": {k: mf.enc(v) for k, v in self.inputs.items()}, "cases": self.cases, "errors": self.errors}

    def write(self, path):
        with open(path, "w") as f:
            json.dump(self.out(), f)
            f.write("\n")
        print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
