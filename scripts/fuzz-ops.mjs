#!/usr/bin/env node
// Crash fuzzer for the generic entry point: calls operators the dispatcher knows (native opNames(),
// what torch.ops.aten and every generated function go through) with malformed arguments built from
// each overload's schema (empty and 0-d tensors; sparse, quantized, mkldnn, nested and overlapping ones;
// float8, float4, bits and unsigned ones;
// INT64_MIN / -1 values, huge and negative ints, NaN, wrong dtypes, mismatched shapes, null for tensors,
// extra or missing arguments, nested arrays) and
// reports every call whose process dies by a signal or hangs. A JS error is the right answer to bad
// input; a dead process is a bug. Each batch of operators runs in a child process (one thread, address
// space capped so that huge allocations fail instead of swapping); after a crash the batch resumes
// with the next call. Cases are a pure function of (seed, operator, case number): runs are repeatable.
//
// Usage (needs the native addon and the TypeScript build in dist/):
//   node scripts/fuzz-ops.mjs                 a quick run: a seeded sample of 300 operators (none of
//                                             KNOWN_CRASHES), 6 cases per overload
//   node scripts/fuzz-ops.mjs --all           every operator, KNOWN_CRASHES included, 48 cases per overload
//                                             (about 165k calls; --all --cases 16 --jobs 2 took 9 minutes here)
//   node scripts/fuzz-ops.mjs --ops div,fmod  only these operators (aten:: implied)
//   options: --seed N (default 1), --cases N (per overload), --sample N (operators), --jobs N
//            (parallel children, default 1), --batch N (operators per child), --timeout S (seconds
//            without progress that count as a hang, default 30), --json FILE (write the findings)
//   node scripts/fuzz-ops.mjs --replay 'aten::div#5' [--seed N]   print one case and run it in this process
// Exit status: 0 when nothing crashed or hung, 1 otherwise.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);

// Operators never called, with the reason. Everything else the dispatcher knows is fuzzed.
export const SKIPPED = new Map([
  ['aten::from_file', 'opens, and with shared=true creates, the file its argument names'],
  ['aten::_print', 'writes its argument to stdout (noise only; nothing to find)'],
]);

// Operators that full runs (--all: seeds 1-4 with 16 cases, seed 5 with 32) found crashing or hanging
// in libtorch 2.13 and that have no pre-call check (native/src/op_checks.cc): the quick run leaves them
// out so that it guards everything else; --all and --ops still call them. Each entry is a call that
// fails that way (PyTorch 2.13 does the same).
export const KNOWN_CRASHES = new Map([
  // Not crashes: the recurrences run n steps per element, as in PyTorch 2.13 (which takes as long);
  // any bound on n would reject calls PyTorch answers.
  ['aten::special_laguerre_polynomial_l', 'hang (loops n = 2**40 times per element): torch.ops.aten.special_laguerre_polynomial_l(torch.ones([2, 3]), 2 ** 40)'],
  ['aten::special_legendre_polynomial_p', 'hang (loops n = 2**40 times per element where |x| < 1): torch.ops.aten.special_legendre_polynomial_p(torch.arange(6), 2 ** 40)'],
]);

// ---- values, as JS source text: a case prints as the exact call that reproduces it ----

