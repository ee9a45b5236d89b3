// torch.testing: assertClose and makeTensor, ported from PyTorch 2.13's torch/testing/_comparison.py
// and _creation.py so that failures read exactly like Python's (same checks, order and text).
import { AssertionError } from 'node:assert';

import { aten } from './call.js';
import { tensor as makeTensorFrom } from './creation.js';
import { toDevice, type DeviceLike } from './device.js';
import { type DType, dtypeFromCode, type DTypeLike, int64, pySize, qschemeFromCode, toDType } from './dtype.js';
import { native } from './native.js';
import { floatDigits, pyFloat, pyTuple } from './print.js';
import { describe, isOptionsObject, pyTypeName, readOptions } from './options.js';
import { tidy } from './scope.js';
import { handleOfTensor, isTensor, Tensor, type TypedArray } from './tensor.js';

// ---- Python value text ------------------------------------------------------------------------

/** A Python scalar: JS whole numbers are ints, other numbers floats (the API's rule), booleans bools. */
interface PyScalar {
  kind: 'int' | 'float' | 'bool' | 'complex';
  value: number;
  imag?: number;
  /** An int beyond 2^53, exactly (Python's ints have no limit; `value` is its nearest double). */
  exact?: bigint;
}

/** A Python int from a bigint: a number where that is exact. */
function intScalar(v: bigint): PyScalar {
  const n = Number(v);
  return Number.isSafeInteger(n) ? { kind: 'int', value: n } : { kind: 'int', value: n, exact: v };
}
const exactInt = (v: PyScalar): bigint => v.exact ?? BigInt(v.value);

function pyRepr(v: PyScalar): string {
  switch (v.kind) {
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return v.exact !== undefined ? v.exact.toString() : Number.isSafeInteger(v.value) ? String(v.value) : BigInt(v.value).toString();
    case 'float':
      return pyFloat(v.value);
    case 'complex': {
      const im = v.imag ?? 0;
      if (v.value === 0 && !Object.is(v.value, -0)) return `${floatDigits(im)}j`;
      const imText = floatDigits(im);
      return `(${floatDigits(v.value)}${imText.startsWith('-') ? '' : '+'}${imText}j)`;
    }
  }
}

