"""Fixtures of torchnode's transforms.v2 JPEG (class and v2.functional.jpeg) and of v2 RandomErasing / erase
on a PIL image (vision.Image), torchvision 0.28 on torch 2.13: run with
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 .venv/bin/python scripts/make-v2-jpeg-fixtures.py

Writes test/fixtures/v2-jpeg.json. torchvision's image extension (encode_jpeg, decode_jpeg) does not load
against the venv's CPU torch, so its two calls in v2's jpeg kernel are replaced by stand-ins over Pillow:
the same libjpeg-turbo (3.1.4 in Pillow, 3.1.3 in torchvision's wheel) with the same settings as
torchvision's encode_jpeg.cpp (jpeg_set_defaults, jpeg_set_quality(q, TRUE): baseline, standard tables,
4:2:0 chroma, islow DCT) and decode_jpeg.cpp (islow DCT, fancy upsampling), and torchvision's own checks and
messages. Everything else (the dispatch, the batching, the draws) is torchvision's own code. The PIL path
(_jpeg_image_pil) is torchvision's unchanged. Where gcc and jpeglib.h are at hand, every round trip the
stand-ins made is redone by a C transcription of encode_jpeg.cpp and decode_jpeg.cpp linked against the
libjpeg-turbo torchvision's wheel bundles, and must give the same pixels.
"""
import io
import os
import warnings

import numpy as np
import torch
from PIL import Image as PILImage

import torchvision_cpu  # noqa: F401 (torchvision against CPU torch: before any torchvision import)
import torchvision  # noqa: E402,F401
from torchvision import tv_tensors  # noqa: E402
from torchvision.transforms import v2  # noqa: E402
from torchvision.transforms.v2 import functional as F  # noqa: E402
from torchvision.transforms.v2.functional import _augment  # noqa: E402

import v2_fixture_io as v2io  # noqa: E402 (the helpers the v2 fixture scripts share)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "v2-jpeg.json")


def write_json(path, obj):
    import json
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def encode_jpeg(input, quality=75):
    """torchvision.io.encode_jpeg (one CPU tensor): its Python check, encode_jpeg.cpp's checks, Pillow's libjpeg-turbo."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if input.dtype != torch.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if input.dim() != 3:
        raise RuntimeError("Input data should be a 3-dimensional tensor")
    c = input.size(0)
    if c not in (1, 3):
        raise RuntimeError(f"The number of channels should be 1 or 3, got: {c}")
    hwc = input.permute(1, 2, 0).contiguous().numpy()
    pil = PILImage.fromarray(hwc[:, :, 0], "L") if c == 1 else PILImage.fromarray(hwc, "RGB")
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", quality=quality)
    return torch.frombuffer(bytearray(buf.getvalue()), dtype=torch.uint8)


def decode_jpeg(data):
    """torchvision.io.decode_jpeg(data) in mode UNCHANGED: (1, H, W) for a gray file, (3, H, W) for a colour one."""
    pil = PILImage.open(io.BytesIO(data.numpy().tobytes()))
    arr = torch.from_numpy(np.array(pil))
    return arr.unsqueeze(0) if arr.dim() == 2 else arr.permute(2, 0, 1)


ROUND_TRIPS = []  # (HWC uint8 pixels, quality, the decoded pixels): checked against torchvision's own libjpeg below
ENCODED = {}  # the JPEG bytes the stand-in wrote -> (HWC pixels, quality)


def recording_encode_jpeg(input, quality=75):
    out = encode_jpeg(input, quality=quality)
    ENCODED[out.numpy().tobytes()] = (input.permute(1, 2, 0).contiguous().numpy().copy(), quality)
    return out


def recording_decode_jpeg(data):
    out = decode_jpeg(data)
    hwc, quality = ENCODED[data.numpy().tobytes()]
    ROUND_TRIPS.append((hwc, quality, out.permute(1, 2, 0).contiguous().numpy().copy()))
    return out


_augment.encode_jpeg = recording_encode_jpeg
_augment.decode_jpeg = recording_decode_jpeg

# torchvision's encode_jpeg.cpp and decode_jpeg.cpp (mode UNCHANGED) in C, linked against the libjpeg-turbo
# that torchvision's wheel bundles (torchvision.libs/libjpeg.*.so.8), built with the system's jpeglib.h
# set to that library's ABI (JPEG_LIB_VERSION 80).
TV_LIBJPEG_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include "jpeglib.h"
int main(int argc, char** argv) {  /* in.raw c h w quality out.raw */
  int c = atoi(argv[2]), h = atoi(argv[3]), w = atoi(argv[4]), q = atoi(argv[5]);
  unsigned char* px = malloc(c * h * w);
  FILE* f = fopen(argv[1], "rb"); if (fread(px, 1, c * h * w, f) != (size_t)(c * h * w)) return 1; fclose(f);
  struct jpeg_compress_struct ci; struct jpeg_error_mgr je;
  ci.err = jpeg_std_error(&je); jpeg_create_compress(&ci);
  unsigned char* buf = NULL; unsigned long size = 0;
  ci.image_width = w; ci.image_height = h; ci.input_components = c; ci.in_color_space = c == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&ci); jpeg_set_quality(&ci, q, TRUE);
  jpeg_mem_dest(&ci, &buf, &size); jpeg_start_compress(&ci, TRUE);
  while (ci.next_scanline < ci.image_height) { JSAMPROW row = px + ci.next_scanline * w * c; jpeg_write_scanlines(&ci, &row, 1); }
  jpeg_finish_compress(&ci); jpeg_destroy_compress(&ci);
  struct jpeg_decompress_struct di; di.err = jpeg_std_error(&je); jpeg_create_decompress(&di);
  jpeg_mem_src(&di, buf, size); jpeg_read_header(&di, TRUE);
  if (di.jpeg_color_space != JCS_GRAYSCALE) di.out_color_space = JCS_RGB;
  jpeg_start_decompress(&di);
  int oc = di.output_components; unsigned char* out = malloc(oc * h * w);
  while (di.output_scanline < di.output_height) { JSAMPROW row = out + di.output_scanline * w * oc; jpeg_read_scanlines(&di, &row, 1); }
  jpeg_finish_decompress(&di); jpeg_destroy_decompress(&di);
  f = fopen(argv[6], "wb"); fwrite(out, 1, oc * h * w, f); fclose(f);
  return 0;
}
"""


