// `npm run prebuild`: builds prebuilds/<platform>-<arch>/torchnode.napi.<libc>.<flavour>.node with
// prebuildify (binding.gyp, Node's own headers: no download), tagged with the libtorch flavour so the
// install script never picks a binary built for another libtorch.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { findLibtorch, describe, missingMessage } = require('./libtorch.cjs');

const root = path.resolve(__dirname, '..');
const found = findLibtorch();
if (!found) {
  console.error(missingMessage());
  process.exit(1);
}
const { flavour } = describe(found);
const nodedir = path.resolve(process.execPath, '../..');
if (!fs.existsSync(path.join(nodedir, 'include/node/node_api.h'))) {
  console.error(`prebuild: Node's headers are not in ${nodedir}/include/node`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--tag-libc', '--strip', `--target=${process.versions.node}`], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: nodedir, JOBS: process.env.JOBS || '2' },
});
if (r.status !== 0) process.exit(r.status ?? 1);

const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
for (const file of fs.readdirSync(dir)) {
  const parts = file.split('.');
  if (parts.at(-1) !== 'node' || parts.some((p) => p.startsWith('torch') && p !== 'torchnode')) continue;
  const tagged = [...parts.slice(0, -1), flavour, 'node'].join('.');
  fs.renameSync(path.join(dir, file), path.join(dir, tagged));
  console.log(`prebuild: prebuilds/${path.basename(dir)}/${tagged}`);
}

// node-gyp rebuilt build/ from scratch: point this checkout at the new prebuild (no compile).
const install = spawnSync(process.execPath, [path.join(__dirname, 'install.cjs')], { cwd: root, stdio: 'inherit' });
process.exit(install.status ?? 1);
