// Generates lib/generated/{methods,functions,types,linalg,fft,special}.ts: every PyTorch Tensor method,
// torch.* function and function of the torch.linalg / torch.fft / torch.special namespaces that is an
// ATen operator (torch.linalg.svd is aten::linalg_svd), typed from the operator schemas of the libtorch
// we build against, with JSDoc from PyTorch's docstrings. Inputs: scripts/python-api.json (names PyTorch
// exposes; from scripts/python-api.py), scripts/python-docs.json (from scripts/python-docs.py) and the
// built addon (schemas). Usage: node scripts/gen-ops.mjs (`npm run generate`) writes the files; with --check it
// writes nothing and exits 1 when the committed files differ from what it makes (test/generated.test.ts).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Written by hand in lib/tensor.ts, lib/creation.ts, lib/functional.ts (hot paths, properties,
// factories, functions PyTorch implements in Python).
const HAND_METHODS = new Set(['add', 'sub', 'mul', 'div', 'add_', 'sub_', 'mul_', 'div_', 'matmul', 'zero_', 'size', 'stride', 'storage_offset', 'get_device', 'dim',
  'numel', 'item', 'tolist', 'backward', 'to', 'requires_grad_', 'retain_grad', 'is_floating_point', 'is_leaf', 'grad', 'data', 'ndim',
  'shape', 'dtype', 'device', 'requires_grad', 'cuda', 'cpu', 'float', 'double', 'long', 'int', 'bool', 'half', 'bfloat16', 'short',
  'char', 'byte', 'type', 'dispose', 'storage', 'register_hook', 'is_cuda', '_version',
  'T', 'mT', 'H', 'mH', 'real', 'imag', 'data', 'is_contiguous', 'norm', 'where', 'polygamma', 'rename', 'rename_', 'index', 'index_put_',
  // lib/functional/*.ts (helper pyfn): Python-implemented methods, properties and dunders
  'split', 'nonzero', 'stft', 'lu', 'unique', 'unique_consecutive', 'retains_grad', 'output_nr', 'new_tensor', 'element_size',
  'nelement', 'ndimension', 'is_cpu', 'is_sparse', 'is_quantized', 'is_meta', 'layout']);
const HAND_FUNCTIONS = new Set(['tensor', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'randint', 'randperm', 'arange', 'linspace',
  'logspace', 'eye', 'zeros_like', 'ones_like', 'empty_like', 'full_like', 'rand_like', 'randn_like', 'randint_like',
  'manual_seed', 'initial_seed', 'seed', 'get_rng_state', 'set_rng_state', 'frombuffer', 'set_num_threads', 'get_num_threads', 'is_tensor', 'numel', 'get_device', 'from_numpy', 'as_tensor',
  'norm',
  // lib/functional/*.ts (helper pyfn): functions torch/functional.py implements over ATen
  'unique', 'unique_consecutive', 'einsum', 'meshgrid', 'broadcast_tensors', 'broadcast_shapes', 'block_diag', 'cartesian_prod',
  'chain_matmul', 'atleast_1d', 'atleast_2d', 'atleast_3d', 'tensordot', 'split', 'stft', 'cdist', 'nonzero', 'lu', 'pca_lowrank',
  'svd_lowrank', 'is_storage', 'unravel_index']);
// The Python namespaces generated as modules of their own (torch.linalg.svd is aten::linalg_svd).
const NAMESPACES = ['linalg', 'fft', 'special'];
const FACTORY_ARGS = ['dtype', 'layout', 'device', 'pin_memory'];
const REQUIRES_GRAD = { type: 'bool', alias: '', name: 'requires_grad', hasDefault: true, kwOnly: true };
// Schema defaults Python's arg parser reads otherwise: it cannot parse `int reduction=Mean` (shown as 1) and
// uses 0 (None), so torch.kl_div(x, y) is unreduced while torch.ops.aten.kl_div reduces.
const PYTHON_DEFAULTS = [{ type: 'int', name: 'reduction', schemaDefault: '1', value: 0 }];
const RESERVED = new Set(['var', 'new', 'delete', 'default', 'import', 'export', 'function', 'return', 'switch', 'case', 'in', 'instanceof', 'typeof', 'void', 'with', 'yield']);

