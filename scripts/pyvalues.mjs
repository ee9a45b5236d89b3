// Decoding and comparing Python values from fixtures (scripts/pyvalues.py writes them): used by
// scripts/coverage.mjs and test/opinfo-replay.ts. A tensor is { $: 'tensor', dtype, shape } with either
// `data` (nested numbers) or `b64` (its raw little-endian bytes, base64); a sparse tensor is
// { $: 'sparse', layout, shape, dense_dim, dense, ...its parts as tensors }.
import * as torch from '../dist/index.js';
import { camelCase } from '../dist/options.js';

export const camel = camelCase;   // the project's one rule (lib/options.ts)

// torch.testing.assert_close's default tolerances per dtype (OpInfo tests use the same).
export const TOLERANCES = {
  float16: [1e-3, 1e-5], bfloat16: [1.6e-2, 1e-5], float32: [1.3e-6, 1e-5], float64: [1e-7, 1e-7],
  complex32: [1e-3, 1e-5], complex64: [1.3e-6, 1e-5], complex128: [1e-7, 1e-7],
};
const SCALAR_TOLERANCE = [1.3e-6, 1e-5];
const COMPLEX_PARTS = { complex32: 'float16', complex64: 'float32', complex128: 'float64' };

// ---------------------------------------------------------------- decoding fixture values

export const special = (v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function flatten(data, out = []) {
  if (Array.isArray(data)) for (const d of data) flatten(d, out);
  else out.push(data);
  return out;
}

function flattenComplex(data, re = [], im = []) {
  if (Array.isArray(data) && data.length === 2 && !Array.isArray(data[0])) {
    re.push(special(data[0]));
    im.push(special(data[1]));
  } else for (const d of data) flattenComplex(d, re, im);
  return [re, im];
}

const mapNested = (data, fn) => (Array.isArray(data) ? data.map((d) => mapNested(d, fn)) : fn(data));

function dtypeOf(name) {
  const dtype = torch[name];
  if (dtype === undefined) throw new Error(`fixture dtype torch.${name} is not exported`);
  return dtype;
}

// The JS array type of each dtype's raw bytes (float16/bfloat16 as their bits; complex as interleaved parts).
const RAW = {
  bool: Uint8Array, uint8: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  float16: Uint16Array, bfloat16: Uint16Array, float32: Float32Array, float64: Float64Array,
  complex64: Float32Array, complex128: Float64Array,
};

/** The raw values of a b64 tensor: float16/bfloat16 widened to float32 (exact), complex interleaved. */
export function rawValues({ dtype, b64 }) {
  const bytes = Buffer.from(b64, 'base64');
  const copy = new Uint8Array(bytes.length);   // aligned for the typed array
  copy.set(bytes);
  const Type = RAW[dtype];
  if (!Type) throw new Error(`fixture dtype ${dtype} has no raw form`);
  const raw = new Type(copy.buffer);
  if (dtype === 'bfloat16') return new Float32Array(Uint32Array.from(raw, (h) => h << 16).buffer);   // bfloat16 is float32's top half
  if (dtype === 'float16') return Float32Array.from(raw, halfToFloat);
  return raw;
}

function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function makeRawTensor(spec) {
  const { dtype, shape } = spec;
  if (dtype === 'float16' || dtype === 'bfloat16') {
    // their very bits, viewed: a detour through float32 may flip a NaN's sign bit (signbit reads it)
    const bytes = Buffer.from(spec.b64, 'base64');
    const bits = new Int16Array(bytes.length / 2);
    new Uint8Array(bits.buffer).set(bytes);
    return torch.tensor(bits).view(dtypeOf(dtype)).reshape(shape).clone();
  }
  const values = rawValues(spec);
  if (COMPLEX_PARTS[dtype]) {
    return torch.viewAsComplex(torch.tensor(values).reshape([...shape, 2])).clone();
  }
  const direct = torch.tensor(values);
  // clone: a reshaped tensor is a view, and in-place ops like detach_ treat views differently
  return (dtype === direct.dtype.toString().slice(6) ? direct : direct.to(dtypeOf(dtype))).reshape(shape).clone();
}

export function makeTensor(spec) {
  if (spec.b64 !== undefined) return makeRawTensor(spec);
  const { dtype, shape, data } = spec;
  if (COMPLEX_PARTS[dtype]) {
    const part = dtypeOf(COMPLEX_PARTS[dtype]);
    const [re, im] = shape.includes(0) ? [[], []] : flattenComplex(data);
    // clone: a reshaped tensor is a view, and in-place ops like detach_ treat views differently
    return torch.complex(torch.tensor(re, { dtype: part }), torch.tensor(im, { dtype: part })).reshape(shape).clone();
  }
  const flat = flatten(data).map(special);
  if (flat.some((v) => typeof v === 'string')) {
    return torch.tensor(BigInt64Array.from(flat, (v) => BigInt(v)), { dtype: dtypeOf(dtype) }).reshape(shape).clone();
  }
  if (shape.includes(0)) return torch.empty(shape, { dtype: dtypeOf(dtype) });
  return torch.tensor(mapNested(data, special), { dtype: dtypeOf(dtype) });
}

// A sparse tensor from its parts as Python stored them (pyvalues.py enc_sparse).
function makeSparse(spec) {
  const layout = torch[camel(spec.layout)];
  if (spec.layout === 'sparse_coo') {
    return torch.sparseCooTensor(makeTensor(spec.indices), makeTensor(spec.values), spec.shape, { isCoalesced: spec.coalesced });
  }
  return torch.sparseCompressedTensor(makeTensor(spec.compressed), makeTensor(spec.plain), makeTensor(spec.values), spec.shape, { layout });
}

function resolvePath(path) {
  // 'torch.channels_last' -> torch.channelsLast (identifiers are camelCased; dtypes keep their spelling)
  const name = path.replace(/^torch\./, '');
  return torch[camel(name)] ?? torch[name];
}


export function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v === null || typeof v !== 'object') return special(v);
  switch (v.$) {
    case 'tensor': return makeTensor(v);
    case 'sparse': return makeSparse(v);
    case 'float': return v.v;
    case 'bigint': return BigInt(v.v);
    case 'dtype': return dtypeOf(v.name);
    case 'device': return v.v;
    case 'attr': return resolvePath(v.path);
    case 'named': return v.items.map(decode);
    case 'dict': return Object.fromEntries(Object.entries(v.v).map(([k, x]) => [k, decode(x)]));
    case 'module': {   // a module argument: its constructor call, keyword arguments as camelCase options
      const kwargs = Object.entries(v.kwargs).map(([k, x]) => [camel(k), decode(x)]);
      return new torch.nn[v.className](...decode(v.args), ...(kwargs.length ? [Object.fromEntries(kwargs)] : []));
    }
    case 'complex': throw new TypeError('a Python complex scalar argument has no JS form yet');
    default: throw new Error(`fixture value tag ${v.$} cannot be an argument`);
  }
}

