// npm install hook: use a prebuilt binary that matches this platform and the libtorch found here,
// otherwise compile native/ with cmake-js. `--build-from-source` skips the prebuilt check.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { findLibtorch, describe, missingMessage } = require('./libtorch.cjs');

const root = path.resolve(__dirname, '..');
const recordFile = path.join(root, 'build', 'libtorch.json');

function fail(msg) {
  console.error(msg);
  process.exit(1);
}

// Prebuilt binaries are named like prebuildify's, plus a libtorch flavour tag:
// prebuilds/linux-x64/torchnode.napi.glibc.torch1.13.0-cpu.node
function matchingPrebuild(flavour) {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(dir)) return null;
  const load = require('node-gyp-build');
  const candidates = fs.readdirSync(dir)
    .filter((f) => f.split('.').includes(flavour))
    .map(load.parseTags)
    .filter(load.matchTags('node', process.versions.modules))
    .sort(load.compareTags('node'));
  return candidates.length ? path.join(dir, candidates[0].file) : null;
}

// Loads the binary in a child process, so a bad binary cannot take this process down.
function loads(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)}).buildInfo()`], { stdio: 'pipe' });
  return r.status === 0;
}

function compile(info) {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'compile', '-d', 'native', '-O', 'build', '--CDTorch_DIR=' + info.cmakeDir, '--CDCMAKE_BUILD_TYPE=Release'];
  const jobs = process.env.TORCHNODE_JOBS || process.env.CMAKE_BUILD_PARALLEL_LEVEL || '2';
  console.log(`torchnode: compiling against libtorch ${info.version} (${info.source}, ${info.cmakeDir}) with ${jobs} jobs`);
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs },
  });
  if (r.status !== 0) fail('torchnode: native build failed (see the compiler output above).');
  // The precompiled libtorch headers (native/CMakeLists.txt) are 400+ MB that only a rebuild uses:
  // an install into node_modules drops them, a checkout keeps them for its incremental builds.
  if (root.split(path.sep).includes('node_modules'))
    fs.rmSync(path.join(root, 'build', 'CMakeFiles', 'torchnode.dir', 'cmake_pch.hxx.gch'), { force: true });
  return path.join(root, 'build', 'Release', 'torchnode.node');
}

function main() {
  const found = findLibtorch();
  if (!found) fail(missingMessage());
  const info = describe(found);
  const fromSource = process.argv.includes('--build-from-source') || process.env.npm_config_build_from_source === 'true';
  let binary = fromSource ? null : matchingPrebuild(info.flavour);
  if (binary && !loads(binary)) {
    console.warn(`torchnode: prebuilt ${path.basename(binary)} does not load here; compiling instead.`);
    binary = null;
  }
  if (binary) console.log(`torchnode: using prebuilt ${path.relative(root, binary)} for ${info.flavour}`);
  else binary = compile(info);
  fs.mkdirSync(path.dirname(recordFile), { recursive: true });
  fs.writeFileSync(recordFile, JSON.stringify({ ...info, binary: path.relative(root, binary) }, null, 2) + '\n');
}

main();