const I64_MIN = '-(2n ** 63n)';
const I64_MAX = '2n ** 63n - 1n';
const TENSORS = [
  'torch.empty([0])', 'torch.tensor(1.5)', 'torch.ones([2, 3])', 'torch.ones([3, 3])', 'torch.ones([9, 3])',
  'torch.ones([3, 2])', 'torch.ones([1, 4, 2, 2])', 'torch.zeros([0, 3])', 'torch.zeros([2, 0, 3])',
  'torch.ones([5])', 'torch.ones([1])', 'torch.ones([2])', 'torch.ones([2, 2])', 'torch.ones([1, 1, 1, 1, 1])',
  `torch.tensor([${I64_MIN}, -1n])`, 'torch.tensor(-1n)', `torch.tensor(${I64_MIN})`, 'torch.full([4], -1n)',
  'torch.tensor([-2147483648, -1], { dtype: torch.int32 })', 'torch.tensor(-1, { dtype: torch.int32 })',
  'torch.tensor([NaN, Infinity, -1])', 'torch.tensor([true, false])', 'torch.ones([2, 3]).t()',
  'torch.ones([2, 3], { dtype: torch.float64 })', 'torch.ones([2], { dtype: torch.complex64 })',
  'torch.ones([2, 2], { dtype: torch.float16 })', 'torch.tensor([255, 0], { dtype: torch.uint8 })',
  'torch.arange(6)', 'torch.ones([1]).expand([3])', 'torch.ones([4, 0])', "torch.empty([2, 3], { device: 'meta' })",
];
const INTS = ['0', '1', '-1', '2', '3', '-2', '1', '2', '2 ** 31', '2 ** 40', '-(2 ** 40)', I64_MIN, I64_MAX, '2 ** 53'];
const INT_LISTS = [
  '[]', '[0]', '[-1]', '[1]', '[2]', '[2, 3]', '[3, 2]', '[1, 1]', '[2 ** 40]', `[${I64_MIN}]`, '[-1, -1]', '[0, 0]',
  '[3, 2, 1]', '[1, 4, 2, 2]', '[2 ** 40, 2 ** 40]', '[1, -1]', '[1, 2 ** 31]', '[2, 2, 2]', '[0, -1, 2 ** 40]',
  `[${I64_MAX}, 2]`,
];
const FLOATS = ['0', '-1', '1.5', '0.5', 'NaN', 'Infinity', '-Infinity', '1e308', '-0', '2 ** 63', '1e-320'];
const SCALARS = [...INTS, ...FLOATS, 'true'];
const BOOLS = ['true', 'false'];
const STRINGS = ["''", "'x'", "'mean'", "'none'", "'trunc'", "'floor'", "'reflect'", "'bilinear'", "'N'", "'fro'"];
const DTYPES = ['torch.float32', 'torch.int64', 'torch.bool', 'torch.int32', 'torch.uint8', 'torch.float16',
  'torch.bfloat16', 'torch.complex64', 'torch.int8', 'torch.float64', "'bogus'", '99', '-1'];
