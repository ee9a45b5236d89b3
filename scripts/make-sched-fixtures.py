"""Learning-rate sequences of every torch.optim.lr_scheduler class and swa_utils results, from
PyTorch 2.13, for test/sched.test.ts and test/swa.test.ts.
Usage: .venv/bin/python scripts/make-sched-fixtures.py
Writes test/fixtures/sched.json, test/fixtures/sched-swa.json, test/fixtures/sched-errors.json and
test/fixtures/sched/*.pt."""
import json
import math
import os
import re
import warnings

import torch
from torch.optim import lr_scheduler as L
from torch.optim import swa_utils

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures")
PT_DIR = os.path.join(OUT, "sched")
warnings.simplefilter("ignore")

# Functions by name: the JS test has the same table (plain arithmetic, so both sides agree to the bit).
FNS = {
    "inv": lambda e: 1 / (e + 1),
    "lin": lambda e: (e + 10) / 10,
    "mul95": lambda e: 0.95,
    "alt": lambda e: 0.9 if e % 2 else 1.0,
    "halfInv": lambda x: 1 / (x + 1) if x >= 0 else 1.0,
}


class BetasOpt(torch.optim.Optimizer):
    """An optimizer with Adam's `betas` (no update): drives use_beta1 in CyclicLR/OneCycleLR."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999)):
        super().__init__(params, dict(lr=lr, betas=betas))

    def step(self, closure=None):
        return None


def snake(key):
    special = {"tMax": "T_max", "t0": "T_0", "tMult": "T_mult"}
    return special.get(key) or re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def make_optimizer(spec):
    params = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    groups = [{"params": [p], **{snake(k): v for k, v in g.items()}} for p, g in zip(params, spec["groups"])]
    if spec["kind"] == "SGD":
        return torch.optim.SGD(groups, **{snake(k): v for k, v in spec.get("options", {}).items()})
    return BetasOpt(groups)


def build(spec, opt):
    cls = getattr(L, spec["cls"], None) or getattr(swa_utils, spec["cls"])
    kwargs = {}
    for k, v in spec.get("args", {}).items():
        if isinstance(v, dict) and "fn" in v:
            v = FNS[v["fn"]]
        elif isinstance(v, list) and v and isinstance(v[0], dict) and "fn" in v[0]:
            v = [FNS[x["fn"]] for x in v]
        elif isinstance(v, list) and v and isinstance(v[0], dict) and "cls" in v[0]:
            v = [build(x, opt) for x in v]
        kwargs[snake(k)] = v
    if spec["cls"] == "ChainedScheduler":
        return cls(kwargs.pop("schedulers"), **kwargs)
    return cls(opt, **kwargs)


def momenta(opt):
    out = []
    for g in opt.param_groups:
        if "betas" in g:
            out.append(g["betas"][0])
        elif "momentum" in g:
            out.append(g["momentum"])
    return out


def step_all(scheds, case, i):
    for s in scheds:
        if isinstance(s, L.ReduceLROnPlateau):
            s.step(case["metrics"][i])
        elif "epochs" in case:
            s.step(case["epochs"][i])
        else:
            s.step()


def run(case):
    opt = make_optimizer(case["optimizer"])
    scheds = [build(s, opt) for s in case["schedulers"]]
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [momenta(opt)]
    last = [[list(map(float, s.get_last_lr())) for s in scheds]]
    half = case["steps"] // 2
    for i in range(case["steps"]):
        opt.step()
        step_all(scheds, case, i)
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append(momenta(opt))
        last.append([list(map(float, s.get_last_lr())) for s in scheds])
        if i + 1 == half:
            saved = {"optimizer": opt.state_dict(), "schedulers": [s.state_dict() for s in scheds]}
            torch.save(saved, os.path.join(PT_DIR, case["name"] + ".pt"))
            state_keys = [list(s.state_dict().keys()) for s in scheds]
    # Python's own resume: fresh optimizer and schedulers, then both state dicts, then the second half.
    opt2 = make_optimizer(case["optimizer"])
    scheds2 = [build(s, opt2) for s in case["schedulers"]]
    saved = torch.load(os.path.join(PT_DIR, case["name"] + ".pt"), weights_only=True)
    opt2.load_state_dict(saved["optimizer"])
    for s, sd in zip(scheds2, saved["schedulers"]):
        s.load_state_dict(sd)
    resumed = []
    for i in range(half, case["steps"]):
        opt2.step()
        step_all(scheds2, case, i)
        resumed.append([g["lr"] for g in opt2.param_groups])
    return {**case, "lrs": lrs, "momenta": moms, "lastLr": last, "half": half, "stateKeys": state_keys, "resumed": resumed}


def sgd(lrs=(0.1, 0.05), momentum=0.9):
    return {"kind": "SGD", "groups": [{"lr": lr} for lr in lrs], "options": {"lr": 0.1, "momentum": momentum}}


BETAS = {"kind": "Betas", "groups": [{"lr": 0.1}, {"lr": 0.05}]}


def case(name, schedulers, steps=150, optimizer=None, **extra):
    return {"name": name, "optimizer": optimizer or sgd(), "schedulers": schedulers, "steps": steps, **extra}


def S(cls, **args):
    return {"cls": cls, "args": args}


CASES = [
    case("lambda-inv", [S("LambdaLR", lrLambda={"fn": "inv"})]),
    case("lambda-list", [S("LambdaLR", lrLambda=[{"fn": "inv"}, {"fn": "lin"}])]),
    case("multiplicative", [S("MultiplicativeLR", lrLambda={"fn": "mul95"})]),
    case("multiplicative-alt", [S("MultiplicativeLR", lrLambda=[{"fn": "alt"}, {"fn": "mul95"}])]),
    case("step-30", [S("StepLR", stepSize=30, gamma=0.1)], steps=200),
    case("step-7-half", [S("StepLR", stepSize=7, gamma=0.5)]),
    case("step-1", [S("StepLR", stepSize=1, gamma=0.97)], steps=300),
    case("multistep", [S("MultiStepLR", milestones=[30, 80], gamma=0.1)]),
    case("multistep-repeat", [S("MultiStepLR", milestones=[10, 10, 50], gamma=0.5)]),
    case("constant", [S("ConstantLR")], steps=20),
    case("constant-half", [S("ConstantLR", factor=0.5, totalIters=10)], steps=30),
    case("linear", [S("LinearLR")], steps=20),
    case("linear-warmup", [S("LinearLR", startFactor=0.1, endFactor=1.0, totalIters=50)], steps=100),
    case("linear-decay", [S("LinearLR", startFactor=1.0, endFactor=0.05, totalIters=80)], steps=100),
    case("exponential", [S("ExponentialLR", gamma=0.95)], steps=200),
    case("exponential-99", [S("ExponentialLR", gamma=0.99)], steps=300),
    case("polynomial", [S("PolynomialLR")], steps=20),
    case("polynomial-2", [S("PolynomialLR", totalIters=100, power=2.0)]),
    case("polynomial-half", [S("PolynomialLR", totalIters=50, power=0.5)], steps=80),
    # total_iters=0: the chainable form returns early, so the lr stays (only the closed form divides by it)
    case("polynomial-zero", [S("PolynomialLR", totalIters=0)], steps=6),
    case("cosine-50", [S("CosineAnnealingLR", tMax=50)], steps=250),
    case("cosine-etamin", [S("CosineAnnealingLR", tMax=100, etaMin=1e-3)], steps=300),
    case("warm-restarts", [S("CosineAnnealingWarmRestarts", t0=10)], steps=100),
    case("warm-restarts-mult", [S("CosineAnnealingWarmRestarts", t0=10, tMult=2, etaMin=1e-4)], steps=200),
    case("warm-restarts-fractional", [S("CosineAnnealingWarmRestarts", t0=5, tMult=2, etaMin=1e-3)], steps=140,
         epochs=[e + i / 4 for e in range(35) for i in range(4)]),
    case("warm-restarts-fractional-1", [S("CosineAnnealingWarmRestarts", t0=3)], steps=60,
         epochs=[e + i / 3 for e in range(20) for i in range(3)]),
    case("cyclic-triangular", [S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=20)]),
    case("cyclic-triangular2", [S("CyclicLR", baseLr=[0.01, 0.001], maxLr=[0.1, 0.05], stepSizeUp=20, stepSizeDown=10, mode="triangular2")], steps=200),
    case("cyclic-exp-range", [S("CyclicLR", baseLr=0.001, maxLr=0.1, stepSizeUp=15, mode="exp_range", gamma=0.99)], steps=200),
    case("cyclic-no-momentum", [S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=10, cycleMomentum=False)]),
    case("cyclic-betas", [S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=12, baseMomentum=0.85, maxMomentum=0.95)], optimizer=BETAS),
    case("cyclic-scale-fn", [S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=8, scaleFn={"fn": "halfInv"}, scaleMode="iterations")]),
    case("onecycle", [S("OneCycleLR", maxLr=0.1, totalSteps=100)], steps=100),
    case("onecycle-linear", [S("OneCycleLR", maxLr=[0.1, 0.02], totalSteps=120, annealStrategy="linear", pctStart=0.25)], steps=120),
    case("onecycle-three-phase", [S("OneCycleLR", maxLr=0.05, epochs=10, stepsPerEpoch=15, threePhase=True, divFactor=10.0, finalDivFactor=100.0)], steps=150),
    case("onecycle-betas", [S("OneCycleLR", maxLr=0.1, totalSteps=80, baseMomentum=0.8, maxMomentum=0.9)], steps=80, optimizer=BETAS),
    case("onecycle-no-momentum", [S("OneCycleLR", maxLr=0.1, totalSteps=60, cycleMomentum=False)], steps=60),
    case("sequential-warmup", [S("SequentialLR", schedulers=[S("LinearLR", startFactor=0.1, totalIters=10), S("ExponentialLR", gamma=0.95)], milestones=[10])]),
    case("sequential-three", [S("SequentialLR", schedulers=[S("ConstantLR", factor=0.5, totalIters=5), S("CosineAnnealingLR", tMax=50), S("StepLR", stepSize=10, gamma=0.5)], milestones=[5, 60])], steps=200),
    case("chained", [S("ChainedScheduler", schedulers=[S("ConstantLR", factor=0.5, totalIters=10), S("ExponentialLR", gamma=0.95)])]),
    case("chained-cosine-warmup", [S("ChainedScheduler", schedulers=[S("LinearLR", startFactor=0.2, totalIters=20), S("CosineAnnealingLR", tMax=60, etaMin=1e-3)])], steps=200),
    # Several schedulers stepping one optimizer without a wrapper: their factors compose.
    case("two-schedulers", [S("StepLR", stepSize=10, gamma=0.5), S("ExponentialLR", gamma=0.98)]),
    case("three-schedulers", [S("LinearLR", startFactor=0.25, totalIters=8), S("MultiStepLR", milestones=[40, 90], gamma=0.3), S("CosineAnnealingLR", tMax=30)]),
    case("swalr-cos", [S("SWALR", swaLr=0.02, annealEpochs=10)], steps=40),
    case("swalr-linear", [S("SWALR", swaLr=[0.02, 0.5], annealEpochs=5, annealStrategy="linear")], steps=30),
    case("swalr-zero", [S("SWALR", swaLr=0.01, annealEpochs=0)], steps=10),
    case("swalr-after-cosine", [S("CosineAnnealingLR", tMax=30), S("SWALR", swaLr=0.03, annealEpochs=6)], steps=60),
]

# ReduceLROnPlateau: a fixed metric sequence with improvements, plateaus and noise.
METRICS = [round(1.0 / (1 + 0.05 * i) + (0.02 if i % 7 == 3 else 0.0) - (0.0004 * i if i > 120 else 0.0), 12) for i in range(200)]
METRICS = [m if not (30 <= i < 60) else METRICS[30] + 0.001 * (i % 3) for i, m in enumerate(METRICS)]
CASES += [
    case("plateau-min", [S("ReduceLROnPlateau", patience=5)], steps=200, metrics=METRICS),
    case("plateau-max-abs", [S("ReduceLROnPlateau", mode="max", factor=0.5, patience=3, threshold=0.01, thresholdMode="abs")], steps=200, metrics=[-m for m in METRICS]),
    case("plateau-cooldown", [S("ReduceLROnPlateau", factor=0.3, patience=2, cooldown=4, minLr=[1e-3, 1e-4])], steps=200, metrics=METRICS),
    case("plateau-max-rel-eps", [S("ReduceLROnPlateau", mode="max", patience=1, threshold=0.05, eps=1e-3, minLr=0.02)], steps=200, metrics=[1 - m for m in METRICS]),
]


# ---- where Python raises: the call that raises, the error, and the state it leaves ---------------
# ops: ["sched", spec] builds a scheduler; ["sequential", [indices], milestones] a SequentialLR of built
# ones; ["addGroup", {...}] adds a group with a new one-element parameter; ["optStep"]; ["step", k] steps
# scheduler k, ["step", k, epoch] with an epoch.

def sgd1(momentum=0.9):
    return {"kind": "SGD", "groups": [{"lr": 0.1}], "options": {"lr": 0.1, "momentum": momentum}}


def steps(n, k=0):
    return [op for _ in range(n) for op in (["optStep"], ["step", k])]


ERROR_CASES = [
    ("onecycle-empty-phase", [["sched", S("OneCycleLR", maxLr=1.0, totalSteps=10, pctStart=0.1)]]),
    ("onecycle-pct-1", [["sched", S("OneCycleLR", maxLr=1.0, totalSteps=4, pctStart=1.0)]] + steps(4)),
    ("cyclic-step-size-up-0", [["sched", S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=0, stepSizeDown=4)]]),
    ("cyclic-step-sizes-0", [["sched", S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=0, stepSizeDown=0)]]),
    ("linear-total-0-closed-form", [["sched", S("LinearLR", startFactor=0.5, endFactor=1.0, totalIters=0)], ["optStep"], ["step", 0, 3]]),
    ("linear-total-0-sequential", [["sched", S("SequentialLR", schedulers=[S("ExponentialLR", gamma=0.9), S("LinearLR", startFactor=0.5, endFactor=1.0, totalIters=0)], milestones=[2])]] + steps(3)),
    ("polynomial-total-0-closed-form", [["sched", S("PolynomialLR", totalIters=0)], ["optStep"], ["step", 0, 3]]),
    ("constant-factor-0", [["sched", S("ConstantLR", factor=0.0, totalIters=2)]] + steps(2)),
    ("onecycle-added-group", [["sched", S("OneCycleLR", maxLr=1.0, totalSteps=10)], ["addGroup", {}]] + steps(1)),
    ("swalr-added-group", [["sched", S("SWALR", swaLr=0.05, annealEpochs=3)], ["addGroup", {}]] + steps(1)),
    ("cosine-added-group", [["sched", S("CosineAnnealingLR", tMax=2)], ["addGroup", {"lr": 0.5}]] + steps(3)),
    ("sequential-added-group", [["sched", S("ConstantLR", factor=0.5, totalIters=2)], ["sched", S("ExponentialLR", gamma=0.9)],
                                ["addGroup", {"lr": 0.5}], ["sequential", [0, 1], [2]]]),
    ("lambda-added-group", [["sched", S("LambdaLR", lrLambda={"fn": "inv"})], ["addGroup", {"lr": 0.5}]] + steps(1)),
    ("multiplicative-added-group", [["sched", S("MultiplicativeLR", lrLambda={"fn": "mul95"})], ["addGroup", {"lr": 0.5}]] + steps(1)),
    ("cyclic-added-group", [["sched", S("CyclicLR", baseLr=0.01, maxLr=0.1, stepSizeUp=4)], ["addGroup", {"lr": 0.5}]] + steps(1)),
    ("warm-restarts-added-group", [["sched", S("CosineAnnealingWarmRestarts", t0=3)], ["addGroup", {"lr": 0.5}]] + steps(1)),
    ("step-size-0", [["sched", S("StepLR", stepSize=0)]] + steps(2)),
    ("step-size-0-closed-form", [["sched", S("StepLR", stepSize=0)], ["optStep"], ["step", 0, 3]]),
    ("cosine-t-max-0", [["sched", S("CosineAnnealingLR", tMax=0)]] + steps(2)),
    ("cosine-t-max-0-closed-form", [["sched", S("CosineAnnealingLR", tMax=0)], ["optStep"], ["step", 0, 3]]),
    ("step-closed-form-added-group", [["sched", S("StepLR", stepSize=2, gamma=0.5)], ["addGroup", {"lr": 0.5}], ["optStep"], ["step", 0, 5]]),
]


def group_state(opt):
    return [{"lr": g["lr"], "momentum": g.get("momentum"), "initialLr": g.get("initial_lr")} for g in opt.param_groups]


def run_error(name, ops):
    opt = make_optimizer(sgd1())
    scheds = []
    for at, op in enumerate(ops):
        try:
            if op[0] == "sched":
                scheds.append(build(op[1], opt))
            elif op[0] == "sequential":
                scheds.append(L.SequentialLR(opt, [scheds[i] for i in op[1]], op[2]))
            elif op[0] == "addGroup":
                opt.add_param_group({"params": [torch.zeros(1, requires_grad=True)], **{snake(k): v for k, v in op[1].items()}})
            elif op[0] == "optStep":
                opt.step()
            else:
                scheds[op[1]].step(*op[2:])
        except Exception as e:  # noqa: BLE001 - the error is the result
            return {"name": name, "ops": ops, "at": at, "type": type(e).__name__, "message": str(e), "groups": group_state(opt),
                    "schedulers": [{"lastEpoch": s.last_epoch, "stepCount": getattr(s, "_step_count", None)} for s in scheds]}
    raise AssertionError(f"{name}: Python did not raise")


# A subclass of LRScheduler with a field of its own: Python saves it in the state dict and loads it back.
class Halve(L.LRScheduler):
    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [g["lr"] if self.last_epoch == 0 else g["lr"] * self.gamma for g in self.optimizer.param_groups]


def custom_fixture():
    opt = make_optimizer(sgd1())
    s = Halve(opt, 0.5)
    for _ in range(2):
        opt.step()
        s.step()
    s.gamma = 0.25
    sd = s.state_dict()
    torch.save({"optimizer": opt.state_dict(), "scheduler": sd}, os.path.join(PT_DIR, "custom-halve.pt"))
    opt2 = make_optimizer(sgd1())
    s2 = Halve(opt2, 0.5)
    saved = torch.load(os.path.join(PT_DIR, "custom-halve.pt"), weights_only=True)
    opt2.load_state_dict(saved["optimizer"])
    s2.load_state_dict(saved["scheduler"])
    resumed = []
    for _ in range(3):
        opt2.step()
        s2.step()
        resumed.append(opt2.param_groups[0]["lr"])
    return {"stateKeys": list(sd.keys()), "gamma": s2.gamma, "resumed": resumed}


# ---- swa_utils --------------------------------------------------------------------------------

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(3, 5)
        self.bn = torch.nn.BatchNorm1d(5)
        self.fc2 = torch.nn.Linear(5, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


def swa_fixtures():
    torch.manual_seed(0)
    model = Net()
    snapshots = []
    inputs = [torch.randn(8, 3) for _ in range(6)]
    for k in range(7):  # a "training run": weights drift, BN statistics follow the inputs
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.1)
        model.train()
        model(inputs[k % len(inputs)])
        snapshots.append({k: v.clone() for k, v in model.state_dict().items()})
    configs = {
        "swa": {},
        "swa-multi": {"multiAvgFn": "swaMulti"},
        "swa-avg": {"avgFn": "swa"},
        "ema-multi": {"multiAvgFn": "emaMulti"},
        "ema-avg": {"avgFn": "ema"},
        "ema-multi-buffers": {"multiAvgFn": "emaMulti", "useBuffers": True},
        "swa-buffers": {"useBuffers": True},
        "swa-multi-float64": {"multiAvgFn": "swaMulti", "float64": True},
        "swa-float64": {"float64": True},
    }
    fns = {
        "swaMulti": swa_utils.get_swa_multi_avg_fn(), "swa": swa_utils.get_swa_avg_fn(),
        "emaMulti": swa_utils.get_ema_multi_avg_fn(0.9), "ema": swa_utils.get_ema_avg_fn(0.9),
    }
    results = {}
    for name, cfg in configs.items():
        m = Net().double() if cfg.get("float64") else Net()
        m.load_state_dict(snapshots[0])
        avg = swa_utils.AveragedModel(m, avg_fn=fns.get(cfg.get("avgFn")), multi_avg_fn=fns.get(cfg.get("multiAvgFn")), use_buffers=cfg.get("useBuffers", False))
        for snap in snapshots:
            m.load_state_dict(snap)
            avg.update_parameters(m)
        averaged = {k: v.clone() for k, v in avg.state_dict().items()}
        swa_utils.update_bn([(x.double() if cfg.get("float64") else x, torch.zeros(8)) for x in inputs], avg)
        results[name] = {"averaged": averaged, "afterBn": {k: v.clone() for k, v in avg.state_dict().items()}}
    torch.save({"snapshots": snapshots, "inputs": inputs, "results": results}, os.path.join(PT_DIR, "swa.pt"))
    return {"configs": configs, "decay": 0.9}


def main():
    os.makedirs(PT_DIR, exist_ok=True)
    out = [run(c) for c in CASES]
    with open(os.path.join(OUT, "sched.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, indent=None, separators=(",", ":"))
    with open(os.path.join(OUT, "sched-errors.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": [run_error(n, ops) for n, ops in ERROR_CASES], "custom": custom_fixture()}, f, indent=1)
    with open(os.path.join(OUT, "sched-swa.json"), "w") as f:
        json.dump({"torch": torch.__version__, **swa_fixtures()}, f, indent=1)
    print(f"{len(out)} scheduler cases")


if __name__ == "__main__":
    main()