const camel = (s) => native.camelCase(s); // the addon's rule, the one the op options are matched with
// Parameter names: Python calls `self` `input` in torch.* functions; reserved words get a trailing underscore.
const paramName = (n) => (n === 'self' ? 'input' : RESERVED.has(camel(n)) ? `${camel(n)}_` : camel(n));
// Option keys: the runtime takes `input` for `self`; reserved words are fine as object keys.
const optionKey = (n) => (n === 'self' ? 'input' : camel(n));

function splitTop(s) {
  const out = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// `Tensor(a!) self` -> { type: 'Tensor', alias: 'a!' }: the alias set tells in-place results apart.
function typeAndAlias(t) {
  const m = /^(\w+)\(([^)]*)\)(.*)$/.exec(t);
  return m ? { type: m[1] + m[3], alias: m[2] } : { type: t, alias: '' };
}

function parseSchema(schema) {
  // Alias annotations without spaces (`Tensor(a -> *)` -> `Tensor(a->*)`), so that types split on spaces.
  const m = /^([\w:]+)(?:\.(\w+))?\((.*)\) -> (.*)$/.exec(schema.replace(/(\w)\(([a-z!*|\s>-]*)\)/g, (_, c, a) => `${c}(${a.replace(/\s+/g, '')})`));
  if (!m) return null;
  let kwOnly = false;
  const args = [];
  for (const part of splitTop(m[3])) {
    if (part === '*') { kwOnly = true; continue; }
    const a = /^(\S+) (\w+)(?:=(.*))?$/.exec(part);
    if (!a) return null;
    const { type, alias } = typeAndAlias(a[1]);
    args.push({ type, alias, name: a[2], hasDefault: a[3] !== undefined, defaultValue: a[3], kwOnly });
  }
  let rets = m[4].trim();
  if (rets.startsWith('(') && rets.endsWith(')')) rets = rets.slice(1, -1);
  const returns = rets ? splitTop(rets).map((r) => { const [t, n] = r.split(' '); return { ...typeAndAlias(t), name: n }; }) : [];
  // out= overloads (keyword-only written tensors, as c10::Argument::is_out) are folded into their functional twin.
  const isOut = args.some((a) => a.kwOnly && a.alias.includes('!'));
  return { schema, overload: m[2] ?? '', args, returns, isOut };
}

const UNSUPPORTED = /^(Storage|Stream|Any|Dict|QScheme|t)\b/;
const SCALAR_MEMBERS = new Set(['number', 'boolean', 'bigint']);

// The TS types the runtime (native/src/convert.cc, MatchScore/ToIValue) accepts for a schema type, as
// union members; null when the runtime cannot take it.
function argTypes(type) {
  if (UNSUPPORTED.test(type)) return null;
  const opt = type.endsWith('?');
  const base = opt ? type.slice(0, -1) : type;
  let t;
  const list = /^(\w+\??)\[(\d*)\]$/.exec(base);
  if (list) {
    // One int stands for an int list ([n] or n repeated), and one name for a list of names.
    t = { int: ['number[]', 'number'], SymInt: ['number[]', 'number'], Tensor: ['Tensor[]'], 'Tensor?': ['(Tensor | null)[]'],
      float: ['number[]'], bool: ['boolean[]'], str: ['string[]', 'string'] }[list[1]];
  } else {
    // A number is a Tensor wherever one is taken (a wrapped number, as Python's add(x, 1)).
    t = { Tensor: ['Tensor', 'Scalar'], int: ['number'], SymInt: ['number'], float: ['number'], bool: ['boolean'], Scalar: ['Scalar'],
      str: ['string'], ScalarType: ['DTypeLike'], Device: ['DeviceLike'], Layout: ['Layout'], MemoryFormat: ['MemoryFormat'],
      Generator: ['Generator'] }[base];
  }
  if (!t) return null;
  return opt ? [...t, 'null'] : t;
}

const ARRAY_MEMBERS = new Set(Object.getOwnPropertyNames(Array.prototype));