const LAYOUTS = ["'strided'", "'sparse_coo'", '0', '1', '2', '99', '-1'];
const MEMORY_FORMATS = ["'contiguous_format'", "'channels_last'", "'channels_last_3d'", "'preserve_format'", '99', '-1'];
const DEVICES = ["'cpu'", "'meta'", "'cuda'", "'cuda:7'", "'x'"];
// Themes: most cases draw their values from one related group, so that edge values meet each
// other (INT64_MIN tensor divided by a -1 tensor; empty inputs with a zero size) often enough.
const THEMES = [
  null,  // no theme: every pool in full
  {
    tensors: [`torch.tensor([${I64_MIN}, -1n])`, 'torch.tensor(-1n)', `torch.tensor(${I64_MIN})`, 'torch.full([4], -1n)',
      'torch.tensor([-2147483648, -1], { dtype: torch.int32 })', 'torch.tensor(-1, { dtype: torch.int32 })'],
    ints: ['-1', I64_MIN, '0', '2 ** 31', '-(2 ** 31)', I64_MAX],
    floats: ['-1', 'NaN', '-Infinity', '2 ** 63'],
  },
  {
    tensors: ['torch.empty([0])', 'torch.zeros([0, 3])', 'torch.zeros([2, 0, 3])', 'torch.ones([4, 0])',
      'torch.empty([0], { dtype: torch.int64 })', 'torch.empty([0, 0])', 'torch.zeros([1, 0, 2, 2])'],
    ints: ['0', '-1', '1', '2 ** 40'],
    floats: ['0', '-1', 'NaN'],
  },
  {
    tensors: ['torch.ones([2, 3])', 'torch.ones([3, 3])', 'torch.ones([9, 3])', 'torch.ones([3, 2])', 'torch.ones([2, 2])',
      'torch.ones([1, 1])', 'torch.zeros([0, 3])', 'torch.ones([3])', 'torch.ones([2, 9])', 'torch.ones([12, 3])'],
    ints: ['0', '1', '2', '3', '-1', '2 ** 40', '-(2 ** 40)'],
    floats: ['0', '1.5', '-1', 'NaN'],
  },
  {
    // Layouts and tensor kinds that kernels written for strided tensors meet through the dispatcher.
    tensors: ['torch.ones([2, 3]).toSparse()', 'torch.tensor([[0, 1.5], [2, 0]]).toSparse()', 'torch.ones([2, 3]).toSparseCsr()',
      'torch.ones([1, 4, 2, 2]).toSparse(2)', 'torch.quantizePerTensor(torch.ones([2, 3]), 0.1, 0, torch.qint8)',
      'torch.quantizePerTensor(torch.ones([1, 4, 2, 2]), 0.1, 0, torch.quint8)', 'torch.ones([2, 3]).toMkldnn()',
      "torch.ones([1, 4, 2, 2]).contiguous({ memoryFormat: 'channels_last' })", 'torch.ones([1]).expand([2, 3])',
      'torch.ones([6]).asStrided([2, 3], [1, 1])', 'torch.nested.nestedTensor([torch.ones([2]), torch.ones([3])])',
      'torch.ones([2, 3])', 'torch.empty([0])'],
    ints: ['0', '1', '2', '-1', '2 ** 40'],
    floats: ['0', '1.5', '-1', 'NaN'],
  },
  {
    // Dtypes few kernels are written for (float8, float4, bits, unsigned, complex128), and rank 8.
    tensors: ['torch.ones([2, 3], { dtype: torch.float8_e4m3fn })', 'torch.ones([2, 2], { dtype: torch.float8_e5m2 })',
      'torch.ones([2, 3], { dtype: torch.float8_e8m0fnu })', 'torch.empty([2, 2], { dtype: torch.float4_e2m1fn_x2 })',
      'torch.empty([2, 3], { dtype: torch.bits8 })', 'torch.tensor([65535, 0], { dtype: torch.uint16 })',
      'torch.tensor([4294967295, 1], { dtype: torch.uint32 })', 'torch.ones([2], { dtype: torch.uint64 })',
      'torch.tensor([-32768, -1], { dtype: torch.int16 })', 'torch.ones([3, 3], { dtype: torch.complex128 })',
      'torch.ones([2, 3], { dtype: torch.bfloat16 })', 'torch.ones([3, 3], { dtype: torch.bool })',
      'torch.ones([1, 1, 1, 1, 1, 1, 1, 2])', "torch.ones([1, 2, 2, 2, 2]).contiguous({ memoryFormat: 'channels_last_3d' })"],
    ints: ['0', '1', '2', '-1', '2 ** 31'],
    floats: ['0', '1.5', '-1', 'NaN'],
  },
];

// Any value at all, for arguments of the wrong kind.
const JUNK = ['null', 'undefined', '1', '-1', '1.5', 'NaN', 'true', "'x'", '[]', '[[1]]', '[[1, 2], [3]]', '{}', I64_MIN,
  'torch.ones([2, 3])', 'torch.empty([0])', '[torch.ones([2]), null]'];

// mulberry32 over a string hash: the case stream of one (seed, operator, case) triple.
function rngFor(...parts) {
  let h = 2166136261;
  for (const c of parts.join('\u0000')) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, chance: (p) => next() < p, pick: (xs) => xs[Math.floor(next() * xs.length)], int: (n) => Math.floor(next() * n) };
}

// ---- schemas ----

// Splits at top-level commas (types and defaults nest brackets and parentheses).
function splitTop(s) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** 'aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor' → overload and arguments. */
export function parseSchema(schema) {
  const open = schema.indexOf('(');
  const full = schema.slice(0, open);
  const dot = full.indexOf('.');
  const overload = dot < 0 ? '' : full.slice(dot + 1);
  let depth = 0;
  let close = open;
  for (; close < schema.length; close++) {
    if (schema[close] === '(') depth++;
    if (schema[close] === ')' && --depth === 0) break;
  }
  const args = [];
  let kwargOnly = false;
  for (const part of splitTop(schema.slice(open + 1, close))) {
    if (part === '*') {
      kwargOnly = true;
      continue;
    }
    // Type up to the last space before the name; alias annotations such as Tensor(a!) dropped.
    const eq = part.indexOf('=');
    const decl = eq < 0 ? part : part.slice(0, eq);
    const space = decl.trimEnd().lastIndexOf(' ');
    const type = decl.slice(0, space).replace(/\([^()]*\)/g, '').replace(/\s+/g, '');
    const name = decl.slice(space + 1).trim();
    args.push({ name, type, hasDefault: eq >= 0, kwargOnly });
  }
  return { overload, args };
}

