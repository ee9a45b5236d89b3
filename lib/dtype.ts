// torch.dtype: one frozen constant per scalar type, so `x.dtype === torch.float32` holds.
export class DType {
  /** c10::ScalarType code, shared with the native layer. */
  readonly code: number;
  /** PyTorch's name without the `torch.` prefix, e.g. 'float32'. */
  readonly name: string;
  readonly itemsize: number;
  readonly isFloatingPoint: boolean;
  readonly isComplex: boolean;
  readonly isSigned: boolean;
  constructor(code: number, name: string, itemsize: number, kind: 'float' | 'complex' | 'int' | 'uint' | 'bool') {
    this.code = code;
    this.name = name;
    this.itemsize = itemsize;
    this.isFloatingPoint = kind === 'float';
    this.isComplex = kind === 'complex';
    this.isSigned = kind !== 'uint' && kind !== 'bool';
    Object.freeze(this);
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export const uint8 = new DType(0, 'uint8', 1, 'uint');
export const int8 = new DType(1, 'int8', 1, 'int');
export const int16 = new DType(2, 'int16', 2, 'int');
export const int32 = new DType(3, 'int32', 4, 'int');
export const int64 = new DType(4, 'int64', 8, 'int');
export const float16 = new DType(5, 'float16', 2, 'float');
export const float32 = new DType(6, 'float32', 4, 'float');
export const float64 = new DType(7, 'float64', 8, 'float');
export const complex32 = new DType(8, 'complex32', 4, 'complex');
export const complex64 = new DType(9, 'complex64', 8, 'complex');
export const complex128 = new DType(10, 'complex128', 16, 'complex');
export const bool = new DType(11, 'bool', 1, 'bool');
export const bfloat16 = new DType(15, 'bfloat16', 2, 'float');
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

const byCode = new Map<number, DType>();
const byName = new Map<string, DType>();
for (const [alias, d] of Object.entries({
  uint8, int8, int16, int32, int64, float16, float32, float64, complex32, complex64, complex128, bool, bfloat16,
  half, float, double, short, int, long, cfloat, cdouble, chalf,
})) {
  byCode.set(d.code, d);
  byName.set(alias, d);
}

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

/** The DType for a constant or a name; `fn` names the caller in errors. */
export function toDType(d: unknown, fn = 'dtype'): DType {
  if (d instanceof DType) return d;
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
