// Compares torchnode's surface with Python torch's: of the torch.* functions and Tensor methods
// that are ATen operators in this libtorch (the names in scripts/python-api.json), how many
// torchnode has. Prints the percentage and the missing names. Usage: node scripts/coverage.mjs [--list]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as torch from '../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = createRequire(import.meta.url)(join(root, 'build/Release/torchnode.node'));
const api = JSON.parse(readFileSync(join(root, 'scripts/python-api.json'), 'utf8'));
const camel = (s) => s.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c) => c.toUpperCase());
const isAten = (name) => native.opId(`aten::${name}`) >= 0;

function coverage(names, has) {
  const aten = [...new Set(names)].filter(isAten);
  const missing = aten.filter((n) => !has(camel(n)));
  return { total: aten.length, covered: aten.length - missing.length, missing };
}

const proto = torch.Tensor.prototype;
const methods = coverage(api.tensorMethods, (n) => n in proto);
const functions = coverage([...api.variableFunctions, ...api.torchFunctions], (n) => n in torch || `${n}_` in torch);
const pct = (c) => ((100 * c.covered) / c.total).toFixed(1);
const all = { covered: methods.covered + functions.covered, total: methods.total + functions.total };
console.log(`Tensor methods: ${methods.covered}/${methods.total} ATen-backed names (${pct(methods)} %)`);
console.log(`torch functions: ${functions.covered}/${functions.total} ATen-backed names (${pct(functions)} %)`);
console.log(`overall: ${all.covered}/${all.total} (${pct(all)} %)`);
if (process.argv.includes('--list')) {
  console.log(`missing methods: ${methods.missing.join(', ') || '-'}`);
  console.log(`missing functions: ${functions.missing.join(', ') || '-'}`);
}
