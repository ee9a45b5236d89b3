// Python's legacy tensor constructors: torch.Tensor(data | sizes), the typed tensor types
// (torch.FloatTensor, ...; isinstance checks included) and torch.set_default_tensor_type.
// The public torch.Tensor is a Proxy of the Tensor class: `new torch.Tensor([1.5, 2])` and
// `torch.Tensor(2, 3)` take the legacy forms while the library's own `new Tensor(handle)` wrap
// path stays the plain class constructor (no argument sniffing on every op result).
import { aten } from './call.js';
import { tensor, type TensorData } from './creation.js';
import { toDevice, type Device, type DeviceLike } from './device.js';
import { bfloat16, bool, DType, float16, float32, float64, getDefaultDtype, int16, int32, int64, int8, setDefaultDtype, Size, strided, uint8 } from './dtype.js';
import { describe, isOptionsObject, readOptions } from './options.js';
import { version } from './runtime.js';
import { isTensor, Tensor as TensorClass } from './tensor.js';

/** The arguments of a legacy constructor: sizes (numbers or one torch.Size), or one data argument (nested array, TypedArray, Tensor); then optionally `{ device }`. */
export type LegacyArgs = number[] | [TensorData | Tensor | Size] | [] | [...number[], { device?: DeviceLike | null }] | [TensorData | Tensor | Size, { device?: DeviceLike | null }];

/**
 * Python's legacy_new_from_sequence / legacy sizes path, for dtype and device (fn names the caller in errors):
 * sizes (numbers, or one torch.Size: a plain array is data), or one data argument, then optionally
 * `{ device }`, which must be the constructor's device type (Python's check).
 */
export function legacyNew(dtype: DType, device: Device | DeviceLike, args: readonly unknown[], fn: string): Tensor {
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) {
    const { device: given } = readOptions(fn, args[args.length - 1], ['device']) as { device?: DeviceLike | null };
    const type = toDevice(device, fn).type;
    if (given != null && toDevice(given, fn).type !== type) throw new Error(`${fn}: legacy constructor expects device type: ${type} but device type: ${toDevice(given, fn).type} was passed`);
    args = args.slice(0, -1);
  }
  // torch.FloatTensor(torch.Size([2, 3])): sizes, torch.Size([]) a 0-d tensor; no arguments: shape [0].
  const sizes = args.length === 1 && args[0] instanceof Size ? [...args[0]] : args.length === 0 ? [0] : args;
  if (sizes.every((a) => typeof a === 'number')) {
    for (const n of sizes as number[])
      if (!Number.isInteger(n)) throw new TypeError(`${fn}: sizes must be integers, got ${describe(n)}; a float is data in a list: [${n}]`);
    const negative = (sizes as number[]).find((n) => n < 0);
    if (negative !== undefined) throw new Error(`${fn}: Trying to create tensor with negative dimension ${negative}: [${sizes.join(', ')}]`);
    return aten('empty', [sizes, { dtype, device }]) as Tensor;
  }
  if (args.length === 1) {
    const data = args[0];
    // A tensor argument is returned as an alias (Python: torch.Tensor(t) is a view of t's memory).
    if (isTensor(data)) {
      if (fn !== 'Tensor' && data.dtype !== dtype) throw new TypeError(`${fn}: expected ${dtype.name} tensor (got ${data.dtype.name})`);
      return aten('alias', [data]) as Tensor;
    }
    if (Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView))) return tensor(data as TensorData, { dtype, device });
    throw new TypeError(`${fn}: data must be a sequence (got ${describe(data)})`);
  }
  throw new TypeError(`${fn}: expected sizes (numbers) or one data argument, got (${args.map((a) => describe(a)).join(', ')})`);
}

function legacyTensor(args: readonly unknown[]): Tensor {
  return legacyNew(getDefaultDtype(), 'cpu', args, 'Tensor');
}

/** torch.Tensor as the user sees it: the Tensor class, also callable / constructible with Python's legacy arguments. */
export interface LegacyTensorConstructor {
  /** torch.Tensor(2, 3): an uninitialised tensor of the default dtype; torch.Tensor([1.5, 2]): data as the default dtype. */
  new (...args: LegacyArgs): Tensor;
  (...args: LegacyArgs): Tensor;
  readonly prototype: TensorClass;
}

