// npm run bench: the same workloads in libtorch C++, Python torch and torchnode, side by side.
// Usage: node bench/run.mjs [--rounds N (processes per cell, default 5)] [--from saved.json] [w1 w1big w2 w3 w3nn w2sgd w2adam w3sgd w3adam cnninfer tensor1m err print100k print100kfull w4 w5 pilresize pilrrc piljitter pilrotate]
// Prints a table of medians and ratios and writes bench/results/latest.json, and the ratios as a chart
// (latest.svg: every round's ratio and their median).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ratioChartSpec } from './chart.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BUILD = join(HERE, 'build');
const DIST = join(HERE, '..', 'dist', 'index.js');
// All three sides run the same libtorch: the one the addon was built against (build/libtorch.json),
// with the Python whose torch it is (the project venv that scripts/setup.sh --bench makes).
const ADDON = (() => {
  const record = join(HERE, '..', 'build', 'libtorch.json');
  return existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : null;
})();
const VENV_PYTHON = join(HERE, '..', '.venv', 'bin', 'python');
const PYTHON = /^python \((.+)\)$/.exec(ADDON?.source ?? '')?.[1] ?? (existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3');
const ROUNDS_PER_PROCESS = 3; // a cell is the median over processes of each process's median
// glibc otherwise flips between reusing freed 4 MB blocks and page-faulting fresh ones (W1-big
// 0.2 vs 1.7 ms/op at random). Heap-allocating up to 32 MiB (glibc's maximum) and trimming only
// past 256 MiB makes all three reuse them; it takes both settings. Blocks above 32 MiB (W5's 50 MB
// eval activations) would still be mmapped and page-faulted afresh on every batch, 0.1-0.45 s per
// 1,000-image eval at random on either side: mmap_max=0 keeps them on the heap too. A GLIBC_TUNABLES of yours wins.
const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_max=0';
const CHILD_ENV = {
  ...process.env,
  OMP_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
  GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? MALLOC_TUNABLES,
  // libtorch logs 'Could not initialize NNPACK' on every convolution on CPUs NNPACK lacks: a pipe write
  // per call that would time the log, not the op (all three sides read this at start-up).
  TORCH_CPP_LOG_LEVEL: process.env.TORCH_CPP_LOG_LEVEL ?? 'ERROR',
};
// W5: the MNIST main job and its Python twin (same model, data order and losses), on a slice of
// MNIST so a process takes seconds; each epoch after the first is one timed sample (train + test).
const W5_TRAIN = 3200;
const W5_TEST = 1000;
const W5_EPOCHS = 3;
const W5_ARGS = ['--json', '--threads', '1', '--epochs', W5_EPOCHS, '--limit-train', W5_TRAIN, '--limit-test', W5_TEST, '--out', join(HERE, 'build', 'w5')];
// tsx runs the TypeScript example; resolved here so the bench runs from any working directory.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TITLES = {
  w1: 'W1 a+b, 1 element (µs/op)',
  w1big: 'W1-big a+b, 1000x1000 (µs/op)',
  w2: 'W2 MLP train step (µs)',
  w3: 'W3 CNN train step (µs)',
  w3nn: 'W3 with nn modules (nn.Conv2d, nn.Linear, F.crossEntropy) (µs)',
  w2sgd: 'W2 MLP train step, nn + optim.SGD(momentum) (µs)',
  w2adam: 'W2 MLP train step, nn + optim.Adam (µs)',
  w3sgd: 'W3 CNN train step, nn + optim.SGD(momentum) (µs)',
  w3adam: 'W3 CNN train step, nn + optim.Adam (µs)',
  cnninfer: 'Small CNN inference, 1x3x32x32 (µs)',
  tensor1m: 'torch.tensor(1000x1000 nested list/array) (µs)',
  err: 'a libtorch error raised and caught, x.view(4, 2) of 3 elements (µs)',
  print100k: 'str(x), 100x1000, summarized (µs)',
  print100kfull: 'str(x), 100x1000, all printed (µs)',
  w5: `W5 MNIST epoch, examples/mnist.ts vs bench/py/mnist.py, ${W5_TRAIN} train + ${W5_TEST} test images (µs)`,
  pilresize: 'vision.transforms.Resize(256) of a 500x375 RGB Image vs torchvision on PIL (µs)',
  pilrrc: 'vision.transforms.RandomResizedCrop(224), the same (µs)',
  piljitter: 'vision.transforms.ColorJitter(0.4, 0.4, 0.4, 0.1), the same (µs)',
  pilrotate: 'vision.transforms.RandomRotation(15, bilinear), the same (µs)',
};
// Workloads of the Python/JS binding layer itself, W5's whole scripts, and the image transforms (Pillow's C on the
// Python side, no libtorch): C++ has nothing to compare.
const BINDING_ONLY = new Set(['tensor1m', 'err', 'print100k', 'print100kfull', 'w5', 'pilresize', 'pilrrc', 'piljitter', 'pilrotate']);
// W4 variants: rss.mjs modes for Node, then Python's reference.
const W4_MODES = {
  none: 'c dropped, GC frees',
  dispose: 'c.dispose()',
  tidy: 'torch.tidy per iteration',
  refcount: 'c dropped, refcount frees',
};
const W4_NODE_MODES = ['none', 'dispose', 'tidy'];

