"""Python torch side of the benchmark. Run with the project venv's Python (torch 2.13, the addon's libtorch):
    .venv/bin/python bench/py/bench.py <w1|w1big|w2|w3|w3nn|w2sgd|w2adam|w3sgd|w3adam|cnninfer|w4|tensor1m|err|print100k|print100kfull|pilresize|pilrrc|piljitter|pilrotate> <rounds>
Prints one JSON line describing the process, then one per timed round (w4: one RSS record)."""
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn.functional as F

WARMUP_S = 1.0  # doubling warm-up stops once this much time is spent (same on all three sides)
TARGET_S = 0.7  # length of one timed round
LR, MOMENTUM = 0.01, 0.9


def emit(record):
    print(json.dumps({"impl": "python", **record}), flush=True)


def measure(workload, variant, rounds, run, **extra):
    """Warms up with doubling batches, sizes a round to ~TARGET_S from the last batch, prints µs/iteration per round.
    run(n) does n iterations, so the timed loop has no per-iteration call of ours.
    BENCH_FIXED_ITERS=N (for instruction counts, bench/steps.sh): 10 warm-up iterations, then exactly N
    between the marker calls getppid() and getpriority() that callgrind zeroes and dumps its counters at."""
    fixed = int(os.environ.get("BENCH_FIXED_ITERS", "0"))
    if fixed > 0:
        run(10)
        os.getppid()
        t0, c0 = time.perf_counter(), time.process_time()
        run(fixed)
        us, cpu_us = ((time.perf_counter() - t0) * 1e6 / fixed, (time.process_time() - c0) * 1e6 / fixed)
        os.getpriority(os.PRIO_PROCESS, 0)
        emit({"workload": workload, "variant": variant, "round": 0, "iters": fixed, "us": round(us, 4),
              "cpu_us": round(cpu_us, 4), **extra})
        return
    spent, n = 0.0, 1
    while spent < WARMUP_S:  # the round is sized from the last batch: the first ones pay one-off costs
        t0 = time.perf_counter()
        run(n)
        last_n, last_s = n, time.perf_counter() - t0
        spent, n = spent + last_s, n * 2
    iters = max(1, round(last_n * TARGET_S / last_s))
    for r in range(rounds):
        t0 = time.perf_counter()
        run(iters)
        us = (time.perf_counter() - t0) * 1e6 / iters
        emit({"workload": workload, "variant": variant, "round": r, "iters": iters, "us": round(us, 4), **extra})


def loaded_blas():
    """libtorch's BLAS (BLAS_INFO in its build config), and the libblas mapped into this process if any."""
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    mapped = ""
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libblas.so" in line:
                mapped = " via " + line[line.index("/"):].strip()
                break
    return (m.group(1) if m else "unknown") + mapped


def w1(rounds, shape, workload):
    a, b = torch.rand(shape), torch.rand(shape)

    def run(n):
        for _ in range(n):
            a + b  # result dropped at once, as in C++ and Node (`c = a + b` would free it a step late)

    measure(workload, "c = a + b", rounds, run)


def leaf(shape, fan_in):
    """A leaf weight: randn scaled by 1/sqrt(fan_in), as in the C++ and Node sides."""
    return torch.randn(shape).mul_(1 / math.sqrt(fan_in)).requires_grad_()


def loss_check(step):
    """The first step's loss and the loss after 5 steps (the 6th step's, computed before its update): equal on
    all three sides only when they run the same forward, backward and optimizer update."""
    loss0 = step().item()
    for _ in range(4):
        step()
    return {"loss0": loss0, "loss5": step().item()}


def train(workload, rounds, params, loss_fn):
    """Times the hand-written step: zero grads, forward, backward, SGD with momentum."""
    bufs = [torch.zeros_like(p) for p in params]

    def step():
        for p in params:
            if p.grad is not None:
                p.grad.zero_()
        loss = loss_fn()
        loss.backward()
        with torch.no_grad():
            for p, buf in zip(params, bufs):
                buf.mul_(MOMENTUM).add_(p.grad)
                p.add_(buf, alpha=-LR)
        return loss

    def run(n):
        for _ in range(n):
            step()

    measure(workload, "train step", rounds, run, **loss_check(step))


def w2(rounds):
    torch.manual_seed(0)
    w1_, b1, w2_, b2 = leaf([128, 784], 784), leaf([128], 784), leaf([10, 128], 128), leaf([10], 128)
    x = torch.randn(64, 784)
    y = torch.randint(10, (64,))
    train("w2", rounds, [w1_, b1, w2_, b2],
          lambda: F.cross_entropy(F.linear(F.relu(F.linear(x, w1_, b1)), w2_, b2), y))


