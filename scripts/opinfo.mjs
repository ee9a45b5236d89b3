// Replays PyTorch's OpInfo samples (test/fixtures/opinfo/*.json.gz, from scripts/make-opinfo-fixtures.py)
// through torchnode's public JS API, the way a user writes each call: positional arguments, then one
// options object with camelCase keys; torch.nn.functional.conv2d for 'nn.functional.conv2d', x.add(y) for
// the method variant, x.add_(y) in place, and torch.autograd.gradcheck for one float64 sample of each
// differentiable op. test/opinfo-*.test.ts hold every sample to this, minus the known failures
// (test/fixtures/opinfo-known-failures.txt), which may only shrink.
// Usage: node scripts/opinfo.mjs [--markdown] [--failures FILE] [--unexpected] [--write-known-failures]
//   prints the figure (ops and sample calls passing / failing / excluded, by namespace);
//   --failures FILE writes the failures grouped by cause (Markdown); --unexpected lists the failing calls the
//   known failures do not cover; --write-known-failures rewrites the list.
// OPINFO_FIXTURES=DIR replays another fixture (a trial --only run, or the --over-cap samples).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import * as torch from '../dist/index.js';
import { canonicalDim, inputMask } from '../dist/masked/core.js';
import { camel, compare, decode, describe } from './pyvalues.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const fixtureDir = process.env.OPINFO_FIXTURES ?? join(root, 'test/fixtures/opinfo');   // another directory: a trial fixture
export const knownFailuresPath = join(root, 'test/fixtures/opinfo-known-failures.txt');
export const SHARDS = 6;
const NAMESPACES = ['nn.functional', 'linalg', 'special', 'fft', 'masked', 'signal.windows'];

export function loadShard(shard) {
  return JSON.parse(gunzipSync(readFileSync(join(fixtureDir, `opinfo-${shard}.json.gz`))).toString('utf8'));
}

export const namespaceOf = (name) => NAMESPACES.find((ns) => name.startsWith(`${ns}.`)) ?? 'torch';

// ---------------------------------------------------------------- one call

/** torch.<path> with each part camelCased: 'nn.functional.conv2d' -> torch.nn.functional.conv2d. */
function jsFunction(path) {
  let holder = torch;
  for (const part of path.split('.')) holder = holder?.[camel(part)];
  return holder;
}

function callArgs(sample) {
  const args = decode(sample.args);
  const entries = Object.entries(sample.kwargs ?? {});
  const options = entries.length ? [Object.fromEntries(entries.map(([k, v]) => [camel(k), decode(v)]))] : [];
  return { args, options };
}

/** [input, ...args] in the public function's order (OpInfo samples some ops as (x, n) for polygamma(n, x)). */
const inOrder = (args, order) => (order ? [...order.map((i) => args[i]), ...args.slice(order.length)] : args);

/** Calls one variant of a sample; returns the result or throws what the call threw. */
function call(entry, variant, sample, seed) {
  const jsName = entry.variants[variant];
  const { args, options } = callArgs(sample);
  if (variant === 'function') {
    const fn = jsFunction(jsName);
    if (typeof fn !== 'function') throw new TypeError(`torch.${jsName.split('.').map(camel).join('.')} is not a function`);
    return seeded(seed, () => fn(...inOrder(args, entry.functionOrder), ...options));
  }
  const self = args.shift();
  const name = camel(jsName);
  if (variant === 'property') return self[name];   // x.T, x.mH
  const method = self?.[name];
  if (typeof method !== 'function') throw new TypeError(`${describe(self)}.${name} is not a function`);
  const result = seeded(seed, () => method.apply(self, [...args, ...options]));
  if (variant === 'inplace') inplaceTargets.set(result, self);
  return result;
}

// The tensor an in-place call changed, by its result: the check reads `self` too, so returning a new
// tensor without changing `self` fails.
const inplaceTargets = new WeakMap();

function seeded(seed, fn) {
  torch.manualSeed(seed);
  try {
    return fn();
  } finally {
    torch.setGradEnabled(true);   // a call that turns grad mode off must not change the next one
  }
}

const shortError = (e) => `${e?.name ?? 'Error'}: ${String(e?.message ?? e).split('\n')[0].slice(0, 200)}`;

