// torchnode side of the benchmark (same workloads as ../cpp/bench.cpp and ../py/bench.py).
// Usage: node --expose-gc bench/node/workloads.mjs <w1|w1big|w2|w3|w3nn|w2sgd|w2adam|w3sgd|w3adam|cnninfer|tensor1m|err|print100k|print100kfull|pilresize|pilrrc|piljitter|pilrotate> <rounds>
// Prints one JSON line describing the process, then one per variant and timed round.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as torch from '../../dist/index.js';

const WARMUP_S = 1.0; // doubling warm-up stops once this much time is spent (same on all three sides: Node's JIT and
// young-generation sizing settle over the first second or so, C++ and Python at once)
const TARGET_S = 0.7; // length of one timed round
const LR = 0.01;
const MOMENTUM = 0.9;

const emit = (record) => process.stdout.write(JSON.stringify({ impl: 'node', ...record }) + '\n');
const now = () => performance.now() / 1e3;
const turn = () => new Promise((resolve) => setImmediate(resolve));

// Runs op() n times and returns the seconds taken, yielding to the event loop every yieldEvery calls.
// Variants that leave tensors to the GC (freedByGc) end with a full GC plus one turn inside the timing,
// so the finalizers that free them (which may wait for the event loop) are paid by the variant that made
// the garbage. The others free every tensor themselves (dispose, tidy) or make none: no forced GC is
// timed for them, as C++ and Python pay nothing like it (a full GC costs 15-20 ms here); V8's own GCs
// are timed as they come, and measure() checks that RSS does not grow over their rounds.
async function seconds(op, n, yieldEvery, freedByGc = false) {
  const t0 = now();
  for (let i = 1; i <= n; i++) {
    op();
    if (i % yieldEvery === 0) await turn();
  }
  if (freedByGc) {
    globalThis.gc();
    await turn();
  }
  return now() - t0;
}

// RSS growth over a workload's timed rounds (after a GC) past which one of its variants keeps what it makes.
const LEAK_MIB = 64;

// Warms up every variant with doubling batches, sizes its rounds to ~TARGET_S from the last, then
// alternates the variants round by round so drift on this noisy machine hits them alike.
// BENCH_FIXED_ITERS=N (for instruction counts, bench/steps.sh): BENCH_WARMUP_ITERS (10) warm-up iterations
// (thousands let the JIT reach its optimizing tier, as the timed runs do), then exactly N
// of each variant (BENCH_VARIANT=i: only the i-th) between the marker calls getppid() (process.ppid)
// and getpriority() (os.getPriority) that callgrind zeroes and dumps its counters at; one record each.
async function measure(workload, rounds, variants, extra = {}) {
  // bench/node/inproc.mjs times the variants itself, alternating with the C++ workload in this process.
  if (globalThis.benchInprocHook) return globalThis.benchInprocHook(workload, variants);
  const fixed = Number(process.env.BENCH_FIXED_ITERS ?? 0);
  if (fixed > 0) {
    const only = process.env.BENCH_VARIANT;
    for (const [i, v] of variants.entries()) {
      if (only !== undefined && Number(only) !== i) continue;
      await seconds(v.op, Number(process.env.BENCH_WARMUP_ITERS ?? 10), v.yieldEvery, v.freedByGc);
      void process.ppid;
      const cpu0 = process.cpuUsage();
      const us = ((await seconds(v.op, fixed, v.yieldEvery, v.freedByGc)) * 1e6) / fixed;
      const cpu = process.cpuUsage(cpu0);
      os.getPriority(0);
      const cpuUs = (cpu.user + cpu.system) / fixed;
      emit({ workload, variant: v.variant, round: 0, iters: fixed, us: +us.toFixed(4), cpu_us: +cpuUs.toFixed(4), ...extra, ...v.extra });
    }
    return;
  }
  for (const v of variants) {
    // Sized from the last batch: the first ones pay one-off costs (JIT tiers, a full GC per batch).
    let spent = 0;
    let last = 1;
    let lastS = 1;
    for (let n = 1; spent < WARMUP_S; n *= 2) {
      lastS = await seconds(v.op, n, v.yieldEvery, v.freedByGc);
      spent += lastS;
      last = n;
    }
    v.iters = Math.max(1, Math.round((last * TARGET_S) / lastS));
  }
  globalThis.gc();
  const rss0 = process.memoryUsage.rss();
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      // Every round starts from an empty heap, untimed, whichever variant ran before: no round collects another's garbage.
      globalThis.gc();
      const us = ((await seconds(v.op, v.iters, v.yieldEvery, v.freedByGc)) * 1e6) / v.iters;
      emit({ workload, variant: v.variant, round, iters: v.iters, us: +us.toFixed(4), ...extra, ...v.extra });
    }
  }
  globalThis.gc();
  const grownMib = (process.memoryUsage.rss() - rss0) / 2 ** 20;
  if (grownMib > LEAK_MIB) {
    throw new Error(`${workload}: RSS grew ${grownMib.toFixed(0)} MiB over the timed rounds: a variant keeps tensors it should free, and its rounds do not time freeing them`);
  }
}