const log = (msg) => process.stderr.write(msg + '\n');
const tail = (text, lines = 8) => (text ?? '').trim().split('\n').slice(-lines).join('\n');
// [key, items][] in first-seen order (Object.groupBy needs Node 21).
const groupBy = (xs, key) => {
  const groups = new Map();
  for (const x of xs) {
    const k = key(x);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(x);
  }
  return [...groups];
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// What bench_cpp is built from: its sources, and the addon's libtorch (its record and how it is found).
const CPP_INPUTS = [
  ...['bench.cpp', 'inproc.cc', 'CMakeLists.txt'].map((f) => join(HERE, 'cpp', f)),
  join(HERE, '..', 'build', 'libtorch.json'),
  join(HERE, '..', 'native', 'cmake', 'one_libtorch.cmake'),
];

// Builds bench/build (bench_cpp, bench_inproc.node) when bench_cpp is missing or a CPP_INPUTS file is newer
// than the last build's stamp (make leaves a target older than inputs it does not use), then checks that
// bench_cpp runs the addon's libtorch version; returns an error message or null.
function buildCpp() {
  const bin = join(BUILD, 'bench_cpp');
  const stamp = join(BUILD, 'inputs.stamp');
  const newest = Math.max(...CPP_INPUTS.filter(existsSync).map((f) => statSync(f).mtimeMs));
  if (!existsSync(bin) || !existsSync(stamp) || statSync(stamp).mtimeMs < newest) {
    const problem = runCmake();
    if (problem) return problem;
    writeFileSync(stamp, '');
  }
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return `${bin} --version failed: ${tail(r.error?.message ?? r.stderr, 2)}`;
  const version = r.stdout.trim().split('+')[0];
  if (ADDON && version !== ADDON.version) return `bench_cpp has libtorch ${version}, the addon libtorch ${ADDON.version}: not the same kernels`;
  return null;
}

function runCmake() {
  log('building the C++ bench (cmake, Release) into bench/build/ ...');
  if (!ADDON) return 'build/libtorch.json not found: build the addon first (npm run setup)';
  const steps = [
    ['cmake', '-S', join(HERE, 'cpp'), '-B', BUILD, '-DCMAKE_BUILD_TYPE=Release', `-DTorch_DIR=${ADDON.cmakeDir}`],
    ['cmake', '--build', BUILD, '-j2'],
  ];
  for (const [cmd, ...args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) return `build failed: ${cmd} ${args.join(' ')}\n${tail(r.error?.message ?? r.stdout + r.stderr)}`;
  }
  return null;
}

function probePython() {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return `${PYTHON} cannot import torch: ${tail(r.error?.message ?? r.stderr, 2)}`;
  const version = r.stdout.trim().split('+')[0];
  if (ADDON && version !== ADDON.version) return `${PYTHON} has torch ${version}, the addon libtorch ${ADDON.version}: not the same kernels`;
  return null;
}

function probeNode() {
  if (!existsSync(DIST)) return 'dist/index.js not found: run `npm run build` first';
  const code = `await import(${JSON.stringify(pathToFileURL(DIST).href)})`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return r.status === 0 ? null : `importing dist/index.js failed:\n${tail(r.stderr)}`;
}

const IMPLS = [
  { name: 'cpp', setup: buildCpp, argv: (w, n) => [join(BUILD, 'bench_cpp'), w, n] },
  {
    name: 'python',
    setup: probePython,
    argv: (w, n) => (w === 'w5' ? [PYTHON, join(HERE, 'py', 'mnist.py'), ...W5_ARGS] : [PYTHON, join(HERE, 'py', 'bench.py'), w, n]),
  },
  {
    name: 'node',
    setup: probeNode,
    argv: (w, n) =>
      w === 'w5'
        ? [process.execPath, '--import', TSX_LOADER, join(HERE, '..', 'examples', 'mnist.ts'), ...W5_ARGS]
        : [process.execPath, '--expose-gc', join(HERE, 'node', 'workloads.mjs'), w, n],
  },
];

// W5's per-epoch records as samples: epochs after the first (warm-up), the first epoch's mean
// training loss as loss0 (equal on both sides when they ran the same batches).
const w5Samples = (lines) =>
  lines
    .filter((l) => l.epoch > 1)
    .map((l) => ({ workload: 'w5', variant: 'epoch (train + test)', round: l.epoch, impl: l.impl, us: l.epoch_s * 1e6, loss0: lines[0].train_loss }));

// Runs one benchmark process and returns its JSON lines, or null after saying why it failed.
function runJson(argv, label, timeoutMs = 300_000) {
  const [cmd, ...args] = argv.map(String);
  const r = spawnSync(cmd, args, { env: CHILD_ENV, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    log(`  ${label} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${tail(r.stderr)}`);
    return null;
  }
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

// The samples of one side in one row: Node's of its variant; C++'s and Python's of the same optim step
// (w2sgd...: default, foreach or fused, each side's own variant name), or their single variant elsewhere.
const rowSamples = (samples, workload, impl, variant, optim) =>
  samples.filter(
    (s) => s.workload === workload && s.impl === impl && (impl === 'node' ? s.variant === variant : optim === undefined || s.optim === optim),
  );

// Median of each process's rounds, then median and range over processes, per impl and row.
function cell(samples, workload, impl, variant, optim) {
  const mine = rowSamples(samples, workload, impl, variant, optim);
  if (!mine.length) return null;
  const perProcess = groupBy(mine, (s) => s.process).map(([, g]) => median(g.map((s) => s.us)));
  return {
    impl,
    us: median(perProcess),
    min: Math.min(...perProcess),
    max: Math.max(...perProcess),
    processes: perProcess.length,
    samples: mine.length,
    ...(mine[0].loss0 !== undefined && { loss0: mine[0].loss0 }),
    ...(mine[0].loss5 !== undefined && { loss5: mine[0].loss5 }),
  };
}

// x/y in each round: the ratio of the two sides' per-process medians of that round. The processes of
// one round run seconds apart, so drift of this shared machine over the minutes of a run (up to 1.7x
// on W1) cancels out, which a ratio of the overall medians does not do. The table gives their median.
function roundRatios(samples, workload, x, y, variant, optim) {
  if (!x || !y) return [];
  const perRound = (impl) => {
    const mine = rowSamples(samples, workload, impl, variant, optim);
    return new Map(groupBy(mine, (s) => s.process).map(([round, g]) => [round, median(g.map((s) => s.us))]));
  };
  const [xs, ys] = [perRound(x.impl), perRound(y.impl)];
  return [...xs].filter(([round]) => ys.has(round)).map(([round, us]) => us / ys.get(round));
}

// One row per workload and Node variant, against the C++ and Python variant of the same optim step
// (the optimizer workloads) or their single variant.
function summarize(samples, workloads) {
  const rows = [];
  for (const w of workloads) {
    const nodeSamples = samples.filter((s) => s.workload === w && s.impl === 'node');
    const nodeVariants = [...new Set(nodeSamples.map((s) => s.variant))];
    for (const variant of nodeVariants.length ? nodeVariants : [null]) {
      const optim = nodeSamples.find((s) => s.variant === variant)?.optim;
      const cpp = cell(samples, w, 'cpp', variant, optim);
      const python = cell(samples, w, 'python', variant, optim);
      const node = variant && cell(samples, w, 'node', variant);
      const ratio = (x, y) => roundRatios(samples, w, x, y, variant, optim);
      const perRound = { node_cpp: ratio(node, cpp), node_python: ratio(node, python), python_cpp: ratio(python, cpp) };
      const ratios = Object.fromEntries(Object.entries(perRound).map(([k, v]) => [k, v.length ? +median(v).toFixed(3) : null]));
      const roundRatiosKept = Object.fromEntries(Object.entries(perRound).map(([k, v]) => [k, v.map((r) => +r.toFixed(3))]));
      rows.push({ workload: w, node_variant: variant, ...(optim !== undefined && { optim }), cpp, python, node, ratios, round_ratios: roundRatiosKept });
    }
  }
  return rows;
}

const fmtUs = (us) => us.toFixed(us < 10 ? 2 : us < 1000 ? 1 : 0);
// "452.1 ±3%": median and half the range of the per-process medians.
const fmtCell = (c) => (c ? `${fmtUs(c.us)} ±${Math.round(((c.max - c.min) / 2 / c.us) * 100)}%` : '–');

function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function printReport(result) {
  const { env, blas, rows, w4 } = result;
  const { cpu, cores, load_at_start } = result.machine;
  console.log(`\ntorchnode bench, ${result.date}: ${cpu}, ${cores} cores, load average ${load_at_start} at start`);
  for (const [impl, e] of Object.entries(env)) console.log(`  ${impl.padEnd(6)} ${e.version}`);
  console.log(`BLAS (libtorch's BLAS_INFO, and a mapped libblas if any): ${Object.entries(blas).map(([impl, b]) => `${impl} ${b}`).join(', ')}`);
  const threads = Object.entries(env).map(([impl, e]) => `${impl} ${e.threads ?? '?'}`);
  console.log(`Threads: 1 (set_num_threads(1), OMP_NUM_THREADS=1); reported: ${threads.join(', ')}`);
  console.log(`malloc: GLIBC_TUNABLES=${CHILD_ENV.GLIBC_TUNABLES}`);
  console.log(
    `Rounds: ${result.rounds} processes per cell, ${ROUNDS_PER_PROCESS} timed rounds each; ` +
      'cells are medians, ± is half the range of the per-process medians; ratios are medians of the\n' +
      'per-round ratios (both sides measured in the same round, seconds apart)\n',
  );
  const r = (x) => (x === null ? '–' : x.toFixed(2));
  console.log(
    markdownTable(
      ['workload', 'Node variant', 'C++', 'Python', 'Node', 'Node/C++', 'Node/Python', 'Python/C++'],
      rows.map((row) => [
        TITLES[row.workload],
        row.node_variant ?? '–',
        fmtCell(row.cpp),
        fmtCell(row.python),
        fmtCell(row.node),
        r(row.ratios.node_cpp),
        r(row.ratios.node_python),
        r(row.ratios.python_cpp),
      ]),
    ),
  );
  if (rows.some((row) => row.optim)) {
    console.log(
      "C++ in the optimizer rows: the default is torch::optim's own loop; foreach and fused make the ATen calls of\n" +
        "Python's foreach and fused steps (at::_foreach_*, at::_fused_sgd_, at::_fused_adam_) with the same arguments.\n",
    );
  }
  // Same seed, same weights and data: the first step's loss shows the same forward; the loss after 5
  // steps shows the same backward and optimizer update too. Same only if both print alike.
  for (const row of rows) {
    const sides = ['cpp', 'python', 'node'].filter((impl) => row[impl]?.loss0 !== undefined);
    if (!sides.length) continue;
    const fields = ['loss0', 'loss5'].filter((f) => sides.some((impl) => row[impl][f] !== undefined)); // W5: loss0 only
    const printed = sides.map((impl) => fields.map((f) => row[impl][f]?.toFixed(6) ?? '?').join(' / '));
    const same = printed.every((p) => p === printed[0]);
    const text = sides.map((impl, i) => `${impl} ${printed[i]}`).join(', ');
    const label = row.node_variant ? `${row.workload} (${row.node_variant})` : row.workload;
    const what = fields.map((f) => ({ loss0: 'step 1', loss5: 'after 5 steps' })[f]).join(' / ');
    console.log(`loss at ${what}, ${label}: ${text} (${same ? 'same' : 'DIFFERENT: not the same workload'})`);
  }
  if (w4.length) {
    console.log('\nW4: RSS over 1,000,000 synchronous c = a.add(b), 1000-element float32 (each its own process)\n');
    console.log(
      markdownTable(
        ['impl', 'mode', 'µs/iter', 'RSS start MiB', 'RSS peak MiB', 'growth MiB'],
        w4.map((x) => [x.impl, W4_MODES[x.variant], fmtUs(x.us), x.rss_start_mib, x.rss_peak_mib, x.rss_growth_mib]),
      ),
    );
  }
}

// The ratios chart next to the results (FILE.json -> FILE.svg), drawn by torchnode's toolkit.saveChart.
async function writeChart(result, jsonPath) {
  if (!result.rows.length) return null; // W4 alone: no ratios
  const path = jsonPath.replace(/\.json$/, '') + '.svg';
  const label = (row) => (row.node_variant ? `${row.workload} · ${row.node_variant}` : row.workload);
  const subtitle = `${result.date.slice(0, 16).replace('T', ' ')} UTC, ${result.rounds} processes per cell; dots: medians (the table), ticks: each round`;
  try {
    const { toolkit } = await import(pathToFileURL(DIST).href);
    await toolkit.saveChart(path, ratioChartSpec(result.rows, label, { subtitle }));
    return path;
  } catch (e) {
    log(`no chart: ${e.message}`);
    return null;
  }
}

const { values, positionals } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, from: { type: 'string' } },
  allowPositionals: true,
});
// --from FILE: print the report of a saved run (bench/results/*.json) again, with today's summary rules.
if (values.from) {
  const saved = JSON.parse(readFileSync(values.from, 'utf8'));
  const savedWorkloads = [...new Set(saved.samples.map((s) => s.workload))];
  const result = { ...saved, rows: summarize(saved.samples, savedWorkloads) };
  printReport(result);
  const chart = await writeChart(result, values.from);
  if (chart) console.log(`chart in ${chart}`);
  process.exit(0);
}
const rounds = Number(values.rounds);
const workloads = positionals.length ? positionals : [...Object.keys(TITLES), 'w4'];
const unknown = workloads.filter((w) => !TITLES[w] && w !== 'w4');
if (!(rounds >= 1) || unknown.length) {
  log(`usage: node bench/run.mjs [--rounds N] [${Object.keys(TITLES).join(' ')} w4]`);
  process.exit(2);
}

