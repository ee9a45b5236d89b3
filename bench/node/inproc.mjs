// C++ and torchnode timed in one Node process: bench.cpp's workload (built as
// bench/build/bench_inproc.node) and workloads.mjs's, in alternating rounds. This machine's speed
// drifts between processes by more than 5 %, so a per-round ratio measured seconds apart in one
// process is the steadiest Node/C++ comparison it gives; it also shows whether the Node process
// itself (its heap, threads, allocator) slows the C++ loop (compare with bench_cpp's own rounds).
// Usage: node --expose-gc bench/node/inproc.mjs <w2|w3|w3nn|w2sgd|...> [rounds=7]   (BENCH_VARIANT=i: the i-th Node variant)
// BENCH_OPS=1: the same rounds with every libtorch op timed on both sides (RecordFunction, inclusive
// µs per step by op name, the 25 largest on either side): which ops take longer in Node, rather than how much longer.
// BENCH_BETWEEN=noop|alloc|spin|op: a JS function called after every C++ step, untimed (an empty
// one; one allocating 3,000 small objects, about 34 µs here; an arithmetic loop without allocation,
// BENCH_SPIN iterations, 60000 by default, about 72 µs; one disposed torchnode add of 1-element tensors).
// BENCH_BETWEEN_AT=op: after every top-level op of the C++ step instead (not inside its backward,
// which Node runs as one call), as Node's step runs JS between its ops; both sides then carry the
// same RecordFunction hook, so compare with BENCH_BETWEEN_AT=op without BENCH_BETWEEN (hook, no calls).
// Needs bench/build from one `npm run bench` (it builds bench_inproc when node-api-headers is installed).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as torch from '../../dist/index.js';

const [workload, roundsArg = '7'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const addonPath = fileURLToPath(new URL('../build/bench_inproc.node', import.meta.url));
if (!workload || !(rounds > 0) || !existsSync(addonPath)) {
  console.error('usage: node --expose-gc bench/node/inproc.mjs <workload> [rounds]; needs bench/build/bench_inproc.node (npm run bench builds it)');
  process.exit(2);
}
const cpp = createRequire(import.meta.url)(addonPath);
// bench.cpp's optimizer workloads read it too: Node's i-th variant is timed against C++'s i-th (default, foreach, fused).
process.env.BENCH_VARIANT ??= '0';
let sink = 0;
const SPIN = Number(process.env.BENCH_SPIN ?? 60000);
if (!Number.isSafeInteger(SPIN) || SPIN < 0) {
  console.error('BENCH_SPIN must be a whole number of loop iterations (60000 by default)');
  process.exit(2);
}
const [W1_A, W1_B] = [torch.ones([1]), torch.ones([1])];
const BETWEEN = {
  noop: () => {},
  alloc: () => {
    const v = [];
    for (let i = 0; i < 3000; i++) v.push({ i });
    sink += v.length;
  },
  // One disposed W1 op: what torchnode's glue runs around each of its calls, and a tiny libtorch op.
  op: () => {
    W1_A.add(W1_B).dispose();
  },
  spin: () => {
    let a = 0;
    for (let i = 0; i < SPIN; i++) a = (a * 31 + i) | 0;
    sink += a;
  },
};
const between = process.env.BENCH_BETWEEN;
if (between !== undefined && !(between in BETWEEN)) {
  console.error(`BENCH_BETWEEN must be one of ${Object.keys(BETWEEN).join(', ')}`);
  process.exit(2);
}
const betweenAt = process.env.BENCH_BETWEEN_AT ?? 'step';
if (!['step', 'op'].includes(betweenAt) || (betweenAt === 'op' && process.env.BENCH_OPS)) {
  console.error('BENCH_BETWEEN_AT must be step or op (op: not with BENCH_OPS)');
  process.exit(2);
}
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

globalThis.benchInprocHook = (name, variants) => {
  const v = variants[Number(process.env.BENCH_VARIANT ?? 0)];
  const run = (n) => {
    for (let i = 0; i < n; i++) v.op();
  };
  if (process.env.BENCH_OPS) {
    const ops = Object.entries(cpp.compareOps(name, run, rounds, BETWEEN[between])).sort(([, a], [, b]) => Math.max(...b) - Math.max(...a)); // ops of one side only rank too
    console.log(`${name} (${v.variant}), µs per step inside each op (inclusive)      C++     Node  Node/C++`);
    for (const [op, [c, js]] of ops.slice(0, 25)) console.log(`${op.slice(0, 60).padEnd(62)} ${c.toFixed(1).padStart(8)} ${js.toFixed(1).padStart(8)} ${(js / c).toFixed(3).padStart(8)}`);
    return;
  }
  const rows = (betweenAt === 'op' ? cpp.compareBetweenOps : cpp.compare)(name, run, rounds, BETWEEN[between]);
  for (const [i, [c, js]] of rows.entries()) console.log(`round ${i}: C++ ${c.toFixed(1)} µs, Node ${js.toFixed(1)} µs, Node/C++ ${(js / c).toFixed(3)}`);
  const ratios = rows.map(([c, js]) => js / c);
  console.log(`${name} (${v.variant}): Node/C++ in one process ${median(ratios).toFixed(3)} (median of ${rows.length} rounds, ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`);
};
process.argv = [process.argv[0], fileURLToPath(new URL('workloads.mjs', import.meta.url)), workload, '1'];
await import('./workloads.mjs');
