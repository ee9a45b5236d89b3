// Tensor creation: torch.tensor from JS data, and the factory functions (zeros, rand, arange, ...).
import { isShared } from './shared_memory.js';
import { toDevice, type DeviceLike } from './device.js';
import { bool, DType, dtypeFromCode, getDefaultDtype, int64, toDType, type DTypeLike, type LayoutLike, type MemoryFormatLike, uint8, uint16, uint32, uint64, int8, int16, int32, float64, complex128 } from './dtype.js';
import { defaultGenerator, type Generator } from './generator.js';
import { isMainThread } from 'node:worker_threads';
import { native } from './native.js';
import { requireNamedTensors } from './runtime.js';
import { readOptions } from './options.js';
import { aten, callFactory, opId } from './call.js';
import { describe, isOptionsObject, isTensor, Tensor, type NestedArray, type Scalar, type TypedArray } from './tensor.js';
import { tracerWarn } from './jit_tracing.js';

export interface TensorOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  requiresGrad?: boolean;
  /** For random factories: the stream to draw from (default: torch.defaultGenerator). */
  generator?: Generator | null;
  /** Dimension names (named tensors). */
  names?: (string | null)[] | null;
}

/** The options of the factories (zeros, empty, arange, ..., *Like): each takes those its PyTorch overloads take. */
export interface FactoryOptions extends TensorOptions {
  /** torch.strided (the default) or a sparse layout, where the factory supports it. */
  layout?: LayoutLike | null;
  /** empty, emptyLike, zerosLike, ...: the strides' order (torch.channelsLast, torch.preserveFormat, ...). */
  memoryFormat?: MemoryFormatLike | null;
  pinMemory?: boolean | null;
  /** zeros, ones, full, arange, linspace, eye, empty, rand, ...: write into this tensor (resized) and return it; a dtype or device given too must be its own. */
  out?: Tensor | null;
}

type Element = number | boolean | bigint;
export type TensorData = Element | NestedArray<Element | Tensor | TypedArray> | TypedArray | Tensor;

// TypedArray constructor -> dtype, from the native table (tensor_data.cc kTypedArrays): one source.
const typedArrayDtypes = native.typedArrays().map(
  ({ name, dtype }) => [(globalThis as Record<string, unknown>)[name] as new (...a: never[]) => ArrayBufferView, dtypeFromCode(dtype)] as const,
);

function typedArrayDtype(v: unknown): DType | undefined {
  for (const [ctor, dt] of typedArrayDtypes) if (v instanceof ctor) return dt;
  return undefined;
}

// torch.tensor stops at this many dimensions: deeper lists raise "too many dimensions 'list'".
const MAX_NESTED_DIMS = 128;

// Element kinds seen in nested data, as bit flags.
const SEEN_BOOL = 1;
const SEEN_INT = 2;
const SEEN_FLOAT = 4;
const SEEN_BIGINT = 8;
// A TypedArray row inside the data: as a NumPy array inside a Python list, its elements are its dtype's scalars.
const SEEN_TYPED = 16;

// A whole JS number is a Python int up to 2 ** 64; from there it cannot hold an integer exactly and is a float (README).
const isIntNumber = (v: number): boolean => Number.isInteger(v) && Math.abs(v) < 2 ** 64;

// A TypedArray that torch.tensor reads (a DataView is none), standing for a NumPy array.
const isTypedData = (v: unknown): v is TypedArray => ArrayBuffer.isView(v) && typedArrayDtype(v) !== undefined;
// A sequence in nested data: an array, or a TypedArray (a row of numbers or BigInts).
const isSequence = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || isTypedData(v);

const pathText = (path: readonly number[]): string => path.map((i) => `[${i}]`).join('');
const where = (path: readonly number[]): string => (path.length ? `at ${pathText(path)}` : 'at the top level');
const tooDeep = (): RangeError =>
  new RangeError(`tensor: too many dimensions 'Array': nested arrays may be at most ${MAX_NESTED_DIMS} deep, like torch.tensor's lists`);

