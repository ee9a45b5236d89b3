// Finds libtorch's CMake config, in torchnode's order: LIBTORCH / Torch_DIR, then the libtorch
// inside Python's torch, then the system's (Debian's libtorch-dev). Used by the install script
// and binding.gyp; `node scripts/libtorch.cjs [--json|--cmake-dir|--include|--lib]` prints it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SYSTEM_DIRS = ['/usr/lib/x86_64-linux-gnu/cmake/Torch', '/usr/lib/aarch64-linux-gnu/cmake/Torch', '/usr/lib/cmake/Torch', '/usr/local/lib/cmake/Torch'];

function hasConfig(dir) {
  return !!dir && fs.existsSync(path.join(dir, 'TorchConfig.cmake'));
}

function fromPython() {
  for (const py of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    try {
      const prefix = execFileSync(py, ['-c', 'import torch.utils; print(torch.utils.cmake_prefix_path)'], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000,
      }).trim();
      const dir = path.join(prefix, 'Torch');
      if (hasConfig(dir)) return { cmakeDir: dir, source: `python (${py})` };
    } catch { /* no python or no torch there: try the next */ }
  }
  return null;
}

function findLibtorch() {
  const env = process.env.LIBTORCH || process.env.Torch_DIR;
  if (env) {
    for (const dir of [env, path.join(env, 'share/cmake/Torch')]) if (hasConfig(dir)) return { cmakeDir: dir, source: 'LIBTORCH/Torch_DIR' };
    throw new Error(`torchnode: LIBTORCH/Torch_DIR is set to '${env}' but holds no TorchConfig.cmake`);
  }
  const py = fromPython();
  if (py) return py;
  const sys = SYSTEM_DIRS.find(hasConfig);
  if (sys) return { cmakeDir: sys, source: 'system' };
  return null;
}

// Version and CUDA flavour, read from the config files (no CMake run needed).
function describe(found) {
  const cmakeDir = found.cmakeDir;
  let version = 'unknown';
  try {
    const m = /PACKAGE_VERSION "([^"]+)"/.exec(fs.readFileSync(path.join(cmakeDir, 'TorchConfigVersion.cmake'), 'utf8'));
    if (m) version = m[1];
  } catch { /* keep unknown */ }
  // <prefix>/share/cmake/Torch (archive, Python wheel) or <prefix>/lib/<triplet>/cmake/Torch (Debian).
  const shared = cmakeDir.split(path.sep).slice(-3).join('/') === 'share/cmake/Torch';
  const libDir = shared ? path.resolve(cmakeDir, '../../../lib') : path.resolve(cmakeDir, '../..');
  const includeDir = shared ? path.resolve(cmakeDir, '../../../include') : path.resolve(libDir, libDir.endsWith('/lib') ? '../include' : '../../include');
  const cuda = fs.existsSync(path.join(libDir, 'libtorch_cuda.so'));
  return { ...found, version, cuda, libDir, includeDir, flavour: `torch${version.replace(/[^0-9.]/g, '').replace(/\./g, '-')}-${cuda ? 'cuda' : 'cpu'}` };
}

function missingMessage() {
  return [
    'torchnode: libtorch was not found.',
    '  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends libtorch-dev libopenblas0-openmp',
    '  or unpack a libtorch archive and set LIBTORCH=/path/to/libtorch',
    '  or install PyTorch for python3 (its libtorch is used).',
  ].join('\n');
}

module.exports = { findLibtorch, describe, missingMessage };

if (require.main === module) {
  const found = findLibtorch();
  if (!found) {
    console.error(missingMessage());
    process.exit(1);
  }
  const info = describe(found);
  const arg = process.argv[2] || '--json';
  if (arg === '--cmake-dir') console.log(info.cmakeDir);
  else if (arg === '--lib') console.log(info.libDir);
  else if (arg === '--include') console.log([info.includeDir, path.join(info.includeDir, 'torch/csrc/api/include')].join(' '));
  else console.log(JSON.stringify(info));
}