// Named-tuple fields as JS spells them in the namespaces (lstsq's singular_values -> singularValues);
// the rest of the surface keeps the schema's names, which is what the runtime gives there.
// Named-tuple fields are identifiers, camelCased like every other name (bin_edges is binEdges).
function retType(returns, selfAlias) {
  const fieldName = camel;
  const one = (r) => (selfAlias && r.type === 'Tensor' && r.alias === selfAlias ? 'this'
    : { Tensor: 'Tensor', 'Tensor?': 'Tensor | null', 'Tensor[]': 'Tensor[]', int: 'number', SymInt: 'number', float: 'number', bool: 'boolean',
      Scalar: 'number | boolean', str: 'string', ScalarType: 'DType', QScheme: 'QScheme', 'int[]': 'number[]', 'SymInt[]': 'number[]', Device: 'string' }[r.type] ?? 'unknown');
  if (returns.length === 0) return 'void';
  if (returns.length === 1) return one(returns[0]);
  const tuple = `[${returns.map(one).join(', ')}]`;
  if (!returns.every((r) => r.name)) return tuple;
  // A named tuple: the array with its items also as properties; `values` shadows Array.prototype.values.
  const shadowed = returns.filter((r) => ARRAY_MEMBERS.has(fieldName(r.name))).map((r) => `'${fieldName(r.name)}'`);
  return `${shadowed.length ? `Omit<${tuple}, ${shadowed.join(' | ')}>` : tuple} & { ${returns.map((r) => `${fieldName(r.name)}: ${one(r)}`).join('; ')} }`;
}

// ---- signatures ----------------------------------------------------------------------------
// A signature: params [{ name, types, optional, rest?, opts? }], ret, doc. A param that takes an
// options object has `opts`, the object's fields [{ key, types, optional }].

/**
 * The compact TS signatures of one schema: the Python order, where an options object may stand in for
 * the optional positionals from any one on (`x.topk(3, { largest: false })`); one form per required
 * argument that may go into the options instead (`x.max({ dim: 1 })`); Python's varargs for a trailing
 * int list (`x.view(2, 3)`). `outArg`: the schema's out= twin takes `{ out }` too.
 */
function signatures(parsed, dropSelf, outArg) {
  let args = parsed.args;
  let selfAlias = '';
  if (dropSelf) {
    if (!args.length || args[0].name !== 'self' || args[0].type !== 'Tensor') return [];
    selfAlias = args[0].alias.includes('!') ? args[0].alias : '';
    args = args.slice(1);
  }
  const typed = args.map((a) => ({ ...a, types: argTypes(a.type), param: paramName(a.name), key: optionKey(a.name) }));
  if (typed.some((a) => a.types === null)) return [];
  if (outArg) typed.push({ ...outArg, key: optionKey(outArg.name), hasDefault: true, kwOnly: true });
  const ret = retType(parsed.returns, selfAlias);
  const pos = typed.filter((a) => !a.kwOnly);
  const kw = typed.filter((a) => a.kwOnly);
  // Positionals up to the last one without a default must be given (an `int[1]? dim` without default too, as in Python).
  let nRequired = pos.length;
  while (nRequired > 0 && pos[nRequired - 1].hasDefault) nRequired--;
  const fields = (list) => list.map((a) => ({ key: a.key, types: a.types, optional: a.hasDefault }));
  const param = (a) => ({ name: a.param, types: a.types, optional: false });
  const options = (list, optional) => ({ name: 'options', types: [], optional, opts: fields(list) });
  const out = [];
  const requiredKw = kw.filter((a) => !a.hasDefault);
  if (requiredKw.length === 0) {
    const params = pos.slice(0, nRequired).map(param);
    for (let i = nRequired; i < pos.length; i++) params.push({ ...param(pos[i]), optional: true, opts: fields([...pos.slice(i), ...kw]) });
    if (kw.length) params.push(options(kw, true));
    out.push({ params, ret });
  }
  // Options that carry required arguments: after each prefix of the required positionals.
  for (let cut = requiredKw.length ? nRequired : nRequired - 1; cut >= 0; cut--) {
    out.push({ params: [...pos.slice(0, cut).map(param), options([...pos.slice(cut), ...kw], false)], ret });
  }
  // Python's varargs: x.view(2, 3) as well as x.view([2, 3]); x.permute(0, 2, 1).
  const last = pos[pos.length - 1];
  if (last && /^(int|SymInt)\[\d*\]$/.test(last.type) && pos.length === nRequired && requiredKw.length === 0) {
    out.push({ params: [...pos.slice(0, -1).map(param), { name: last.param, types: ['number[]'], optional: false, rest: true }], ret });
  }
  return out;
}