// Python refuses lists that contain themselves; so does torch.tensor here, instead of recursing forever.
// Returns that error when the value at path `at` in data is one of the arrays it sits in.
function selfReference(data: unknown, at: readonly number[]): TypeError | null {
  const chain: unknown[] = [data];
  for (const i of at) chain.push((chain[chain.length - 1] as unknown[])[i]);
  for (let j = 1; j < chain.length; j++) {
    const first = chain.indexOf(chain[j]);
    if (first < j && Array.isArray(chain[j])) {
      const outer = first === 0 ? 'at the top level' : `at ${pathText(at.slice(0, first))}`;
      return new TypeError(`tensor: self-referential arrays are incompatible (the array ${outer} contains itself at ${pathText(at.slice(0, j))})`);
    }
  }
  return null;
}

// The shape, read along the first elements: [] for a scalar, stopping at an empty array or a TypedArray (a row).
function nestedShape(data: unknown): number[] {
  const shape: number[] = [];
  const chain: unknown[] = [];
  for (let d: unknown = data; isSequence(d); d = d[0]) {
    if (chain.includes(d)) throw selfReference(data, new Array<number>(chain.length).fill(0))!;
    if (shape.length === MAX_NESTED_DIMS) throw tooDeep();
    chain.push(d);
    shape.push(d.length);
    if (d.length === 0 || !Array.isArray(d)) break;
  }
  return shape;
}

// Calls row(array, offset) for each innermost array (or TypedArray) of nested data of the given shape, in
// row-major order (offset: its first element's flat index), checking every level's type and length on the way.
// row returns the element kinds it saw (ORed into the result), or ~i for a bad element i.
function forEachRow(data: unknown, shape: readonly number[], row: (values: ArrayLike<unknown>, offset: number) => number): number {
  const ndim = shape.length;
  const path: number[] = [];
  let offset = 0;
  let kinds = 0;
  const badElement = (at: number[], v: unknown): Error =>
    selfReference(data, at) ?? new TypeError(`tensor: could not infer dtype of ${describe(v)} ${where(at)}`);
  const visit = (arr: ArrayLike<unknown>, depth: number): void => {
    if (depth === ndim - 1) {
      const result = row(arr, offset);
      if (result < 0) throw badElement([...path, ~result], arr[~result]);
      kinds |= result;
      offset += arr.length;
      return;
    }
    const size = shape[depth + 1]!;
    for (let i = 0; i < arr.length; i++) {
      const child = arr[i];
      path[depth] = i;
      if (!isSequence(child) || child.length !== size) {
        const at = path.slice(0, depth + 1);
        const cycle = selfReference(data, at);
        if (cycle) throw cycle;
        if (!isSequence(child)) throw new TypeError(`tensor: expected a sequence ${where(at)}, got ${describe(child)}`);
        throw new RangeError(`tensor: expected sequence of length ${size} at dim ${depth + 1} (got ${child.length}) ${where(at)}`);
      }
      visit(child, depth + 1);
    }
    path.length = depth;
  };
  if (ndim === 0) {
    const result = row([data], 0);
    if (result < 0) throw badElement([], data);
    return result;
  }
  visit(data as unknown[], 0);
  return kinds;
}

// Copies one innermost array into out (bools as 0/1; BigInts approximately, refined by fillBigInts);
// returns the kinds seen, or ~i for an element i that is no number, boolean or BigInt.
function fillNumbers(values: ArrayLike<unknown>, out: Float64Array, offset: number): number {
  if (!Array.isArray(values)) { // a TypedArray row
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < values.length; i++) out[offset + i] = Number(values[i]);
      return SEEN_TYPED | SEEN_BIGINT;
    }
    out.set(values as ArrayLike<number>, offset);
    return SEEN_TYPED;
  }
  let kinds = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      out[offset + i] = v;
      kinds |= isIntNumber(v) ? SEEN_INT : SEEN_FLOAT;
    } else if (typeof v === 'boolean') {
      out[offset + i] = v ? 1 : 0;
      kinds |= SEEN_BOOL;
    } else if (typeof v === 'bigint') {
      out[offset + i] = Number(v);
      kinds |= SEEN_BIGINT;
    } else {
      return ~i;
    }
  }
  return kinds;
}

