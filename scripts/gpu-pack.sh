#!/bin/sh
# Packs what the GPU machine lacks into .gpu/ (git-ignored), for the device tool's `carry`:
# the Node binary, node_modules (without TypeScript: dist/ is built here and carried too).
# Then: run(command="sh scripts/gpu-check.sh $OUT", carry=[".gpu", "dist"]).
set -e
cd "$(dirname "$0")/.."
sh scripts/setup.sh
mkdir -p .gpu
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .gpu/node.xz
tar -cf - --exclude=node_modules/typescript node_modules | xz -T2 -6 > .gpu/node_modules.tar.xz
du -ch .gpu/* dist | tail -n 1
