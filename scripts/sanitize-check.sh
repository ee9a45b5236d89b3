#!/bin/sh
# AddressSanitizer and UndefinedBehaviorSanitizer over the addon's own code: builds it into
# build-asan/ (the libtorch of build/libtorch.json) and runs test files with that binary
# (TORCHNODE_BINARY) and the sanitizer runtimes preloaded, since Node itself is not instrumented.
# libtorch is not instrumented either: ASan checks torchnode's memory accesses, every malloc/free of
# the process and the libc calls it intercepts. Reports go to OUTDIR (asan.PID, ubsan.PID).
# Usage: sh scripts/sanitize-check.sh OUTDIR [test files...]   (default: every test file but install,
# which packs and builds, and fuzz, whose sample asks libtorch for a vector of 2^40 tensors: plain
# operator new throws bad_alloc, a JS error; ASan's aborts the child, a finding that is not one).
# Expect the tests that bound RSS or page faults to fail: ASan's quarantine holds 256 MiB of freed blocks.
set -eu
out=${1:?usage: sanitize-check.sh OUTDIR [test files...]}
shift
cd "$(dirname "$0")/.."
mkdir -p "$out"
out=$(cd "$out" && pwd)
torch_dir=$(node -p "require('./build/libtorch.json').cmakeDir")
flags="-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer"
# cmake-js sets up the Node headers; its CMAKE_CXX_FLAGS is then extended, keeping its define.
[ -f build-asan/CMakeCache.txt ] || npx cmake-js configure -d native -O build-asan --CDTorch_DIR="$torch_dir" --CDCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake -S native -B build-asan -DCMAKE_CXX_FLAGS="-DBUILDING_NODE_EXTENSION $flags" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j "${TORCHNODE_JOBS:-2}"
binary=$(find build-asan -name torchnode.node | head -n 1)
[ $# -gt 0 ] || set -- $(ls test/*.test.ts | grep -v -e '/install\.test\.ts$' -e '/fuzz\.test\.ts$')
rm -f "$out"/asan.* "$out"/ubsan.*
status=0
# vptr is off (libtorch's classes have no instrumented type info); allocator_may_return_null: the
# out-of-memory tests ask for 2^47 bytes on purpose; handle_segv=0: V8 handles its own signals.
TORCHNODE_BINARY=$PWD/$binary \
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
ASAN_OPTIONS="detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_odr_violation=0:alloc_dealloc_mismatch=0:new_delete_type_size_mismatch=0:allocator_may_return_null=1:halt_on_error=1:verify_asan_link_order=0:log_path=$out/asan" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:log_path=$out/ubsan" \
  npx vitest run "$@" > "$out/test.log" 2>&1 || status=$?
# ASan's warnings about the deliberate 2^47-byte requests are not errors.
reports=$(grep -l -e 'ERROR: AddressSanitizer' -e 'runtime error' "$out"/asan.* "$out"/ubsan.* 2>/dev/null || true)
echo "tests: exit $status ($(grep -E 'Tests ' "$out/test.log" | tail -n 1 | sed 's/^ *//'))"
echo "sanitizer reports: ${reports:-none}"
[ $status -eq 0 ] && [ -z "$reports" ]
