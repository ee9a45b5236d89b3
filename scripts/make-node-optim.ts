// Node -> Python optimizer state: runs every case of test/fixtures/optim-*.json to its half-way
// step with torchnode and saves optimizer.stateDict() with torch.save, for
// scripts/check-node-optim.py to resume in Python torch (it must reach Python's own final parameters):
//   node node_modules/vite-node/vite-node.mjs scripts/make-node-optim.ts [out dir, default test/fixtures/optim/node]
//   .venv/bin/python scripts/check-node-optim.py [same dir]
// test/optim-trajectories.test.ts checks that the committed files equal what this writes today.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../lib/index.js';
import { build, optimFixtures, run, setup } from '../test/optim-harness.js';

const out = process.argv[2] ?? new URL('../test/fixtures/optim/node/', import.meta.url).pathname;
torch.setNumThreads(1); // as the fixtures and tests run
mkdirSync(out, { recursive: true });
let n = 0;
for (const [, fx] of optimFixtures()) {
  for (const c of fx.cases) {
    const { params, x, y } = setup(fx, c);
    const opt = build(c, params);
    run(c, opt, params, x, y, 0, Math.floor(c.steps / 2));
    torch.save(opt.stateDict(), join(out, `${c.name}.pt`));
    n++;
  }
}
console.log(`wrote ${n} optimizer state dicts to ${out}`);