def check_against_torchvision_libjpeg():
    """Every round trip the stand-ins made, redone by torchvision's bundled libjpeg-turbo: the pixels must be
    equal. Skipped (with a note) where no C compiler or jpeglib.h is at hand."""
    import glob
    import shutil
    import subprocess
    import tempfile
    libs = glob.glob(os.path.join(os.path.dirname(torchvision.__file__), "..", "torchvision.libs", "libjpeg*.so*"))
    jconfig = next(iter(glob.glob("/usr/include/jconfig.h") + glob.glob("/usr/include/*/jconfig.h")), None)
    if not libs or jconfig is None or shutil.which("gcc") is None or not os.path.exists("/usr/include/jpeglib.h"):
        print("note: torchvision's libjpeg-turbo cross-check skipped (needs gcc, jpeglib.h and torchvision.libs/libjpeg)")
        return
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "inc"))
        with open(jconfig) as f, open(os.path.join(d, "inc", "jconfig.h"), "w") as g:
            g.write("".join(line if not line.startswith("#define JPEG_LIB_VERSION") else "#define JPEG_LIB_VERSION 80\n" for line in f))
        os.symlink(os.path.abspath(libs[0]), os.path.join(d, "libjpeg.so.8"))
        with open(os.path.join(d, "rt.c"), "w") as f:
            f.write(TV_LIBJPEG_C)
        exe = os.path.join(d, "rt")
        subprocess.run(["gcc", "-O1", "-I" + os.path.join(d, "inc"), "-I/usr/include", os.path.join(d, "rt.c"), "-o", exe,
                        os.path.join(d, "libjpeg.so.8"), "-Wl,-rpath," + d], check=True)
        for hwc, q, expected in ROUND_TRIPS:
            h, w, c = hwc.shape
            hwc.tofile(os.path.join(d, "in.raw"))
            subprocess.run([exe, os.path.join(d, "in.raw"), str(c), str(h), str(w), str(q), os.path.join(d, "out.raw")], check=True)
            got = np.fromfile(os.path.join(d, "out.raw"), dtype=np.uint8)
            assert np.array_equal(got, expected.reshape(-1)), f"Pillow and torchvision's libjpeg-turbo differ at quality {q}, {c}x{h}x{w}"
    print(f"torchvision's own libjpeg-turbo ({os.path.basename(libs[0])}) gives the same pixels in all {len(ROUND_TRIPS)} round trips")