/** The instance type: every tensor. */
export type Tensor = TensorClass;
/** torch.Tensor: the class (instanceof, prototype) and Python's legacy constructor. */
export const Tensor = new Proxy(TensorClass, {
  construct: (_target, args: unknown[]): object => legacyTensor(args),
  apply: (_target, _self, args: unknown[]): Tensor => legacyTensor(args),
}) as unknown as LegacyTensorConstructor;

/** torch.FloatTensor and friends: call (or `new`) with sizes or data; `x instanceof torch.FloatTensor` is a CPU strided float32 check. */
export interface TensorType {
  new (...args: LegacyArgs): Tensor;
  (...args: LegacyArgs): Tensor;
  readonly dtype: DType;
  readonly isCuda: false;
  readonly isSparse: false;
}

function tensorType(name: string, dtype: DType): TensorType {
  // A function expression (not a method), so that `new torch.FloatTensor(...)` works as well as a call.
  const make = function (...args: unknown[]): Tensor {
    return legacyNew(dtype, 'cpu', args, name);
  };
  Object.defineProperties(make, {
    name: { value: name },
    dtype: { value: dtype },
    isCuda: { value: false },
    isSparse: { value: false },
    [Symbol.hasInstance]: { value: (v: unknown): boolean => isTensor(v) && v.dtype === dtype && v.device.type === 'cpu' && v.layout === strided },
    toString: { value: (): string => `<class 'torch.${name}'>` },
  });
  return make as unknown as TensorType;
}

export const FloatTensor = tensorType('FloatTensor', float32);
export const DoubleTensor = tensorType('DoubleTensor', float64);
export const HalfTensor = tensorType('HalfTensor', float16);
export const BFloat16Tensor = tensorType('BFloat16Tensor', bfloat16);
export const ByteTensor = tensorType('ByteTensor', uint8);
export const CharTensor = tensorType('CharTensor', int8);
export const ShortTensor = tensorType('ShortTensor', int16);
export const IntTensor = tensorType('IntTensor', int32);
export const LongTensor = tensorType('LongTensor', int64);
export const BoolTensor = tensorType('BoolTensor', bool);

const TENSOR_TYPES = [FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor, BoolTensor];

let tensorTypeWarned = false;

/**
 * torch.set_default_tensor_type(t) (deprecated since PyTorch 2.1): t is a tensor type (torch.DoubleTensor)
 * or its name ('torch.DoubleTensor'); only the CPU floating-point types exist here, and the call sets
 * the default dtype (torch.setDefaultDtype).
 */
export function setDefaultTensorType(t: TensorType | string): void {
  if (!tensorTypeWarned) {
    tensorTypeWarned = true;
    process.emitWarning('torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use torch.set_default_dtype() and torch.set_default_device() as alternatives.', 'UserWarning');
  }
  let type: TensorType | undefined;
  if (typeof t === 'string') {
    const m = /^torch\.(?:(cuda|xpu|mps)\.)?(\w+Tensor)$/.exec(t);
    if (m?.[1] === 'cuda' && version.cuda !== null) {
      // A CUDA libtorch: Python would make CUDA the default device; torchnode keeps to the CPU types here.
      throw new TypeError(`setDefaultTensorType: ${t} is not supported; use torch.setDefaultDevice('cuda') with torch.setDefaultDtype() instead`);
    }
    if (m?.[1]) throw new TypeError(`setDefaultTensorType: type ${t} not available. Torch not compiled with ${m[1].toUpperCase()} enabled.`);
    type = TENSOR_TYPES.find((c) => m && (c as unknown as { name: string }).name === m[2]);
    if (!type) throw new TypeError(`setDefaultTensorType: invalid type: '${t}'`);
  } else if (TENSOR_TYPES.includes(t)) {
    type = t;
  } else {
    throw new TypeError(`setDefaultTensorType: invalid type object: expected a tensor type such as torch.DoubleTensor or its name, got ${describe(t)}`);
  }
  if (!type.dtype.isFloatingPoint) throw new TypeError('setDefaultTensorType: only floating-point types are supported as the default type');
  setDefaultDtype(type.dtype);
}