/** null when the variant of the sample behaves as in Python, else what differs. */
function checkCall(entry, variant, dtype, sample, seed) {
  let expected = sample.expect[variant];
  if (expected?.$ === 'same') expected = sample.expect.function;
  let actual;
  try {
    actual = call(entry, variant, sample, seed);
  } catch (e) {
    if (expected?.$ !== 'error') return `throws ${shortError(e)}`;
    if (!(e instanceof Error)) return `throws ${describe(e)}, not an Error`;
    // an OpInfo error input (make-opinfo-error-fixtures.py) carries the pattern PyTorch's test_errors matches
    const pattern = sample.regex?.[variant];
    return pattern === undefined || new RegExp(pattern).test(e.message) ? null : `${shortError(e)}: PyTorch's message matches /${pattern}/, this one does not`;
  }
  if (expected?.$ === 'error') return `no error: Python raises ${expected.type} (${expected.message}), JS returned ${describe(actual)}`;
  const mode = { meta: sample.compare === 'meta', exact: sample.compare === 'exact', tolerance: entry.tolerance?.[dtype] };
  try {
    const self = actual !== null && typeof actual === 'object' ? inplaceTargets.get(actual) : undefined;
    const selfDiff = self ? compare(self, expected, mode) : null;
    return compare(actual, expected, mode) ?? (selfDiff && `self after the in-place call: ${selfDiff}`);
  } catch (e) {
    return `reading the result failed: ${shortError(e)}`;
  }
}

// ---------------------------------------------------------------- gradcheck

/** The floating-point and complex tensors of a result, flattened (the outputs gradcheck differentiates). */
function floatTensors(value, out = []) {
  if (value instanceof torch.Tensor) {
    if (value.isFloatingPoint() || value.isComplex()) out.push(value);
  } else if (Array.isArray(value)) for (const v of value) floatTensors(v, out);
  return out;
}

function substitute(value, paths, leaves, path = []) {
  const at = paths.findIndex((p) => p.join() === path.join());
  if (at >= 0) return leaves[at];
  return Array.isArray(value) ? value.map((v, i) => substitute(v, paths, leaves, [...path, i])) : value;
}

/** The variant gradcheck goes through, as a function of [input, ...args]: torch.f(...), x.f(...), or x.f. */
function gradCallable(entry, variant, options) {
  const jsName = entry.variants[variant];
  if (variant === 'function') {
    const fn = jsFunction(jsName);
    if (typeof fn !== 'function') throw new TypeError(`torch.${jsName.split('.').map(camel).join('.')} is not a function`);
    return (args) => fn(...inOrder(args, entry.functionOrder), ...options);
  }
  const name = camel(jsName);
  if (variant === 'property') return ([self]) => self[name];
  return ([self, ...rest]) => self[name](...rest, ...options);
}

// torch.masked._output_mask's op families: a reduction's mask is any() over the reduced dims
const MASKED_REDUCTIONS = new Set(['sum', 'prod', 'amax', 'amin', 'argmax', 'argmin', 'mean', 'median', 'norm', 'var', 'std', 'logsumexp']);
const MASKED_NORMALIZATIONS = new Set(['softmax', 'log_softmax', 'softmin', 'normalize', 'cumsum', 'cumprod']);

/** torch.masked._output_mask(op, input, *args, mask=...) for the masked op `name` (op.__name__). */
function maskedOutputMask(name, [input, ...rest], options) {
  const mask = inputMask(input, options.mask);
  if (MASKED_NORMALIZATIONS.has(name)) return mask;
  if (!MASKED_REDUCTIONS.has(name)) throw new Error(`_output_mask expected masked operation (got ${name})`);
  const after = name === 'norm' ? rest.slice(1) : rest;   // norm's first argument is ord
  const dims = canonicalDim(after.length ? after[0] : options.dim, input.dim());
  return dims.reduceRight((m, d) => m.any(d, { keepdim: options.keepdim ?? false }), mask);
}

/**
 * OpInfo's gradcheck_wrapper (the fixture's grad.wrapper, make-opinfo-fixtures.py GRAD_WRAPPERS) around
 * callableFor(options): (args) -> result, as PyTorch's own OpInfo gradchecks differentiate it.
 */
