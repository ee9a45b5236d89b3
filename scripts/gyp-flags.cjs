// Compiler and linker flags for binding.gyp, computed from the libtorch that scripts/libtorch.cjs
// finds (so nothing is hard-coded): `node scripts/gyp-flags.cjs --include|--cflags|--libs`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { findLibtorch, describe, missingMessage } = require('./libtorch.cjs');

const found = findLibtorch();
if (!found) {
  console.error(missingMessage());
  process.exit(1);
}
const info = describe(found);
const config = fs.readFileSync(path.join(info.cmakeDir, 'TorchConfig.cmake'), 'utf8');
const abi = /_GLIBCXX_USE_CXX11_ABI=(\d)/.exec(config)?.[1] ?? '1';

const flags = {
  // No CUDA header is included (runtime.cc reaches the CUDA allocator through c10's generic one): no toolkit needed.
  '--include': [info.includeDir, path.join(info.includeDir, 'torch/csrc/api/include')],
  '--cflags': [`-std=c++${info.cxxStandard}`, `-D_GLIBCXX_USE_CXX11_ABI=${abi}`, `-DTN_WITH_CUDA=${info.cuda ? 1 : 0}`, '-fexceptions', '-O2'],
  '--libs': [
    `-L${info.libDir}`, `-Wl,-rpath,${info.libDir}`,
    // Keep libtorch_cuda linked although nothing references it: it registers the CUDA backend.
    ...(info.cuda ? ['-Wl,--no-as-needed', '-ltorch_cuda', '-Wl,--as-needed'] : []),
    '-ltorch', '-ltorch_cpu', '-lc10', '-ldl',   // -ldl: cuda.getDeviceName opens the CUDA driver
  ],
};
const arg = process.argv[2];
if (!flags[arg]) {
  console.error('usage: gyp-flags.cjs --include|--cflags|--libs');
  process.exit(2);
}
console.log(flags[arg].join(' '));