const covers = (types, member) => types.includes(member) || (SCALAR_MEMBERS.has(member) && types.includes('Scalar'));

// Whether options object type B accepts every object literal that A accepts (A absent: no object to accept).
function optsAccept(b, a) {
  if (!a) return true;
  if (!b) return false;
  const keysCovered = a.every((fa) => {
    const fb = b.find((f) => f.key === fa.key);
    return fb && (fb.optional || !fa.optional) && fa.types.every((t) => covers(fb.types, t));
  });
  return keysCovered && b.every((fb) => fb.optional || a.some((fa) => fa.key === fb.key && !fa.optional));
}

// Whether signature B accepts every call that A accepts (then A adds nothing and is dropped).
function accepts(b, a) {
  if (a.ret !== b.ret) return false;
  const n = Math.max(a.params.length, b.params.length);
  for (let i = 0; i < n; i++) {
    const pa = a.params[i], pb = b.params[i];
    if (!pb) return false;
    if (!pa) { if (!pb.optional && !pb.rest) return false; continue; }
    if (!!pa.rest !== !!pb.rest || (pa.optional && !pb.optional)) return false;
    if (!pa.types.every((t) => covers(pb.types, t)) || !optsAccept(pb.opts, pa.opts)) return false;
  }
  return true;
}

// Two signatures that differ only in the types of one parameter become one with the union there.
function mergeable(a, b) {
  if (a.ret !== b.ret || a.params.length !== b.params.length) return -1;
  let at = -1;
  for (let i = 0; i < a.params.length; i++) {
    const pa = a.params[i], pb = b.params[i];
    if (pa.name !== pb.name || pa.optional !== pb.optional || !!pa.rest !== !!pb.rest || JSON.stringify(pa.opts) !== JSON.stringify(pb.opts)) return -1;
    if (JSON.stringify(pa.types) !== JSON.stringify(pb.types)) {
      if (at >= 0) return -1;
      at = i;
    }
  }
  return at;
}

// B is A with one more required key in its trailing options object (scatter(dim, index, src) and
// scatter(dim, index, src, { reduce })): one signature where that key is optional takes exactly both.
function withOptionalKey(a, b) {
  const lastB = b.params.at(-1);
  if (a.ret !== b.ret || lastB?.name !== 'options' || lastB.types.length) return null;
  if (a.params.length !== b.params.length && a.params.length !== b.params.length - 1) return null;
  for (let i = 0; i < b.params.length - 1; i++) if (JSON.stringify(a.params[i]) !== JSON.stringify(b.params[i])) return null;
  const lastA = a.params.length === b.params.length ? a.params.at(-1) : null;
  if (lastA && (lastA.name !== 'options' || lastA.types.length)) return null;
  const fieldsA = lastA ? lastA.opts : [];
  const extra = lastB.opts.filter((f) => !fieldsA.some((g) => g.key === f.key));
  if (extra.length !== 1 || extra[0].optional || fieldsA.length !== lastB.opts.length - 1) return null;
  if (!fieldsA.every((g) => lastB.opts.some((f) => JSON.stringify(f) === JSON.stringify(g)))) return null;
  const opts = lastB.opts.map((f) => (f === extra[0] ? { ...f, optional: true } : f));
  return { ...a, params: [...b.params.slice(0, -1), { ...lastB, optional: lastA ? lastA.optional : true, opts }] };
}

function compact(sigs) {
  let list = sigs;
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < list.length && !changed; i++) {
      for (let j = 0; j < list.length && !changed; j++) {
        if (i === j) continue;
        if (accepts(list[j], list[i])) {
          list = list.filter((_, k) => k !== i);
          changed = true;
        } else if (withOptionalKey(list[i], list[j])) {
          const merged = withOptionalKey(list[i], list[j]);
          list = list.map((s, k) => (k === i ? merged : s)).filter((_, k) => k !== j);
          changed = true;
        } else if (j > i) {
          const at = mergeable(list[i], list[j]);
          if (at >= 0) {
            const types = [...list[i].params[at].types, ...list[j].params[at].types.filter((t) => !list[i].params[at].types.includes(t))];
            const merged = { ...list[i], params: list[i].params.map((p, k) => (k === at ? { ...p, types } : p)) };
            list = list.map((s, k) => (k === i ? merged : s)).filter((_, k) => k !== j);
            changed = true;
          }
        }
      }
    }
  }
  return list;
}

