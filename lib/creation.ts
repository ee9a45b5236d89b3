// Tensor creation: torch.tensor from JS data, and the factory functions (zeros, rand, arange, ...).
import { toDevice, type DeviceLike } from './device.js';
import { bool, DType, float32, float64, getDefaultDtype, int64, toDType, type DTypeLike, uint8, int8, int16, int32 } from './dtype.js';
import type { Generator } from './generator.js';
import { native } from './native.js';
import { requireNamedTensors } from './runtime.js';
import { aten, describe, isOptionsObject, isTensor, Tensor, type NestedArray, type TypedArray } from './tensor.js';

export interface TensorOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  requiresGrad?: boolean;
  /** For random factories: the stream to draw from (default: torch.defaultGenerator). */
  generator?: Generator | null;
  /** Dimension names (named tensors). */
  names?: (string | null)[] | null;
}

type Element = number | boolean | bigint;
export type TensorData = Element | NestedArray<Element> | TypedArray | Tensor;

const typedArrayDtypes: [new (...a: never[]) => ArrayBufferView, DType][] = [
  [Float32Array, float32], [Float64Array, float64], [Int8Array, int8], [Uint8Array, uint8],
  [Uint8ClampedArray, uint8], [Int16Array, int16], [Int32Array, int32], [BigInt64Array, int64],
];

function typedArrayDtype(v: unknown): DType | undefined {
  for (const [ctor, dt] of typedArrayDtypes) if (v instanceof ctor) return dt;
  return undefined;
}