function wrappedCallable(wrapper, options, callableFor) {
  const o = options[0] ?? {};
  const plain = callableFor(options);
  switch (wrapper?.name) {
    case undefined:
      return plain;
    case 'hermitian':   // finite differences leave the Hermitian matrices: differentiate input + input.mH
      return ([x, ...rest]) => plain([x.add(x.mH), ...rest]);
    case 'ctcLoss':   // onto the log-simplex (pytorch/pytorch#52241)
      return ([x, ...rest]) => plain([x.logSoftmax(2), ...rest]);
    case 'triangular':
    case 'triangularPositiveDiagonal': {
      // the triangle (and a unit diagonal) of args[idx]; `upper` is passed positionally after the arguments
      const { upper = false, ...others } = o;
      const call = callableFor(Object.keys(others).length ? [others] : []);
      const idx = wrapper.idx ?? 0;
      return (args) => {
        let a = args[idx];
        if (wrapper.name === 'triangularPositiveDiagonal') {
          const diagonal = a.diagonal(0, -2, -1);
          a = a.sub(torch.diagEmbed(diagonal)).add(torch.diagEmbed(torch.onesLike(diagonal)));
        }
        return call([...args.slice(0, idx), upper ? a.triu() : a.tril(), ...args.slice(idx + 1), upper]);
      };
    }
    case 'masked':   // masked-out outputs (possibly non-finite) become zeros
      return (args) => {
        const out = plain(args);
        if (o.mask === undefined || o.mask === null) return out;
        return torch.where(maskedOutputMask(wrapper.op, args, o), out, torch.zeros([], { dtype: out.dtype }));
      };
    case 'maskedPointwise':
      return (args) => {
        const out = plain(args);
        if (!o.inputMask || !o.otherMask) return out;
        return torch.where(inputMask(args[0], torch.logicalAnd(o.inputMask, o.otherMask)), out, torch.zeros([], { dtype: out.dtype }));
      };
    default:
      throw new Error(`gradcheck wrapper ${wrapper.name} has no JS replay`);
  }
}

/** svd's (U, S, Vh) cut to the singular values' count (OpInfo's uniformize); torch.svd returns V, not Vh. */
function uniformize([u, s, v], linalg) {
  const k = s.shape.at(-1);
  return [u.narrow(-1, 0, k), s, (linalg ? v : v.mH).narrow(-2, 0, k)];
}

/** The sample's output_process_fn_grad (the fixture's grad.process, make-opinfo-fixtures.py OUTPUT_PROCESSES). */
const OUTPUT_PROCESSES = {
  absSecond: (out) => (Array.isArray(out) ? [out[0], out[1].abs()] : out),   // eigenvectors: defined up to a phase
  dropFirst: (out) => [out[1], out[2]],   // lu: the pivots are not differentiable
  toDense: (out) => out.toDense(),   // to_sparse: gradcheck takes no sparse output
  svdU: (out, p) => uniformize(out, p.linalg)[0].abs(),
  svdS: (out, p) => uniformize(out, p.linalg)[1],
  svdVh: (out, p) => {
    const [, s, vh] = uniformize(out, p.linalg);
    return [s, vh.abs()];
  },
  svdUVh: (out, p) => {
    const [u, s, vh] = uniformize(out, p.linalg);
    return [u.matmul(vh), s];
  },
};

/**
 * The op's recorded gradcheck as { fn, leaves } (fn: the differentiated arguments -> the floating outputs), or
 * { error } when the variant has no JS callable. The sample is a replayed one (grad.sample) or one stored only
 * for the gradcheck (grad.args); each call re-seeds, as OpInfo's wrapper_set_seed, and an in-place function
 * (torch.zero_) gets a copy of the leaves (grad.clone). Also used by test/opinfo-gradgrad.test.ts.
 */
export function gradFunction(entry, seed) {
  const g = { dtype: 'float64', variant: 'function', ...entry.grad };   // a fixture from before complex128 and method gradchecks
  const sample = g.args ? g : entry.dtypes[g.dtype][g.sample];
  const { args, options } = callArgs(sample);
  let callable;
  try {
    callable = wrappedCallable(g.wrapper, options, (opts) => gradCallable(entry, g.variant, opts));
  } catch (e) {
    return { error: shortError(e) };
  }
  const leaves = g.paths.map((p) => p.reduce((v, i) => v[i], args).detach().requiresGrad_());
  const process = g.process ? OUTPUT_PROCESSES[g.process.name] : null;
  if (g.process && !process) return { error: `output processing ${g.process.name} has no JS replay` };
  const fn = (...xs) => {
    torch.manualSeed(seed);
    const out = callable(substitute(args, g.paths, g.clone ? xs.map((x) => x.clone()) : xs));
    return floatTensors(process ? process(out, g.process) : out);
  };
  return { fn, leaves };
}