// Canonical member order: null last, Scalar after Tensor.
const renderTypes = (types) => [...types.filter((t) => t !== 'null'), ...types.filter((t) => t === 'null')]
  .filter((t) => !(SCALAR_MEMBERS.has(t) && types.includes('Scalar'))).join(' | ');
const renderOpts = (opts) => `{ ${opts.map((f) => `${f.key}${f.optional ? '?' : ''}: ${renderTypes(f.types)}`).join('; ')} }`;
const renderParam = (p) => `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}: ${[renderTypes(p.types), p.opts && renderOpts(p.opts)].filter(Boolean).join(' | ')}`;
const renderSig = (s) => `(${s.params.map(renderParam).join(', ')}): ${s.ret}`;

const argsKey = (args) => JSON.stringify(args.map((a) => [a.name, a.type, a.hasDefault, a.kwOnly]));
const isOutArg = (a) => a.kwOnly && a.alias.includes('!');

// The `out` option of the out= overload that matches a functional schema: one tensor
// (torch.add(x, y, { out })), or for several outs one array, as Python's tuple (torch.sort(x, { out: [values, indices] })).
function outTwin(parsed, schemas) {
  // A factory's out= twin has no TensorOptions (Python checks them against out, then drops them: lib/call.ts)
  const factory = parsed.args.includes(REQUIRES_GRAD);
  const key = argsKey(factory ? parsed.args.filter((a) => a !== REQUIRES_GRAD && !(a.kwOnly && FACTORY_ARGS.includes(a.name))) : parsed.args);
  for (const s of schemas) {
    const outs = s.args.filter(isOutArg);
    if (!s.isOut || argsKey(s.args.filter((a) => !isOutArg(a))) !== key) continue;
    if (outs.length === 1) return { ...outs[0], types: ['Tensor'] };
    return { ...outs[0], name: 'out', types: [`[${outs.map(() => 'Tensor').join(', ')}]`] };
  }
  return null;
}

// ---- docs -----------------------------------------------------------------------------------

const formArgs = (signature) => {
  const m = /\((.*)\)/.exec(signature);
  return new Set((m ? splitTop(m[1]) : []).map((p) => p.replace(/^\*+/, '').replace(/[=:].*$/, '').trim()).filter((p) => p && p !== 'out'));
};

// The documented Python form closest to a schema: most argument names in common, fewest left over.
function bestForm(forms, parsed, dropSelf) {
  const names = new Set(parsed.args.filter((a) => !(dropSelf && a.name === 'self')).map((a) => (a.name === 'self' ? 'input' : a.name)));
  let best = forms[0], bestScore = -Infinity;
  for (const f of forms) {
    const fa = formArgs(f.signature);
    if (dropSelf) fa.delete('input');
    const common = [...fa].filter((n) => names.has(n)).length;
    const score = 2 * common - (fa.size - common) - (names.size - common);
    if (score > bestScore) { best = f; bestScore = score; }
  }
  return best;
}

const docText = (s) => s.replace(/\*\//g, '*\\/');

function renderDoc(lines, indent) {
  if (!lines.length) return '';
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${docText(l)}` : ''}`).join('\n')}\n${indent} */\n`;
}

// JSDoc lines for one schema of an op: the Python signature, the summary, the shapes; the ATen
// schema where Python documents nothing (internal operators such as cudnn_convolution).
function docLines(entry, parsed, dropSelf, pythonName, namespace) {
  if (!entry) return [`\`${parsed.schema}\``, '', 'ATen operator without a Python docstring.'];
  const form = bestForm(entry.forms, parsed, dropSelf);
  const lines = [];
  // A method documented only through its function shows the function's signature (with `input`).
  const signature = entry.signature ?? form.signature;
  const owner = namespace ? `torch.${namespace}.` : dropSelf && !entry.fromFunction ? 'Tensor.' : 'torch.';
  lines.push(`\`${owner}${signature.startsWith(`${pythonName}(`) ? signature : `${pythonName}${signature.slice(signature.indexOf('('))}`}\``);
  // A form documented by its signature alone (bmm with out_dtype) shares the op's summary.
  const summary = form.summary ?? entry.forms.find((f) => f.summary)?.summary;
  if (summary) lines.push('', summary);
  if (form.shapes?.length) lines.push('', 'Shapes:', ...form.shapes.map((s) => `- ${s}`));
  if (entry.see) lines.push('', `See \`${entry.see}\`.`);
  return lines;
}

