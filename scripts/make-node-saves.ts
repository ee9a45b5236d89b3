// Writes files with torchnode's torch.save plus what they hold (expected.json, described as
// scripts/make-save-fixtures.py describes values), for scripts/check-node-saves.py to load in Python:
//   node node_modules/vite-node/vite-node.mjs scripts/make-node-saves.ts /tmp/node-saves
//   .venv/bin/python scripts/check-node-saves.py /tmp/node-saves
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../lib/index.js';
import { describeJs } from '../test/save-describe.js';

const out = process.argv[2] ?? '/tmp/node-saves';
const fixtures = new URL('../test/fixtures/save/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const values = [0, 1.5, -2.25, 3, 100, -0.5];
const dtypes: Record<string, torch.Tensor> = {};
// Dtypes torch 2.x writes with _rebuild_tensor_v3 (no storage class): a case of their own, which torch 1.13 cannot read.
const dtypesV3: Record<string, torch.Tensor> = {};
const v3 = ['uint16', 'uint32', 'uint64', 'float8_e4m3fn', 'float8_e5m2'];
for (const name of ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64', 'complex64', 'complex128', ...v3]) {
  const dt = (torch as unknown as Record<string, torch.DType>)[name]!;
  const base = torch.tensor(values, { dtype: torch.float64 });
  let t: torch.Tensor;
  if (dt.isComplex) t = torch.complex(base, base.flip(0)).to(dt);
  else if (dt === torch.bool) t = base.gt(0);
  else if (dt.isFloatingPoint) t = base.to(dt);
  else t = base.abs().to(torch.int64).to(dt);
  (v3.includes(name) ? dtypesV3 : dtypes)[name] = t.reshape(2, 3);
}
dtypes.int64_big = torch.tensor(new BigInt64Array([2n ** 62n, -(2n ** 63n), 2n ** 53n + 1n]));
dtypes.empty = torch.zeros(0, 3);
dtypes.scalar = torch.tensor(7.25, { dtype: torch.float64 });

const base = torch.arange(12, { dtype: torch.float32 });
const cases: Record<string, unknown> = {
  dtypes,
  dtypes_v3: dtypesV3,
  views: { base, view: base.index('2:8').view(2, 3), t: base.view(3, 4).t(), strided: base.index('::3'), other: torch.ones(2) },
  noncontiguous: torch.arange(6, { dtype: torch.int32 }).view(2, 3).t(),
  nested: {
    list: [1, 2.5, 'x', null, true, false, [1, 2], [3, { k: torch.ones(2) }]],
    big: 2n ** 70n, neg: -5, float: 1.5, unicode: 'héllo ✓', intKeys: torch.markIntKeys({ 0: 'a', 1: 'b', 10: 'c' }),
    map: new Map<unknown, unknown>([[7, 'seven'], ['k', 'v']]), empty: {}, emptyList: [],
    dtype: torch.float16, device: torch.device('cpu'), set: new Set([1, 2]), bytes: Buffer.from([0, 255, 97, 98]),
  },
  requires_grad: torch.ones(3).requiresGrad_(),
  conj: { z: torch.complex(torch.ones(2), torch.arange(2, { dtype: torch.float32 })).conj() },
  // Python's own files, loaded and saved again by torchnode.
  state_dict: torch.load(join(fixtures, 'state_dict.pt')),
  sgd: torch.load(join(fixtures, 'sgd.pt')),
  parameter: torch.load(join(fixtures, 'parameter.pt')),
  // Made in Node: Parameters (one not requiring grad), whole numbers from 2**53 on, a Map with tuple
  // (array) and mixed keys, lone surrogates, meta tensors.
  node_values: {
    p: new torch.nn.Parameter(torch.arange(3, { dtype: torch.float32 })), frozen: new torch.nn.Parameter(torch.ones(2), false),
    big: 2 ** 53, bigger: 2 ** 64, negBig: -(2 ** 60), map: new Map<unknown, unknown>([[[1, [2, 3]], 'tuple'], [1, 'int'], ['1', 'str']]),
    surrogates: ['a\ud800b', '\udfff', 'ok \u{1f600}'], meta: torch.empty([4, 2], { device: 'meta', dtype: torch.float16 }).t(),
  },
  keys_values: torch.load(join(fixtures, 'keys_values.pt')),
  parameters: torch.load(join(fixtures, 'parameters.pt')),
};

const expected: Record<string, unknown> = {};
for (const [name, obj] of Object.entries(cases)) {
  torch.save(obj, join(out, `${name}.pt`));
  expected[name] = describeJs(obj, new Map());
}
writeFileSync(join(out, 'expected.json'), JSON.stringify({ torchnode: torch.version, cases: expected }));
console.log(`wrote ${Object.keys(cases).length} files to ${out}`);