/** null when JS's gradcheck verdict equals Python's, else what differs. */
function checkGrad(entry, seed) {
  const { fn, leaves, error } = gradFunction(entry, seed);
  if (error) return error;
  if (entry.grad.wrapped) {   // OpInfo's gradcheck_wrapper and output processing, replayed: the outputs at the sample must be Python's
    let diff;
    try {
      diff = compare(fn(...leaves), entry.grad.wrapped);
    } catch (e) {
      diff = `throws ${shortError(e)}`;
    }
    if (diff) return `gradcheck ${[entry.grad.wrapper && `wrapper ${entry.grad.wrapper.name}`, entry.grad.process && `output processing ${entry.grad.process.name}`].filter(Boolean).join(', ')}: ${diff}`;
  }
  let verdict;
  try {
    // fast: no sample's slow-mode gradcheck fits the caps (make-opinfo-fixtures.py's grad_case)
    verdict = torch.autograd.gradcheck(fn, leaves, { raiseException: false, fastMode: entry.grad.fast === true });
  } catch (e) {
    return `gradcheck throws ${shortError(e)}`;
  }
  return verdict === entry.grad.pass ? null : `gradcheck ${verdict}, Python's ${entry.grad.pass}`;
}

// ---------------------------------------------------------------- one op

/**
 * Every call of one OpInfo entry: [{ key, variant, dtype, index, detail }] with detail null when it passes.
 * variant is 'function', 'method', 'inplace', 'property' or 'grad' (a float64 or complex128 gradcheck).
 */
export function replayOp(key, entry, seed) {
  const outcomes = [];
  torch.tidy(() => {
    for (const [dtype, samples] of Object.entries(entry.dtypes ?? {})) {
      for (const sample of samples) {
        for (const variant of Object.keys(sample.expect)) {
          outcomes.push({ key, variant, dtype, index: sample.index, detail: checkCall(entry, variant, dtype, sample, seed) });
        }
      }
    }
    if (entry.grad) {
      const g = { dtype: 'float64', ...entry.grad };
      const index = g.args ? g.index : entry.dtypes[g.dtype][g.sample].index;
      outcomes.push({ key, variant: 'grad', dtype: g.dtype, index, detail: checkGrad(entry, seed) });
    }
  });
  return outcomes;
}

// ---------------------------------------------------------------- known failures

/** Entries of test/fixtures/opinfo-known-failures.txt: `key variant dtype samples | reason` ('*' = all). */
export function loadKnownFailures(path = knownFailuresPath) {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((line) => {
    const [fields, ...reason] = line.split(' | ');
    const [key, variant, dtype, samples] = fields.trim().split(/\s+/);
    return { line, key, variant, dtype, samples: samples === '*' ? '*' : samples.split(',').map(Number), reason: reason.join(' | ') };
  });
}

const matches = (known, o) => known.key === o.key && (known.variant === '*' || known.variant === o.variant)
  && (known.dtype === '*' || known.dtype === o.dtype) && (known.samples === '*' || known.samples.includes(o.index));

/**
 * Splits one op's outcomes against the known failures: `unexpected` (fail, not listed) and `stale`
 * (listed, but a listed call passes now or no longer exists: the list only shrinks).
 */
export function judge(outcomes, known) {
  const unexpected = outcomes.filter((o) => o.detail && !known.some((k) => matches(k, o)));
  const stale = [];
  for (const k of known) {
    const covered = outcomes.filter((o) => matches(k, o));
    const passing = covered.find((o) => !o.detail);
    if (covered.length === 0) stale.push(`${k.line}: no such call in the fixture any more`);
    else if (passing) stale.push(`${k.line}: ${label(passing)} passes now (narrow or remove the entry)`);
    else if (k.samples !== '*' && k.samples.some((i) => !covered.some((o) => o.index === i))) stale.push(`${k.line}: lists a sample the fixture lacks`);
  }
  return { unexpected: unexpected.map((o) => `${label(o)}: ${o.detail}`), stale };
}

export const label = (o) => `${o.key} ${o.variant} ${o.dtype} #${o.index}`;