// ---------------------------------------------------------------- comparing results

function close(actual, expected, [rtol, atol]) {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

const toNumber = (v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : v);

/** The values of a result tensor as a flat array (complex as interleaved parts, float16/bfloat16 widened). */
function actualValues(actual) {
  const plain = actual.resolveConj().resolveNeg();
  return (actual.isComplex() ? torch.viewAsReal(plain) : plain).contiguous().toTypedArray();
}

function compareTensor(actual, expected, mode) {
  if (!(actual instanceof torch.Tensor)) return `expected a Tensor, got ${describe(actual)}`;
  if (String(actual.dtype) !== `torch.${expected.dtype}`) return `dtype ${String(actual.dtype)} != torch.${expected.dtype}`;
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    return `shape [${actual.shape}] != [${expected.shape}]`;
  }
  if (mode.meta) return null;
  if (expected.b64 !== undefined) return compareRaw(actualValues(actual), rawValues(expected), expected, mode);
  const complex = Boolean(COMPLEX_PARTS[expected.dtype]);
  const want = complex ? flattenComplex(expected.data).flat() : flatten(expected.data).map(special);
  // int64 beyond 2^53 has no exact JS number: read those as BigInt
  const wide = ['int64', 'uint64'].includes(expected.dtype);
  const list = wide ? [...actual.contiguous().toTypedArray()] : actual.tolist();
  const got = complex ? flattenComplex(list).flat() : flatten(list);
  if (wide) {
    const mismatch = want.findIndex((w, i) => BigInt(w) !== BigInt(got[i]));
    return mismatch < 0 ? null : `value [${mismatch}] ${got[mismatch]} != ${want[mismatch]}`;
  }
  const tolerance = mode.exact ? [0, 0] : mode.tolerance ?? TOLERANCES[expected.dtype] ?? [0, 0];
  // Narrower floats are written with 9 significant digits, which name one float32 exactly: round to it.
  const narrow = mode.exact && !['float64', 'complex128'].includes(expected.dtype);
  for (let i = 0; i < want.length; i++) {
    let w = typeof want[i] === 'string' ? Number(want[i]) : toNumber(want[i]);
    if (narrow) w = Math.fround(w);
    if (!close(toNumber(got[i]), w, tolerance)) return `value [${i}] ${got[i]} != ${want[i]}${mode.exact ? ' (exact)' : ''}`;
  }
  return null;
}