// Copies one innermost array exactly into out as int64 or uint64 (a BigUint64Array), fractional numbers
// truncated toward zero as Python converts a float; checkRow has checked every element for the target.
function fillBigInts(values: ArrayLike<unknown>, out: BigInt64Array | BigUint64Array, offset: number): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as Element;
    out[offset + i] = typeof v === 'bigint' ? v : typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(Math.trunc(v));
  }
  return 0;
}

// Integer ranges: PyTorch refuses values an integer dtype cannot hold (c10's overflow check). An
// integer (a Python int) may also be -max..-1 for an unsigned dtype, which wraps as two's complement
// (torch.tensor([-1], dtype=torch.uint8) is 255); a fractional value (a Python float) must fit as it is.
// uint64 is apart: Python fills it with PyLong_AsUnsignedLongLong, which takes Python ints from 0 to 2 ** 64 - 1 only.
const INT_RANGES = new Map<DType, [number, number]>([
  [uint8, [0, 255]], [uint16, [0, 65535]], [uint32, [0, 2 ** 32 - 1]],
  [int8, [-128, 127]], [int16, [-32768, 32767]], [int32, [-(2 ** 31), 2 ** 31 - 1]], [int64, [-(2 ** 63), 2 ** 63]],
]);
const INT64_MIN = -(2n ** 63n);
const UINT64_END = 2n ** 64n;
// Whether a number fits the integer dtype `target` (whose range is `range`); `integer`: it is a Python int.
function fitsRange(v: number, integer: boolean, target: DType, [lo, hi]: [number, number]): boolean {
  if (!Number.isFinite(v)) return false;
  return target === int64 ? v >= lo && v < hi : lo === 0 && integer ? v >= -hi && v <= hi : v >= lo && v <= hi;
}
const overflow = (v: number | bigint, target: DType): RangeError =>
  new RangeError(`tensor: value ${v} cannot be converted to type ${target.name} without overflow`);
function checkRange(values: Float64Array, target: DType): void {
  const range = INT_RANGES.get(target);
  if (!range) return;
  for (const v of values) if (!fitsRange(v, Number.isInteger(v), target, range)) throw overflow(v, target);
}

// A BigInt element is a Python int: exact into int64, uint64 and the narrower integer dtypes (within
// their ranges, as checkRange has it for numbers), through a double into floating and complex dtypes.
function checkBigInt(b: bigint, target: DType): void {
  if (target === uint64) {
    if (b < 0n) throw new RangeError(`tensor: can't convert negative int to unsigned (${b} into torch.uint64)`);
    if (b >= UINT64_END) throw new RangeError(`tensor: int too big to convert (${b} is outside the uint64 range)`);
  } else if (target.isFloatingPoint || target.isComplex) {
    if (!Number.isFinite(Number(b))) throw new RangeError(`tensor: int too large to convert to float (a BigInt of ${(b < 0n ? -b : b).toString(2).length} bits, for torch.${target.name})`);
  } else if (target !== bool) {
    if (b < INT64_MIN || b >= -INT64_MIN) throw new RangeError(`tensor: Overflow when unpacking long (${b} is outside the int64 range)`);
    const range = INT_RANGES.get(target);
    if (!range || target === int64) return;
    const [lo, hi] = [BigInt(range[0]), BigInt(range[1])];
    if (lo === 0n ? b < -hi || b > hi : b < lo || b > hi) throw overflow(b, target);
  }
}

