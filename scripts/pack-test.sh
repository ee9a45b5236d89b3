#!/bin/sh
# Packs the package and installs the tarball into an empty project, twice: with the prebuilt
# binary (the install must not compile) and without prebuilds (it must compile with cmake-js).
set -e
cd "$(dirname "$0")/.."
# The installs below run in other folders: point them at the libtorch this checkout uses.
LIBTORCH="$(node scripts/libtorch.cjs --cmake-dir)"
export LIBTORCH
# (Re)build the prebuild when it is missing or older than the native sources.
pre=$(ls prebuilds/*/torchnode.*.node 2>/dev/null | head -n 1)
if [ -z "$pre" ] || [ -n "$(find native binding.gyp -newer "$pre" -type f | head -n 1)" ]; then npm run prebuild; fi
rm -f torchnode-*.tgz
tgz="$PWD/$(npm pack --silent | tail -n 1)"
check() {
  dir=$(mktemp -d)
  (cd "$dir" && npm init -y >/dev/null && npm install --foreground-scripts --no-audit --no-fund "$1" >install.log 2>&1) || { cat "$dir/install.log"; exit 1; }
  printf "import * as torch from 'torchnode';\nconsole.log(String(torch.ones(2).add(1)));\n" > "$dir/t.mjs"
  out=$(node "$dir/t.mjs")
  [ "$out" = "tensor([2., 2.])" ] || { echo "pack-test: unexpected output: $out"; exit 1; }
  if grep -q "using prebuilt" "$dir/install.log" && ! grep -q "compiling against" "$dir/install.log"; then
    echo "pack-test: $2: installed the prebuilt binary, no compile"
  elif grep -q "compiling against" "$dir/install.log" && [ -f "$dir/node_modules/torchnode/build/Release/torchnode.node" ]; then
    echo "pack-test: $2: compiled from source"
  else
    cat "$dir/install.log"; echo "pack-test: $2: neither a prebuilt binary nor a compile"; exit 1
  fi
  rm -rf "$dir"
}
check "$tgz" "with prebuilds"
# The same package without its prebuilds must compile from source.
tmp=$(mktemp -d)
tar -xzf "$tgz" -C "$tmp"
rm -rf "$tmp/package/prebuilds"
tar -czf "$tmp/no-prebuilds.tgz" -C "$tmp" package
check "$tmp/no-prebuilds.tgz" "without prebuilds"
rm -rf "$tmp" "$tgz"