const started = Date.now();
const loadAtStart = os.loadavg()[0]; // other work on this 2-core machine skews every timing
const ready = IMPLS.filter((impl) => {
  const problem = impl.setup();
  if (problem) log(`skipping ${impl.name}: ${problem}`);
  return !problem;
});
const isReady = (name) => ready.some((impl) => impl.name === name);

const timed = workloads.filter((w) => TITLES[w]);
const samples = [];
const env = {};
for (let round = 0; round < rounds; round++) {
  for (const w of timed) {
    // Rotate the order each round over the sides this workload has, so none always runs first or last.
    const sides = ready.filter((impl) => !(impl.name === 'cpp' && BINDING_ONLY.has(w)));
    for (let k = 0; k < sides.length; k++) {
      const impl = sides[(round + k) % sides.length];
      const raw = runJson(impl.argv(w, ROUNDS_PER_PROCESS), `${impl.name} ${w}`, w === 'w5' ? 900_000 : undefined);
      if (!raw) continue;
      const lines = w === 'w5' ? w5Samples(raw) : raw;
      for (const line of lines) {
        if (line.env) env[impl.name] = line.env;
        else samples.push({ ...line, process: round });
      }
      const got = lines.filter((l) => !l.env);
      const byVariant = groupBy(got, (l) => l.variant);
      const text = byVariant.map(([v, ls]) => `${fmtUs(median(ls.map((l) => l.us)))} µs (${v})`).join(', ');
      log(`[round ${round + 1}/${rounds}] ${w.padEnd(5)} ${impl.name.padEnd(6)} ${text}`);
    }
  }
}