// Checks one innermost array against the target dtype, element by element in order as Python converts
// them, where the flat Float64Array cannot tell the elements apart (BigInts, TypedArray rows, uint64).
// A TypedArray's elements are NumPy scalars: Float64Array's Python floats, Float32Array's numpy.float32
// (no integer), the integer arrays' integers, none of them a Python int for uint64.
function checkRow(values: ArrayLike<unknown>, target: DType): number {
  const typed = !Array.isArray(values);
  if (typed && values.length) {
    const name = describe(values);
    if (target === uint64) throw new TypeError(`tensor: an integer is required (${name} elements are NumPy scalars, no Python ints, for torch.uint64)`);
    if (values instanceof Float32Array && (target === bool || INT_RANGES.has(target)))
      throw new TypeError(`tensor: 'numpy.float32' object cannot be interpreted as an integer (Float32Array elements, for torch.${target.name})`);
  }
  const floats = values instanceof Float64Array || values instanceof Float32Array;
  const range = INT_RANGES.get(target);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'bigint') checkBigInt(v, target);
    else if (typeof v !== 'number') continue; // a boolean
    else if (target === uint64) {
      if (!isIntNumber(v)) throw new TypeError(`tensor: an integer is required (${v} is a Python float, for torch.uint64)`);
      if (v < 0) throw new RangeError(`tensor: can't convert negative int to unsigned (${v} into torch.uint64)`);
    } else if (range && !fitsRange(v, !floats && Number.isInteger(v), target, range)) throw overflow(v, target);
  }
  return 0;
}

// Reads nested arrays (or a single element) into flat row-major values in the dtype `targetOf` picks from the
// element kinds seen: a Float64Array, or a BigInt64Array (BigUint64Array) for an int64 (uint64) target when
// BigInts are present, each element checked as Python converts it. (Python warns that a list of NumPy arrays is
// slow to read; TypedArray rows are copied whole here, so there is no such warning.)
function readData(data: unknown, targetOf: (kinds: number) => DType): { shape: number[]; values: Float64Array | BigInt64Array | BigUint64Array; target: DType } {
  const shape = nestedShape(data);
  const numel = shape.reduce((a, b) => a * b, 1);
  const numbers = new Float64Array(numel);
  const kinds = forEachRow(data, shape, (row, offset) => fillNumbers(row, numbers, offset));
  const target = targetOf(kinds);
  if (kinds & (SEEN_BIGINT | SEEN_TYPED) || target === uint64) forEachRow(data, shape, (row) => checkRow(row, target));
  else checkRange(numbers, target);
  if (!(kinds & SEEN_BIGINT) || (target !== int64 && target !== uint64)) return { shape, values: numbers, target };
  const bigints = target === uint64 ? new BigUint64Array(numel) : new BigInt64Array(numel);
  forEachRow(data, shape, (row, offset) => fillBigInts(row, bigints, offset));
  return { shape, values: bigints, target };
}

// Python's inference for plain elements: all bools -> bool, all ints -> int64, else the default float dtype.
const inferredFromKinds = (kinds: number): DType =>
  kinds & SEEN_FLOAT ? getDefaultDtype() : kinds & (SEEN_INT | SEEN_BIGINT) ? int64 : kinds & SEEN_BOOL ? bool : getDefaultDtype();

function requiresGradOption(options: { requiresGrad?: unknown }, fn: string): boolean {
  const rg = options.requiresGrad;
  if (rg !== undefined && typeof rg !== 'boolean') throw new TypeError(`${fn}: requiresGrad must be a boolean, got ${typeof rg}`);
  return rg === true;
}

const TENSOR_OPTIONS = ['dtype', 'device', 'requiresGrad'] as const;

/** torch.tensor(data, { dtype, device, requiresGrad }): always copies the data. */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  tracerWarn('torch.tensor', 'constructor');
  options = readOptions('tensor', options, TENSOR_OPTIONS) as TensorOptions;
  let t: Tensor;
  if (isTensor(data)) {
    t = data.detach().clone();
  } else if (containsTensor(data)) {
    return tensorWithTensors(data, options);
  } else if (ArrayBuffer.isView(data)) {
    if (!typedArrayDtype(data)) throw new TypeError(`tensor: unsupported TypedArray ${describe(data)}`);
    // Node-API cannot read a SharedArrayBuffer's memory: a private copy (slice) first, as this copies anyway
    const view = (isShared(data) ? (data as unknown as { slice(): ArrayBufferView }).slice() : data) as ArrayBufferView & ArrayLike<unknown>;
    t = new Tensor(native.fromTypedArray(view, [view.length], options.dtype === undefined ? null : toDType(options.dtype, 'tensor').code));
  } else {
    const explicit = options.dtype === undefined ? null : toDType(options.dtype, 'tensor');
    // TypedArray rows join the inference with their own dtypes, as NumPy arrays in a Python list do.
    const { shape, values, target } = readData(data, (kinds) => explicit ?? (kinds & SEEN_TYPED ? inferredDtype(data) : inferredFromKinds(kinds)));
    t = new Tensor(native.fromTypedArray(values, shape, target.code));
  }
  return finish(t, options, isTensor(data)); // TypedArray and nested data are made in the target dtype
}

