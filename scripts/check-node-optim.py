"""Node -> Python: loads the optimizer state dicts torchnode saved half-way through every trajectory
(scripts/make-node-optim.ts) into Python torch 2.13 optimizers and finishes the runs; each must end
on the parameters of Python's own uninterrupted run (test/fixtures/optim-*.json), bit-exact.
Usage: .venv/bin/python scripts/check-node-optim.py [dir, default test/fixtures/optim/node]"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_fixtures as of  # noqa: E402
import torch  # noqa: E402


def decode(e):
    vals = [float(v) if isinstance(v, str) else v for v in e["data"]]
    if e["dtype"].startswith("complex"):  # stored as its real view's values (optim_fixtures.enc_param)
        return torch.view_as_complex(torch.tensor(vals, dtype=torch.float64).reshape(e["shape"] + [2])).clone()
    return torch.tensor(vals, dtype=getattr(torch, e["dtype"])).reshape(e["shape"])


def main():
    node_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(of.STATE_DIR, "node")
    failures, checked = [], 0
    for path in sorted(glob.glob(os.path.join(of.FIXTURES, "optim-*.json"))):
        fx = json.load(open(path))
        for c in fx["cases"]:
            case = of.Case(c["name"], c["cls"], {}, frozen=c["frozen"], closure=c["closure"], steps=c["steps"], problem=c["problem"])
            # the Python options: from the fixture script's Case (its JSON copy is camelCased for JS)
            case.options, case.groups, case.tensors = CASE_OPTIONS[c["name"]]
            half = c["steps"] // 2
            _, x, y = of.make_problem(case.problem)
            params = [decode(e).requires_grad_(of.PARAM_NAMES[i] not in case.frozen) for i, e in enumerate(c["snapshots"][str(half)])]
            opt = of.build(case, params)
            opt.load_state_dict(torch.load(os.path.join(node_dir, f"{c['name']}.pt")))
            of.run(case, params, x, y, opt, half, c["steps"], [])
            want = [decode(e) for e in c["snapshots"][str(c["steps"])]]
            checked += 1
            if not all(torch.equal(p.detach(), w) for p, w in zip(params, want)):
                failures.append(c["name"])
    print(f"{checked} Node optimizer states resumed in Python; {len(failures)} departed from Python's run: {failures}")
    sys.exit(1 if failures else 0)


def load_case_options():
    """Every fixture script's CASES, by name: the Python options and groups of each case."""
    import importlib.util
    out = {}
    for script in sorted(glob.glob(os.path.join(of.HERE, "make-optim-*-fixtures.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(script)[:-3].replace("-", "_"), script)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for case in mod.CASES:
            if isinstance(case, of.Case):  # other scripts' cases (e.g. the Tensor-lr ones) are not trajectories here
                out[case.name] = (case.options, case.groups, case.tensors)
    return out


CASE_OPTIONS = load_case_options()

if __name__ == "__main__":
    main()