const camelCase = (s) => s.replace(/(?<=.)_([a-z0-9])/g, (_, c) => c.toUpperCase());

// One value for an argument of schema type `type` (int[2]?, Tensor?[], ScalarType, ...).
function valueFor(type, r, theme) {
  if (r.chance(0.06)) return r.pick(JUNK);
  const themed = theme && r.chance(0.8);
  if (type.endsWith('?')) {
    if (r.chance(0.2)) return 'null';
    type = type.slice(0, -1);
  }
  const list = /^(.*)\[(\d*)\]$/.exec(type);
  if (list) {
    const element = list[1];
    if (element === 'int' || element === 'SymInt') {
      if (themed && r.chance(0.5)) return `[${Array.from({ length: 1 + r.int(3) }, () => r.pick(theme.ints)).join(', ')}]`;
      return r.chance(0.1) ? r.pick(INTS) : r.pick(INT_LISTS);
    }
    if (r.chance(0.1)) return r.pick(['[]', 'null', '[null]', '[[]]']);
    const n = list[2] ? Number(list[2]) + (r.chance(0.2) ? r.pick([-1, 1]) : 0) : r.int(4);
    return `[${Array.from({ length: Math.max(0, n) }, () => valueFor(element, r, theme)).join(', ')}]`;
  }
  switch (type) {
    case 'Tensor': return r.pick(themed ? theme.tensors : TENSORS);
    case 'int': case 'SymInt': return r.pick(themed ? theme.ints : INTS);
    case 'float': return r.pick(themed ? theme.floats : FLOATS);
    case 'Scalar': return r.pick(themed ? [...theme.ints, ...theme.floats] : SCALARS);
    case 'bool': return r.pick(BOOLS);
    case 'str': return r.pick(STRINGS);
    case 'ScalarType': return r.pick(DTYPES);
    case 'Layout': return r.pick(LAYOUTS);
    case 'MemoryFormat': return r.pick(MEMORY_FORMATS);
    case 'Device': return r.pick(DEVICES);
    case 'Generator': return r.chance(0.5) ? 'null' : 'new torch.Generator()';
    default: return r.pick(JUNK);  // Storage, Stream, Any, script classes: nothing JS can build
  }
}

/**
 * Case `index` of an operator: which overload (cycling through them), and the call's source text.
 * `target` is the exact overload or, one time in four, the family (overload resolution runs then).
 */
export function makeCase(seed, op, schemas, index) {
  const r = rngFor(String(seed), op, String(index));
  const { overload, args } = parseSchema(schemas[index % schemas.length]);
  const target = r.chance(0.25) ? op : `${op}.${overload || 'default'}`;
  const positional = [];
  const options = [];
  const theme = r.pick(THEMES);
  const mode = r.next();
  if (mode < 0.05) {
    // no arguments at all
  } else if (mode < 0.1) {
    for (let i = r.int(4); i >= 0; i--) positional.push(r.pick(JUNK));
  } else {
    for (const a of args) {
      const value = a.hasDefault && r.chance(0.2) ? 'undefined' : valueFor(a.type, r, theme);
      if (a.kwargOnly) {
        if (value !== 'undefined') options.push(`${camelCase(a.name)}: ${value}`);
      } else positional.push(value);
    }
    while (positional.length && positional[positional.length - 1] === 'undefined') positional.pop();
    if (mode > 0.92) positional.push(r.pick(JUNK));  // one argument too many
    else if (mode > 0.85 && positional.length) positional.length = r.int(positional.length);  // some left out
  }
  if (options.length) positional.push(`{ ${options.join(', ')} }`);
  return { target, args: positional.join(', ') };
}