const w4 = [];
if (workloads.includes('w4')) {
  const runs = [
    ...(isReady('node') ? W4_NODE_MODES.map((m) => [process.execPath, join(HERE, 'node', 'rss.mjs'), m]) : []),
    ...(isReady('python') ? [[PYTHON, join(HERE, 'py', 'bench.py'), 'w4', 1]] : []),
  ];
  for (const argv of runs) {
    const lines = runJson(argv, `w4 ${argv.slice(1).join(' ')}`);
    const rec = lines?.find((l) => l.workload === 'w4');
    if (!rec) continue;
    w4.push(rec);
    log(`[w4] ${rec.impl.padEnd(6)} ${rec.variant.padEnd(7)} +${rec.rss_growth_mib} MiB, ${fmtUs(rec.us)} µs/iter`);
  }
}

const result = {
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    load_at_start: +loadAtStart.toFixed(2),
  },
  blas: Object.fromEntries(Object.entries(env).map(([impl, e]) => [impl, e.blas])),
  threads: 1,
  glibc_tunables: CHILD_ENV.GLIBC_TUNABLES,
  rounds,
  rounds_per_process: ROUNDS_PER_PROCESS,
  seconds: Math.round((Date.now() - started) / 1000),
  env,
  rows: summarize(samples, timed),
  w4,
  samples,
};
printReport(result);
mkdirSync(join(HERE, 'results'), { recursive: true });
const saved = join(HERE, 'results', 'latest.json');
writeFileSync(saved, JSON.stringify(result, null, 2) + '\n');
const chart = await writeChart(result, saved);
console.log(`\n${result.seconds} s; results in bench/results/latest.json${chart ? ', chart in bench/results/latest.svg' : ''}`);