// libtorch's BLAS (BLAS_INFO in its build config), and the libblas mapped into this process if any.
function loadedBlas() {
  const info = /BLAS_INFO=(\w+)/.exec(torch.buildInfo().config)?.[1] ?? 'unknown';
  const line = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.includes('libblas.so'));
  return info + (line ? ` via ${line.slice(line.indexOf('/'))}` : '');
}

function w1(rounds) {
  const a = torch.rand([1]);
  const b = torch.rand([1]);
  return measure('w1', rounds, [
    { variant: 'c = a.add(b); c.dispose()', op: () => a.add(b).dispose(), yieldEvery: 1000 },
    { variant: 'c = a.add(b), freed by GC', op: () => a.add(b), yieldEvery: 1000, freedByGc: true },
    // The generated-op path (schema-driven dispatcher call) on the same kernel as the direct binding.
    { variant: 'c = torch.add(a, b) (generated op); c.dispose()', op: () => torch.add(a, b).dispose(), yieldEvery: 1000 },
  ]);
}

// Large results are disposed only: leaving 4 MB tensors to the GC is W4's subject, not W1's.
function w1big(rounds) {
  const a = torch.rand([1000, 1000]);
  const b = torch.rand([1000, 1000]);
  return measure('w1big', rounds, [
    { variant: 'c = a.add(b); c.dispose()', op: () => a.add(b).dispose(), yieldEvery: 100 },
  ]);
}

// A leaf weight: randn scaled by 1/sqrt(fan_in), as in the C++ and Python sides.
const leaf = (shape, fanIn) => torch.randn(shape).mul_(1 / Math.sqrt(fanIn)).requiresGrad_();

// The first step's loss and the loss after 5 steps (the 6th step's, computed before its update): equal
// on all three sides only when they run the same forward, backward and optimizer update.
function lossCheck(step) {
  const lossOf = () => {
    const loss = step();
    const value = loss.item();
    loss.dispose();
    return value;
  };
  const loss0 = lossOf();
  for (let i = 0; i < 4; i++) step().dispose();
  return { loss0, loss5: lossOf() };
}

// Times the hand-written step (zero grads, forward, backward, SGD with momentum); torch.tidy
// frees every tensor the step creates except the returned loss, which the caller disposes.
async function train(workload, rounds, params, lossFn) {
  const bufs = params.map((p) => torch.zerosLike(p));
  const step = () =>
    torch.tidy(() => {
      for (const p of params) p.grad?.zero_();
      const loss = lossFn();
      loss.backward();
      torch.noGrad(() =>
        params.forEach((p, i) => {
          bufs[i].mul_(MOMENTUM).add_(p.grad);
          p.add_(bufs[i], { alpha: -LR });
        }),
      );
      return loss;
    });
  await measure(workload, rounds, [{ variant: 'train step', op: () => step().dispose(), yieldEvery: 10, extra: lossCheck(step) }]);
}

function w2(rounds) {
  torch.manualSeed(0);
  const [w1, b1, w2, b2] = [leaf([128, 784], 784), leaf([128], 784), leaf([10, 128], 128), leaf([10], 128)];
  const x = torch.randn([64, 784]);
  const y = torch.randint(10, [64]);
  const { linear, cross_entropy_loss } = torch.ops.aten;
  return train('w2', rounds, [w1, b1, w2, b2], () => cross_entropy_loss(linear(linear(x, w1, b1).relu(), w2, b2), y));
}

function w3(rounds) {
  torch.manualSeed(0);
  const params = [leaf([8, 1, 3, 3], 9), leaf([8], 9), leaf([16, 8, 3, 3], 72), leaf([16], 72),
    leaf([10, 784], 784), leaf([10], 784)];
  const [c1w, c1b, c2w, c2b, fw, fb] = params;
  const x = torch.randn([32, 1, 28, 28]);
  const y = torch.randint(10, [32]);
  const { conv2d, max_pool2d, linear, cross_entropy_loss } = torch.ops.aten;
  return train('w3', rounds, params, () => {
    const h1 = max_pool2d(conv2d(x, c1w, c1b, [1, 1], [1, 1]).relu(), [2, 2]);
    const h2 = max_pool2d(conv2d(h1, c2w, c2b, [1, 1], [1, 1]).relu(), [2, 2]);
    return cross_entropy_loss(linear(h2.flatten(1), fw, fb), y);
  });
}

