"""Exclusive instruction counts per function and per shared object from a callgrind file
(bench/steps.sh writes them), divided by the number of steps.
    python3 bench/cgsum.py FILE STEPS [TOP=30] [FILTER-REGEX]"""
import re
import sys
from collections import defaultdict


def parse(path):
    names = {"ob": {}, "fn": {}, "fl": {}}
    by_fn, by_ob = defaultdict(int), defaultdict(int)
    ob = fn = None
    skip_next = False
    with open(path, errors="replace") as f:
        for line in f:
            if line[0].isdigit() or line[0] in "+-*":
                if skip_next:  # the inclusive cost of a call line
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    by_fn[(ob, fn)] += int(parts[1])
                    by_ob[ob] += int(parts[1])
                continue
            m = re.match(r"(ob|fn|fl|fi|fe|cob|cfn|cfi|cfl)=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
            if m:
                kind, ident, name = m.groups()
                table = {"cob": "ob", "cfn": "fn", "cfi": "fl", "cfl": "fl", "fi": "fl", "fe": "fl"}.get(kind, kind)
                if name is not None:
                    names[table][ident] = name
                if kind == "ob":
                    ob = names["ob"][ident]
                elif kind == "fn":
                    fn = names["fn"][ident]
                continue
            if line.startswith("calls="):
                skip_next = True
    return by_fn, by_ob


def main():
    path, steps = sys.argv[1], int(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    flt = re.compile(sys.argv[4]) if len(sys.argv) > 4 else None
    by_fn, by_ob = parse(path)
    total = sum(by_ob.values())
    print(f"total {total / steps:,.0f} instructions per step")
    for ob, n in sorted(by_ob.items(), key=lambda kv: -kv[1])[:8]:
        print(f"{n / steps:12,.0f}  {str(ob).rsplit('/', 1)[-1]}")
    print()
    rows = [(n, ob, fn) for (ob, fn), n in by_fn.items() if not flt or flt.search(str(fn))]
    for n, ob, fn in sorted(rows, key=lambda r: -r[0])[:top]:
        print(f"{n / steps:12,.0f}  {str(fn)[:110]}  [{str(ob).rsplit('/', 1)[-1]}]")


if __name__ == "__main__":
    main()
