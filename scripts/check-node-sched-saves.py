"""Resumes, in Python torch 2.13, every scheduler case from the state dicts Node wrote
(scripts/make-node-sched-saves.ts) and checks the lr sequence against test/fixtures/sched.json.
Usage: .venv/bin/python scripts/check-node-sched-saves.py /tmp/node-sched"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location("fx", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-sched-fixtures.py"))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/node-sched"
cases = json.load(open(os.path.join(fx.OUT, "sched.json")))["cases"]
bad = 0
for case in cases:
    opt = fx.make_optimizer(case["optimizer"])
    scheds = [fx.build(s, opt) for s in case["schedulers"]]
    saved = torch.load(os.path.join(folder, case["name"] + ".pt"), weights_only=True)
    opt.load_state_dict(saved["optimizer"])
    for s, sd in zip(scheds, saved["schedulers"]):
        s.load_state_dict(sd)
    resumed = []
    for i in range(case["half"], case["steps"]):
        opt.step()
        fx.step_all(scheds, case, i)
        resumed.append([g["lr"] for g in opt.param_groups])
    if resumed != case["resumed"]:
        bad += 1
        print("MISMATCH", case["name"])
print(f"{len(cases) - bad}/{len(cases)} Node state dicts resume in Python identically")
sys.exit(1 if bad else 0)
