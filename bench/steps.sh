#!/usr/bin/env bash
# Instructions per step of one workload on one side, independent of machine load: runs the
# fixed-iteration mode (BENCH_FIXED_ITERS=N) under valgrind's callgrind, which counts only between
# the markers (zeroed at getppid(), dumped at getpriority()) around the N timed steps, all threads.
# Keeps the profile in bench/build/cg/<side>-<workload>[-v<variant>].out for callgrind_annotate.
# Usage: bench/steps.sh <cpp|python|node> <workload> [N=50]   (BENCH_VARIANT=i picks Node's variant)
set -euo pipefail
side=$1 workload=$2 n=${3:-50}
here=$(cd "$(dirname "$0")" && pwd)
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TORCH_CPP_LOG_LEVEL=ERROR PYTHONHASHSEED=0
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456}
python=$(node -e "const r=require('$here/../build/libtorch.json');console.log(/^python \((.+)\)$/.exec(r.source)[1])")
case $side in
  cpp) cmd=("$here/build/bench_cpp" "$workload" 1) ;;
  python) cmd=("$python" "$here/py/bench.py" "$workload" 1) ;;
  # --no-opt would change what is measured; the JIT's code is counted as any other.
  node) cmd=(node --expose-gc "$here/node/workloads.mjs" "$workload" 1) ;;
  *) echo "side must be cpp, python or node" >&2; exit 2 ;;
esac
out=$here/build/cg
mkdir -p "$out"
name=$side-$workload${BENCH_VARIANT:+-v$BENCH_VARIANT}
tmp=$(mktemp -d)
BENCH_FIXED_ITERS=$n valgrind --tool=callgrind --smc-check=all-non-file --separate-threads=no \
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
