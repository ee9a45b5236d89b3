#!/bin/sh
# Makes a checkout ready to run, on Debian/Ubuntu with only Node installed: system packages (apt-get,
# when missing), npm dependencies, the native addon and the TypeScript build. Every step is skipped
# when already done, so `npm test` and `npm run example` can call it each time.
# `--bench` also installs Python's torch (python3-torch), which the benchmark compares against.
set -e
cd "$(dirname "$0")/.."

missing=""
has_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
node scripts/libtorch.cjs --cmake-dir >/dev/null 2>&1 || missing="$missing libtorch-dev"
# libtorch uses the system BLAS; OpenBLAS is ~16x faster than the reference BLAS it would get otherwise.
if command -v dpkg-query >/dev/null 2>&1 && ! has_pkg libopenblas0-openmp && ! has_pkg libopenblas0-pthread; then missing="$missing libopenblas0-openmp"; fi
command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
command -v make >/dev/null 2>&1 || command -v ninja >/dev/null 2>&1 || missing="$missing make"
if [ "${1:-}" = "--bench" ] && ! /usr/bin/python3 -c "import torch" >/dev/null 2>&1; then missing="$missing python3-torch"; fi

if [ -n "$missing" ]; then
  echo "torchnode setup: installing system packages:$missing"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "torchnode setup: no apt-get here. Install these yourself:$missing (libtorch: see README, 'Install')." >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "torchnode setup: need root to run: apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

if [ ! -d node_modules/.bin ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "torchnode setup: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund
fi

addon=build/Release/torchnode.node
if [ ! -f "$addon" ] || [ -n "$(find native -newer "$addon" -type f | head -n 1)" ]; then
  node scripts/install.cjs --build-from-source
fi

if [ ! -f dist/index.js ] || [ -n "$(find lib -newer dist/index.js -type f | head -n 1)" ]; then
  echo "torchnode setup: compiling TypeScript"
  npm run --silent build:ts
fi