/** A Python value's repr for messages (numbers by the int/float rule, lists, dicts, None, tensors). */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyRepr(numberScalar(v));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyStr).join(', ')}]`;
  if (isOptionsObject(v)) return `{${Object.entries(v).map(([k, x]) => `'${k}': ${pyStr(x)}`).join(', ')}}`;
  return String(v);
}

const numberScalar = (x: number): PyScalar => ({ kind: Number.isInteger(x) ? 'int' : 'float', value: x });

// f'{x:.1%}': the exact binary value rounded half to even (toFixed rounds exact ties up).
function percent(x: number): string {
  const scaled = x * 100;
  const exact = scaled.toFixed(30);
  const dot = exact.indexOf('.');
  if (/^50*$/.test(exact.slice(dot + 2))) {
    const down = exact.slice(0, dot + 2);
    return `${Number(exact[dot + 1]) % 2 === 0 ? down : (Number(down) + 0.1).toFixed(1)}%`;
  }
  return `${scaled.toFixed(1)}%`;
}

/** Python's classes of torchnode's Tensor subclasses (nn.Buffer makes a plain torch.Tensor in Python). */
const TENSOR_SUBCLASSES: Readonly<Record<string, string>> = {
  Parameter: 'torch.nn.parameter.Parameter',
  UninitializedParameter: 'torch.nn.parameter.UninitializedParameter',
  UninitializedBuffer: 'torch.nn.parameter.UninitializedBuffer',
};
const tensorClass = (t: Tensor): string => TENSOR_SUBCLASSES[t.constructor.name] ?? 'torch.Tensor';

/** Python's class name of a value, as `type(x)` prints it. */
function pyClass(v: unknown): string {
  return `<class '${isTensor(v) ? tensorClass(v) : pyTypeName(v)}'>`;
}

// ---- errors -------------------------------------------------------------------------------------

type PyErrorType = 'AssertionError' | 'TypeError' | 'ValueError' | 'RuntimeError';
type Id = readonly (number | string)[];
type Msg = string | ((generated: string) => string) | null | undefined;

/** Python's ErrorMeta: the error to raise once the whole input is compared. */
class ErrorMeta {
  constructor(
    readonly type: PyErrorType,
    readonly msg: string,
    readonly id: Id = [],
  ) {}
  toError(msg?: Msg): Error {
    let text: string;
    if (typeof msg === 'string') text = msg;
    else {
      text = this.msg;
      if (this.id.length) text += `\n\nThe failure occurred for item ${this.id.map((item) => `[${pyStr(item)}]`).join('')}`;
      if (typeof msg === 'function') text = msg(text);
    }
    switch (this.type) {
      case 'AssertionError':
        return new AssertionError({ message: text });
      case 'TypeError':
      case 'ValueError': // bad arguments: a TypeError in JS terms
        return new TypeError(text);
      default:
        return new Error(text);
    }
  }
}

class UnsupportedInputs extends Error {}

// ---- tolerances ---------------------------------------------------------------------------------

const FLOAT32_PRECISION: [number, number] = [1.3e-6, 1e-5];
/** {dtype: [rtol, atol]}; quantized dtypes compare dequantized, with float32's tolerances. */
const DTYPE_PRECISIONS: Readonly<Record<string, [number, number]>> = {
  float16: [0.001, 1e-5],
  bfloat16: [0.016, 1e-5],
  float32: FLOAT32_PRECISION,
  float64: [1e-7, 1e-7],
  complex32: [0.001, 1e-5],
  complex64: FLOAT32_PRECISION,
  complex128: [1e-7, 1e-7],
  quint8: FLOAT32_PRECISION,
  quint2x4: FLOAT32_PRECISION,
  quint4x2: FLOAT32_PRECISION,
  qint8: FLOAT32_PRECISION,
  qint32: FLOAT32_PRECISION,
};

/** torch.testing's default [rtol, atol] for dtypes: the loosest of them (0, 0 for exact types). */
export function defaultTolerances(...dtypes: DTypeLike[]): [number, number] {
  const pairs = dtypes.map((d) => DTYPE_PRECISIONS[toDType(d, 'defaultTolerances').name] ?? [0, 0]);
  return [Math.max(...pairs.map((p) => p[0])), Math.max(...pairs.map((p) => p[1]))];
}

interface Tolerance {
  value: number;
  text: string;
}
const floatTolerance = (value: number): Tolerance => ({ value, text: pyFloat(value) });

function getTolerances(dtypes: string[], o: CloseOptions, id: Id): [Tolerance, Tolerance] {
  const { rtol, atol } = o;
  if ((rtol === null) !== (atol === null))
    throw new ErrorMeta('ValueError', `Both 'rtol' and 'atol' must be either specified or omitted, but got no ${rtol === null ? 'rtol' : 'atol'}.`, id);
  if (rtol !== null && atol !== null) {
    const text = o.tolerancesAreFloats ? pyFloat : pyStr;
    return [{ value: rtol, text: text(rtol) }, { value: atol, text: text(atol) }];
  }
  const pairs = dtypes.map((d) => DTYPE_PRECISIONS[d] ?? [0, 0]);
  return [floatTolerance(Math.max(...pairs.map((p) => p[0]))), floatTolerance(Math.max(...pairs.map((p) => p[1])))];
}

// ---- messages -----------------------------------------------------------------------------------

interface DiffStats {
  absDiff: PyScalar;
  absIdx: string | null;
  relDiff: PyScalar;
  relIdx: string | null;
}

function mismatchMessage(identifier: string, extra: string, stats: DiffStats, rtol: Tolerance, atol: Tolerance): string {
  const equality = rtol.value === 0 && atol.value === 0;
  const line = (type: string, diff: PyScalar, idx: string | null, tol: Tolerance): string => {
    let msg = idx === null ? `${type[0]!.toUpperCase()}${type.slice(1)} difference: ${pyRepr(diff)}` : `Greatest ${type} difference: ${pyRepr(diff)} at index ${idx}`;
    if (!equality) msg += ` (up to ${tol.text} allowed)`;
    return `${msg}\n`;
  };
  let msg = `${identifier} are not ${equality ? 'equal' : 'close'}!\n\n`;
  if (extra) msg += `${extra.trim()}\n`;
  msg += line('absolute', stats.absDiff, stats.absIdx, atol);
  msg += line('relative', stats.relDiff, stats.relIdx, rtol);
  return msg.trim();
}

const isNumeric = (v: PyScalar): boolean => v.kind !== 'complex';
function scalarSub(a: PyScalar, b: PyScalar): PyScalar {
  if (isNumeric(a) && isNumeric(b)) {
    const kind = a.kind === 'float' || b.kind === 'float' ? 'float' : 'int';
    if (kind === 'int' && (a.exact !== undefined || b.exact !== undefined)) return intScalar(exactInt(a) - exactInt(b));
    return { kind, value: a.value - b.value };
  }
  return { kind: 'complex', value: a.value - b.value, imag: (a.imag ?? 0) - (b.imag ?? 0) };
}
const scalarAbs = (v: PyScalar): PyScalar =>
  v.exact !== undefined ? intScalar(v.exact < 0n ? -v.exact : v.exact)
  : v.kind === 'complex' ? { kind: 'float', value: Math.hypot(v.value, v.imag ?? 0) } : { kind: v.kind === 'bool' ? 'int' : v.kind, value: Math.abs(v.value) };

/** Python's int / int: the exact quotient, correctly rounded to a float. */
function intTrueDiv(a: bigint, b: bigint): number {
  const negative = a < 0n !== b < 0n;
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  if (a === 0n) return negative ? -0 : 0;
  // A quotient of 55+ bits plus a sticky bit for any remainder rounds to the nearest double exactly.
  const shift = 55 - (a.toString(2).length - b.toString(2).length);
  const [num, den] = shift >= 0 ? [a << BigInt(shift), b] : [a, b << BigInt(-shift)];
  let q = num / den;
  if (num % den !== 0n) q |= 1n;
  const value = Number(q) * 2 ** -shift;
  return negative ? -value : value;
}

function scalarMismatchMessage(actual: PyScalar, expected: PyScalar, rtol: Tolerance, atol: Tolerance, identifier = 'Scalars'): string {
  const absDiff = scalarAbs(scalarSub(actual, expected));
  const expectedZero = expected.value === 0 && (expected.imag ?? 0) === 0;
  const ints = absDiff.kind === 'int' && expected.kind === 'int';
  const relDiff: PyScalar = {
    kind: 'float',
    value: expectedZero ? Infinity : ints ? intTrueDiv(exactInt(absDiff), exactInt(scalarAbs(expected))) : absDiff.value / scalarAbs(expected).value,
  };
  return mismatchMessage(identifier, `Expected ${pyRepr(expected)} but got ${pyRepr(actual)}.`, { absDiff, absIdx: null, relDiff, relIdx: null }, rtol, atol);
}

// ---- tensor helpers (every intermediate is freed by the caller's tidy) --------------------------

const op = (name: string, ...args: unknown[]): Tensor => aten(name, args) as Tensor;
const layoutOf = (t: Tensor): string => native.layout(handleOfTensor(t));
const COMPRESSED: Readonly<Record<string, [string, string, string]>> = {
  sparse_csr: ['CSR', 'crow_indices', 'col_indices'],
  sparse_csc: ['CSC', 'ccol_indices', 'row_indices'],
  sparse_bsr: ['BSR', 'crow_indices', 'col_indices'],
  sparse_bsc: ['BSC', 'ccol_indices', 'row_indices'],
};
const SUPPORTED_LAYOUTS = new Set(['strided', 'jagged', 'sparse_coo', ...Object.keys(COMPRESSED)]);

function itemScalar(t: Tensor): PyScalar {
  const dt = t.dtype;
  if (dt.isComplex) {
    const [re, im] = t.tolist() as unknown as [number, number];
    return { kind: 'complex', value: re, imag: im };
  }
  // 64-bit ints read exactly: item() refuses values beyond 2^53
  if (dt.name === 'int64' || dt.name === 'uint64') return intScalar((t.reshape(-1).toTypedArray() as BigInt64Array | BigUint64Array)[0]!);
  const v = t.item();
  if (typeof v === 'boolean') return { kind: 'bool', value: v ? 1 : 0 };
  return { kind: dt.isFloatingPoint ? 'float' : 'int', value: v };
}

/** The coordinates of flat (row-major) index `k` in `shape`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

function tensorMismatchMessage(actual: Tensor, expected: Tensor, matches: Tensor, rtol: Tolerance, atol: Tolerance, identifier: string): string {
  const shape = matches.shape;
  const total = matches.numel();
  const mismatches = total - (op('sum', matches).item());
  const extra = `Mismatched elements: ${mismatches} / ${total} (${percent(mismatches / total)})`;
  const dt = actual.dtype;
  if (dt.isFloatingPoint && dt.itemsize === 1) {
    // float8: bitwise comparison, reported by the first mismatch only
    const first = (op('nonzero', op('logical_not', matches)).index(0).tolist() as number[]);
    return `${identifier} are not 'equal'!\n\n${extra}\nThe first mismatched element is at index ${pyTuple(first)}.`;
  }
  let actualFlat = op('flatten', actual);
  let expectedFlat = op('flatten', expected);
  const matchesFlat = op('flatten', matches);
  if (!dt.isFloatingPoint && !dt.isComplex) {
    actualFlat = actualFlat.to(int64);
    expectedFlat = expectedFlat.to(int64);
  }
  const absDiff = op('abs', op('sub', actualFlat, expectedFlat));
  absDiff.indexPut_([matchesFlat], 0);
  const [maxAbs, maxAbsIdx] = aten('max', [absDiff, 0]) as [Tensor, Tensor];
  const relDiff = op('div', absDiff, op('abs', expectedFlat));
  relDiff.indexPut_([matchesFlat], 0);
  const [maxRel, maxRelIdx] = aten('max', [relDiff, 0]) as [Tensor, Tensor];
  return mismatchMessage(
    identifier,
    extra,
    { absDiff: itemScalar(maxAbs), absIdx: pyTuple(unravel(maxAbsIdx.item(), shape)), relDiff: itemScalar(maxRel), relIdx: pyTuple(unravel(maxRelIdx.item(), shape)) },
    rtol,
    atol,
  );
}

// ---- pairs --------------------------------------------------------------------------------------

interface CloseOptions {
  rtol: number | null;
  atol: number | null;
  equalNan: boolean;
  checkDevice: boolean;
  checkDtype: boolean;
  checkLayout: boolean;
  checkStride: boolean;
  /** false: tensors must be of one Python class (a Parameter is not a Tensor then). */
  allowSubclasses?: boolean;
  /** Tolerances torchnode computed (assertAllclose's defaults) print as the Python floats they are. */
  tolerancesAreFloats?: boolean;
}

interface Pair {
  compare(): void;
}

function nonePair(actual: unknown, expected: unknown, id: Id): Pair {
  const isNone = (v: unknown): boolean => v === null || v === undefined;
  if (!isNone(actual) && !isNone(expected)) throw new UnsupportedInputs();
  return {
    compare(): void {
      if (!(isNone(actual) && isNone(expected))) throw new ErrorMeta('AssertionError', `None mismatch: ${pyStr(actual)} is not ${pyStr(expected)}`, id);
    },
  };
}

function booleanPair(actual: unknown, expected: unknown, id: Id): Pair {
  if (typeof actual !== 'boolean' || typeof expected !== 'boolean') throw new UnsupportedInputs();
  return {
    compare(): void {
      if (actual !== expected) throw new ErrorMeta('AssertionError', `Booleans mismatch: ${pyStr(actual)} is not ${pyStr(expected)}`, id);
    },
  };
}

function numberPair(actual: unknown, expected: unknown, id: Id, o: CloseOptions): Pair {
  const numberLike = (v: unknown): boolean => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean'; // bool is an int in Python
  if (!numberLike(actual) || !numberLike(expected)) throw new UnsupportedInputs();
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    // Python's NumberPair has no dtype for bool: it fails while it is built.
    const show = (v: unknown): string => `${typeof v === 'boolean' ? 'bool' : pyClass(v).slice(8, -2)}(): ${pyStr(v)}`;
    throw new ErrorMeta(
      'RuntimeError',
      `Originating a NumberPair() at item ${id.map((item) => `[${pyStr(item)}]`).join('')} with\n\n${show(actual)}\n\nand\n\n${show(expected)}\n\n` +
        'resulted in the unexpected exception above. If you are a user and see this message during normal operation please file an issue at https://github.com/pytorch/pytorch/issues. ' +
        'If you are a developer and working on the comparison functions, please except the previous error and raise an expressive `ErrorMeta` instead.',
    );
  }
  const asScalar = (v: unknown): PyScalar => (typeof v === 'bigint' ? intScalar(v) : numberScalar(v as number));
  const a = asScalar(actual);
  const e = asScalar(expected);
  const [rtol, atol] = getTolerances([a, e].map((v) => (v.kind === 'int' ? 'int64' : 'float64')), o, id);
  return {
    compare(): void {
      if (o.checkDtype && a.kind !== e.kind) throw new ErrorMeta('AssertionError', `The (d)types do not match: <class '${a.kind}'> != <class '${e.kind}'>.`, id);
      if (a.kind === 'int' && e.kind === 'int') {
        // Python's ints are exact: compare them as such (the difference an int, the tolerance a float
        // unless both tolerances are ints).
        const [ai, ei] = [exactInt(a), exactInt(e)];
        if (ai === ei) return;
        const absDiff = ai > ei ? ai - ei : ei - ai;
        const absExpected = ei < 0n ? -ei : ei;
        const intTol = (t: Tolerance): boolean => Number.isInteger(t.value) && t.text === pyStr(t.value);
        const close = intTol(rtol) && intTol(atol) ? absDiff <= BigInt(atol.value) + BigInt(rtol.value) * absExpected : absDiff <= atol.value + rtol.value * Number(absExpected);
        if (close) return;
        throw new ErrorMeta('AssertionError', scalarMismatchMessage(a, e, rtol, atol), id);
      }
      if (a.value === e.value) return;
      if (o.equalNan && Number.isNaN(a.value) && Number.isNaN(e.value)) return;
      const absDiff = Math.abs(a.value - e.value);
      if (Number.isFinite(absDiff) && absDiff <= atol.value + rtol.value * Math.abs(e.value)) return;
      throw new ErrorMeta('AssertionError', scalarMismatchMessage(a, e, rtol, atol), id);
    },
  };
}

function toTensorLike(v: unknown): Tensor {
  if (isTensor(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return makeTensorFrom(v as TypedArray);
  throw new UnsupportedInputs();
}

function tensorLikePair(actualIn: unknown, expectedIn: unknown, id: Id, o: CloseOptions): Pair {
  // Only directly related types: tensors with tensors, typed arrays of one kind (numpy arrays in Python).
  // Typed arrays of any element types are all numpy.ndarray in Python.
  const typedArray = (v: unknown): boolean => ArrayBuffer.isView(v) && !(v instanceof DataView);
  const related = (isTensor(actualIn) && isTensor(expectedIn)) || (typedArray(actualIn) && typedArray(expectedIn));
  if (!related) throw new UnsupportedInputs();
  // allow_subclasses=False: the same Python class (torch.Tensor vs torch.nn.parameter.Parameter)
  if (o.allowSubclasses === false && isTensor(actualIn) && isTensor(expectedIn) && tensorClass(actualIn) !== tensorClass(expectedIn)) throw new UnsupportedInputs();
  const actual = toTensorLike(actualIn);
  const expected = toTensorLike(expectedIn);
  for (const t of [actual, expected]) if (!SUPPORTED_LAYOUTS.has(layoutOf(t))) throw new ErrorMeta('ValueError', `Unsupported tensor layout torch.${layoutOf(t)}`, id);
  const [rtol, atol] = getTolerances([actual.dtype.name, expected.dtype.name], o, id);
  const fail = (msg: string): never => {
    throw new ErrorMeta('AssertionError', msg, id);
  };

  // identifier: the subject of the message, or a function of the default one ('Scalars' or 'Tensor-likes')
  const regularClose = (a: Tensor, e: Tensor, rt: Tolerance, at: Tolerance, identifier?: string | ((byDefault: string) => string)): void => {
    const matches = op('isclose', a, e, rt.value, at.value, o.equalNan);
    if (op('all', matches).item()) return;
    const subject = (byDefault: string): string => (typeof identifier === 'function' ? identifier(byDefault) : identifier ?? byDefault);
    if (a.dim() === 0) fail(scalarMismatchMessage(itemScalar(a), itemScalar(e), rt, at, subject('Scalars')));
    fail(tensorMismatchMessage(a, e, matches, rt, at, subject('Tensor-likes')));
  };
  const exact = floatTolerance(0);
  const regularEqual = (a: Tensor, e: Tensor, identifier: string): void => regularClose(a, e, { value: 0, text: '0' }, exact, identifier);

  const compareAttributes = (): void => {
    const mismatch = (name: string, a: string, e: string): never => fail(`The values for attribute '${name}' do not match: ${a} != ${e}.`);
    const [aShape, eShape] = [nestedShape(actual), nestedShape(expected)];
    if (aShape !== eShape) mismatch('shape', aShape, eShape);
    if (actual.isQuantized !== expected.isQuantized) mismatch('is_quantized', pyStr(actual.isQuantized), pyStr(expected.isQuantized));
    else if (actual.isQuantized) {
      const [aScheme, eScheme] = [qschemeOf(actual), qschemeOf(expected)];
      if (aScheme !== eScheme) mismatch('qscheme()', aScheme, eScheme);
    }
    const [aLayout, eLayout] = [layoutOf(actual), layoutOf(expected)];
    if (aLayout !== eLayout) {
      if (o.checkLayout) mismatch('layout', `torch.${aLayout}`, `torch.${eLayout}`);
    } else if (aLayout === 'strided' && o.checkStride && pyTuple(actual.stride()) !== pyTuple(expected.stride())) {
      mismatch('stride()', pyTuple(actual.stride()), pyTuple(expected.stride()));
    }
    if (o.checkDevice && String(actual.device) !== String(expected.device)) mismatch('device', String(actual.device), String(expected.device));
    if (o.checkDtype && actual.dtype !== expected.dtype) mismatch('dtype', String(actual.dtype), String(expected.dtype));
  };

  const equalize = (): [Tensor, Tensor] => {
    let [a, e] = [actual, expected];
    if (String(a.device) !== String(e.device)) [a, e] = [a.cpu(), e.cpu()];
    if (a.dtype !== e.dtype) {
      const widen = (d: DType): DType => (['uint16', 'uint32', 'uint64'].includes(d.name) ? int64 : d);
      const common = promoteTypes(widen(a.dtype), widen(e.dtype));
      [a, e] = [a.to(common), e.to(common)];
    }
    if (layoutOf(a) !== layoutOf(e)) {
      a = layoutOf(a) === 'strided' ? a : op('to_dense', a);
      e = layoutOf(e) === 'strided' ? e : op('to_dense', e);
    }
    return [a, e];
  };

  const compareValues = (a: Tensor, e: Tensor): void => {
    const layout = layoutOf(a);
    if (a.isQuantized) {
      // _compare_quantized_values: the dequantized values, as 'Quantized tensor-likes' / 'Quantized scalars'
      regularClose(op('dequantize', a), op('dequantize', e), rtol, atol, (byDefault) => `Quantized ${byDefault.toLowerCase()}`);
    } else if (layout === 'sparse_coo') {
      const [aDim, eDim] = [aten('sparse_dim', [a]) as number, aten('sparse_dim', [e]) as number];
      if (aDim !== eDim) fail(`The number of sparse dimensions in sparse COO tensors does not match: ${aDim} != ${eDim}`);
      const [aNnz, eNnz] = [aten('_nnz', [a]) as number, aten('_nnz', [e]) as number];
      if (aNnz !== eNnz) fail(`The number of specified values in sparse COO tensors does not match: ${aNnz} != ${eNnz}`);
      regularEqual(op('_indices', a), op('_indices', e), 'Sparse COO indices');
      regularClose(op('_values', a), op('_values', e), rtol, atol, 'Sparse COO values');
    } else if (COMPRESSED[layout]) {
      const [format, compressedName, plainName] = COMPRESSED[layout]!;
      const [aNnz, eNnz] = [aten('_nnz', [a]) as number, aten('_nnz', [e]) as number];
      if (aNnz !== eNnz) fail(`The number of specified values in sparse ${format} tensors does not match: ${aNnz} != ${eNnz}`);
      const [aCompressed, eCompressed] = [op(compressedName, a), op(compressedName, e)];
      const indexDtype = promoteTypes(aCompressed.dtype, eCompressed.dtype);
      regularEqual(aCompressed.to(indexDtype), eCompressed.to(indexDtype), `Sparse ${format} ${compressedName}`);
      regularEqual(op(plainName, a).to(indexDtype), op(plainName, e).to(indexDtype), `Sparse ${format} ${plainName}`);
      regularClose(op('values', a), op('values', e), rtol, atol, `Sparse ${format} values`);
    } else if (a.dtype.isFloatingPoint && a.dtype.itemsize === 1) {
      if (rtol.value !== 0 || atol.value !== 0)
        fail(`Rtol=${rtol.text} and atol=${atol.text} are not supported for bitwise comparison of low dimensional floats. Please use rtol=0.0 and atol=0.0.`);
      regularClose(a, e, rtol, atol);
    } else {
      regularClose(a, e, rtol, atol);
    }
  };

  return {
    compare(): void {
      compareAttributes();
      if (actual.device.type === 'meta' || expected.device.type === 'meta') return;
      const [a, e] = equalize();
      compareValues(a, e);
    },
  };
}

const qschemeOf = (t: Tensor): string => `torch.${qschemeFromCode(aten('qscheme', [t]) as number).name}`;

// torch.Size([2, 3]) as Python prints it; nested tensors have no single size.
function nestedShape(t: Tensor): string {
  return pySize(t.shape);
}

function promoteTypes(a: DType, b: DType): DType {
  const r = aten('promote_types', [a, b]);
  return typeof r === 'number' ? dtypeFromCode(r) : (r as DType);
}

const PAIR_TYPES = [nonePair, booleanPair, numberPair, tensorLikePair] as const;

function originatePairs(actual: unknown, expected: unknown, o: CloseOptions, id: Id, out: Pair[]): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) throw new ErrorMeta('AssertionError', `The length of the sequences mismatch: ${actual.length} != ${expected.length}`, id);
    for (let i = 0; i < actual.length; i++) originatePairs(actual[i], expected[i], o, [...id, i], out);
    return;
  }
  if (isOptionsObject(actual) && isOptionsObject(expected)) {
    const actualKeys = new Set(Object.keys(actual));
    const expectedKeys = new Set(Object.keys(expected));
    const missing = [...expectedKeys].filter((k) => !actualKeys.has(k)).sort();
    const additional = [...actualKeys].filter((k) => !expectedKeys.has(k)).sort();
    if (missing.length || additional.length)
      throw new ErrorMeta(
        'AssertionError',
        `The keys of the mappings do not match:\nMissing keys in the actual mapping: ${pyStr(missing)}\nAdditional keys in the actual mapping: ${pyStr(additional)}`,
        id,
      );
    for (const key of [...actualKeys].sort()) originatePairs(actual[key], expected[key], o, [...id, key], out);
    return;
  }
  for (const pairType of PAIR_TYPES) {
    try {
      out.push(pairType(actual, expected, id, o));
      return;
    } catch (e) {
      if (!(e instanceof UnsupportedInputs)) throw e;
    }
  }
  throw new ErrorMeta('TypeError', `No comparison pair was able to handle inputs of type ${pyClass(actual)} and ${pyClass(expected)}.`, id);
}

export interface AssertCloseOptions {
  /** false: tensors must be of one class (an nn.Parameter is then no match for a plain Tensor). */
  allowSubclasses?: boolean;
  rtol?: number | null;
  atol?: number | null;
  equalNan?: boolean;
  checkDevice?: boolean;
  checkDtype?: boolean;
  checkLayout?: boolean;
  checkStride?: boolean;
  /** Replaces the message, or (a function) rewrites the generated one. */
  msg?: string | ((generated: string) => string) | null;
}

const CLOSE_KEYS = ['allowSubclasses', 'rtol', 'atol', 'equalNan', 'checkDevice', 'checkDtype', 'checkLayout', 'checkStride', 'msg'] as const;

function flag(v: unknown, name: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`assertClose: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

