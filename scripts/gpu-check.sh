#!/bin/sh
# One command for every GPU check (see scripts/gpu-pack.sh): unpacks the carried Node, node_modules
# and dist/ when missing, builds the addon against Python's torch (2.11 + CUDA on the GPU machine),
# then, most telling first: the CUDA smoke test, test/cuda.test.ts against Python's CUDA answers
# (scripts/device-parity.py, run there), and the rest of the suite, files in parallel, until
# GPU_CHECK_SECONDS (default 400) have passed since the start. Logs go into OUTDIR (7 files).
# Usage: sh scripts/gpu-check.sh OUTDIR
set -u
out=${1:?usage: gpu-check.sh OUTDIR}
start=$(date +%s)
cd "$(dirname "$0")/.."
mkdir -p "$out"
if ! command -v node >/dev/null 2>&1; then
  mkdir -p /tmp/gpu-node/bin
  xz -dc .gpu/node.xz > /tmp/gpu-node/bin/node && chmod +x /tmp/gpu-node/bin/node
  PATH=/tmp/gpu-node/bin:$PATH
  export PATH
fi
[ -d node_modules ] || xz -dc .gpu/node_modules.tar.xz | tar -xf -
[ -d dist ] || xz -dc .gpu/dist.tar.xz | tar -xf -
{
  node --version
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1
  python3 -c "import torch; print('python torch', torch.__version__, 'cuda', torch.version.cuda)" 2>&1
  echo "cores: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -cE '^(avx512|amx)') AVX-512/AMX flags"
} > "$out/summary.txt"
# Python's CUDA answers, made while the addon compiles.
python3 scripts/device-parity.py "$out/cuda-parity.json" > "$out/parity.log" 2>&1 &
parity=$!
# The libtorch inside Python's torch unless LIBTORCH says otherwise; on failure every failing file is
# compiled once more (keep going) so that the log lists all errors, not the first file's.
jobs=$(nproc)
if TORCHNODE_JOBS=$jobs node scripts/install.cjs --build-from-source > "$out/build.log" 2>&1; then
  echo "build: ok ($(($(date +%s) - start)) s)" >> "$out/summary.txt"
else
  echo "build: FAILED" >> "$out/summary.txt"
  if [ -f build/build.ninja ]; then ninja -C build -k 0 >> "$out/build.log" 2>&1; else make -C build -k -j"$jobs" >> "$out/build.log" 2>&1; fi
  grep -E "error:" "$out/build.log" | sort -u | head -n 40 >> "$out/summary.txt"
  exit 1
fi
wait $parity
echo "python parity answers: $? ($(tail -n 1 "$out/parity.log"))" >> "$out/summary.txt"
timeout 120 node scripts/cuda-smoke.mjs > "$out/cuda.json" 2>&1
echo "cuda smoke: $?" >> "$out/summary.txt"
vitest="node node_modules/vitest/vitest.mjs run --reporter=default"
[ -s "$out/cuda-parity.json" ] && parity_file="$out/cuda-parity.json" || parity_file=
TORCHNODE_CUDA_PARITY="$parity_file" timeout 240 $vitest test/cuda.test.ts > "$out/cuda-test.log" 2>&1
echo "cuda tests: $? ($(grep -E 'Tests ' "$out/cuda-test.log" | tail -n 1))" >> "$out/summary.txt"
# The rest: install.test.ts needs the npm registry; the OpInfo/ModuleInfo fixtures (19 MB) stay behind
# to fit the 64 MiB transfer (scripts/gpu-pack.sh). Two intra-op threads per file, as on CI's machine.
left=$((${GPU_CHECK_SECONDS:-400} - ($(date +%s) - start)))
[ "$left" -gt 30 ] || left=30   # `timeout 0` would mean no limit
OMP_NUM_THREADS=2 timeout "$left" $vitest --fileParallelism --maxWorkers="$((jobs * 3 / 4))" \
  --exclude test/install.test.ts --exclude test/cuda.test.ts --exclude 'test/opinfo*.test.ts' --exclude test/moduleinfo.test.ts \
  > "$out/test.log" 2>&1
echo "tests: $? after $(($(date +%s) - start)) s ($(grep -E 'Test Files |Tests ' "$out/test.log" | tr '\n' ' '))" >> "$out/summary.txt"
cat "$out/summary.txt"
