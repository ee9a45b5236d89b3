#!/bin/sh
# One command for every GPU check (see scripts/gpu-pack.sh): unpacks the carried Node and
# node_modules when missing, builds the addon against Python's torch (CUDA), runs the test suite
# and the CUDA smoke test, and writes the logs into OUTDIR. Usage: sh scripts/gpu-check.sh OUTDIR
set -u
out=${1:?usage: gpu-check.sh OUTDIR}
cd "$(dirname "$0")/.."
mkdir -p "$out"
if ! command -v node >/dev/null 2>&1; then
  mkdir -p /tmp/gpu-node/bin
  xz -dc .gpu/node.xz > /tmp/gpu-node/bin/node && chmod +x /tmp/gpu-node/bin/node
  PATH=/tmp/gpu-node/bin:$PATH
  export PATH
fi
[ -d node_modules ] || xz -dc .gpu/node_modules.tar.xz | tar -xf -
{
  node --version
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null
  python3 -c "import torch; print('python torch', torch.__version__, 'cuda', torch.version.cuda)" 2>/dev/null
} > "$out/machine.txt" 2>&1
# The libtorch inside Python's torch (2.11 + CUDA 13 on the GPU machine) unless LIBTORCH says otherwise.
TORCHNODE_JOBS=${TORCHNODE_JOBS:-8} node scripts/install.cjs --build-from-source > "$out/build.log" 2>&1
echo "build: $?" >> "$out/summary.txt"
# The install test packs and npm-installs the package: it needs the npm registry, which the GPU machine lacks.
node node_modules/vitest/vitest.mjs run --reporter=default --exclude test/install.test.ts > "$out/test.log" 2>&1
echo "tests: $? ($(grep -E 'Tests ' "$out/test.log" | tail -n 1))" >> "$out/summary.txt"
node scripts/cuda-smoke.mjs > "$out/cuda.json" 2>&1
echo "cuda smoke: $?" >> "$out/summary.txt"
cat "$out/summary.txt"