/** Python's indexing_tensor_from_data: a (nested) list used as an index is a bool tensor when every
 * element is a bool, else int64, fractional values truncated toward zero (x[[0.5]] is x[[0]]). */
export function indexingTensorFromData(data: NestedArray<number | bigint | boolean>, fn: string): Tensor {
  try {
    const { shape, values, target } = readData(data, (kinds) => (kinds === SEEN_BOOL ? bool : int64));
    return new Tensor(native.fromTypedArray(values, shape, target.code));
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('tensor: ')) e.message = `${fn}: ${e.message.slice('tensor: '.length)}`; // the caller's name, as elsewhere
    throw e;
  }
}

// torch.tensor([torch.tensor(1), torch.tensor(2)]): as in Python, a tensor inside the data is one
// element (its single value; more raise), and its dtype joins the inference.
// Iterative, visiting each array once: cyclic or too-deep data is refused later (readData, or the depth checks).
function containsTensor(data: unknown): boolean {
  const seen = new Set<unknown>();
  const todo: unknown[] = [data];
  while (todo.length) {
    const v = todo.pop();
    if (isTensor(v)) return true;
    if (Array.isArray(v) && !seen.has(v)) {
      seen.add(v);
      for (const e of v) if (typeof e === 'object' && e !== null) todo.push(e);
    }
  }
  return false;
}
// Python's infer_scalar_type: the promotion of every element's type, a tensor's (or a TypedArray's, a
// NumPy array's) being its dtype and an empty array's the default dtype.
function inferredDtype(data: unknown): DType {
  const dtypes = new Set<DType>();
  let kinds = 0;
  const visit = (v: unknown, depth: number): void => {
    if (depth > MAX_NESTED_DIMS) throw tooDeep();
    if (isTensor(v)) dtypes.add(v.dtype);
    else if (isTypedData(v)) dtypes.add(typedArrayDtype(v)!);
    else if (Array.isArray(v)) {
      if (!v.length) dtypes.add(getDefaultDtype());
      for (const e of v) visit(e, depth + 1);
    } else kinds |= typeof v === 'boolean' ? SEEN_BOOL : typeof v === 'bigint' || isIntNumber(v as number) ? SEEN_INT : SEEN_FLOAT;
  };
  visit(data, 0);
  if (kinds & SEEN_BOOL) dtypes.add(bool);
  if (kinds & SEEN_INT) dtypes.add(int64);
  if (kinds & SEEN_FLOAT) dtypes.add(getDefaultDtype());
  return [...dtypes].reduce((a, b) => dtypeFromCode(aten('promote_types', [a, b]) as number));
}

// A complex tensor's value inside the data, for a complex target.
class ComplexElement {
  constructor(readonly re: number, readonly im: number) {}
}

