// Generates lib/generated/{methods,functions}.ts: every PyTorch Tensor method and torch.* function
// that is an ATen operator, typed from the operator schemas of the libtorch we build against.
// Inputs: scripts/python-api.json (names PyTorch exposes; from scripts/python-api.py) and the
// built addon (schemas). Usage: node scripts/gen-ops.mjs
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = createRequire(import.meta.url)(join(root, 'build/Release/torchnode.node'));
const api = JSON.parse(readFileSync(join(root, 'scripts/python-api.json'), 'utf8'));

// Written by hand in lib/tensor.ts, lib/creation.ts, lib/functional.ts (hot paths, properties,
// factories, functions PyTorch implements in Python).
const HAND_METHODS = new Set(['add', 'sub', 'mul', 'div', 'add_', 'sub_', 'mul_', 'div_', 'matmul', 'zero_', 'size', 'stride', 'dim',
  'numel', 'item', 'tolist', 'backward', 'to', 'requires_grad_', 'retain_grad', 'is_floating_point', 'is_leaf', 'grad', 'data', 'ndim',
  'shape', 'dtype', 'device', 'requires_grad', 'cuda', 'cpu', 'float', 'double', 'long', 'int', 'bool', 'half', 'bfloat16', 'short',
  'char', 'byte', 'type', 'dispose', 'storage', 'register_hook', 'is_cuda', '_version',
  'T', 'mT', 'H', 'mH', 'real', 'imag', 'data', 'is_contiguous', 'norm', 'where', 'polygamma', 'rename', 'rename_', 'index', 'index_put_']);
const HAND_FUNCTIONS = new Set(['tensor', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'randint', 'randperm', 'arange', 'linspace',
  'logspace', 'eye', 'zeros_like', 'ones_like', 'empty_like', 'full_like', 'rand_like', 'randn_like', 'randint_like',
  'manual_seed', 'initial_seed', 'seed', 'get_rng_state', 'set_rng_state', 'frombuffer', 'set_num_threads', 'get_num_threads', 'is_tensor', 'numel', 'from_numpy', 'as_tensor',
  'norm']);
const RESERVED = new Set(['var', 'new', 'delete', 'default', 'import', 'export', 'function', 'return', 'switch', 'case', 'in', 'instanceof', 'typeof', 'void', 'with', 'yield']);

// Parameter names: Python calls `self` `input` in torch.* functions; reserved words get a trailing underscore.
const paramName = (n) => (n === 'self' ? 'input' : RESERVED.has(camel(n)) ? `${camel(n)}_` : camel(n));
const camel = (s) => native.camelCase(s); // the addon's rule, the one the op options are matched with

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

function parseSchema(schema) {
  const m = /^([\w:]+)(?:\.(\w+))?\((.*)\) -> (.*)$/.exec(schema);
  if (!m) return null;
  let kwOnly = false;
  const args = [];
  // Alias annotations (`Tensor(a -> *)`, `Tensor(a!)`) say nothing about JS types: drop them.
  for (const part of splitTop(m[3].replace(/(\w)\([a-z!*|\s>-]*\)/g, '$1'))) {
    if (part === '*') { kwOnly = true; continue; }
    const a = /^(\S+) (\w+)(?:=(.*))?$/.exec(part);
    if (!a) return null;
    args.push({ type: a[1].replace(/\([^)]*\)/g, ''), name: a[2], hasDefault: a[3] !== undefined, kwOnly });
  }
  let rets = m[4].trim();
  if (rets.startsWith('(') && rets.endsWith(')')) rets = rets.slice(1, -1);
  const returns = rets ? splitTop(rets).map((r) => { const [t, n] = r.split(' '); return { type: t.replace(/\([^)]*\)/g, ''), name: n }; }) : [];
  return { overload: m[2] ?? '', args, returns, isOut: args.some((a) => a.kwOnly && /^Tensor(\[\])?$/.test(a.type) && /out|values|indices/.test(a.name) && schema.includes('!')) };
}

const UNSUPPORTED = /^(Storage|Stream|Any|Dict|QScheme|t)\b/;

function tsType(type) {
  const opt = type.endsWith('?');
  const base = opt ? type.slice(0, -1) : type;
  let t;
  if (base === 'Generator') return opt ? 'Generator | null' : 'Generator';
  const list = /^(\w+\??)\[(\d*)\]$/.exec(base);
  if (list) {
    const el = list[1];
    const fixed = list[2] !== '';
    if (el === 'int' || el === 'SymInt') t = fixed ? 'number[] | number' : 'number[]';
    else if (el === 'Tensor') t = 'Tensor[]';
    else if (el === 'Tensor?') t = '(Tensor | null)[]';
    else if (el === 'float') t = 'number[]';
    else if (el === 'bool') t = 'boolean[]';
    else if (el === 'str') t = 'string[]';
    else return null;
  } else {
    t = { Tensor: 'Tensor', int: 'number', SymInt: 'number', float: 'number', bool: 'boolean', Scalar: 'Scalar', str: 'string',
      ScalarType: 'DTypeLike', Device: 'DeviceLike', Layout: 'string', MemoryFormat: 'string' }[base];
    if (!t) return null;
  }
  return opt ? `${t} | null` : t;
}

function retType(returns) {
  const one = (r) => ({ Tensor: 'Tensor', 'Tensor[]': 'Tensor[]', int: 'number', SymInt: 'number', float: 'number', bool: 'boolean',
    Scalar: 'number', str: 'string', ScalarType: 'DType', 'int[]': 'number[]', 'SymInt[]': 'number[]' }[r.type] ?? 'unknown');
  if (returns.length === 0) return 'void';
  if (returns.length === 1) return one(returns[0]);
  const tuple = `[${returns.map(one).join(', ')}]`;
  return returns.every((r) => r.name) ? `${tuple} & { ${returns.map((r) => `${r.name}: ${one(r)}`).join('; ')} }` : tuple;
}