def enc(t):
    t = t.detach().cpu().contiguous()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": t.flatten().tolist()}


def enc_out(v):
    return v2io.enc_out(v, enc)


def synthetic(c, h, w, seed):
    """Smooth gradients and waves with noise: detail that JPEG visibly changes at every quality."""
    g = torch.Generator().manual_seed(seed)
    y = torch.linspace(0, 1, h)[:, None]
    x = torch.linspace(0, 1, w)[None, :]
    planes = [255 * x * torch.ones_like(y), 255 * y * torch.ones_like(x), 128 + 100 * torch.sin(10 * x + 7 * y)][:c]
    return (torch.stack(planes) + 30 * torch.randn(c, h, w, generator=g)).clamp(0, 255).round().to(torch.uint8)


RGB = synthetic(3, 37, 45, 1)
GRAY = synthetic(1, 21, 30, 2)
BATCH = torch.stack([synthetic(3, 16, 24, 3), synthetic(3, 16, 24, 4)])
VIDEO = torch.stack([synthetic(3, 17, 19, 5), synthetic(3, 17, 19, 6), synthetic(3, 17, 19, 7)])
SMALL = synthetic(3, 12, 14, 8)
INPUTS = {"rgb": RGB, "gray": GRAY, "batch": BATCH, "video": VIDEO, "small": SMALL}


def pil(name):
    return v2io.pil_of(INPUTS[name])


def make(name, how):
    return v2io.make_input(INPUTS[name], how)


error_of = v2io.error_of


# the kernel: (input name, how it is wrapped, quality)
KERNELS = [("rgb", "pure", q) for q in (1, 50, 75, 95, 100)] + [
    ("rgb", "pure", 10), ("gray", "pure", 75), ("gray", "pure", 5), ("batch", "pure", 60), ("video", "video", 30),
    ("rgb", "image", 90), ("rgb", "pil", 10), ("rgb", "pil", 75), ("rgb", "pil", 100), ("gray", "pil", 50),
    ("small", "pure", 1), ("small", "pure", 100),
]
kernels = []
for name, how, q in KERNELS:
    out = F.jpeg(make(name, how), quality=q)
    kernels.append({"input": name, "how": how, "quality": q, "out": enc_out(out)})

# the class: (source, how the sample is made, seed, calls); after each, where the RNG is
CLASS_CASES = [
    ("v2.JPEG(50)", "rgb_pure", 0, 1),
    ("v2.JPEG((5, 95))", "rgb_pure", 0, 3),
    ("v2.JPEG([1, 100])", "small_image", 7, 4),
    ("v2.JPEG([30, 31])", "batch_pure", 3, 2),
    ("v2.JPEG((60, 90))", "video_dict", 11, 2),
    ("v2.JPEG([20, 80])", "rgb_pil", 5, 2),
    ("v2.JPEG([20, 80])", "gray_pil_label", 5, 2),
]


def sample(how):
    if how == "rgb_pure":
        return (RGB.clone(),)
    if how == "small_image":
        return (tv_tensors.Image(SMALL.clone()),)
    if how == "batch_pure":
        return (BATCH.clone(), 3)
    if how == "video_dict":  # a video, a mask (passed through) and a label
        return ({"video": tv_tensors.Video(VIDEO.clone()), "mask": tv_tensors.Mask(torch.ones(17, 19, dtype=torch.uint8)), "label": 2},)
    if how == "rgb_pil":
        return (pil("rgb"),)
    if how == "gray_pil_label":
        return (pil("gray"), 1)
    raise ValueError(how)


def replay(src, how, seed, calls):
    """The transform `src` called `calls` times on fresh samples after torch.manual_seed(seed): its outputs
    (with the warnings each call gave), its repr, and the next torch.rand(3) (where the RNG is left)."""
    t = eval(src)
    torch.manual_seed(seed)
    outs = []
    for _ in range(calls):
        s = sample(how)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            outs.append(enc_out(t(*s)))
        outs[-1]["warnings"] = [str(x.message) for x in w]
    return {"src": src, "how": how, "seed": seed, "calls": calls, "repr": repr(t), "outs": outs, "next": torch.rand(3).tolist()}


classes = [replay(*c) for c in CLASS_CASES]