function tolerance(v: unknown, name: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`assertClose: ${name} must be a number, got ${Number.isNaN(v) ? 'NaN' : describe(v)}`);
  return v;
}

/**
 * torch.testing.assert_close: throws an AssertionError (node:assert's) with PyTorch's exact message
 * unless actual and expected are close. Inputs: Tensors, numbers (whole numbers are Python ints),
 * booleans, null, typed arrays, and arrays / plain objects of those, compared element by element.
 */
export function assertClose(actual: unknown, expected: unknown, options: AssertCloseOptions = {}): void {
  const opts = readOptions('assertClose', options, CLOSE_KEYS);
  const msg = opts.msg as Msg;
  if (msg !== undefined && msg !== null && typeof msg !== 'string' && typeof msg !== 'function')
    throw new TypeError(`assertClose: msg must be a string or a function, got ${describe(msg)}`);
  const o: CloseOptions = {
    rtol: tolerance(opts.rtol, 'rtol'),
    atol: tolerance(opts.atol, 'atol'),
    equalNan: flag(opts.equalNan, 'equalNan', false),
    checkDevice: flag(opts.checkDevice, 'checkDevice', true),
    checkDtype: flag(opts.checkDtype, 'checkDtype', true),
    checkLayout: flag(opts.checkLayout, 'checkLayout', true),
    checkStride: flag(opts.checkStride, 'checkStride', false),
    allowSubclasses: flag(opts.allowSubclasses, 'allowSubclasses', true),
  };
  assertCloseWith(actual, expected, o, msg);
}