def w3(rounds):
    torch.manual_seed(0)
    params = [leaf([8, 1, 3, 3], 9), leaf([8], 9), leaf([16, 8, 3, 3], 72), leaf([16], 72),
              leaf([10, 784], 784), leaf([10], 784)]
    c1w, c1b, c2w, c2b, fw, fb = params
    x = torch.randn(32, 1, 28, 28)
    y = torch.randint(10, (32,))

    def loss_fn():
        h = F.max_pool2d(F.relu(F.conv2d(x, c1w, c1b, 1, 1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, c2w, c2b, 1, 1)), 2)
        return F.cross_entropy(F.linear(h.flatten(1), fw, fb), y)

    train("w3", rounds, params, loss_fn)


def w3nn(rounds):
    """W3 built from nn modules, as the Node and C++ sides build it."""
    torch.manual_seed(0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
            self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
            self.fc = torch.nn.Linear(784, 10)

        def forward(self, x):
            h = F.max_pool2d(F.relu(self.conv1(x)), 2)
            return self.fc(F.max_pool2d(F.relu(self.conv2(h)), 2).flatten(1))

    model = Net()
    x = torch.randn(32, 1, 28, 28)
    y = torch.randint(10, (32,))
    train("w3nn", rounds, list(model.parameters()), lambda: F.cross_entropy(model(x), y))


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 128)
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(784, 10)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        return self.fc(F.max_pool2d(F.relu(self.conv2(h)), 2).flatten(1))


OPTIMIZERS = {
    "sgd": lambda params, **impl: torch.optim.SGD(params, lr=LR, momentum=MOMENTUM, **impl),
    "adam": lambda params, **impl: torch.optim.Adam(params, lr=1e-3, **impl),
}
# The step implementations, in the Node side's order (BENCH_VARIANT=i: only the i-th); "optim" pairs each
# with the other sides' variant of the same name in bench/run.mjs. The CPU default is single-tensor.
OPTIM_VARIANTS = [("default", "single-tensor (default)", {}), ("foreach", "foreach=True", {"foreach": True}),
                  ("fused", "fused=True", {"fused": True})]


def optim_train(workload, model_cls, input_shape, optimizer):
    """W2/W3 with nn modules and torch.optim, one model per step implementation: zero_grad, forward, backward, step."""
    def bench(rounds):
        only = os.environ.get("BENCH_VARIANT")
        for i, (optim, label, impl) in enumerate(OPTIM_VARIANTS):
            if only is not None and int(only) != i:
                continue
            torch.manual_seed(0)  # the same weights and data for every variant and side
            model = model_cls()
            x = torch.randn(*input_shape)
            y = torch.randint(10, (input_shape[0],))
            opt = OPTIMIZERS[optimizer](model.parameters(), **impl)

            def step():
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                return loss

            def run(n):
                for _ in range(n):
                    step()

            measure(workload, f"nn + optim.{type(opt).__name__}, {label}", rounds, run, optim=optim, **loss_check(step))
    return bench


def cnninfer(rounds):
    """Eager inference of the small CNN of test/fixtures/aoti on one 3x32x32 image (random weights)."""
    torch.manual_seed(0)
    c1w, c1b, c2w, c2b, fw, fb = (torch.randn(s) for s in ([16, 3, 3, 3], [16], [32, 16, 3, 3], [32], [10, 2048], [10]))
    x = torch.randn(1, 3, 32, 32)

    def run(n):
        for _ in range(n):
            h = F.max_pool2d(F.relu(F.conv2d(x, c1w, c1b, 1, 1)), 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, c2w, c2b, 1, 1)), 2)
            F.linear(h.flatten(1), fw, fb)

    measure("cnninfer", "eager", rounds, run)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def w4(_rounds, iters=1_000_000, every=10_000):
    """Reference for Node's W4: RSS over 1M dropped 1000-element adds (refcounting frees each)."""
    a, b = torch.rand(1000), torch.rand(1000)
    a + b  # the first call initialises the kernels: not part of the growth (as rss.mjs does)
    start = peak = rss_bytes()
    t0 = time.perf_counter()
    for i in range(1, iters + 1):
        c = a + b  # noqa: F841
        if i % every == 0:
            peak = max(peak, rss_bytes())
    us = (time.perf_counter() - t0) * 1e6 / iters
    mib = 2 ** 20
    emit({"workload": "w4", "variant": "refcount", "iters": iters, "us": round(us, 4),
          "rss_start_mib": round(start / mib, 1), "rss_peak_mib": round(peak / mib, 1),
          "rss_growth_mib": round((peak - start) / mib, 1)})


