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
// node-gyp wipes its build/ folder: build in a copy of the sources the package ships (package.json's
// `files` but its build outputs, so that list stays the one record of them); this checkout's build/ stays.
const work = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'torchnode-prebuild-'));
const outputs = new Set(['dist', 'prebuilds']);
for (const item of ['package.json', ...require('../package.json').files.filter((f) => !outputs.has(f))])
  fs.cpSync(path.join(root, item), path.join(work, item), { recursive: true });
fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'));
const r = spawnSync(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--tag-libc', '--strip', `--target=${process.versions.node}`, '--out', root], {
  cwd: work,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: nodedir, JOBS: process.env.JOBS || '2' },
});
fs.rmSync(work, { recursive: true, force: true });
if (r.status !== 0) process.exit(r.status ?? 1);

const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
for (const file of fs.readdirSync(dir)) {
  const parts = file.split('.');
  if (parts.at(-1) !== 'node' || parts.some((p) => p.startsWith('torch') && p !== 'torchnode')) continue;
  const tagged = [...parts.slice(0, -1), flavour, 'node'].join('.');
  fs.renameSync(path.join(dir, file), path.join(dir, tagged));
  console.log(`prebuild: prebuilds/${path.basename(dir)}/${tagged}`);
}