/** The call as a line of JS (torch.ops.aten.x.y(...) for aten, opFunction('ns::x.y')(...) otherwise). */
export function callSource({ target, args }) {
  const m = /^aten::([^.]+)(?:\.(.+))?$/.exec(target);
  if (m) return `torch.ops.aten.${m[1]}${m[2] ? `.${m[2]}` : ''}(${args})`;
  return `opFunction(${JSON.stringify(target)})(${args})`;
}

// ---- child: runs cases and reports progress on fd 3 before each call ----

async function child(job) {
  const torch = await import(new URL('index.js', dist).href);
  const { opFunction } = await import(new URL('call.js', dist).href);
  const { native } = await import(new URL('native.js', dist).href);
  torch.setNumThreads(1);
  const compiled = new Map();
  let ok = 0;
  let failed = 0;
  for (let i = job.from.op; i < job.ops.length; i++) {
    const op = job.ops[i];
    const schemas = native.opSchemas(native.opId(op));
    const total = job.cases * schemas.length;
    for (let c = i === job.from.op ? job.from.case : 0; c < total; c++) {
      const call = makeCase(job.seed, op, schemas, c);
      writeSync(3, `${i} ${c} ${ok} ${failed}\n`);
      let fn = compiled.get(call.target);
      if (!fn) compiled.set(call.target, (fn = opFunction(call.target)));
      try {
        torch.tidy(() => {
          new Function('torch', 'op', `return op(${call.args});`)(torch, fn);
        });
        ok++;
      } catch {
        failed++;
      }
    }
  }
  writeSync(3, `done ${ok} ${failed}\n`);
}

// ---- parent ----

