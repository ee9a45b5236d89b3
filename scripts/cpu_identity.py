"""The CPU identity recorded in the fixtures' meta.cpuModel, as test/cpu-model.ts computes it: the first "model
name" of /proc/cpuinfo and the widest oneDNN ISA the tests allow (vitest.config.ts caps it at AVX512_CORE_BF16).
MKL and oneDNN results (Linear, Conv) are compared bit for bit only on the same identity: one model name covers
CPUs with and without AVX-512 on virtual machines ("AMD EPYC"), and oneDNN's kernels differ between them."""


def cpu_model():
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return "unknown"
    name = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")), "unknown")
    flags = set(next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []))
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags:
        isa = "AVX512_CORE_BF16" if "avx512_bf16" in flags else "AVX512_CORE"
    else:
        isa = "AVX2" if "avx2" in flags else "pre-AVX2"
    return f"{name} ({isa})"