// Walks nested arrays: shape, flat values and the kinds seen (bool / int / float / bigint).
function flatten(data: unknown): { shape: number[]; flat: Element[]; kinds: Set<string> } {
  const shape: number[] = [];
  for (let d: unknown = data; Array.isArray(d); d = d[0]) {
    shape.push(d.length);
    if (d.length === 0) break;
  }
  const flat: Element[] = [];
  const kinds = new Set<string>();
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth < shape.length) {
      if (!Array.isArray(v)) throw new TypeError(`tensor: expected a sequence at ${path || 'the top level'}, got ${describe(v)}`);
      if (v.length !== shape[depth])
        throw new RangeError(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got ${v.length}) at ${path || 'top level'}`);
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
      return;
    }
    if (typeof v === 'boolean') kinds.add('bool');
    else if (typeof v === 'bigint') kinds.add('int');
    else if (typeof v === 'number') kinds.add(Number.isInteger(v) ? 'int' : 'float');
    else throw new TypeError(`tensor: could not infer dtype of ${describe(v)} at ${path || 'the top level'}`);
    flat.push(v);
  };
  walk(data, 0, '');
  return { shape, flat, kinds };
}

// Integer ranges: PyTorch refuses values an integer dtype cannot hold instead of wrapping them.
const INT_RANGES = new Map<DType, [number, number]>([
  [uint8, [0, 255]], [int8, [-128, 127]], [int16, [-32768, 32767]], [int32, [-(2 ** 31), 2 ** 31 - 1]], [int64, [-(2 ** 63), 2 ** 63]],
]);
function checkRange(values: Float64Array, target: DType): void {
  const range = INT_RANGES.get(target);
  if (!range) return;
  for (const v of values) {
    if (!Number.isFinite(v) || v < range[0] || (target === int64 ? v >= range[1] : v > range[1]))
      throw new RangeError(`tensor: value ${v} cannot be converted to type ${target.name} without overflow`);
  }
}

function requiresGradOption(options: { requiresGrad?: unknown }, fn: string): boolean {
  const rg = options.requiresGrad;
  if (rg !== undefined && typeof rg !== 'boolean') throw new TypeError(`${fn}: requiresGrad must be a boolean, got ${typeof rg}`);
  return rg === true;
}

/** torch.tensor(data, { dtype, device, requiresGrad }): always copies the data. */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  let t: Tensor;
  if (isTensor(data)) {
    t = data.detach().clone();
  } else if (ArrayBuffer.isView(data)) {
    if (!typedArrayDtype(data)) throw new TypeError(`tensor: unsupported TypedArray ${describe(data)}`);
    const view = data as unknown as ArrayLike<unknown>;
    t = new Tensor(native.fromTypedArray(data, [view.length], options.dtype === undefined ? null : toDType(options.dtype, 'tensor').code));
  } else {
    const { shape, flat, kinds } = flatten(data);
    // Python's inference: all bools -> bool, all ints -> int64, else the default float dtype.
    const inferred = kinds.has('float') ? getDefaultDtype() : kinds.has('int') ? int64 : kinds.has('bool') ? bool : getDefaultDtype();
    const target = options.dtype === undefined ? inferred : toDType(options.dtype, 'tensor');
    let buffer: ArrayBufferView;
    if (flat.some((v) => typeof v === 'bigint')) {
      buffer = BigInt64Array.from(flat, (v) => {
        if (typeof v === 'number' && !Number.isInteger(v)) throw new TypeError('tensor: cannot mix BigInt with fractional numbers');
        const b = typeof v === 'bigint' ? v : BigInt(v as number);
        if (b < -(2n ** 63n) || b >= 2n ** 63n) throw new RangeError(`tensor: Overflow when unpacking long (${b} is outside the int64 range)`);
        return b;
      });
    } else {
      const values = Float64Array.from(flat, (v) => Number(v));
      checkRange(values, target);
      buffer = values;
    }
    t = new Tensor(native.fromTypedArray(buffer, shape, target.code));
  }
  return finish(t, options, isTensor(data)); // TypedArray and nested data are made in the target dtype
}

// Moves to the requested device/dtype and sets requiresGrad, as the factory's options ask.
function finish(t: Tensor, options: TensorOptions, applyDtype: boolean): Tensor {
  let out = t;
  if ((applyDtype && options.dtype !== undefined) || options.device !== undefined) {
    out = aten('to', [t, { dtype: applyDtype ? options.dtype : undefined, device: options.device }]) as Tensor;
    if (out !== t) t.dispose();
  }
  if (requiresGradOption(options, 'tensor')) out.requiresGrad_(true);
  return out;
}

// Splits `(...sizes, options?)` into the ATen call and torchnode's own requiresGrad option.
function factory(name: string, args: unknown[]): Tensor {
  if (args.length && args[args.length - 1] === undefined) args = args.slice(0, -1); // options left out
  const last = args[args.length - 1];
  let requiresGrad = false;
  if (isOptionsObject(last)) {
    const { requiresGrad: _, ...rest } = last as TensorOptions & Record<string, unknown>;
    requiresGrad = requiresGradOption(last, name);
    // Check dtype and device here, so that a bad one is named instead of "no overload matches".
    if (rest.dtype !== undefined && rest.dtype !== null) rest.dtype = toDType(rest.dtype, name);
    if (rest.device !== undefined && rest.device !== null) rest.device = toDevice(rest.device, name);
    if (rest.names !== undefined && rest.names !== null) requireNamedTensors(name);
    args = [...args.slice(0, -1), rest];
  }
  const t = aten(name, args) as Tensor;
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

type SizeArgs = [size: number[], options?: TensorOptions] | number[] | [...number[], TensorOptions];

export const zeros = (...args: SizeArgs): Tensor => factory('zeros', args);
export const ones = (...args: SizeArgs): Tensor => factory('ones', args);
export const empty = (...args: SizeArgs): Tensor => factory('empty', args);
export const rand = (...args: SizeArgs): Tensor => factory('rand', args);
export const randn = (...args: SizeArgs): Tensor => factory('randn', args);
export function full(size: number[], fillValue: number | boolean, options?: TensorOptions): Tensor {
  return factory('full', [size, fillValue, options]);
}
/** torch.randint(high, size) or torch.randint(low, high, size). */
export function randint(...args: [number, number[], TensorOptions?] | [number, number, number[], TensorOptions?]): Tensor {
  return factory('randint', args);
}
export function randperm(n: number, options?: TensorOptions): Tensor {
  return factory('randperm', [n, options]);
}
/** torch.arange(end), arange(start, end), arange(start, end, step); options last. */
export function arange(...args: (number | TensorOptions)[]): Tensor {
  return factory('arange', args);
}
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  return factory('linspace', [start, end, steps, options]);
}
export function logspace(start: number, end: number, steps: number, base = 10, options?: TensorOptions): Tensor {
  return factory('logspace', [start, end, steps, base, options]);
}
/** torch.eye(n) or eye(n, m). */
export function eye(n: number, m?: number | TensorOptions, options?: TensorOptions): Tensor {
  return factory('eye', typeof m === 'number' ? [n, m, options] : [n, m ?? options]);
}

export const zerosLike = (input: Tensor, options?: TensorOptions): Tensor => factory('zeros_like', [input, options]);
export const onesLike = (input: Tensor, options?: TensorOptions): Tensor => factory('ones_like', [input, options]);
export const emptyLike = (input: Tensor, options?: TensorOptions): Tensor => factory('empty_like', [input, options]);
export const randLike = (input: Tensor, options?: TensorOptions): Tensor => factory('rand_like', [input, options]);
export const randnLike = (input: Tensor, options?: TensorOptions): Tensor => factory('randn_like', [input, options]);
export function fullLike(input: Tensor, fillValue: number | boolean, options?: TensorOptions): Tensor {
  return factory('full_like', [input, fillValue, options]);
}
/** torch.randintLike(input, high) or randintLike(input, low, high). */
export function randintLike(input: Tensor, ...args: (number | TensorOptions)[]): Tensor {
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
  const view = ArrayBuffer.isView(buffer) ? buffer : null;
  const ab = view ? view.buffer : buffer;
  if (!(ab instanceof ArrayBuffer)) throw new TypeError(`frombuffer: expected an ArrayBuffer, a TypedArray or a Buffer, got ${describe(buffer)}`);
  const dtype = options.dtype !== undefined ? toDType(options.dtype, 'frombuffer') : view ? typedArrayDtype(view) : undefined;
  if (!dtype) throw new TypeError('frombuffer: pass { dtype } for a plain ArrayBuffer or a DataView');
  const offset = (view ? view.byteOffset : 0) + (options.offset ?? 0);
  const end = view ? view.byteOffset + view.byteLength : ab.byteLength;
  const count = options.count ?? -1;
  if (!Number.isInteger(count) || !Number.isInteger(options.offset ?? 0)) throw new TypeError('frombuffer: count and offset must be integers');
  // A TypedArray view limits the tensor to its own bytes.
  const fit = count >= 0 ? count : Math.floor((end - offset) / dtype.itemsize);
  if (count < 0 && (end - offset) % dtype.itemsize) throw new RangeError(`frombuffer: buffer length (${end - offset} bytes after skipping offset) must be a multiple of the element size (${dtype.itemsize})`);
  if (offset + fit * dtype.itemsize > end) throw new RangeError(`frombuffer: requested ${fit * dtype.itemsize} bytes but the view has ${end - offset} after offset`);
  const t = new Tensor(native.fromBuffer(ab, offset, fit, dtype.code));
  if (requiresGradOption(options, 'frombuffer')) t.requiresGrad_(true);
  return t;
}
