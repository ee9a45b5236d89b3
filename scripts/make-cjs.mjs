// Writes dist/index.cjs so that `require('torchnode')` works: Node >= 20.19 can require ES modules.
import { writeFileSync } from 'node:fs';

writeFileSync(
  new URL('../dist/index.cjs', import.meta.url),
  "'use strict';\n// CommonJS entry: the ES module build, loaded with require(esm).\nmodule.exports = require('./index.js');\n",
);