/** The fewest entries that list exactly the failing calls of one op (all variants, all dtypes, or samples). */
function knownEntries(key, outcomes) {
  const failing = outcomes.filter((o) => o.detail);
  if (!failing.length) return [];
  const reason = (os) => os.find((o) => o.detail).detail.slice(0, 140);
  if (failing.length === outcomes.length) return [`${key} * * * | ${reason(failing)}`];
  const lines = [];
  for (const variant of [...new Set(outcomes.map((o) => o.variant))]) {
    const vs = outcomes.filter((o) => o.variant === variant);
    if (vs.every((o) => o.detail)) {
      lines.push(`${key} ${variant} * * | ${reason(vs)}`);
      continue;
    }
    for (const dtype of [...new Set(vs.map((o) => o.dtype))]) {
      const ds = vs.filter((o) => o.dtype === dtype);
      const fs = ds.filter((o) => o.detail);
      if (!fs.length) continue;
      lines.push(`${key} ${variant} ${dtype} ${fs.length === ds.length ? '*' : fs.map((o) => o.index).join(',')} | ${reason(fs)}`);
    }
  }
  return lines;
}

// ---------------------------------------------------------------- the whole suite

/** Replays every shard: { torch, caps, samples, unexpressible, ops: [{ key, ns, excluded?, outcomes }] }. */
export function replayAll() {
  const ops = [];
  const byKey = new Map();
  let meta;
  for (let shard = 0; shard < (meta?.shards ?? SHARDS); shard++) {   // an over-cap fixture has more shards
    const fixture = loadShard(shard);
    meta ??= fixture;
    for (const [name, entry] of Object.entries(fixture.ops)) {
      const key = entry.key ?? name;   // an over-cap fixture stores each sample as an entry of its own, named 'key dtype #index'
      const outcomes = entry.excluded ? [] : replayOp(key, entry, fixture.seed);
      const seen = byKey.get(key);
      if (seen) {
        seen.outcomes.push(...outcomes);
        continue;
      }
      const op = { key, ns: namespaceOf(entry.name), excluded: entry.excluded, unexpressible: entry.unexpressible,
        grad: entry.grad, noGradcheck: entry.noGradcheck, outcomes };
      byKey.set(key, op);
      ops.push(op);
    }
  }
  return { torch: meta.torch, caps: meta.caps, samples: meta.samples, unexpressible: meta.unexpressible, ops };
}

function figure(summary) {
  const rows = {};
  for (const op of summary.ops) {
    const r = (rows[op.ns] ??= { ops: 0, opsPassing: 0, excluded: 0, noSample: 0, calls: 0, callsPassing: 0 });
    if (op.excluded) {
      r.excluded++;
      continue;
    }
    if (!op.outcomes.length) {
      r.noSample++;
      continue;
    }
    r.ops++;
    if (op.outcomes.every((o) => !o.detail)) r.opsPassing++;
    r.calls += op.outcomes.length;
    r.callsPassing += op.outcomes.filter((o) => !o.detail).length;
  }
  return rows;
}

const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '-');

function report(summary, markdown) {
  const rows = figure(summary);
  const total = Object.values(rows).reduce((t, r) => {
    for (const k of Object.keys(r)) t[k] = (t[k] ?? 0) + r[k];
    return t;
  }, {});
  const lines = [];
  if (markdown) {
    lines.push('| namespace | OpInfos passing | of | sample calls passing | of | % calls | excluded | no JS-expressible sample |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [ns, r] of [...Object.entries(rows), ['**all**', total]]) {
      lines.push(`| ${ns} | ${r.opsPassing} | ${r.ops} | ${r.callsPassing} | ${r.calls} | ${pct(r.callsPassing, r.calls)} | ${r.excluded} | ${r.noSample} |`);
    }
  } else {
    lines.push(`torchnode against PyTorch ${summary.torch}'s OpInfo samples (ops: every sample call passes; calls: one variant x dtype x sample, or one gradcheck)`);
    for (const [ns, r] of [...Object.entries(rows), ['all', total]]) {
      lines.push(`  ${ns.padEnd(15)} ops ${String(r.opsPassing).padStart(4)}/${String(r.ops).padEnd(4)} calls ${String(r.callsPassing).padStart(6)}/${String(r.calls).padEnd(6)} ${pct(r.callsPassing, r.calls).padStart(5)} %  excluded ${r.excluded}, no expressible sample ${r.noSample}`);
    }
    const s = summary.samples;
    const overBytes = s.overElementCapInputBytes === undefined ? '' : ` (${(s.overElementCapInputBytes / 1e6).toFixed(1)} MB of input tensors, raw)`;
    lines.push(`  samples: OpInfo generates ${s.total} for the CPU dtypes; ${s.used} recorded (caps ${JSON.stringify(summary.caps)}), ${s.overElementCap} over the element cap${overBytes}`);
    const differentiable = summary.ops.filter((op) => op.grad || op.noGradcheck);
    const checked = differentiable.filter((op) => op.grad);
    const agree = checked.filter((op) => !op.outcomes.find((o) => o.variant === 'grad')?.detail);
    lines.push(`  gradcheck: ${checked.length} of ${differentiable.length} differentiable OpInfos (${checked.filter((op) => op.grad.pass).length} pass in Python; ${checked.filter((op) => op.grad.fast).length} in fast mode), JS verdict equal to Python's for ${agree.length}`);
    for (const op of differentiable.filter((o) => !o.grad)) lines.push(`    no gradcheck: ${op.key}: ${op.noGradcheck}`);
    lines.push('  not expressible in JS (samples, by reason):');
    for (const [reason, r] of Object.entries(summary.unexpressible)) lines.push(`    ${String(r.count).padStart(6)}  ${reason}  e.g. ${r.examples.slice(0, 2).join('; ')}`);
  }
  return lines.join('\n');
}

