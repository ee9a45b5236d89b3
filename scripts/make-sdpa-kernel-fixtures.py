"""Fixtures for torch.nn.attention.sdpa_kernel and torch.backends.cuda's SDP switches (test/sdpa-kernel.test.ts)
from Python torch 2.13 on the CPU: scaled_dot_product_attention's output with each backend set (the CPU has
the flash and math kernels, and they round differently), the error with no usable backend, the priority
order inside and after, and the switches' defaults. Run: .venv/bin/python scripts/make-sdpa-kernel-fixtures.py
(writes test/fixtures/sdpa-kernel.json)."""
import os
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyvalues import enc, raised, write_fixture  # noqa: E402

torch.manual_seed(0)
q, k, v = (torch.randn(2, 4, 16, 32) for _ in range(3))
cuda = torch.backends.cuda
switches = lambda: [cuda.flash_sdp_enabled(), cuda.mem_efficient_sdp_enabled(), cuda.math_sdp_enabled(), cuda.cudnn_sdp_enabled(),
                    cuda.fp16_bf16_reduction_math_sdp_allowed()]

fixture = {"torch": torch.__version__, "q": enc(q), "k": enc(k), "v": enc(v), "defaults": switches(),
           "default_order": torch._C._get_sdp_priority_order(), "backends": {n: int(b) for n, b in SDPBackend.__members__.items()}}
fixture["default"] = enc(F.scaled_dot_product_attention(q, k, v, is_causal=True))
with sdpa_kernel(SDPBackend.MATH):
    fixture["math"] = enc(F.scaled_dot_product_attention(q, k, v, is_causal=True))
    fixture["inside_math"] = switches()
with sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
    fixture["flash"] = enc(F.scaled_dot_product_attention(q, k, v, is_causal=True))
with sdpa_kernel([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION], set_priority=True):
    fixture["priority_inside"] = torch._C._get_sdp_priority_order()
    fixture["priority_output"] = enc(F.scaled_dot_product_attention(q, k, v, is_causal=True))
fixture["priority_after"] = torch._C._get_sdp_priority_order()


def no_backend():
    with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):
        F.scaled_dot_product_attention(q, k, v)


fixture["no_backend_error"] = str(raised(no_backend))
fixture["after"] = switches()
# torch.backends.cuda.matmul.allow_tf32 and the float32 matmul precision it sets.
tf32 = [cuda.matmul.allow_tf32, torch.get_float32_matmul_precision()]
cuda.matmul.allow_tf32 = True
tf32 += [cuda.matmul.allow_tf32, torch.get_float32_matmul_precision()]
cuda.matmul.allow_tf32 = False
fixture["matmul_tf32"] = tf32 + [cuda.matmul.allow_tf32, torch.get_float32_matmul_precision()]
assert not torch.equal(F.scaled_dot_product_attention(q, k, v, is_causal=True), torch.tensor(0.0))
write_fixture("sdpa-kernel.json", fixture)
