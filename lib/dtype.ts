// torch.dtype: one frozen constant per scalar type, so `x.dtype === torch.float32` holds. Codes,
// names, aliases and sizes come from the native dtype table (native/src/dtypes.cc): one source.
import { native } from './native.js';

export type DTypeKind = 'float' | 'complex' | 'int' | 'uint' | 'bool' | 'quantized' | 'bits';

export class DType {
  /** c10::ScalarType code, shared with the native layer (-1: not in this libtorch). */
  readonly code: number;
  /** PyTorch's name without the `torch.` prefix, e.g. 'float32'. */
  readonly name: string;
  readonly itemsize: number;
  readonly kind: DTypeKind;
  readonly isFloatingPoint: boolean;
  readonly isComplex: boolean;
  readonly isSigned: boolean;
  constructor(code: number, name: string, itemsize: number, kind: DTypeKind, isSigned: boolean) {
    this.code = code;
    this.name = name;
    this.itemsize = itemsize;
    this.kind = kind;
    this.isFloatingPoint = kind === 'float';
    this.isComplex = kind === 'complex';
    this.isSigned = isSigned;
    Object.freeze(this);
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const byCode = new Map<number, DType>();
const byName = new Map<string, DType>();
for (const d of native.dtypes()) {
  const dt = new DType(d.code, d.name, d.itemsize, d.kind as DTypeKind, d.signed);
  byCode.set(d.code, dt);
  for (const name of [d.name, ...d.aliases]) byName.set(name, dt);
}
const torchVersion = native.buildInfo().torchVersion;
// A constant for every dtype of PyTorch 2.13; one this libtorch lacks has code -1 and is refused by toDType.
const dtype = (name: string): DType => byName.get(name) ?? new DType(-1, name, 0, 'bits', false);

export const uint8 = dtype('uint8');
export const int8 = dtype('int8');
export const int16 = dtype('int16');
export const int32 = dtype('int32');
export const int64 = dtype('int64');
export const float16 = dtype('float16');
export const float32 = dtype('float32');
export const float64 = dtype('float64');
export const complex32 = dtype('complex32');
export const complex64 = dtype('complex64');
export const complex128 = dtype('complex128');
export const bool = dtype('bool');
export const bfloat16 = dtype('bfloat16');
export const qint8 = dtype('qint8');
export const quint8 = dtype('quint8');
export const qint32 = dtype('qint32');
export const quint4x2 = dtype('quint4x2');
export const quint2x4 = dtype('quint2x4');
export const bits1x8 = dtype('bits1x8');
export const bits2x4 = dtype('bits2x4');
export const bits4x2 = dtype('bits4x2');
export const bits8 = dtype('bits8');
export const bits16 = dtype('bits16');
export const float8_e5m2 = dtype('float8_e5m2');
export const float8_e4m3fn = dtype('float8_e4m3fn');
export const float8_e5m2fnuz = dtype('float8_e5m2fnuz');
export const float8_e4m3fnuz = dtype('float8_e4m3fnuz');
export const float8_e8m0fnu = dtype('float8_e8m0fnu');
export const float4_e2m1fn_x2 = dtype('float4_e2m1fn_x2');
export const uint16 = dtype('uint16');
export const uint32 = dtype('uint32');
export const uint64 = dtype('uint64');
export const uint1 = dtype('uint1');
export const uint2 = dtype('uint2');
export const uint3 = dtype('uint3');
export const uint4 = dtype('uint4');
export const uint5 = dtype('uint5');
export const uint6 = dtype('uint6');
export const uint7 = dtype('uint7');
export const int1 = dtype('int1');
export const int2 = dtype('int2');
export const int3 = dtype('int3');
export const int4 = dtype('int4');
export const int5 = dtype('int5');
export const int6 = dtype('int6');
export const int7 = dtype('int7');
// PyTorch's aliases are the same objects.
export const half = float16;
export const float = float32;
export const double = float64;
export const short = int16;
export const int = int32;
export const long = int64;
export const cfloat = complex64;
export const cdouble = complex128;
export const chalf = complex32;
export const bit = uint1;

/** A dtype given as a constant or a name ('float32', 'torch.long'). */
export type DTypeLike = DType | string;

export function isDTypeName(name: string): boolean {
  return byName.has(name.startsWith('torch.') ? name.slice(6) : name);
}

export function dtypeFromCode(code: number): DType {
  const d = byCode.get(code);
  if (!d) throw new Error(`torchnode: dtype code ${code} has no torch dtype here`);
  return d;
}

function available(d: DType, fn: string): DType {
  if (d.code < 0) throw new TypeError(`${fn}: dtype torch.${d.name} does not exist in libtorch ${torchVersion}`);
  return d;
}

/** The DType for a constant or a name; `fn` names the caller in errors. */
export function toDType(d: unknown, fn = 'dtype'): DType {
  if (d instanceof DType) return available(d, fn);
  if (typeof d === 'string') {
    const found = byName.get(d.startsWith('torch.') ? d.slice(6) : d);
    if (found) return found;
    throw new TypeError(`${fn}: unknown dtype '${d}'`);
  }
  throw new TypeError(`${fn}: dtype must be a torch dtype or its name, got ${d === null ? 'null' : typeof d}`);
}

let defaultDtype: DType = float32;
export function getDefaultDtype(): DType {
  return defaultDtype;
}
export function setDefaultDtype(d: DTypeLike): void {
  const dt = toDType(d, 'setDefaultDtype');
  if (!dt.isFloatingPoint) throw new TypeError('setDefaultDtype: only floating-point types are supported as the default type');
  if (dt !== float32) throw new RangeError('setDefaultDtype: only float32 is supported yet');
  defaultDtype = dt;
}