function assertCloseWith(actual: unknown, expected: unknown, o: CloseOptions, msg: Msg): void {
  const failure = tidy((): ErrorMeta | null => {
    const pairs: Pair[] = [];
    try {
      originatePairs(actual, expected, o, [], pairs);
    } catch (e) {
      if (e instanceof ErrorMeta) throw e.toError(); // origination failures ignore msg, as in Python
      throw e;
    }
    for (const pair of pairs) {
      try {
        pair.compare();
      } catch (e) {
        if (e instanceof ErrorMeta) return e;
        throw e;
      }
    }
    return null;
  });
  if (failure) throw failure.toError(msg);
}

const ALLCLOSE_PRECISIONS: Readonly<Record<string, [number, number]>> = { float16: [1e-3, 1e-3], float32: [1e-4, 1e-5], float64: [1e-5, 1e-8] };
let allcloseWarned = false;

/**
 * torch.testing.assert_allclose (deprecated in PyTorch since 1.12; use assertClose): non-tensors
 * become tensors (expected in actual's dtype), NaNs are equal, dtypes are not checked.
 */
export function assertAllclose(
  actual: unknown,
  expected: unknown,
  rtol?: number | null | { rtol?: number | null; atol?: number | null; equalNan?: boolean; msg?: string },
  atol?: number | null,
  equalNan = true,
  msg = '',
): void {
  if (isOptionsObject(rtol)) {
    const o = readOptions('assertAllclose', rtol, ['rtol', 'atol', 'equalNan', 'msg']);
    return assertAllclose(actual, expected, (o.rtol as number | null) ?? null, (o.atol as number | null) ?? null, (o.equalNan as boolean | undefined) ?? true, (o.msg as string | undefined) ?? '');
  }
  if (!allcloseWarned) {
    allcloseWarned = true;
    process.emitWarning('`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future release. Please use `torch.testing.assert_close()` instead.', 'FutureWarning');
  }
  tidy(() => {
    const a = isTensor(actual) ? actual : makeTensorFrom(actual as number[]);
    const e = isTensor(expected) ? expected : makeTensorFrom(expected as number[], { dtype: a.dtype });
    let [r, t] = [rtol ?? null, atol ?? null];
    const computed = r === null && t === null;
    if (computed) {
      const pairs = [a.dtype.name, e.dtype.name].map((d) => ALLCLOSE_PRECISIONS[d] ?? [0, 0]);
      [r, t] = [Math.max(...pairs.map((p) => p[0])), Math.max(...pairs.map((p) => p[1]))];
    }
    assertCloseWith(a, e, { rtol: r, atol: t, equalNan, checkDevice: true, checkDtype: false, checkLayout: true, checkStride: false, tolerancesAreFloats: computed }, msg || null);
  });
}