function parseArgs(argv) {
  const o = { seed: 1, cases: null, sample: 300, jobs: 1, batch: 100, timeout: 30, all: false, ops: null, json: null, replay: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`fuzz-ops: ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--all') o.all = true;
    else if (a === '--seed') o.seed = Number(value());
    else if (a === '--cases') o.cases = Number(value());
    else if (a === '--sample') o.sample = Number(value());
    else if (a === '--jobs') o.jobs = Number(value());
    else if (a === '--batch') o.batch = Number(value());
    else if (a === '--timeout') o.timeout = Number(value());
    else if (a === '--ops') o.ops = value().split(',').map((n) => (n.includes('::') ? n : `aten::${n}`));
    else if (a === '--json') o.json = value();
    else if (a === '--replay') o.replay = value();
    else throw new Error(`fuzz-ops: unknown option ${a}`);
  }
  o.cases ??= o.all ? 48 : 6;
  return o;
}

// Seeded Fisher-Yates: the --sample subset is the same on every run with the same seed.
function sample(names, n, seed) {
  const r = rngFor(String(seed), 'sample');
  const xs = names.slice();
  for (let i = xs.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs.slice(0, n).sort();
}

// The children's address-space cap, in KiB: 2 GiB above what this process maps with libtorch loaded
// (about 1.1 GiB for a CPU libtorch, 3.4 GiB for a CUDA one, whose libraries alone exceed a fixed 3 GiB).
function childAddressSpaceKiB() {
  const mapped = Number(/VmSize:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  return (Number.isFinite(mapped) ? mapped : 1024 * 1024) + 2 * 1024 * 1024;
}

// Runs one batch from `from`, resolving with how the child ended and the last case it started.
function runChild(job, timeoutSeconds, addressSpaceKiB) {
  return new Promise((resolve) => {
    // The address-space cap makes a huge allocation fail with an error instead of taking the machine.
    const cmd = `ulimit -v ${addressSpaceKiB} 2>/dev/null; exec "$0" "$1" --child`;
    const p = spawn('/bin/sh', ['-c', cmd, process.execPath, fileURLToPath(import.meta.url)], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, FUZZ_JOB: JSON.stringify(job), OMP_NUM_THREADS: '1' },
    });
    let last = null;
    let stats = null;
    let stderr = '';
    let buffered = '';
    let hung = false;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        p.kill('SIGKILL');
      }, timeoutSeconds * 1000);
    };
    arm();
    p.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    p.stdio[3].on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const fields = line.split(' ');
        if (fields[0] === 'done') stats = fields.slice(1).map(Number);
        else {
          const [op, c, returned, threw] = fields.map(Number);
          last = { op, case: c };
          stats = [returned, threw];
        }
      }
      arm();
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, last, stats, stderr });
    });
  });
}

async function parent(o) {
  const { native } = await import(new URL('native.js', dist).href);
  const addressSpaceKiB = childAddressSpaceKiB();
  let ops = o.ops ?? native.opNames().sort();
  for (const op of ops) if (native.opId(op) < 0) throw new Error(`fuzz-ops: no operator named ${op}`);
  const skipped = ops.filter((n) => SKIPPED.has(n));
  ops = ops.filter((n) => !SKIPPED.has(n));
  const known = o.ops || o.all ? [] : ops.filter((n) => KNOWN_CRASHES.has(n));
  if (!o.ops && !o.all) ops = sample(ops.filter((n) => !KNOWN_CRASHES.has(n)), o.sample, o.seed);
  const batches = [];
  for (let i = 0; i < ops.length; i += o.batch) batches.push(ops.slice(i, i + o.batch));
  const findings = [];
  let ok = 0;
  let failed = 0;
  const started = Date.now();
  const runBatch = async (batchOps) => {
    let from = { op: 0, case: 0 };
    for (;;) {
      const job = { seed: o.seed, cases: o.cases, ops: batchOps, from };
      const res = await runChild(job, o.timeout, addressSpaceKiB);
      if (res.stats) {
        ok += res.stats[0];
        failed += res.stats[1];
      }
      if (res.code === 0 && res.stats) return;
      if (!res.last) {
        findings.push({ kind: 'startup', op: batchOps[from.op], signal: res.signal, code: res.code, stderr: res.stderr.slice(-800) });
        return;
      }
      const op = batchOps[res.last.op];
      const schemas = native.opSchemas(native.opId(op));
      const call = makeCase(o.seed, op, schemas, res.last.case);
      const finding = {
        kind: res.hung ? 'hang' : res.signal ? 'signal' : 'exit',
        signal: res.signal, code: res.code, op, case: `${op}#${res.last.case}`, call: callSource(call),
        stderr: res.stderr.trim().split('\n').slice(-3).join('\n'),
      };
      findings.push(finding);
      console.log(`${finding.kind.toUpperCase()} ${res.hung ? `(no progress for ${o.timeout}s)` : res.signal ?? `exit ${res.code}`}  ${finding.case}\n    ${finding.call}`);
      from = { op: res.last.op, case: res.last.case + 1 };
    }
  };
  const queue = batches.slice();
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, async () => {
    while (queue.length) await runBatch(queue.shift());
  }));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`fuzz-ops: ${ops.length} operators, seed ${o.seed}, ${o.cases} cases per overload: ${ok + failed} calls ` +
    `(${ok} returned, ${failed} threw), ${findings.length} crashes or hangs, ${seconds}s`);
  for (const n of skipped) console.log(`  skipped ${n}: ${SKIPPED.get(n)}`);
  if (known.length) console.log(`  left out ${known.length} operators known to crash (KNOWN_CRASHES; --all calls them)`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ seed: o.seed, cases: o.cases, operators: ops.length, calls: ok + failed, returned: ok, threw: failed, skipped, findings }, null, 2));
  return findings.length === 0 ? 0 : 1;
}

async function replay(o) {
  const torch = await import(new URL('index.js', dist).href);
  const { opFunction } = await import(new URL('call.js', dist).href);
  const { native } = await import(new URL('native.js', dist).href);
  const [op, index] = o.replay.split('#');
  const call = makeCase(o.seed, op, native.opSchemas(native.opId(op)), Number(index));
  console.log(callSource(call));
  try {
    const result = new Function('torch', 'op', `return op(${call.args});`)(torch, opFunction(call.target));
    console.log('returned', String(result));
  } catch (e) {
    console.log(`threw ${e.constructor.name}: ${e.message}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--child')) await child(JSON.parse(process.env.FUZZ_JOB));
  else {
    const o = parseArgs(process.argv.slice(2));
    if (o.replay) await replay(o);
    else process.exitCode = await parent(o);
  }
}
