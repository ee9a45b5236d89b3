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
from torch.nn.attention.bias import CausalVariant, causal_lower_right, causal_upper_left

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
# torch.nn.attention.bias: causal biases of other lengths (a query of 4 against keys of 6, and 6 against 4).
torch.manual_seed(1)
cq, ck, cv = torch.randn(2, 3, 4, 8, dtype=torch.float64), torch.randn(2, 3, 6, 8, dtype=torch.float64), torch.randn(2, 3, 6, 5, dtype=torch.float64)
fixture["causal_bias"] = {
    "q": enc(cq), "k": enc(ck), "v": enc(cv),
    "lower_right": enc(F.scaled_dot_product_attention(cq, ck, cv, causal_lower_right(4, 6))),
    "upper_left": enc(F.scaled_dot_product_attention(cq, ck, cv, causal_upper_left(4, 6))),
    "lower_right_square": enc(F.scaled_dot_product_attention(cq, cq, cq, causal_lower_right(4, 4))),
    "longer_query": enc(F.scaled_dot_product_attention(ck, cq, cq, causal_lower_right(6, 4))),
    "repr": repr(causal_lower_right(3, 4)),
    "variants": {n: int(v) for n, v in CausalVariant.__members__.items()},
    "with_causal_error": str(raised(lambda: F.scaled_dot_product_attention(cq, ck, cv, causal_lower_right(4, 6), is_causal=True))),
    "size_error": str(raised(lambda: causal_lower_right(4))),
}
assert not torch.equal(F.scaled_dot_product_attention(q, k, v, is_causal=True), torch.tensor(0.0))
write_fixture("sdpa-kernel.json", fixture)
