"""Exclusive instruction counts per function and per shared object from a callgrind file
(bench/steps.sh writes them), divided by the number of steps; --event picks another of the file's
events (with BENCH_CG_ARGS="--cache-sim=yes ...": I1mr, D1mr, D1mw, ILmr, DLmr, DLmw;
"--branch-sim=yes": Bc, Bcm, Bi, Bim).
    python3 bench/cgsum.py [--event Ir] FILE STEPS [TOP=30] [FILTER-REGEX]"""
import re
import sys
from collections import defaultdict


def parse(path, event="Ir"):
    names = {"ob": {}, "fn": {}, "fl": {}}
    by_fn, by_ob = defaultdict(int), defaultdict(int)
    ob = fn = None
    skip_next = False
    column = 1  # the event's place in a cost line, after the positions (set from the events line)
    positions = 1  # "line", or "instr line" with --dump-instr=yes
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("positions:"):
                positions = len(line.split()) - 1
                continue
            if line.startswith("events:"):
                events = line.split()[1:]
                if event not in events:
                    sys.exit(f"cgsum: no event {event} in {path} (it has {', '.join(events)})")
                column = positions + events.index(event)
                continue
            if line[0].isdigit() or line[0] in "+-*":
                if skip_next:  # the inclusive cost of a call line
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) > column:  # events left off the end of a line are zero
                    by_fn[(ob, fn)] += int(parts[column])
                    by_ob[ob] += int(parts[column])
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
    args = sys.argv[1:]
    event = "Ir"
    if args[:1] == ["--event"]:
        event, args = args[1], args[2:]
    path, steps = args[0], int(args[1])
    top = int(args[2]) if len(args) > 2 else 30
    flt = re.compile(args[3]) if len(args) > 3 else None
    by_fn, by_ob = parse(path, event)
    total = sum(by_ob.values())
    print(f"total {total / steps:,.0f} {'instructions' if event == 'Ir' else event} per step")
    for ob, n in sorted(by_ob.items(), key=lambda kv: -kv[1])[:8]:
        print(f"{n / steps:12,.0f}  {str(ob).rsplit('/', 1)[-1]}")
    print()
    rows = [(n, ob, fn) for (ob, fn), n in by_fn.items() if not flt or flt.search(str(fn))]
    for n, ob, fn in sorted(rows, key=lambda r: -r[0])[:top]:
        print(f"{n / steps:12,.0f}  {str(fn)[:110]}  [{str(ob).rsplit('/', 1)[-1]}]")


if __name__ == "__main__":
    main()
