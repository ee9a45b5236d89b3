// binding.gyp's action: precompiles native/src/pch.h for node-gyp builds, as native/CMakeLists.txt does
// for cmake-js ones (libtorch's headers are most of each file's compile time). GCC uses a .gch only
// when it was made with the flags of the compile that includes it, so they are read from the makefile
// gyp generated for the target (DEFS, INCS, CFLAGS and CFLAGS_CC of the build type).
// `node scripts/gyp-pch.cjs <out dir> <target makefile>` writes <out dir>/pch.h (it includes
// native/src/pch.h), which every source includes first (-include), and pch.h.gch beside it. Without
// the .gch (another compiler, a failed precompile) the header is parsed in each file: slower, the same result.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const [outDir, makefile] = process.argv.slice(2);
if (!outDir || !makefile) {
  console.error('usage: gyp-pch.cjs <out dir> <target makefile>');
  process.exit(2);
}
const header = path.join(outDir, 'pch.h');
fs.mkdirSync(outDir, { recursive: true });
// A header that includes the real one, as CMake's cmake_pch.hxx: its #pragma once is then not in the main file.
fs.writeFileSync(header, `#include ${JSON.stringify(path.resolve(__dirname, '..', 'native', 'src', 'pch.h'))}\n`);
fs.rmSync(`${header}.gch`, { force: true });

/** The words of a make variable `NAME := \ 'a' \ b` as the shell would split them. */
function makeVariable(text, name) {
  const m = new RegExp(`^${name} :=((?:.*\\\\\\n)*.*)$`, 'm').exec(text);
  if (!m) return [];
  const words = spawnSync('sh', ['-c', `printf '%s\\n' ${m[1].replace(/\\\n/g, ' ')}`], { encoding: 'utf8' });
  return words.status === 0 ? words.stdout.split('\n').filter(Boolean) : [];
}

const buildType = process.env.BUILDTYPE || 'Release';
const mk = fs.readFileSync(makefile, 'utf8');
const flags = ['DEFS', 'INCS', 'CFLAGS', 'CFLAGS_CC'].flatMap((v) => makeVariable(mk, `${v}_${buildType}`));
// The -include of this very header goes: the .gch is what it will find.
const own = flags.findIndex((f, i) => f === '-include' && flags[i + 1] === header);
if (own >= 0) flags.splice(own, 2);
const cxx = process.env.CXX || 'g++';
const envFlags = (process.env.CXXFLAGS ?? '').split(/\s+/).filter(Boolean); // make adds them to each compile too
const r = spawnSync(cxx, [...flags, ...envFlags, '-x', 'c++-header', header, '-o', `${header}.gch`], { stdio: 'inherit' });
if (r.status !== 0) {
  fs.rmSync(`${header}.gch`, { force: true });
  console.warn(`gyp-pch: ${cxx} could not precompile ${header}; each source parses it instead`);
}