// ---- makeTensor ---------------------------------------------------------------------------------

/** torch.finfo's max and tiny for the floating dtypes makeTensor draws. */
export const FINFO: Readonly<Record<string, { max: number; tiny: number }>> = {
  float16: { max: 65504, tiny: 6.103515625e-5 },
  bfloat16: { max: 3.3895313892515355e38, tiny: 1.1754943508222875e-38 },
  float32: { max: 3.4028234663852886e38, tiny: 1.1754943508222875e-38 },
  float64: { max: Number.MAX_VALUE, tiny: 2.2250738585072014e-308 },
  float8_e4m3fn: { max: 448, tiny: 0.015625 },
  float8_e5m2: { max: 57344, tiny: 6.103515625e-5 },
  float8_e4m3fnuz: { max: 240, tiny: 0.0078125 },
  float8_e5m2fnuz: { max: 57344, tiny: 3.0517578125e-5 },
};
const COMPLEX_PART: Readonly<Record<string, string>> = { complex32: 'float16', complex64: 'float32', complex128: 'float64' };
/** torch.iinfo's [min, max] of the integer dtypes, exact (BigInt). */
const IINFO: Readonly<Record<string, [bigint, bigint]>> = {
  uint8: [0n, 255n],
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint16: [0n, 65535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};
const FLOATING = new Set(['float16', 'bfloat16', 'float32', 'float64']);
const FLOATING_8BIT = new Set(['float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz']);

export interface MakeTensorOptions {
  dtype: DTypeLike;
  device: DeviceLike;
  low?: number | null;
  high?: number | null;
  requiresGrad?: boolean;
  noncontiguous?: boolean;
  excludeZero?: boolean;
  memoryFormat?: 'contiguous_format' | 'channels_last' | 'channels_last_3d' | 'preserve_format' | null;
}

const MAKE_KEYS = ['dtype', 'device', 'low', 'high', 'requiresGrad', 'noncontiguous', 'excludeZero', 'memoryFormat'] as const;
const numberText = (v: number | bigint): string => (typeof v === 'bigint' ? v.toString() : pyStr(v));

/**
 * torch.testing.make_tensor: a tensor of `shape` with values drawn uniformly from [low, high)
 * (defaults per dtype as in PyTorch); the same seed draws the same values as Python.
 */
export function makeTensor(...args: (number | number[] | MakeTensorOptions)[]): Tensor {
  const last = args[args.length - 1];
  if (!isOptionsObject(last)) throw new TypeError("makeTensor: missing the options object with the required 'dtype' and 'device'");
  const opts = readOptions('makeTensor', last, MAKE_KEYS);
  const sizes = args.slice(0, -1);
  const shape = (sizes.length === 1 && Array.isArray(sizes[0]) ? sizes[0] : sizes) as number[];
  if (!shape.every((s) => Number.isInteger(s) && s >= 0)) throw new TypeError(`makeTensor: shape must be non-negative integers, got ${pyStr(shape)}`);
  if (opts.dtype === undefined) throw new TypeError("makeTensor: missing required option 'dtype'");
  if (opts.device === undefined) throw new TypeError("makeTensor: missing required option 'device'");
  const dtype = toDType(opts.dtype, 'makeTensor');
  const device = toDevice(opts.device as DeviceLike, 'makeTensor');
  const name = dtype.name;
  const requiresGrad = flag(opts.requiresGrad, 'requiresGrad', false);
  let noncontiguous = flag(opts.noncontiguous, 'noncontiguous', false);
  const excludeZero = flag(opts.excludeZero, 'excludeZero', false);
  const memoryFormat = (opts.memoryFormat ?? null) as string | null;
  const low = opts.low ?? null;
  const high = opts.high ?? null;
  for (const [key, v] of [['low', low], ['high', high]] as const)
    if (v !== null && typeof v !== 'number') throw new TypeError(`makeTensor: ${key} must be a number, got ${describe(v)}`);

  const integral = name === 'bool' || IINFO[name] !== undefined;
  if (noncontiguous && memoryFormat !== null)
    throw new TypeError(`makeTensor: The parameters \`noncontiguous\` and \`memory_format\` are mutually exclusive, but got noncontiguous=True and memory_format=torch.${memoryFormat.replace(/^torch\./, '')}`);
  if (requiresGrad && integral) throw new TypeError(`makeTensor: \`requires_grad=True\` is not supported for boolean and integral dtypes, but got dtype=${dtype}`);
  noncontiguous = noncontiguous && shape.reduce((a, b) => a * b, 1) > 1;
  const drawShape = noncontiguous ? [...shape.slice(0, -1), 2 * shape[shape.length - 1]!] : shape;

  // Python's modify_low_high: defaults, NaN and order checks, clamping into the dtype's range.
  // iinfo's bounds are Python ints, finfo's Python floats (-3.4028234663852886e+38, 65504.0)
  const boundText = (v: number | bigint): string => (integral ? numberText(v) : pyFloat(Number(v)));
  const lowHigh = (lowest: number | bigint, highestExclusive: number | bigint, defaultLow: number, defaultHigh: number): [number, number] => {
    const lo = (low as number | null) ?? defaultLow;
    const hi = (high as number | null) ?? defaultHigh;
    if (Number.isNaN(lo) || Number.isNaN(hi)) throw new TypeError(`makeTensor: \`low\` and \`high\` cannot be NaN, but got low=${pyStr(lo)} and high=${pyStr(hi)}`);
    if (lo === hi && !integral) {
      process.emitWarning('Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.', 'FutureWarning');
    } else if (lo >= hi) {
      throw new TypeError(`makeTensor: \`low\` must be less than \`high\`, but got ${pyStr(lo)} >= ${pyStr(hi)}`);
    } else if (hi < Number(lowest) || lo >= Number(highestExclusive)) {
      throw new TypeError(
        `makeTensor: The value interval specified by \`low\` and \`high\` is [${pyStr(lo)}, ${pyStr(hi)}), but ${dtype} only supports [${boundText(lowest)}, ${boundText(highestExclusive)})`,
      );
    }
    const clamp = (v: number): number => Math.min(Math.max(v, Number(lowest)), Number(highestExclusive));
    return [clamp(lo), clamp(hi)];
  };

  let result: Tensor;
  if (integral) {
    const [min, max] = name === 'bool' ? [0n, 1n] : IINFO[name]!;
    // randint's bound is exclusive and goes through int64: int64's own maximum cannot be exceeded.
    const highestExclusive = name === 'int64' ? max : max + 1n;
    const [lo, hi] = lowHigh(min, highestExclusive, name === 'bool' ? 0 : -9, name === 'bool' ? 2 : 10);
    // Exact integer bounds: ceil, then clamp as BigInt so int64's extremes survive.
    const exact = (v: number): bigint => {
      const b = BigInt(Math.ceil(v));
      return b < min ? min : b > highestExclusive ? highestExclusive : b;
    };
    const asArg = (b: bigint): number | bigint => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);
    result = op('randint', asArg(exact(lo)), asArg(exact(hi)), drawShape, { dtype, device });
  } else if (FLOATING.has(name) || COMPLEX_PART[name]) {
    const info = FINFO[COMPLEX_PART[name] ?? name]!;
    const [lo, hi] = lowHigh(-info.max, info.max, -9, 9);
    result = op('empty', drawShape, { dtype, device });
    uniformRandom(COMPLEX_PART[name] ? op('view_as_real', result) : result, lo, hi, info.max);
  } else if (FLOATING_8BIT.has(name)) {
    const info = FINFO[name]!;
    const [lo, hi] = lowHigh(-info.max, info.max, -9, 9);
    const draw = op('empty', drawShape, { dtype: 'float32', device });
    uniformRandom(draw, lo, hi, FINFO.float32!.max);
    result = draw.to(dtype);
    draw.dispose();
  } else {
    throw new TypeError(
      `makeTensor: The requested dtype '${dtype}' is not supported by torch.testing.make_tensor(). To request support, file an issue at: https://github.com/pytorch/pytorch/issues`,
    );
  }
  if (noncontiguous) result = replace(result, result.index('...', '1::2'));
  else if (memoryFormat !== null) result = replace(result, op('clone', result, { memoryFormat }));
  if (excludeZero) {
    const zeros = op('eq', result, 0);
    result.indexPut_([zeros], integral ? 1 : FINFO[COMPLEX_PART[name] ?? name]!.tiny);
    zeros.dispose();
  }
  if (!integral && !FLOATING_8BIT.has(name)) result.requiresGrad = requiresGrad;
  return result;
}

// uniform_ needs high - low below the dtype's max: draw half the range and double it.
function uniformRandom(t: Tensor, low: number, high: number, max: number): void {
  if (high - low >= max) aten('mul_', [aten('uniform_', [t, low / 2, high / 2]), 2]);
  else aten('uniform_', [t, low, high]);
}

function replace(old: Tensor, next: Tensor): Tensor {
  if (next !== old) old.dispose();
  return next;
}

/** The torch.testing namespace. */
export const testing = { assertClose, assertAllclose, makeTensor, defaultTolerances };
