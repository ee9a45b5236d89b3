#!/bin/sh
# Makes a checkout ready to run, on Debian/Ubuntu with only Node installed: build tools (apt-get,
# when missing), libtorch (PyTorch 2.13 in a project-local .venv when no supported libtorch is
# found), npm dependencies, the native addon and the TypeScript build. Every step is skipped when
# already done, so `npm test` and `npm run example` can call it each time.
# `--bench` also makes sure the venv's Python torch is there (the benchmark compares against it).
set -e
cd "$(dirname "$0")/.."
TORCH_RELEASE=2.13.0

missing=""
command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
command -v make >/dev/null 2>&1 || command -v ninja >/dev/null 2>&1 || missing="$missing make"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing="$missing python3-venv"

if [ -n "$missing" ]; then
  echo "torchnode setup: installing system packages:$missing"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "torchnode setup: no apt-get here. Install these yourself:$missing" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "torchnode setup: need root to run: apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

# Offline first: only the local (file://) indexes and wheel folders pip is configured with, so an
# unreachable remote index costs no retries; then pip as configured.
local_indexes() { .venv/bin/pip config list 2>/dev/null | grep -o "file://[^' ]*" | sed 's/^/--extra-index-url /' | tr '\n' ' '; }

# PyTorch into .venv: wanted when no supported libtorch is found, and by the benchmark / fixtures.
need_venv=""
node scripts/libtorch.cjs --cmake-dir >/dev/null 2>&1 || need_venv=1
[ "${1:-}" = "--bench" ] && need_venv=1
if [ -n "$need_venv" ] && ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
  echo "torchnode setup: installing PyTorch $TORCH_RELEASE into .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # shellcheck disable=SC2086
  .venv/bin/pip install -q --retries 0 --index-url "file://$PWD/.venv/no-remote-index" $(local_indexes) torch==$TORCH_RELEASE numpy 2>/dev/null ||
    .venv/bin/pip install -q torch==$TORCH_RELEASE numpy
fi

# The benchmark's image-transform workloads compare with torchvision's PIL path: torchvision and Pillow in the venv.
if [ "${1:-}" = "--bench" ] && ! .venv/bin/python -c "import PIL, importlib.util as u; assert u.find_spec('torchvision')" >/dev/null 2>&1; then
  echo "torchnode setup: installing torchvision 0.28.0 and Pillow into .venv (benchmark)"
  # shellcheck disable=SC2086
  .venv/bin/pip install -q --retries 0 --no-deps --index-url "file://$PWD/.venv/no-remote-index" $(local_indexes) torchvision==0.28.0 pillow==12.3.0 2>/dev/null ||
    .venv/bin/pip install -q --no-deps torchvision==0.28.0 pillow==12.3.0 || echo "torchnode setup: torchvision/Pillow not installed; the pil* workloads will fail on the Python side" >&2
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