def tensor1m(rounds):
    """torch.tensor of a list of 1000 lists of 1000 floats (the same values as the Node side)."""
    nested = [[((i * 1000 + j) * 7919 % 1000) / 7 for j in range(1000)] for i in range(1000)]

    def run(n):
        for _ in range(n):
            torch.tensor(nested)

    measure("tensor1m", "torch.tensor(nested)", rounds, run)


def op_error(rounds):
    """A libtorch error raised and caught: x.view(4, 2) of a 3-element tensor (the same call as the Node side)."""
    x = torch.zeros(3)

    def run(n):
        for _ in range(n):
            try:
                x.view(4, 2)
            except RuntimeError:
                pass
            else:
                raise AssertionError("x.view(4, 2) did not fail")

    measure("err", "try: x.view(4, 2) except RuntimeError", rounds, run)


def print_tensor(workload, **options):
    """str(x) of a 100x1000 randn tensor: summarized by default, or in full with threshold=inf."""
    def bench(rounds):
        torch.manual_seed(0)
        x = torch.randn(100, 1000)
        torch.set_printoptions(**options)

        def run(n):
            for _ in range(n):
                str(x)

        measure(workload, "str(x)", rounds, run, chars=len(str(x)))
    return bench


PIL_TRANSFORMS = {  # torchvision's PIL path; the Node side runs vision.transforms on a vision.Image of the same pixels
    "pilresize": ("Resize(256)", lambda T: T.Resize(256)),
    "pilrrc": ("RandomResizedCrop(224)", lambda T: T.RandomResizedCrop(224)),
    "piljitter": ("ColorJitter(0.4, 0.4, 0.4, 0.1)", lambda T: T.ColorJitter(0.4, 0.4, 0.4, 0.1)),
    "pilrotate": ("RandomRotation(15, bilinear)", lambda T: T.RandomRotation(15, interpolation=T.InterpolationMode.BILINEAR)),
}


def pil_transform(workload):
    """One torchvision transform on a 500x375 RGB PIL image (pixels: a gradient with a 31-step ripple, as the Node side's)."""
    def bench(rounds):
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
        try:
            import torchvision_cpu  # noqa: F401 (torchvision's Python against CPU torch; its _C is not needed here)
            import torchvision.transforms as T
            from PIL import Image
        except ImportError as e:
            sys.exit(f"{workload} needs torchvision 0.28 and Pillow in {sys.executable} (npm run bench installs them): {e}")
        w, h = 500, 375
        data = bytes(((x + y + (i * 7919) % 31) & 255) for y in range(h) for x in range(w) for i in [(y * w + x) * 3 + c for c in range(3)])
        image = Image.frombytes("RGB", (w, h), data)
        name, make = PIL_TRANSFORMS[workload]
        transform = make(T)
        torch.manual_seed(0)

        def run(n):
            for _ in range(n):
                transform(image)

        measure(workload, name, rounds, run)
    return bench


WORKLOADS = {
    "w1": lambda r: w1(r, [1], "w1"),
    "w1big": lambda r: w1(r, [1000, 1000], "w1big"),
    "w2": w2,
    "w3": w3,
    "w3nn": w3nn,
    "w2sgd": optim_train("w2sgd", Mlp, (64, 784), "sgd"),
    "w2adam": optim_train("w2adam", Mlp, (64, 784), "adam"),
    "w3sgd": optim_train("w3sgd", Cnn, (32, 1, 28, 28), "sgd"),
    "w3adam": optim_train("w3adam", Cnn, (32, 1, 28, 28), "adam"),
    "cnninfer": cnninfer,
    "w4": w4,
    "tensor1m": tensor1m,
    "err": op_error,
    "print100k": print_tensor("print100k", profile="default"),
    "print100kfull": print_tensor("print100kfull", threshold=math.inf),
    **{w: pil_transform(w) for w in PIL_TRANSFORMS},
}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in WORKLOADS:
        sys.exit(f"usage: {sys.argv[0]} <{'|'.join(WORKLOADS)}> <rounds>")
    torch.set_num_threads(1)
    emit({"env": {"version": f"torch {torch.__version__}", "threads": torch.get_num_threads(),
                  "blas": loaded_blas()}})
    WORKLOADS[sys.argv[1]](int(sys.argv[2]))