/** Failures grouped by cause (the first error's text without numbers), biggest group first, in Markdown. */
function failureGroups(summary) {
  const groups = new Map();
  for (const op of summary.ops) {
    for (const o of op.outcomes.filter((x) => x.detail)) {
      // numbers, indices and the missing name's last part vary within one cause
      const detail = o.detail.replace(/(torch(?:\.\w+)*?)\.\w+ is not a function/, '$1.<name> is not a function');
      const cause = `${o.variant === 'grad' ? 'grad: ' : ''}${detail.replace(/\[[^\]]*\]|-?\d[\d.e+-]*/g, 'N').slice(0, 110)}`;
      const g = groups.get(cause) ?? { cause, calls: 0, ops: new Map() };
      g.calls++;
      const ops = g.ops.get(op.key) ?? { variants: new Set(), dtypes: new Set(), example: `${label(o)}: ${o.detail}` };
      ops.variants.add(o.variant);
      ops.dtypes.add(o.dtype);
      g.ops.set(op.key, ops);
      groups.set(cause, g);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => b.ops.size - a.ops.size || b.calls - a.calls);
  const lines = [`# OpInfo failures by cause (torch ${summary.torch}; \`node scripts/opinfo.mjs --failures FILE\`)`, ''];
  for (const g of sorted) {
    lines.push(`## ${g.ops.size} ops, ${g.calls} calls: ${g.cause}`, '');
    for (const [key, o] of g.ops) lines.push(`* \`${key}\` (${[...o.variants].join(', ')}; ${[...o.dtypes].join(', ')}): ${o.example}`);
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.removeAllListeners('warning');   // deprecated names warn, as in Python; the count is what matters here
  process.on('warning', () => {});
  const summary = replayAll();
  console.log(report(summary, process.argv.includes('--markdown')));
  const failuresAt = process.argv.indexOf('--failures');
  if (failuresAt > 0) writeFileSync(process.argv[failuresAt + 1], failureGroups(summary));
  if (process.argv.includes('--unexpected')) {   // the failing calls test/fixtures/opinfo-known-failures.txt does not list
    const known = loadKnownFailures();
    const unexpected = summary.ops.flatMap((op) => judge(op.outcomes, known.filter((k) => k.key === op.key)).unexpected);
    console.log(`failing calls not in the known failures: ${unexpected.length}`);
    for (const line of unexpected) console.log(`  ${line}`);
    if (unexpected.length) process.exitCode = 1;
  }
  if (process.argv.includes('--write-known-failures')) {
    const lines = summary.ops.flatMap((op) => knownEntries(op.key, op.outcomes));
    const head = '# OpInfo calls that fail today: `key variant dtype samples | first error` (* = all). test/opinfo-*.test.ts skips them\n'
      + '# and fails when one passes, so the list only shrinks. Regenerate: node scripts/opinfo.mjs --write-known-failures\n';
    writeFileSync(knownFailuresPath, head + lines.map((l) => `${l}\n`).join(''));
    console.log(`wrote ${lines.length} entries to ${knownFailuresPath}`);
  }
}