// All TS signatures of one overload: positionals cut at every optional position, then an options object.
function signatures(parsed, dropSelf) {
  let args = parsed.args;
  if (dropSelf) {
    if (!args.length || args[0].name !== 'self' || args[0].type !== 'Tensor') return [];
    args = args.slice(1);
  }
  const typed = args.map((a) => ({ ...a, ts: tsType(a.type), key: paramName(a.name) }));
  if (typed.some((a) => a.ts === null || UNSUPPORTED.test(a.type))) return [];
  const pos = typed.filter((a) => !a.kwOnly);
  // An optional type without a default (`int[1]? dim`) must still be passed (null allowed), as in Python.
  const required = pos.findIndex((a) => a.hasDefault);
  const firstOptional = required < 0 ? pos.length : required;
  const ret = retType(parsed.returns);
  const out = [];
  for (let cut = 0; cut <= pos.length; cut++) {
    const params = pos.slice(0, cut).map((a) => `${a.key}: ${a.ts}`);
    const rest = typed.filter((a) => a.kwOnly || pos.indexOf(a) >= cut);
    const needsOptions = rest.some((a) => !a.hasDefault);
    if (rest.length) {
      const fields = rest.map((a) => `${a.name === 'self' ? 'input' : camel(a.name)}${a.hasDefault ? '?' : ''}: ${a.ts}`).join('; ');
      params.push(`options${needsOptions ? '' : '?'}: { ${fields} }`);
    }
    out.push(`(${params.join(', ')}): ${ret}`);
  }
  // Python's varargs: x.view(2, 3) as well as x.view([2, 3]); x.refineNames('N', 'C') likewise.
  const last = pos[pos.length - 1];
  if (last && /^(int|SymInt|str)\[\]$/.test(last.type) && pos.length === firstOptional) {
    const params = pos.slice(0, -1).map((a) => `${a.key}: ${a.ts}`);
    out.push(`(${[...params, `...${last.key}: ${last.type.startsWith('str') ? 'string' : 'number'}[]`].join(', ')}): ${ret}`);
  }
  return out;
}

function collect(names, dropSelf, exclude) {
  const entries = [];
  for (const name of names) {
    if (exclude.has(name) || name.startsWith('_')) continue;
    const id = native.opId(`aten::${name}`);
    if (id < 0) continue;
    const sigs = new Set();
    for (const schema of native.opSchemas(id)) {
      const parsed = parseSchema(schema);
      if (parsed && !parsed.isOut) for (const s of signatures(parsed, dropSelf)) sigs.add(s);
    }
    if (sigs.size) entries.push({ name, js: camel(name), sigs: [...sigs], dtypeResult: [...sigs].every((x) => x.endsWith('): DType')) });
  }
  return entries;
}

const header = `// Generated by scripts/gen-ops.mjs from the operator schemas of libtorch ${native.buildInfo().torchVersion}. Do not edit.\n`;
const methods = collect(api.tensorMethods, true, HAND_METHODS);
const functions = collect([...new Set([...api.variableFunctions, ...api.torchFunctions])].sort(), false, HAND_FUNCTIONS);

// Type imports a generated file needs (unused imports fail the strict build).
function typeImports(body, tensorImport) {
  const uses = (t) => new RegExp(`\\b${t}\\b`).test(body);
  const lines = [];
  if (uses('DeviceLike')) lines.push("import type { DeviceLike } from '../device.js';");
  if (uses('Generator')) lines.push("import type { Generator } from '../generator.js';");
  const dtypeTypes = ['DType', 'DTypeLike'].filter(uses);
  if (dtypeTypes.length) lines.push(`import type { ${dtypeTypes.join(', ')} } from '../dtype.js';`);
  if (tensorImport) lines.push(tensorImport(uses('Scalar')));
  return lines.join('\n');
}

const methodDecls = methods.map((m) => m.sigs.map((s) => `    ${m.js}${s};`).join('\n')).join('\n');
// Inside the augmentation, Tensor and Scalar already name the augmented module's own exports.
const methodsTs = `${header}${typeImports(methodDecls, null)}

declare module '../tensor.js' {
  interface Tensor {
${methodDecls}
  }
}

/** [JS method name, ATen operator name, result kind] for every generated Tensor method. */
export const tensorMethodOps: readonly (readonly [string, string, ('dtype' | undefined)?])[] = [
${methods.map((m) => `  ['${m.js}', '${m.name}'${m.dtypeResult ? ", 'dtype'" : ''}],`).join('\n')}
];
`;

const fnName = (f) => (RESERVED.has(f.js) ? `${f.js}_` : f.js);
const functionDecls = functions.map((f) => `export const ${fnName(f)} = opFunction('${f.name}'${f.dtypeResult ? ", 'dtype'" : ''}) as unknown as {\n${f.sigs.map((s) => `  ${s};`).join('\n')}\n};`).join('\n');
const functionsTs = `${header}${typeImports(functionDecls, (scalar) => `import { opFunction, ${scalar ? 'type Scalar, ' : ''}type Tensor } from '../tensor.js';`)}

${functionDecls}
${functions.some((f) => RESERVED.has(f.js)) ? `export { ${functions.filter((f) => RESERVED.has(f.js)).map((f) => `${f.js}_ as ${f.js}`).join(', ')} };\n` : ''}`;

mkdirSync(join(root, 'lib/generated'), { recursive: true });
writeFileSync(join(root, 'lib/generated/methods.ts'), methodsTs);
writeFileSync(join(root, 'lib/generated/functions.ts'), functionsTs);
console.log(`generated ${methods.length} Tensor methods and ${functions.length} torch functions`);