// A sparse result: its layout, size, dense dims, number of stored elements, COO's coalesced flag, then
// its dense form by the dense tensor's rules.
function compareSparse(actual, expected, mode) {
  if (!(actual instanceof torch.Tensor)) return `expected a sparse Tensor, got ${describe(actual)}`;
  if (String(actual.layout) !== `torch.${expected.layout}`) return `layout ${String(actual.layout)} != torch.${expected.layout}`;
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) return `shape [${actual.shape}] != [${expected.shape}]`;
  if (actual.denseDim() !== expected.dense_dim) return `dense_dim ${actual.denseDim()} != ${expected.dense_dim}`;
  const nnz = expected.values.shape[0];
  if (actual._nnz() !== nnz) return `nnz ${actual._nnz()} != ${nnz}`;
  if (expected.layout === 'sparse_coo' && actual.isCoalesced() !== expected.coalesced) return `is_coalesced ${actual.isCoalesced()} != ${expected.coalesced}`;
  const diff = compareTensor(actual.toDense(), expected.dense, mode);
  return diff && `to_dense(): ${diff}`;
}

/** Flat typed arrays: bit-exact for integers, bool and mode.exact, else within the dtype's tolerance. */
function compareRaw(got, want, expected, mode) {
  const tolerance = mode.exact ? [0, 0] : mode.tolerance ?? TOLERANCES[expected.dtype] ?? [0, 0];
  const at = (i) => (COMPLEX_PARTS[expected.dtype] ? `[${i >> 1}].${i & 1 ? 'imag' : 'real'}` : `[${i}]`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i] || close(Number(got[i]), Number(want[i]), tolerance)) continue;
    return `value ${at(i)} ${got[i]} != ${want[i]} (rtol ${tolerance[0]}, atol ${tolerance[1]})`;
  }
  return null;
}

export function describe(v) {
  if (v instanceof torch.Tensor) return `Tensor(${String(v.dtype)}, [${v.shape}])`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

/**
 * null when `actual` matches the fixture's `expected`, else what differs. `mode`: true (or { meta: true })
 * compares dtype and shape only; { exact: true } demands identical values; { tolerance: [rtol, atol] }.
 */
export function compare(actual, expected, mode = {}) {
  if (typeof mode === 'boolean') mode = { meta: mode };
  if (expected === null) return actual === null || actual === undefined ? null : `expected null, got ${describe(actual)}`;
  if (typeof expected === 'boolean') return actual === expected ? null : `${describe(actual)} != ${expected}`;
  if (typeof expected === 'string' && !['nan', 'inf', '-inf'].includes(expected)) {
    return actual === expected ? null : `${describe(actual)} != '${expected}'`;
  }
  if (typeof expected === 'number' || typeof expected === 'string') {
    const want = special(expected);
    if (typeof actual !== 'number' && typeof actual !== 'bigint') return `expected number ${expected}, got ${describe(actual)}`;
    const tolerance = Number.isInteger(want) ? [0, 0] : SCALAR_TOLERANCE;
    return close(toNumber(actual), want, tolerance) ? null : `${actual} != ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `expected array(${expected.length}), got ${describe(actual)}`;
    if (actual.length !== expected.length) return `array length ${actual.length} != ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const diff = compare(actual[i], expected[i], mode);
      if (diff) return `[${i}]: ${diff}`;
    }
    return null;
  }
  switch (expected.$) {
    case 'tensor': return compareTensor(actual, expected, mode);
    case 'sparse': return compareSparse(actual, expected, mode);
    case 'float': return compare(actual, expected.v);
    case 'bigint':
      return typeof actual === 'bigint' && actual === BigInt(expected.v) ? null : `${describe(actual)} != ${expected.v}n`;
    case 'dtype': return String(actual) === `torch.${expected.name}` ? null : `${describe(actual)} != torch.${expected.name}`;
    case 'device': case 'repr': return String(actual) === expected.v ? null : `${describe(actual)} != ${expected.v}`;
    case 'attr': return String(actual) === expected.path ? null : `${describe(actual)} != ${expected.path}`;
    case 'complex': return `complex scalar results have no JS form yet (got ${describe(actual)})`;
    case 'named': {
      const diff = compare(actual, expected.items, mode);
      if (diff) return diff;
      const unnamed = expected.names.find((n, i) => actual[camel(n)] !== actual[i]);
      return unnamed === undefined ? null : `result has no field ${camel(unnamed)}`;
    }
    case 'dict': {
      if (actual === null || typeof actual !== 'object') return `expected object, got ${describe(actual)}`;
      for (const [k, v] of Object.entries(expected.v)) {
        const diff = compare(actual[k], v, mode);
        if (diff) return `.${k}: ${diff}`;
      }
      return null;
    }
    default: return `fixture expectation tag ${expected.$} unknown`;
  }
}