// Data with tensors inside: each tensor is replaced by its value, as Python reads it for the target dtype.
// Complex values are made as two float64 tensors, the real and the imaginary parts, joined.
function tensorWithTensors(data: unknown, options: TensorOptions): Tensor {
  const target = options.dtype === undefined ? inferredDtype(data) : toDType(options.dtype, 'tensor');
  let complex = false;
  const values = tensorValues(data, target, 0, () => (complex = true));
  if (!complex) return tensor(values as TensorData, { ...options, dtype: target });
  const re = tensor(complexPart(values, false) as TensorData, { dtype: float64 });
  const im = tensor(complexPart(values, true) as TensorData, { dtype: float64 });
  const joined = aten('complex', [re, im]) as Tensor;
  re.dispose();
  im.dispose();
  return finish(joined, { ...options, dtype: target }, true);
}
function tensorValues(v: unknown, target: DType, depth: number, sawComplex: () => void): unknown {
  if (depth > MAX_NESTED_DIMS) throw tooDeep();
  if (Array.isArray(v)) return v.map((e) => tensorValues(e, target, depth + 1, sawComplex));
  if (!isTensor(v)) return v;
  if (v.numel() !== 1) throw new RangeError('tensor: only one element tensors can be converted to Python scalars');
  // Python reads a tensor into an integer dtype through __index__ (integer tensors only), and uint64 takes Python ints only
  if (target === uint64) throw new TypeError(`tensor: an integer is required (a tensor inside the data, ${v.dtype.name}, is no Python int, for torch.uint64)`);
  if ((target === bool || INT_RANGES.has(target)) && (v.dtype.isFloatingPoint || v.dtype.isComplex))
    throw new TypeError(`tensor: only integer tensors of a single element can be converted to an index (a ${v.dtype.name} tensor inside the data, for torch.${target.name})`);
  if (v.dtype.isComplex) {
    const c = v.dtype === complex128 ? v : v.to(complex128);
    const [re, im] = c.toTypedArray() as Float64Array;
    if (c !== v) c.dispose();
    if (target.isComplex) {
      sawComplex();
      return new ComplexElement(re!, im!);
    }
    if (im !== 0) throw new RangeError(`tensor: value cannot be converted to type double without overflow (the complex value ${re}${im! < 0 ? '' : '+'}${im}j, for torch.${target.name})`);
    return re;
  }
  const value = v.toTypedArray()[0]!; // exact: a BigInt for int64 (kept only beyond 2^53, where a number would round)
  return typeof value === 'bigint' ? (value <= TWO_53 && value >= -TWO_53 ? Number(value) : value) : v.dtype === bool ? value !== 0 : value;
}
const TWO_53 = 2n ** 53n;
// The real (imag false) or imaginary part of data whose tensors tensorValues has read: 0 for every real element.
function complexPart(v: unknown, imag: boolean): unknown {
  if (Array.isArray(v)) return v.map((e) => complexPart(e, imag));
  if (v instanceof ComplexElement) return imag ? v.im : v.re;
  if (!imag) return v;
  return isTypedData(v) ? new Float64Array(v.length) : 0;
}

// Moves to the requested device/dtype and sets requiresGrad, as the factory's options ask.
function finish(t: Tensor, options: TensorOptions, applyDtype: boolean): Tensor {
  let out = t;
  try {
    if ((applyDtype && options.dtype !== undefined) || options.device !== undefined) {
      out = aten('to', [t, { dtype: applyDtype ? (options.dtype ?? null) : null, device: options.device ?? null }]) as Tensor;
      if (out !== t) t.dispose();
    }
    if (requiresGradOption(options, 'tensor')) out.requiresGrad_(true);
    return out;
  } catch (e) {
    out.dispose(); // t is new here: a failed conversion or flag leaves nothing behind
    if (!t.isDisposed) t.dispose();
    throw e;
  }
}

// The options a factory takes: its ATen overloads', torchnode's own requiresGrad, and names (which
// requireNamedTensors explains where libtorch has no named tensors).
const factoryOptions = new Map<string, string[]>();
function factoryOptionNames(name: string): string[] {
  let names = factoryOptions.get(name);
  if (!names) factoryOptions.set(name, (names = [...new Set([...native.opOptionKeys(opId(name)), 'requiresGrad', 'names'])]));
  return names;
}

// In a worker thread the random factories draw from the thread's own default generator (through
// their `.generator` overloads), as each of Python's worker processes draws from its own.
const RANDOM_FACTORIES = new Set(['rand', 'randn', 'randint', 'randperm', 'rand_like', 'randn_like', 'randint_like']);
function withThreadGenerator(args: unknown[]): unknown[] {
  if (isTensor(args[0]) && args[0].device.type !== 'cpu') return args; // *_like of a CUDA tensor
  const last = args[args.length - 1];
  if (!isOptionsObject(last)) return [...args, { generator: defaultGenerator }];
  const onCpu = last.device === undefined || last.device === null || toDevice(last.device as DeviceLike, 'factory').type === 'cpu';
  return (last.generator === undefined || last.generator === null) && onCpu ? [...args.slice(0, -1), { ...last, generator: defaultGenerator }] : args;
}

