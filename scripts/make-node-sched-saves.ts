// Runs every case of test/fixtures/sched.json to half way in Node and writes the optimizer and
// scheduler state dicts with torchnode's torch.save, for scripts/check-node-sched-saves.py to
// resume in Python:
//   node node_modules/vite-node/vite-node.mjs scripts/make-node-sched-saves.ts /tmp/node-sched
//   .venv/bin/python scripts/check-node-sched-saves.py /tmp/node-sched
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../lib/index.js';
import { fixture, setup, stepAll } from '../test/sched-cases.js';

const out = process.argv[2] ?? '/tmp/node-sched';
mkdirSync(out, { recursive: true });
process.removeAllListeners('warning'); // the cases call scheduler.step() without gradients on purpose
for (const c of fixture.cases) {
  const { opt, scheds } = setup(c);
  for (let i = 0; i < c.half; i++) {
    opt.step();
    stepAll(scheds, c, i);
  }
  torch.save({ optimizer: opt.stateDict(), schedulers: scheds.map((s) => s.stateDict()) }, join(out, `${c.name}.pt`));
}
console.log(`${fixture.cases.length} state dicts in ${out}`);
