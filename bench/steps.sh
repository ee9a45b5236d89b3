#!/usr/bin/env bash
# Instructions per step of one workload on one side, independent of machine load: runs the
# fixed-iteration mode (BENCH_FIXED_ITERS=N) under valgrind's callgrind, which counts only between
# the markers (zeroed at getppid(), dumped at getpriority()) around the N timed steps, all threads.
# Keeps the profile in bench/build/cg/<side>-<workload>[-v<variant>].out for callgrind_annotate.
# Usage: bench/steps.sh <cpp|python|node> <workload> [N=50]   (BENCH_VARIANT=i picks the i-th variant, 0 by
# default: Node's, and C++'s and Python's of the optimizer workloads; the file's name gets -v<i> past the first)
# BENCH_CG_ARGS: more callgrind options, e.g. a cache simulation of this machine's AMD EPYC (Zen 5):
#   BENCH_CG_ARGS="--cache-sim=yes --I1=32768,8,64 --D1=49152,12,64 --LL=33554432,16,64"
#   or "--branch-sim=yes". The file's name then says which simulations ran (-cache-sim, -branch-sim,
#   -cache-branch-sim); bench/cgsum.py --event I1mr, D1mr, Bim, Bcm, ... reads their counts.
set -euo pipefail
side=$1 workload=$2 n=${3:-50}
here=$(cd "$(dirname "$0")" && pwd)
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TORCH_CPP_LOG_LEVEL=ERROR PYTHONHASHSEED=0
# bench/run.mjs's malloc settings (see MALLOC_TUNABLES there).
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_max=0}
export BENCH_VARIANT=${BENCH_VARIANT:-0}
# The Python whose torch is the addon's libtorch, as bench/run.mjs picks it: the one build/libtorch.json names, else the venv's.
python_with_torch() {
  local named
  named=$(node -e "try{const m=/^python \((.+)\)$/.exec(require('$here/../build/libtorch.json').source);if(m)console.log(m[1])}catch{}")
  for p in "$named" "$here/../.venv/bin/python"; do
    if [[ -n $p && -x $p ]] && "$p" -c 'import torch' 2>/dev/null; then echo "$p"; return; fi
  done
  echo "steps.sh python: no Python with torch (neither build/libtorch.json's source nor .venv/bin/python imports torch); run scripts/setup.sh --bench" >&2
  exit 1
}
case $side in
  cpp) cmd=("$here/build/bench_cpp" "$workload" 1) ;;
  python) python=$(python_with_torch); cmd=("$python" "$here/py/bench.py" "$workload" 1) ;;
  # --no-opt would change what is measured; the JIT's code is counted as any other.
  node) cmd=(node --expose-gc "$here/node/workloads.mjs" "$workload" 1) ;;
  *) echo "side must be cpp, python or node" >&2; exit 2 ;;
esac
out=$here/build/cg
mkdir -p "$out"
# "--cache-sim=yes --branch-sim=yes" -> "cache-branch-"
sims=$( (grep -oE -- '--[a-z]+-sim=yes' <<<"${BENCH_CG_ARGS:-}" || true) | sed -E 's/^--([a-z]+)-sim=yes$/\1/' | tr '\n' '-')
variant=$([[ $BENCH_VARIANT == 0 ]] || echo "-v$BENCH_VARIANT")
name=$side-$workload$variant${sims:+-${sims}sim}
tmp=$(mktemp -d)
BENCH_FIXED_ITERS=$n valgrind --tool=callgrind ${BENCH_CG_ARGS:-} --smc-check=all-non-file --separate-threads=no \
  --zero-before=getppid --dump-before=getpriority --callgrind-out-file="$tmp/cg.out" \
  "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/log" || { tail "$tmp/log" >&2; exit 1; }
# The dump at the end marker (nothing else calls getpriority; Node calls getegid at start-up and exit).
dump=$(grep -l 'Trigger: --dump-before=getpriority' "$tmp"/cg.out.* | sort -V | tail -1)
cp "$dump" "$out/$name.out"
# totals: the sum of the dump's cost lines (what cgsum.py splits). Not summary: in Node's dumps it counts
# instructions that no cost line holds (W2: 8.2 M against 4.5 M per step; the two agree within 1 % for C++).
ir=$(awk '/^totals:/ {print $2}' "$dump")
awk -v ir="$ir" -v n="$n" -v name="$name" 'BEGIN {printf "%s: %.0f instructions per step (%d steps)\n", name, ir / n, n}'
rm -rf "$tmp"