// ---- files ---------------------------------------------------------------------------------

// [positional index, option key, value] of each PYTHON_DEFAULTS argument in an op's schemas (the index
// without self for methods; -1 when keyword-only); one position per op, as the runtime fills it in.
function pythonDefaults(name, schemas, dropSelf) {
  const out = [];
  for (const rule of PYTHON_DEFAULTS) {
    const positions = new Set();
    for (const p of schemas) {
      const positional = p.args.filter((a) => !a.kwOnly).slice(dropSelf ? 1 : 0);
      const arg = p.args.find((a) => a.name === rule.name && a.type === rule.type && a.defaultValue === rule.schemaDefault);
      if (arg) positions.add(arg.kwOnly ? -1 : positional.indexOf(arg));
    }
    if (positions.size > 1) throw new Error(`${name}: '${rule.name}' at different positions in its overloads`);
    for (const at of positions) out.push([at, optionKey(rule.name), rule.value]);
  }
  return out;
}

// The PythonForm literal of an entry (lib/call.ts), or '' when Python reads the schema as it is.
function formLiteral(e) {
  const parts = [];
  if (e.factory) parts.push('factory: true');
  if (e.defaults.length) parts.push(`defaults: [${e.defaults.map(([at, key, value]) => `[${at}, '${key}', ${JSON.stringify(value)}]`).join(', ')}]`);
  return parts.length ? `{ ${parts.join(', ')} }` : '';
}

// The trailing arguments of opFunction/namespaceOp for an entry: its result kind, then its PythonForm.
function kindArgs(e) {
  const form = formLiteral(e);
  if (!form) return e.resultKind ? `, '${e.resultKind}'` : '';
  return `, ${e.resultKind ? `'${e.resultKind}'` : 'undefined'}, ${form}`;
}

