"""Fixtures of torchnode's transforms.v2 extension API (torchvision 0.28 on torch 2.13): run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-v2-transform-api-fixtures.py

Writes test/fixtures/v2-transform-api.json:
- custom: transforms written as torchvision's tutorial writes them (a v2.Transform subclass with
  make_params drawing from the torch RNG and transform calling _call_kernel), applied after
  torch.manual_seed(seed) to image + boxes + mask + labels samples given as a tuple, a dict and a nested
  dict, alone, in Compose and in RandomApply; every leaf with its tv_tensor kind, and where the RNG is left;
- needs: _needs_transform_list corner cases (plain tensors with and without an image or video, PIL
  images, numbers, strings, nested samples) under several _transformed_types, with what make_params and
  transform were given;
- helpers: check_type, has_any, has_all, get_bounding_boxes, get_keypoints, query_size, query_chw,
  their results and errors;
- kernels: v2.functional's per-type kernels (adjust_brightness_image, crop_video, ...) on a few inputs,
  bit for bit; and the inputs they refuse;
- names: what torchvision.transforms.v2 and its functional export, and the functions v1's functional defines.
"""
import json
import os
import warnings

import PIL.Image
import torch

import torchvision_cpu  # noqa: F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402
from torchvision import tv_tensors  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from torchvision.transforms.v2 import functional as F  # noqa: E402
from v2_fixture_io import enc_out, error_of  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "v2-transform-api.json")
H, W = 12, 16


def enc(t):
    t = t.detach().cpu().contiguous()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": t.flatten().tolist()}


def enc_leaf(v):
    return enc_out(v, enc, meta=True)


g = torch.Generator().manual_seed(20261206)
IMAGE = torch.randint(0, 256, (3, H, W), dtype=torch.uint8, generator=g)
IMAGE_F = torch.rand(3, H, W, generator=g)
VIDEO = torch.randint(0, 256, (2, 3, H, W), dtype=torch.uint8, generator=g)
VIDEO_F = torch.rand(2, 3, H, W, generator=g)
GRAY = torch.randint(0, 256, (H, W), dtype=torch.uint8, generator=g)
MASKS = (torch.rand(3, H, W, generator=g) > 0.5).to(torch.uint8)
BOXES = torch.tensor([[1.0, 2.0, 9.0, 10.0], [4.5, 0.25, 15.0, 7.0], [-2.0, 3.0, 5.0, 11.5]])
KEYPOINTS = torch.tensor([[1.0, 2.0], [14.5, 3.25], [7.0, 11.0]])
LABELS = torch.tensor([3, 1, 2])
DISPLACEMENT = (torch.rand(1, H, W, 2, generator=g) * 2 - 1) * 0.3
SMALL = torch.zeros(1, 5, 7, dtype=torch.uint8)
INPUTS = {"image": IMAGE, "image_f": IMAGE_F, "video": VIDEO, "video_f": VIDEO_F, "gray": GRAY, "masks": MASKS, "boxes": BOXES,
          "keypoints": KEYPOINTS, "labels": LABELS, "displacement": DISPLACEMENT, "small": SMALL}


def boxes():
    return tv_tensors.BoundingBoxes(BOXES, format="XYXY", canvas_size=(H, W))


def leaf(token):
    """The leaves of the sample descriptions: T plain tensor, U another, I tv Image, P PIL image, V video, M mask, B boxes, K keypoints, S small mask, G gray tv Image, n 3, s 'x'."""
    return {
        "T": lambda: IMAGE, "U": lambda: LABELS, "I": lambda: tv_tensors.Image(IMAGE), "P": lambda: F.to_pil_image(IMAGE),
        "V": lambda: tv_tensors.Video(VIDEO), "M": lambda: tv_tensors.Mask(MASKS), "B": boxes,
        "K": lambda: tv_tensors.KeyPoints(KEYPOINTS, canvas_size=(H, W)), "S": lambda: tv_tensors.Mask(SMALL), "G": lambda: tv_tensors.Image(GRAY), "n": lambda: 3, "s": lambda: "x",
    }[token]()


def build(tree):
    if isinstance(tree, list):
        return [build(x) for x in tree]
    if isinstance(tree, dict):
        return {k: build(v) for k, v in tree.items()}
    return leaf(tree)


