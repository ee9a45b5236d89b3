// The Node -> Python direction of TorchScript: traces JS modules/functions (test/jit-modules.ts) and
// re-saves a Python-made module after changing it, into test/fixtures/jit/node_*.pt, with Node's
// inputs and outputs in node.json; then `.venv/bin/python scripts/make-jit-fixtures.py --check-node`
// runs the files in Python (node_python.json), which test/jit.test.ts compares with Node:
//   node node_modules/vite-node/vite-node.mjs scripts/make-node-jit.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../lib/index.js';
import { jitCases, mix } from '../test/jit-modules.js';
import type { Enc, TensorEnc } from '../test/golden-replay.js';

const dir = new URL('../test/fixtures/jit/', import.meta.url).pathname;

function encTensor(t: torch.Tensor): TensorEnc {
  const values = Array.from(t.detach().contiguous().toTypedArray() as ArrayLike<number | bigint>, (v) =>
    typeof v === 'bigint' ? (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : String(v)) : Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v);
  return { dtype: t.dtype.name, shape: t.shape, data: t.dtype === torch.bool ? values.map((v) => v !== 0) : values };
}
function enc(v: unknown): Enc | { dict: Record<string, unknown> } {
  if (torch.isTensor(v)) return encTensor(v);
  if (Array.isArray(v)) return { seq: v.map(enc) as Enc[] };
  if (v === null) return { none: true };
  if (typeof v === 'number') return { num: v };
  if (typeof v === 'boolean') return { bool: v };
  if (typeof v === 'string') return { str: v };
  if (typeof v === 'object') return { dict: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)])) };
  throw new TypeError(`cannot encode ${String(v)}`);
}

const { mlp, mlpInputs, mixInputs } = jitCases();
const traced = torch.jit.trace(mlp, mlpInputs);
traced.save(join(dir, 'node_traced.pt'));
const fn = torch.jit.trace(mix, mixInputs, { strict: false });
fn.save(join(dir, 'node_fn.pt'));

// A module Python made, changed in Node (attributes, a method that mutates state, parameters in place), saved again.
const python = JSON.parse(readFileSync(join(dir, 'python.json'), 'utf8')) as { inputs: Record<string, TensorEnc> };
const xEnc = python.inputs.x!;
const x = torch.tensor(xEnc.data as number[], { dtype: xEnc.dtype as never }).reshape(xEnc.shape);
const resaved = torch.jit.load(join(dir, 'scripted.pt'));
resaved.setAttr('scale', 0.25);
resaved.runMethod('bump', 4);
torch.noGrad(() => (resaved.attr('block') as torch.jit.ScriptModule).namedParameters()[0]![1].mul_(0.5));
resaved.save(join(dir, 'node_resaved.pt'));

const cases = {
  traced: { file: 'node_traced.pt', inputs: mlpInputs.map(enc), forward: enc(traced.call(...mlpInputs)) },
  fn: { file: 'node_fn.pt', inputs: mixInputs.map(enc), forward: enc(fn(...mixInputs)) },
  resaved: { file: 'node_resaved.pt', inputs: [enc(x)], forward: enc(resaved.call(x)), methods: { encode: [enc(x)] }, attrs: ['scale', 'count'] },
};
writeFileSync(join(dir, 'node.json'), JSON.stringify({ torchnode: torch.version, cases }));
console.log(`wrote ${Object.keys(cases).length} cases to ${dir}`);