/** The generated files (path relative to the repository root -> contents) for an addon and the two JSON inputs. */
function generate(native, api, docs) {
  const docEntry = (kind, name) => {
    const e = docs[kind][name];
    if (e && kind === 'methods' && e.see) {
      const f = docs.functions[e.see.replace(/^torch\./, '')];
      return f ? { ...f, signature: e.signature, see: e.see, fromFunction: !e.signature } : null;
    }
    return e;
  };

  // namespace: 'linalg' for torch.linalg, whose `svd` is the operator linalg_svd (names Python-only there are written by hand).
  function collect(names, dropSelf, exclude, namespace = '') {
    const entries = [];
    for (const name of names) {
      if (exclude.has(name) || name.startsWith('_')) continue;
      const op = namespace ? `${namespace}_${name}` : name;
      const id = native.opId(`aten::${op}`);
      if (id < 0) continue;
      const entry = namespace ? docs.namespaces[namespace][name] : docEntry(dropSelf ? 'methods' : 'functions', name);
      const sigs = [];
      const schemas = native.opSchemas(id).map(parseSchema).filter(Boolean);
      // A factory (TensorOptions in the schema) takes Python's requires_grad too (lib/call.ts sets it on the result).
      const factory = schemas.some((p) => FACTORY_ARGS.every((n) => p.args.some((a) => a.kwOnly && a.name === n)));
      const defaults = pythonDefaults(name, schemas.filter((p) => !p.isOut), dropSelf);
      for (const schema of schemas) {
        if (schema.isOut) continue;
        const parsed = factory ? { ...schema, args: [...schema.args, REQUIRES_GRAD] } : schema;
        const doc = docLines(entry, parsed, dropSelf, name, namespace);
        const own = signatures(parsed, dropSelf, dropSelf ? null : outTwin(parsed, schemas));
        const tensors = parsed.args.filter((a, i) => !a.kwOnly && a.type.startsWith('Tensor') && !(dropSelf && i === 0)).length;
        for (const s of own) sigs.push({ ...s, doc, tensors, optionsOnly: s.params.at(-1)?.name === 'options' && !s.params.at(-1).optional });
      }
      // Where the runtime prefers an int or Scalar to a wrapped-number Tensor (x.max(1) is max.dim),
      // TypeScript must find that signature first: fewer Tensor parameters first. Then the Python
      // order before the forms with required arguments in the options (the first is what a hover shows).
      sigs.sort((a, b) => a.tensors - b.tensors || a.optionsOnly - b.optionsOnly);
      const unique = compact(sigs);
      if (unique.length) entries.push({ name, op, js: camel(name), sigs: unique, resultKind: ['DType', 'QScheme'].find((k) => unique.every((s) => s.ret === k))?.toLowerCase(), factory, defaults });
    }
    return entries;
  }

  const torchVersion = native.buildInfo().torchVersion;
  const header = `// Generated by scripts/gen-ops.mjs from the operator schemas of libtorch ${torchVersion} and PyTorch ${docs.torch}'s docstrings.\n// Do not edit: run \`npm run generate\`.\n`;
  const methods = collect(api.tensorMethods, true, HAND_METHODS);
  const functions = collect([...new Set([...api.variableFunctions, ...api.torchFunctions])].sort(), false, HAND_FUNCTIONS);

  // Type imports the signatures of a generated file need (unused imports fail the strict build; docs do not count).
  function typeImports(entries, tensorImport) {
    const body = entries.flatMap((e) => e.sigs.map(renderSig)).join('\n');
    const uses = (t) => new RegExp(`\\b${t}\\b`).test(body);
    const lines = [];
    if (uses('DeviceLike')) lines.push("import type { DeviceLike } from '../device.js';");
    const dtypeTypes = ['DType', 'DTypeLike', 'QScheme'].filter(uses);
    if (dtypeTypes.length) lines.push(`import type { ${dtypeTypes.join(', ')} } from '../dtype.js';`);
    if (uses('Generator')) lines.push("import type { Generator } from '../generator.js';");
    if (tensorImport) lines.push(tensorImport(uses('Scalar')));
    const own = ['Layout', 'MemoryFormat'].filter(uses);
    if (own.length) lines.push(`import type { ${own.join(', ')} } from './types.js';`);
    return lines.join('\n');
  }

  // Each signature carries its schema's doc: TypeScript shows the doc of the overload it resolved.
  const declare = (sigs, indent, prefix) => sigs.map((s) => `${renderDoc(s.doc, indent)}${indent}${prefix}${renderSig(s)};`).join('\n');

  const methodDecls = methods.map((m) => declare(m.sigs, '    ', m.js)).join('\n');
  // Inside the augmentation, Tensor and Scalar already name the augmented module's own exports.
  const methodsTs = `${header}import type { PythonForm } from '../call.js';
${typeImports(methods, null)}

declare module '../tensor.js' {
  interface Tensor {
${methodDecls}
  }
}

/** [JS method name, ATen operator name, result kind, Python form] for every generated Tensor method. */
export const tensorMethodOps: readonly (readonly [string, string, ('dtype' | 'qscheme' | undefined)?, PythonForm?])[] = [
${methods.map((m) => `  ['${m.js}', '${m.name}'${kindArgs(m)}],`).join('\n')}
];
`;

  const fnName = (f) => (RESERVED.has(f.js) ? `${f.js}_` : f.js);
  const functionDecls = functions.map((f) => `export const ${fnName(f)} = opFunction('${f.name}'${kindArgs(f)}) as unknown as {\n${declare(f.sigs, '  ', '')}\n};`).join('\n');
  const reserved = functions.filter((f) => RESERVED.has(f.js));
  const functionsTs = `${header}${typeImports(functions, (scalar) => `import { opFunction } from '../call.js';\nimport type { ${scalar ? 'Scalar, ' : ''}Tensor } from '../tensor.js';`)}

export type { Layout, MemoryFormat } from './types.js';

${functionDecls}
${reserved.length ? `export { ${reserved.map((f) => `${f.js}_ as ${f.js}`).join(', ')} };\n` : ''}`;

  // torch.linalg, torch.fft, torch.special: one module each, exported by lib/index.ts as a namespace object.
  const namespaceTs = (ns, entries) => `${header}${typeImports(entries, (scalar) => `import { namespaceOp } from '../namespaces/op.js';\nimport type { ${scalar ? 'Scalar, ' : ''}Tensor } from '../tensor.js';`)}

${entries.map((f) => `export const ${fnName(f)} = namespaceOp('${f.op}', '${f.name}'${kindArgs(f)}) as unknown as {\n${declare(f.sigs, '  ', '')}\n};`).join('\n')}
${entries.some((f) => RESERVED.has(f.js)) ? `export { ${entries.filter((f) => RESERVED.has(f.js)).map((f) => `${f.js}_ as ${f.js}`).join(', ')} };\n` : ''}`;
  const namespaces = Object.fromEntries(NAMESPACES.map((ns) => [ns, collect(api.namespaces[ns], false, new Set(), ns)]));

  const typesTs = `${header}
import type { LayoutLike, MemoryFormatLike } from '../dtype.js';

/** A tensor layout: a constant (torch.strided, torch.sparseCoo, ...) or Python's name for it. */
export type Layout = LayoutLike;
/** A memory format: a constant (torch.channelsLast, ...) or Python's name for it. */
export type MemoryFormat = MemoryFormatLike;
`;

  const count = (entries) => entries.reduce((n, e) => n + e.sigs.length, 0);
  return {
    files: {
      'lib/generated/methods.ts': methodsTs, 'lib/generated/functions.ts': functionsTs, 'lib/generated/types.ts': typesTs,
      ...Object.fromEntries(NAMESPACES.map((ns) => [`lib/generated/${ns}.ts`, namespaceTs(ns, namespaces[ns])])),
    },
    stats: { methods: methods.length, functions: functions.length, methodSignatures: count(methods), functionSignatures: count(functions),
      namespaces: Object.fromEntries(NAMESPACES.map((ns) => [ns, `${namespaces[ns].length} of ${api.namespaces[ns].length}`])) },
  };
}