def desc(x):
    if isinstance(x, PIL.Image.Image):
        return "PIL"
    if isinstance(x, tv_tensors.TVTensor):
        return type(x).__name__
    if isinstance(x, torch.Tensor):
        return "Tensor"
    return {int: "number", float: "number", str: "string"}[type(x)]


# ---- custom transforms, as torchvision's tutorial writes them ----------------------------------------

class RandomFlipShift(v2.Transform):
    """Flips with probability p and pads on the left by a random 0..4: one draw of each per call."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def make_params(self, flat_inputs):
        return dict(flip=torch.rand(1).item() < self.p, shift=int(torch.randint(0, 5, (1,)).item()))

    def transform(self, inpt, params):
        out = self._call_kernel(F.horizontal_flip, inpt) if params["flip"] else inpt
        return self._call_kernel(F.pad, out, [params["shift"], 0, 0, 0])


class Brighten(v2.Transform):
    """adjust_brightness through _call_kernel: masks, boxes and keypoints pass through (no kernel for them)."""

    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def transform(self, inpt, params):
        return self._call_kernel(F.adjust_brightness, inpt, brightness_factor=self.factor)


class NoMasks(v2.Transform):
    """check_inputs refusing masks before anything is drawn."""

    def check_inputs(self, flat_inputs):
        if v2.check_type(flat_inputs[0], (tv_tensors.Mask,)) or any(isinstance(x, tv_tensors.Mask) for x in flat_inputs):
            raise TypeError("NoMasks: masks are not supported")

    def make_params(self, flat_inputs):
        return dict(v=torch.rand(1).item())

    def transform(self, inpt, params):
        return inpt


class BoxesOnly(v2.Transform):
    """Only the boxes (_transformed_types), shifted by the size query_size gives."""
    _transformed_types = (tv_tensors.BoundingBoxes,)

    def make_params(self, flat_inputs):
        return dict(size=v2.query_size(flat_inputs))

    def transform(self, inpt, params):
        return tv_tensors.wrap(inpt + params["size"][0], like=inpt)


class Sized(v2.Transform):
    """make_params asking query_size of every leaf it transforms (two sizes: torchvision's error)."""

    def make_params(self, flat_inputs):
        return dict(size=v2.query_size(flat_inputs))

    def transform(self, inpt, params):
        return inpt


CUSTOM = {
    # name -> (transform source, sample tree, seed, calls)
    "flip_shift_tuple": ("RandomFlipShift()", ["I", "B", "M", "U"], 0, 4),
    "flip_shift_dict": ("RandomFlipShift(p=0.7)", [{"image": "I", "boxes": "B", "masks": "M", "labels": "U"}], 1, 4),
    "flip_shift_nested": ("RandomFlipShift()", [{"image": "T", "target": {"boxes": "B", "masks": "M", "labels": "U", "kp": "K"}}], 2, 4),
    "flip_shift_pair": ("RandomFlipShift(p=1.0)", ["T", {"boxes": "B", "labels": "U"}], 3, 2),
    "flip_shift_pil": ("RandomFlipShift(p=1.0)", ["P", "B"], 4, 1),
    "flip_shift_compose": ("v2.Compose([RandomFlipShift(), v2.RandomHorizontalFlip()])", [{"image": "I", "boxes": "B", "masks": "M", "labels": "U"}], 5, 3),
    "flip_shift_random_apply": ("v2.RandomApply([RandomFlipShift(p=1.0)], p=0.5)", ["I", "B", "M", "U"], 6, 4),
    "brighten": ("Brighten(1.5)", [{"image": "I", "boxes": "B", "masks": "M", "labels": "U", "kp": "K"}], 0, 1),
    "brighten_pil": ("Brighten(0.5)", ["P", "M"], 0, 1),
    "brighten_plain": ("Brighten(1.25)", ["T", "U"], 0, 1),
    "boxes_only": ("BoxesOnly()", [{"image": "I", "boxes": "B", "labels": "U"}], 0, 1),
    "no_masks_ok": ("NoMasks()", ["I", "B"], 0, 1),
}

CUSTOM_ERRORS = {
    "no_masks": ("NoMasks()", ["I", "B", "M"], 0),
    "sized_two_sizes": ("Sized()", ["I", "B", "S"], 0),
}


class Recorder(v2.Transform):
    def __init__(self, types=None):
        super().__init__()
        if types is not None:
            self._transformed_types = types
        self.params_seen = []
        self.seen = []

    def make_params(self, flat_inputs):
        self.params_seen = [desc(x) for x in flat_inputs]
        return {}

    def transform(self, inpt, params):
        self.seen.append(desc(inpt))
        return inpt


TYPES = {
    "default": None,
    "boxes": (tv_tensors.BoundingBoxes,),
    "pure": (F.is_pure_tensor,),
    "mask_pil": (tv_tensors.Mask, PIL.Image.Image),
    "number": (int,),
    "tensor": (torch.Tensor,),
}
SAMPLES = [
    ["T"], ["T", "T"], ["T", "U"], ["U", "T"], ["T", "I", "T"], ["P", "T"], ["V", "T", "U"], ["M", "T", "U"], ["B", "T", "n", "s"],
    [{"x": "T", "y": ["U", "K"]}, "T"], [["T", "U"], {"i": "I"}], ["n", "s"], [{"a": "M", "b": {"c": "U", "d": "T"}}],
]


def needs_cases():
    out = []
    for types_key, types in TYPES.items():
        for tree in SAMPLES:
            t = Recorder(types)
            inputs = build(tree)
            flat, _ = torch.utils._pytree.tree_flatten(inputs if len(inputs) > 1 else inputs[0])
            needs = t._needs_transform_list(flat)
            t(*inputs)
            out.append({"types": types_key, "sample": tree, "needs": needs, "params": t.params_seen, "seen": t.seen})
    return out


class Reprs(v2.Transform):
    def __init__(self):
        super().__init__()
        self.p = 0.5
        self.size = [3, 4]
        self.name = "x"
        self.flag = True
        self.obj = object()
        self._hidden = 1
        self.n = 3
        self.names = ["a", "b"]


# ---- helpers -------------------------------------------------------------------------------------------

FLAT = ["I", "B", "M", "U", "n", "s"]
CHECKS = {  # name -> types (the JS test has the same)
    "image": (tv_tensors.Image,), "boxes_mask": (tv_tensors.BoundingBoxes, tv_tensors.Mask), "pure": (F.is_pure_tensor,),
    "tensor": (torch.Tensor,), "pil": (PIL.Image.Image,), "number": (int,), "string_check": (lambda x: isinstance(x, str),),
    "video_keypoints": (tv_tensors.Video, tv_tensors.KeyPoints),
}


def helpers():
    out = {"check_type": [], "has_any": [], "has_all": [], "values": {}, "errors": {}}
    for sample in (FLAT, ["P", "T", "K"], ["V", "n"]):
        flat = build(sample)
        for key, types in CHECKS.items():
            out["check_type"].append({"sample": sample, "types": key, "result": [v2.check_type(x, types) for x in flat]})
            out["has_any"].append({"sample": sample, "types": key, "result": v2.has_any(flat, *types)})
            out["has_all"].append({"sample": sample, "types": key, "result": v2.has_all(flat, *types)})
    out["values"]["get_bounding_boxes"] = {"sample": FLAT, "output": enc_leaf(v2.get_bounding_boxes(build(FLAT)))}
    out["values"]["get_keypoints"] = {"sample": ["I", "K", "B"], "output": enc_leaf(v2.get_keypoints(build(["I", "K", "B"])))}
    out["values"]["query_size"] = {"sample": ["I", "B", "M", "n", "s"], "output": list(v2.query_size(build(["I", "B", "M", "n", "s"])))}
    out["values"]["query_size_plain"] = {"sample": ["T", "K"], "output": list(v2.query_size(build(["T", "K"])))}
    out["values"]["query_chw"] = {"sample": ["I", "V", "M"], "output": list(v2.query_chw(build(["I", "V", "M"])))}
    out["values"]["query_chw_pil"] = {"sample": ["P", "B"], "output": list(v2.query_chw(build(["P", "B"])))}
    for name, fn, sample in [
        ("get_bounding_boxes_none", v2.get_bounding_boxes, ["I", "M"]),
        ("get_keypoints_none", v2.get_keypoints, FLAT),
        ("query_size_two", v2.query_size, ["I", "B", "S"]),
        ("query_size_none", v2.query_size, ["n", "s"]),
        ("query_size_labels", v2.query_size, FLAT),
        ("query_chw_two", v2.query_chw, ["V", "G", "S", "T"]),
        ("query_chw_none", v2.query_chw, ["M", "B"]),
    ]:
        out["errors"][name] = {"sample": sample, **error_of(lambda: fn(build(sample)))}
    return out


# ---- per-type kernels ------------------------------------------------------------------------------------

CORNERS = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
MOVED = [[1, 0], [W - 2, 1], [W - 1, H - 2], [0, H - 1]]
KERNELS = [  # (function, input, args): args are JSON; {"dtype": ...} and {"input": ...} stand for a dtype and an input tensor
    ("adjust_brightness_image", "image", [1.5]), ("adjust_brightness_video", "video_f", [0.5]),
    ("adjust_contrast_image", "image", [0.7]), ("adjust_contrast_video", "video", [1.3]),
    ("adjust_gamma_image", "image_f", [0.8, 1.2]), ("adjust_gamma_video", "video", [1.5]),
    ("adjust_hue_image", "image", [0.2]), ("adjust_hue_video", "video_f", [-0.1]),
    ("adjust_saturation_image", "image_f", [0.3]), ("adjust_saturation_video", "video", [2.0]),
    ("adjust_sharpness_image", "image", [2.0]), ("adjust_sharpness_video", "video_f", [0.5]),
    ("autocontrast_image", "image", []), ("autocontrast_video", "video_f", []),
    ("equalize_image", "image", []), ("equalize_video", "video", []),
    ("invert_image", "image_f", []), ("invert_video", "video", []),
    ("posterize_image", "image", [3]), ("posterize_video", "video", [5]),
    ("solarize_image", "image", [128]), ("solarize_video", "video_f", [0.4]),
    ("gaussian_blur_image", "image", [[3, 5], [1.0, 2.0]]), ("gaussian_blur_video", "video", [3]),
    ("normalize_image", "image_f", [[0.5, 0.4, 0.3], [0.2, 0.25, 0.3]]), ("normalize_video", "video_f", [[0.5, 0.4, 0.3], [0.2, 0.25, 0.3]]),
    ("rgb_to_grayscale_image", "image", []), ("rgb_to_grayscale_image", "image_f", [3]),
    ("horizontal_flip_image", "image", []), ("horizontal_flip_video", "video", []),
    ("vertical_flip_image", "image", []), ("vertical_flip_video", "video", []),
    ("crop_image", "image", [2, 3, 7, 9]), ("crop_video", "video", [-2, -3, 8, 20]), ("crop_image", "masks_tv", [1, 1, 5, 5]),
    ("center_crop_image", "image", [[7, 9]]), ("center_crop_video", "video", [14]),
    ("pad_image", "image", [[1, 2, 3, 4], 7]), ("pad_image", "image_f", [2, None, "reflect"]), ("pad_video", "video", [1]),
    ("resized_crop_image", "image", [2, 3, 7, 9, [8, 9]]), ("resized_crop_video", "video_f", [0, 0, 10, 12, [5, 6]]),
    ("five_crop_image", "image", [5]), ("five_crop_video", "video", [[4, 6]]), ("ten_crop_image", "image_f", [[6, 4], True]), ("ten_crop_video", "video", [5]),
    ("resize_video", "video", [[8, 10]]), ("rotate_video", "video", [30.0]), ("affine_video", "video_f", [10.0, [1, 2], 1.1, [5.0, 0.0]]),
    ("perspective_video", "video", [CORNERS, MOVED]), ("elastic_video", "video_f", [{"input": "displacement"}]),
    ("to_dtype_video", "video", [{"dtype": "float32"}, True]),
    ("adjust_brightness_image", "image_tv", [1.2]), ("horizontal_flip_image", "boxes_tv", []),
    ("get_dimensions_image", "image", []), ("get_dimensions_image", "gray", []), ("get_dimensions_video", "video", []),
    ("get_num_channels_image", "gray", []), ("get_num_channels_video", "video", []), ("get_num_channels", "pil", []), ("get_num_channels", "video_tv", []),
    ("get_image_num_channels", "image", []), ("get_image_size", "image", []), ("get_image_size", "pil", []),
    ("get_size_image", "image", []), ("get_size_video", "video", []), ("get_size_mask", "masks_tv", []), ("get_size_bounding_boxes", "boxes_tv", []),
    ("to_pil_image", "image", []), ("to_pil_image", "image_f", []),
    ("is_pure_tensor", "image", []), ("is_pure_tensor", "image_tv", []), ("is_pure_tensor", "pil", []),
    ("erase_image", "image", [1, 2, 3, 4, 7]), ("erase_video", "video_f", [0, 5, 20, 2, 0.5]), ("erase_image", "image_tv", [2, 2, 2, 2, 0]),
    # v1's functional ("v1." names) and v2's deprecated ToTensor ("v2.ToTensor": a new instance called on the input)
    ("v1.get_image_size", "image", []), ("v1.get_image_size", "pil", []), ("v1.get_image_size", "gray", []),
    ("v1.get_image_num_channels", "gray", []), ("v1.get_image_num_channels", "pil", []), ("v1.get_image_num_channels", "video", []),
    ("v1.to_grayscale", "pil", []), ("v1.to_grayscale", "pil", [3]),
    ("v2.ToTensor", "pil", []), ("v2.ToTensor", "image_f", []),
]
REFUSED = [("crop_image", "pil", [0, 0, 2, 2]), ("adjust_brightness_image", "pil", [1.5]), ("horizontal_flip_video", "pil", []),
           ("get_size_image", "pil", []), ("get_num_channels", "masks_tv", []), ("get_size_bounding_boxes", "image", []),
           ("erase_image", "pil", [0, 0, 2, 2, 1]), ("v1.to_grayscale", "image", []), ("v1.get_image_size", "labels", [])]


def kernel_input(key):
    return {"pil": lambda: F.to_pil_image(IMAGE), "masks_tv": lambda: tv_tensors.Mask(MASKS), "image_tv": lambda: tv_tensors.Image(IMAGE),
            "video_tv": lambda: tv_tensors.Video(VIDEO), "boxes_tv": boxes}.get(key, lambda: INPUTS[key])()


def kernel_arg(a):
    if isinstance(a, dict):
        return getattr(torch, a["dtype"]) if "dtype" in a else INPUTS[a["input"]]
    return a


def kernel_fn(name):
    if name == "v2.ToTensor":
        return v2.ToTensor()
    return getattr(torchvision.transforms.functional, name[3:]) if name.startswith("v1.") else getattr(F, name)


def kernels():
    out, refused = [], []
    for fn, inpt, args in KERNELS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = kernel_fn(fn)(kernel_input(inpt), *[kernel_arg(a) for a in args])
        out.append({"fn": fn, "input": inpt, "args": args, "output": enc_leaf(result)})
    for fn, inpt, args in REFUSED:
        refused.append({"fn": fn, "input": inpt, "args": args, **error_of(lambda: kernel_fn(fn)(kernel_input(inpt), *args))})
    return out, refused


def main():
    custom = []
    for name, (src, tree, seed, calls) in CUSTOM.items():
        transform = eval(src)
        inputs = build(tree)
        torch.manual_seed(seed)
        outs = [enc_leaf(transform(*inputs)) for _ in range(calls)]
        custom.append({"name": name, "py": src, "sample": tree, "seed": seed, "calls": calls, "outputs": outs, "after": torch.rand(1).item()})
    custom_errors = []
    for name, (src, tree, seed) in CUSTOM_ERRORS.items():
        transform = eval(src)
        torch.manual_seed(seed)
        err = error_of(lambda: transform(*build(tree)))
        custom_errors.append({"name": name, "py": src, "sample": tree, "seed": seed, **err, "after": torch.rand(1).item()})
    needs = needs_cases()
    kernel_cases, refused = kernels()
    fixture = {
        "meta": {"torch": torch.__version__, "torchvision": torchvision.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(), "canvasSize": [H, W]},
        "inputs": {k: enc(v) for k, v in INPUTS.items()},
        "custom": custom, "customErrors": custom_errors, "needs": needs, "repr": repr(Reprs()), "helpers": helpers(),
        "kernels": kernel_cases, "refused": refused,
        "names": {"v2": [n for n in dir(v2) if not n.startswith("_")], "functional": [n for n in dir(F) if not n.startswith("_")],
                  "v1Functional": [n for n, f in vars(torchvision.transforms.functional).items()
                                   if not n.startswith("_") and callable(f) and getattr(f, "__module__", "") == "torchvision.transforms.functional"]},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(custom)} custom cases, {len(custom_errors)} custom errors, {len(needs)} needs cases, "
          f"{len(fixture['helpers']['check_type'])} check_type rows, {len(fixture['helpers']['errors'])} helper errors, {len(kernel_cases)} kernels, {len(refused)} refusals")


if __name__ == "__main__":
    main()
