// Node -> Python checkpoints: saves the JS models' stateDicts and a full checkpoint (model, optimizer,
// epoch, metrics) with torchnode's torch.save, for scripts/check-node-checkpoints.py to load into the
// same models defined in Python:
//   node node_modules/vite-node/vite-node.mjs scripts/make-node-checkpoints.ts [test/fixtures/checkpoints/node]
//   .venv/bin/python scripts/check-node-checkpoints.py [test/fixtures/checkpoints/node]
// The models and files come from test/checkpoint-models.ts (test/checkpoint.test.ts rebuilds them and
// checks that they equal the committed files, and that Node's outputs equal what Python computed).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../lib/index.js';
import { buildNodeCheckpoints } from '../test/checkpoint-models.js';

const out = process.argv[2] ?? new URL('../test/fixtures/checkpoints/node/', import.meta.url).pathname;
// The inputs Python drew (float32 values, stored exactly); test/golden-replay.ts's makeTensor needs vitest.
interface TensorEnc { dtype: string; shape: number[]; data: number[] }
const expected = JSON.parse(readFileSync(new URL('../test/fixtures/checkpoints/expected.json', import.meta.url), 'utf8')) as { inputs: Record<string, TensorEnc> };
const inputs = Object.fromEntries(Object.entries(expected.inputs).map(([k, v]) => [k, torch.tensor(v.data, { dtype: v.dtype }).reshape(v.shape)]));
torch.setNumThreads(1); // as the fixtures and tests run (ATEN_CPU_CAPABILITY=avx2 too: set it in the environment)
mkdirSync(out, { recursive: true });
const { files } = buildNodeCheckpoints(inputs);
for (const [name, obj] of Object.entries(files)) torch.save(obj, join(out, `${name}.pt`));
console.log(`wrote ${Object.keys(files).length} checkpoints to ${out}`);
