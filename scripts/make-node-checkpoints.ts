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
import { makeTensor, type TensorEnc } from '../test/golden-replay.js';

const out = process.argv[2] ?? new URL('../test/fixtures/checkpoints/node/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(new URL('../test/fixtures/checkpoints/expected.json', import.meta.url), 'utf8')) as { inputs: Record<string, TensorEnc> };
const inputs = Object.fromEntries(Object.entries(expected.inputs).map(([k, v]) => [k, makeTensor(v)]));
mkdirSync(out, { recursive: true });
const { files } = buildNodeCheckpoints(inputs);
for (const [name, obj] of Object.entries(files)) torch.save(obj, join(out, `${name}.pt`));
console.log(`wrote ${Object.keys(files).length} checkpoints to ${out}`);
