// Finds libtorch's CMake config, in torchnode's order: LIBTORCH / Torch_DIR, then the libtorch
// inside Python's torch (python3 on PATH, then a project-local .venv), then the system's. Only
// releases in SUPPORTED count (others are reported and skipped). Used by the install script, setup
// and binding.gyp; `node scripts/libtorch.cjs [--json|--cmake-dir|--include|--lib|--version]` prints it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

// The libtorch releases torchnode builds against, and the first that needs C++20: the lines
// native/cmake/one_libtorch.cmake sets.
const { SUPPORTED, CXX20_FROM } = (() => {
  const cmake = fs.readFileSync(path.join(__dirname, '..', 'native', 'cmake', 'one_libtorch.cmake'), 'utf8');
  const get = (name) => /set\(TORCHNODE_\w+ (\d+)\.(\d+)\)/.exec(cmake.split('\n').find((l) => l.startsWith(`set(TORCHNODE_${name} `)) ?? '')?.slice(1).map(Number);
  return { SUPPORTED: { min: get('TORCH_MIN'), max: get('TORCH_MAX') }, CXX20_FROM: get('CXX20_FROM') };
})();
const SUPPORTED_TEXT = `${SUPPORTED.min.join('.')}.x to ${SUPPORTED.max.join('.')}.x`;

const SYSTEM_DIRS = ['/usr/lib/x86_64-linux-gnu/cmake/Torch', '/usr/lib/aarch64-linux-gnu/cmake/Torch', '/usr/lib/cmake/Torch', '/usr/local/lib/cmake/Torch'];

function hasConfig(dir) {
  return !!dir && fs.existsSync(path.join(dir, 'TorchConfig.cmake'));
}

function versionOf(cmakeDir) {
  try {
    const m = /PACKAGE_VERSION "([^"]+)"/.exec(fs.readFileSync(path.join(cmakeDir, 'TorchConfigVersion.cmake'), 'utf8'));
    if (m) return m[1];
  } catch { /* unknown */ }
  return 'unknown';
}

// A "major.minor..." release against [major, minor]: negative before it, 0 at it, positive after; NaN if unknown.
function compareRelease(version, [major, minor]) {
  const [ma, mi] = version.split('.').map(Number);
  return Number.isInteger(ma) && Number.isInteger(mi) ? ma * 1000 + mi - (major * 1000 + minor) : NaN;
}

function isSupported(version) {
  return compareRelease(version, SUPPORTED.min) >= 0 && compareRelease(version, SUPPORTED.max) <= 0;
}

// Project-local virtual environments: this package's own (a checkout: scripts/setup.sh makes it),
// the one npm was run from (INIT_CWD) and an activated one.
function venvPythons() {
  const roots = [path.resolve(__dirname, '..'), process.env.INIT_CWD].filter(Boolean).map((r) => path.join(r, '.venv'));
  if (process.env.VIRTUAL_ENV) roots.unshift(process.env.VIRTUAL_ENV);
  return [...new Set(roots)].map((r) => path.join(r, 'bin', 'python')).filter((p) => fs.existsSync(p));
}

function pythonCandidates() {
  return [...new Set([process.env.PYTHON, 'python3', ...venvPythons(), '/usr/bin/python3'].filter(Boolean))];
}

// Every libtorch found, in discovery order, with its version (unsupported ones included); lazily,
// as asking a Python for its torch takes a second or two.
function* candidates() {
  const seen = new Set();
  const found = (c) => {
    if (seen.has(c.cmakeDir)) return null;
    seen.add(c.cmakeDir);
    return { ...c, version: versionOf(c.cmakeDir) };
  };
  for (const py of pythonCandidates()) {
    try {
      const prefix = execFileSync(py, ['-c', 'import torch.utils; print(torch.utils.cmake_prefix_path)'], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000,
      }).trim();
      const dir = path.join(prefix, 'Torch');
      const c = hasConfig(dir) && found({ cmakeDir: dir, source: `python (${py})` });
      if (c) yield c;
    } catch { /* no python or no torch there: try the next */ }
  }
  for (const dir of SYSTEM_DIRS) {
    const c = hasConfig(dir) && found({ cmakeDir: dir, source: 'system' });
    if (c) yield c;
  }
}

let skipped = [];
function findLibtorch() {
  const env = process.env.LIBTORCH || process.env.Torch_DIR;
  if (env) {
    for (const dir of [env, path.join(env, 'share/cmake/Torch')]) if (hasConfig(dir)) return { cmakeDir: dir, source: 'LIBTORCH/Torch_DIR' };
    throw new Error(`torchnode: LIBTORCH/Torch_DIR is set to '${env}' but holds no TorchConfig.cmake`);
  }
  skipped = [];
  for (const c of candidates()) {
    if (isSupported(c.version)) return c;
    skipped.push(c);
  }
  return null;
}

// Version and CUDA flavour, read from the config files (no CMake run needed).
function describe(found) {
  const cmakeDir = found.cmakeDir;
  const version = versionOf(cmakeDir);
  // <prefix>/share/cmake/Torch (archive, Python wheel) or <prefix>/lib/<triplet>/cmake/Torch (Debian).
  const shared = cmakeDir.split(path.sep).slice(-3).join('/') === 'share/cmake/Torch';
  const libDir = shared ? path.resolve(cmakeDir, '../../../lib') : path.resolve(cmakeDir, '../..');
  const includeDir = shared ? path.resolve(cmakeDir, '../../../include') : path.resolve(libDir, libDir.endsWith('/lib') ? '../include' : '../../include');
  const cuda = fs.existsSync(path.join(libDir, 'libtorch_cuda.so'));
  const cxxStandard = compareRelease(version, CXX20_FROM) >= 0 ? 20 : 17;
  return { ...found, version, cuda, libDir, includeDir, cxxStandard, flavour: `torch${version.replace(/[^0-9.]/g, '').replace(/\./g, '-')}-${cuda ? 'cuda' : 'cpu'}` };
}

function missingMessage() {
  return [
    `torchnode: no libtorch ${SUPPORTED_TEXT} was found.`,
    ...skipped.map((c) => `  skipped libtorch ${c.version} (${c.source}, ${c.cmakeDir}): not a supported release`),
    '  Install PyTorch into a venv here: python3 -m venv .venv && .venv/bin/pip install torch==2.13.0',
    '  (`npm run setup` does this in a checkout), or install it for python3,',
    '  or unpack a libtorch archive and set LIBTORCH=/path/to/libtorch.',
  ].join('\n');
}

module.exports = { findLibtorch, describe, missingMessage, isSupported, SUPPORTED };

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
  else if (arg === '--version') console.log(info.version);
  else if (arg === '--include') console.log([info.includeDir, path.join(info.includeDir, 'torch/csrc/api/include')].join(' '));
  else console.log(JSON.stringify(info));
}