// W3 built from nn modules (nn.Conv2d, nn.Linear, F.crossEntropy): the module layer's cost over the hand-written step.
function w3nn(rounds) {
  torch.manualSeed(0);
  const { nn } = torch;
  const F = nn.functional;
  class Net extends nn.Module {
    conv1 = new nn.Conv2d(1, 8, 3, { padding: 1 });
    conv2 = new nn.Conv2d(8, 16, 3, { padding: 1 });
    fc = new nn.Linear(784, 10);
    forward(x) {
      const h = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
      return this.fc.call(F.maxPool2d(F.relu(this.conv2.call(h)), 2).flatten(1));
    }
  }
  const model = new Net();
  const x = torch.randn([32, 1, 28, 28]);
  const y = torch.randint(10, [32]);
  return train('w3nn', rounds, model.parameters(), () => F.crossEntropy(model.call(x), y));
}

// W2 and W3 (the w3nn model) trained with nn modules and torch.optim: zeroGrad, forward, backward,
// optimizer.step(). One variant per implementation of the step (Python's CPU default is single-tensor); "optim"
// pairs each with the C++ and Python variant of the same name in bench/run.mjs.
class Mlp extends torch.nn.Module {
  fc1 = new torch.nn.Linear(784, 128);
  fc2 = new torch.nn.Linear(128, 10);
  forward(x) {
    return this.fc2.call(torch.nn.functional.relu(this.fc1.call(x)));
  }
}
class Cnn extends torch.nn.Module {
  conv1 = new torch.nn.Conv2d(1, 8, 3, { padding: 1 });
  conv2 = new torch.nn.Conv2d(8, 16, 3, { padding: 1 });
  fc = new torch.nn.Linear(784, 10);
  forward(x) {
    const F = torch.nn.functional;
    const h = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
    return this.fc.call(F.maxPool2d(F.relu(this.conv2.call(h)), 2).flatten(1));
  }
}
const OPTIMIZERS = {
  sgd: (params, impl) => new torch.optim.SGD(params, { lr: LR, momentum: MOMENTUM, ...impl }),
  adam: (params, impl) => new torch.optim.Adam(params, { lr: 1e-3, ...impl }),
};
const IMPLEMENTATIONS = [
  ['default', 'single-tensor (default)', {}],
  ['foreach', 'foreach: true', { foreach: true }],
  ['fused', 'fused: true', { fused: true }],
];

function optimTrain(workload, Model, inputShape, optimizer) {
  return async (rounds) => {
    const variants = [];
    for (const [optim, variant, impl] of IMPLEMENTATIONS) {
      // The same seed for every variant: the same weights and data as the C++ and Python sides.
      torch.manualSeed(0);
      const model = new Model();
      const x = torch.randn(inputShape);
      const y = torch.randint(10, [inputShape[0]]);
      const opt = OPTIMIZERS[optimizer](model.parameters(), impl);
      const step = () =>
        torch.tidy(() => {
          opt.zeroGrad();
          const loss = torch.nn.functional.crossEntropy(model.call(x), y);
          loss.backward();
          opt.step();
          return loss;
        });
      const extra = { optim, ...lossCheck(step) };
      variants.push({ variant: `nn + optim.${optimizer === 'sgd' ? 'SGD' : 'Adam'}, ${variant}`, op: () => step().dispose(), yieldEvery: 10, extra });
    }
    await measure(workload, rounds, variants);
  };
}

// Inference of the small CNN of test/fixtures/aoti (conv-relu-pool twice, linear) on one 3x32x32
// image: eager aten ops with random weights of the same shapes, and the AOTInductor package that
// scripts/make-aoti-fixtures.py compiled from that model (weights do not change the time).
function cnninfer(rounds) {
  torch.manualSeed(0);
  const [c1w, c1b, c2w, c2b, fw, fb] = [[16, 3, 3, 3], [16], [32, 16, 3, 3], [32], [10, 2048], [10]].map((s) => torch.randn(s));
  const x = torch.randn([1, 3, 32, 32]);
  const { conv2d, max_pool2d, linear } = torch.ops.aten;
  const eager = () => {
    const h1 = max_pool2d(conv2d(x, c1w, c1b, [1, 1], [1, 1]).relu(), [2, 2]);
    const h2 = max_pool2d(conv2d(h1, c2w, c2b, [1, 1], [1, 1]).relu(), [2, 2]);
    return linear(h2.flatten(1), fw, fb);
  };
  const pkg = torch.aoti.loadPackage(fileURLToPath(new URL('../../test/fixtures/aoti/small_cnn.pt2', import.meta.url)));
  return measure('cnninfer', rounds, [
    // The intermediates are left to the GC.
    { variant: 'eager aten ops', op: () => eager().dispose(), yieldEvery: 10, freedByGc: true },
    // Intermediates freed at once, as Python's refcounting frees them.
    { variant: 'eager aten ops, torch.tidy', op: () => torch.tidy(() => void eager()), yieldEvery: 10 },
    { variant: 'aoti package', op: () => pkg.call(x).dispose(), yieldEvery: 10 },
  ]);
}