# the draws alone: the qualities a seeded JPEG range picks, call after call
draws = []
for lo, hi, seed in [(1, 100, 0), (5, 95, 1), (50, 50, 2)]:
    torch.manual_seed(seed)
    draws.append({"range": [lo, hi], "seed": seed, "qualities": [v2.JPEG((lo, hi)).make_params([])["quality"] for _ in range(8)], "next": torch.rand(2).tolist()})

errors = {
    "zero": error_of(lambda: v2.JPEG(0)),
    "over": error_of(lambda: v2.JPEG(101)),
    "reversed": error_of(lambda: v2.JPEG([10, 5])),
    "range_over": error_of(lambda: v2.JPEG([10, 101])),
    "three": error_of(lambda: v2.JPEG([1, 2, 3])),
    "bool": error_of(lambda: v2.JPEG(True)),
    "float": error_of(lambda: v2.JPEG(1.5)),
    "float_range": error_of(lambda: v2.JPEG([1.5, 20])),
    "string": error_of(lambda: v2.JPEG("50")),
    "kernel_quality_zero": error_of(lambda: F.jpeg(RGB, quality=0)),
    "kernel_quality_over": error_of(lambda: F.jpeg(RGB, quality=101)),
    "kernel_float": error_of(lambda: F.jpeg(RGB.float(), quality=50)),
    "kernel_channels": error_of(lambda: F.jpeg(torch.zeros(5, 8, 8, dtype=torch.uint8), quality=50)),
    "kernel_2d": error_of(lambda: F.jpeg(torch.zeros(8, 8, dtype=torch.uint8), quality=50)),
    "kernel_mask": error_of(lambda: F.jpeg(tv_tensors.Mask(torch.zeros(8, 8, dtype=torch.uint8)), quality=50)),
}
empty = F.jpeg(torch.zeros(0, 3, 8, 8, dtype=torch.uint8), quality=50)
errors_ok = {"empty_batch_shape": list(empty.shape)}

# ---- RandomErasing / erase of a PIL image ---------------------------------------------------------
ERASE_CASES = [
    ("v2.RandomErasing(p=1.0)", "rgb_pil", 0, 2),
    ("v2.RandomErasing(p=1.0, value=127.7)", "rgb_pil", 1, 2),
    ("v2.RandomErasing(p=1.0, value=(10, 200, 300))", "rgb_pil", 2, 2),
    ("v2.RandomErasing(p=1.0, value='random')", "rgb_pil", 3, 2),
    ("v2.RandomErasing(p=1.0, value=-1.5)", "gray_pil_label", 4, 2),
    ("v2.RandomErasing(p=0.5, scale=(0.1, 0.4), ratio=(0.5, 2.0), value=77)", "rgb_pil", 5, 6),
    ("v2.RandomErasing(p=1.0, scale=(0.98, 1.0), ratio=(1, 1))", "rgb_pil", 6, 1),
    ("v2.RandomErasing(p=1.0, value=9)", "video_dict", 7, 2),
    ("v2.RandomErasing(p=1.0, value='random')", "batch_pure", 8, 1),
    ("v2.RandomErasing(p=1.0, value=5, inplace=True)", "rgb_pil", 9, 1),
]
erasing = [replay(*c) for c in ERASE_CASES]

erase_kernels = []
for how, args in [("rgb", (3, 4, 10, 12, torch.tensor([1.0, 2.0, 250.9])[:, None, None])), ("gray", (0, 0, 5, 30, torch.tensor([300.0])[:, None, None])),
                  ("rgb", (10, 20, 7, 9, torch.randn(3, 7, 9, generator=torch.Generator().manual_seed(3)) * 100))]:
    out = F.erase(pil(how), *args)
    erase_kernels.append({"input": how, "i": args[0], "j": args[1], "h": args[2], "w": args[3], "v": enc(args[4]), "out": enc_out(out)})

check_against_torchvision_libjpeg()
write_json(OUT, {
    "inputs": {k: enc(v) for k, v in INPUTS.items()},
    "kernels": kernels, "classes": classes, "draws": draws, "errors": errors, "errorsOk": errors_ok,
    "erasing": erasing, "eraseKernels": erase_kernels,
})
print(f"{OUT}: {len(kernels)} kernels, {len(classes)} class cases, {len(draws)} draws, {len(errors)} errors, {len(erasing)} erasing cases, {len(erase_kernels)} erase kernels")