// c10's name of a layout, as Python's messages print it: sparse_coo is 'Sparse', the others their name in PascalCase.
// Splits `(...sizes, options?)` into the ATen call and torchnode's own requiresGrad option.
function factory(name: string, args: unknown[]): Tensor {
  while (args.length && args[args.length - 1] === undefined) args = args.slice(0, -1); // options left out
  if (!isMainThread && RANDOM_FACTORIES.has(name)) args = withThreadGenerator(args);
  const last = args[args.length - 1];
  let requiresGrad = false;
  if (isOptionsObject(last)) {
    const rest = readOptions(name, last, factoryOptionNames(name)) as TensorOptions & Record<string, unknown>; // own keys only
    requiresGrad = requiresGradOption(rest, name);
    delete rest.requiresGrad;
    // Check dtype and device here, so that a bad one is named instead of "received an invalid combination of arguments".
    if (rest.dtype !== undefined && rest.dtype !== null) rest.dtype = toDType(rest.dtype, name);
    if (rest.device !== undefined && rest.device !== null) rest.device = toDevice(rest.device, name);
    if (rest.names !== undefined && rest.names !== null) requireNamedTensors(name);
    args = [...args.slice(0, -1), rest];
  }
  const t = callFactory(opId(name), args) as Tensor;
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

type SizeArgs = [size: number[], options?: FactoryOptions] | number[] | [...number[], FactoryOptions];

export const zeros = (...args: SizeArgs): Tensor => factory('zeros', args);
export const ones = (...args: SizeArgs): Tensor => factory('ones', args);
export const empty = (...args: SizeArgs): Tensor => factory('empty', args);
export const rand = (...args: SizeArgs): Tensor => factory('rand', args);
export const randn = (...args: SizeArgs): Tensor => factory('randn', args);
/** torch.full(size, fillValue), with Python's keywords in the options: full([2, 2], { fillValue }), full({ size, fillValue }). */
export function full(size: number[], fillValue: Scalar, options?: FactoryOptions): Tensor;
export function full(size: number[], options: FactoryOptions & { fillValue: Scalar }): Tensor;
export function full(options: FactoryOptions & { size: number[]; fillValue: Scalar }): Tensor;
export function full(...args: unknown[]): Tensor {
  return factory('full', args);
}
/** torch.randint(high, size) or torch.randint(low, high, size). */
export function randint(...args: [number, number[], FactoryOptions?] | [number, number, number[], FactoryOptions?]): Tensor {
  return factory('randint', args);
}
export function randperm(n: number, options?: FactoryOptions): Tensor {
  return factory('randperm', [n, options]);
}
/** torch.arange(end), arange(start, end), arange(start, end, step); options last. */
export function arange(...args: (number | FactoryOptions)[]): Tensor {
  return factory('arange', args);
}
export function linspace(start: number, end: number, steps: number, options?: FactoryOptions): Tensor {
  return factory('linspace', [start, end, steps, options]);
}
/** torch.logspace(start, end, steps, base = 10), with Python's keywords in the options: logspace(1, 3, { steps: 3, base: 2 }). */
export function logspace(start: number, end: number, steps: number, base?: number, options?: FactoryOptions): Tensor;
export function logspace(start: number, end: number, steps: number, options: FactoryOptions & { base?: number }): Tensor;
export function logspace(start: number, end: number, options: FactoryOptions & { steps: number; base?: number }): Tensor;
export function logspace(start: number, options: FactoryOptions & { end: number; steps: number; base?: number }): Tensor;
export function logspace(options: FactoryOptions & { start: number; end: number; steps: number; base?: number }): Tensor;
export function logspace(...args: unknown[]): Tensor {
  return factory('logspace', args); // the schema's base=10 default applies where base is left out
}
/** torch.eye(n) or eye(n, m). */
export function eye(n: number, m?: number | FactoryOptions, options?: FactoryOptions): Tensor {
  return factory('eye', typeof m === 'number' ? [n, m, options] : [n, m ?? options]);
}

export const zerosLike = (input: Tensor, options?: FactoryOptions): Tensor => factory('zeros_like', [input, options]);
export const onesLike = (input: Tensor, options?: FactoryOptions): Tensor => factory('ones_like', [input, options]);
export const emptyLike = (input: Tensor, options?: FactoryOptions): Tensor => factory('empty_like', [input, options]);
export const randLike = (input: Tensor, options?: FactoryOptions): Tensor => factory('rand_like', [input, options]);
export const randnLike = (input: Tensor, options?: FactoryOptions): Tensor => factory('randn_like', [input, options]);
export function fullLike(input: Tensor, fillValue: Scalar, options?: FactoryOptions): Tensor {
  return factory('full_like', [input, fillValue, options]);
}
/** torch.randintLike(input, high) or randintLike(input, low, high). */
export function randintLike(input: Tensor, ...args: (number | FactoryOptions)[]): Tensor {
  return factory('randint_like', [input, ...args]);
}

export interface FrombufferOptions {
  dtype?: DTypeLike;
  /** Elements to take (-1: all that fit). */
  count?: number;
  /** Bytes to skip from the start of the buffer (or of the TypedArray's view). */
  offset?: number;
  requiresGrad?: boolean;
}

/**
 * torch.frombuffer: a 1-D tensor over the memory of an ArrayBuffer, TypedArray or Buffer, without
 * copying: writes through either side are seen by the other. The tensor keeps the buffer alive;
 * resizable buffers are refused, and once the buffer is transferred (detached) every use of the
 * tensor throws. dtype defaults to the TypedArray's.
 */
export function frombuffer(buffer: ArrayBuffer | ArrayBufferView, options: FrombufferOptions = {}): Tensor {
  options = readOptions('frombuffer', options, ['dtype', 'count', 'offset', 'requiresGrad']) as FrombufferOptions;
  const view = ArrayBuffer.isView(buffer) ? buffer : null;
  const ab = view ? view.buffer : buffer;
  if (view ? isShared(view) : typeof SharedArrayBuffer !== 'undefined' && ab instanceof SharedArrayBuffer) {
    throw new TypeError('frombuffer: a tensor cannot share the memory of a SharedArrayBuffer (Node-API gives no access to it): copy it with torch.tensor(view)');
  }
  if (!(ab instanceof ArrayBuffer)) throw new TypeError(`frombuffer: expected an ArrayBuffer, a TypedArray or a Buffer, got ${describe(buffer)}`);
  const dtype = options.dtype !== undefined ? toDType(options.dtype, 'frombuffer') : view ? typedArrayDtype(view) : undefined;
  if (!dtype) throw new TypeError('frombuffer: pass { dtype } for a plain ArrayBuffer or a DataView');
  // A TypedArray view limits the tensor to its own bytes: offset and count are checked against those.
  const length = view ? view.byteLength : ab.byteLength;
  const offset = options.offset ?? 0;
  const count = options.count ?? -1;
  if (!Number.isInteger(count) || !Number.isInteger(offset)) throw new TypeError('frombuffer: count and offset must be integers');
  if (length === 0 || count === 0) throw new RangeError(`frombuffer: both buffer length (${length}) and count (${count}) must not be 0`);
  if (offset < 0 || offset >= length) {
    throw new RangeError(`frombuffer: offset (${offset} bytes) must be non-negative and no greater than buffer length (${length} bytes) minus 1`);
  }
  if (count < 0 && (length - offset) % dtype.itemsize) {
    throw new RangeError(`frombuffer: buffer length (${length - offset} bytes) after offset (${offset} bytes) must be a multiple of element size (${dtype.itemsize})`);
  }
  const fit = count >= 0 ? count : (length - offset) / dtype.itemsize;
  if (offset + fit * dtype.itemsize > length) {
    throw new RangeError(`frombuffer: requested buffer length (${fit} * ${dtype.itemsize} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${length} bytes)`);
  }
  const t = new Tensor(native.fromBuffer(ab, (view ? view.byteOffset : 0) + offset, fit, dtype.code));
  if (requiresGradOption(options, 'frombuffer')) t.requiresGrad_(true);
  return t;
}