/** The addon and JSON inputs of this checkout. */
function loadInputs() {
  const native = createRequire(import.meta.url)(join(root, 'build/Release/torchnode.node'));
  const api = JSON.parse(readFileSync(join(root, 'scripts/python-api.json'), 'utf8'));
  const docs = JSON.parse(readFileSync(join(root, 'scripts/python-docs.json'), 'utf8'));
  return { native, api, docs };
}

// --check: every generated file byte for byte as committed, and no file in lib/generated that this script does not make.
function staleFiles(files) {
  const problems = [];
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    if (!existsSync(file)) { problems.push(`${path} is missing`); continue; }
    const committed = readFileSync(file, 'utf8');
    if (committed === text) continue;
    const a = committed.split('\n'), b = text.split('\n');
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    problems.push(`${path} differs from line ${line + 1}:\n  committed: ${a[line] ?? '<end of file>'}\n  generated: ${b[line] ?? '<end of file>'}`);
  }
  for (const name of readdirSync(join(root, 'lib/generated'))) {
    if (!(`lib/generated/${name}` in files)) problems.push(`lib/generated/${name} is not made by scripts/gen-ops.mjs`);
  }
  return problems;
}

const { native, api, docs } = loadInputs();
const { files, stats } = generate(native, api, docs);
if (process.argv.includes('--check')) {
  const problems = staleFiles(files);
  if (problems.length) {
    console.error(`lib/generated is stale (the schemas, scripts/python-api.json, scripts/python-docs.json or scripts/gen-ops.mjs changed): run npm run generate\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log('lib/generated is up to date');
} else {
  mkdirSync(join(root, 'lib/generated'), { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  console.log(`generated ${stats.methods} Tensor methods (${stats.methodSignatures} signatures) and ${stats.functions} torch functions (${stats.functionSignatures} signatures); namespace functions present of Python's names: ${Object.entries(stats.namespaces).map(([ns, n]) => `${ns} ${n}`).join(', ')}`);
}