// torch.tensor of nested JS arrays: 1000 rows of 1000 numbers, the same values as bench.py's lists.
function tensor1m(rounds) {
  const nested = Array.from({ length: 1000 }, (_, i) =>
    Array.from({ length: 1000 }, (_, j) => (((i * 1000 + j) * 7919) % 1000) / 7),
  );
  return measure('tensor1m', rounds, [
    { variant: 'torch.tensor(nested).dispose()', op: () => torch.tensor(nested).dispose(), yieldEvery: 1 },
  ]);
}

// String(x) of a 100x1000 randn tensor (the same values as Python's): summarized by the default
// threshold, or all 100,000 elements with threshold Infinity. chars shows both print the same length.
function printTensor(workload, options) {
  return (rounds) => {
    torch.manualSeed(0);
    const x = torch.randn([100, 1000]);
    torch.setPrintoptions(options);
    const chars = String(x).length;
    return measure(workload, rounds, [{ variant: 'String(x)', op: () => String(x), yieldEvery: 10 }], { chars });
  };
}

// A libtorch error raised and caught: x.view(4, 2) of a 3-element tensor (issue 8: an error once cost
// 10 ms, spent building a C++ backtrace).
function opError(rounds) {
  const x = torch.zeros([3]);
  const fail = () => {
    try {
      x.view(4, 2);
    } catch {
      return;
    }
    throw new Error('x.view(4, 2) did not fail');
  };
  return measure('err', rounds, [{ variant: 'try { x.view(4, 2) } catch', op: fail, yieldEvery: 10 }]);
}

// One vision transform on a 500x375 RGB vision.Image (torchvision's PIL path, Pillow's pixels): the same
// pixels and seed as bench.py's PIL image.
const PIL_TRANSFORMS = {
  pilresize: ['Resize(256)', (T) => new T.Resize(256)],
  pilrrc: ['RandomResizedCrop(224)', (T) => new T.RandomResizedCrop(224)],
  piljitter: ['ColorJitter(0.4, 0.4, 0.4, 0.1)', (T) => new T.ColorJitter(0.4, 0.4, 0.4, 0.1)],
  pilrotate: ['RandomRotation(15, bilinear)', (T) => new T.RandomRotation(15, { interpolation: 'bilinear' })],
};
function pilTransform(workload) {
  return (rounds) => {
    const [w, h] = [500, 375];
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) { const i = (y * w + x) * 3 + c; data[i] = (x + y + ((i * 7919) % 31)) & 255; }
    const image = new torch.vision.Image(w, h, 'RGB', data);
    const [variant, make] = PIL_TRANSFORMS[workload];
    const transform = make(torch.vision.transforms);
    torch.manualSeed(0);
    return measure(workload, rounds, [{ variant, op: () => transform.call(image), yieldEvery: 10 }]);
  };
}

const WORKLOADS = {
  w1,
  w1big,
  w2,
  w3,
  w3nn,
  cnninfer,
  w2sgd: optimTrain('w2sgd', Mlp, [64, 784], 'sgd'),
  w2adam: optimTrain('w2adam', Mlp, [64, 784], 'adam'),
  w3sgd: optimTrain('w3sgd', Cnn, [32, 1, 28, 28], 'sgd'),
  w3adam: optimTrain('w3adam', Cnn, [32, 1, 28, 28], 'adam'),
  tensor1m,
  err: opError,
  print100k: printTensor('print100k', { profile: 'default' }),
  print100kfull: printTensor('print100kfull', { threshold: Infinity }),
  ...Object.fromEntries(Object.keys(PIL_TRANSFORMS).map((w) => [w, pilTransform(w)])),
};
const [name, rounds] = process.argv.slice(2);
if (!WORKLOADS[name] || !(Number(rounds) > 0)) {
  console.error(`usage: node --expose-gc workloads.mjs <${Object.keys(WORKLOADS).join('|')}> <rounds>`);
  process.exit(2);
}
if (!globalThis.gc) throw new Error('run with node --expose-gc: each round starts with a full GC');
torch.setNumThreads(1);
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
emit({
  env: {
    version: `torchnode ${version}, node ${process.version}`,
    threads: torch.getNumThreads?.() ?? null,
    blas: loadedBlas(),
  },
});
await WORKLOADS[name](Number(rounds));
