// torch.dtype: one frozen constant per scalar type, so `x.dtype === torch.float32` holds. Codes,
// names, aliases and sizes come from the native dtype table (native/src/dtypes.cc): one source.
import { native } from './native.js';

export type DTypeKind = 'float' | 'complex' | 'int' | 'uint' | 'bool' | 'quantized' | 'bits';

/** A c10 enum value PyTorch exposes as a `torch.*` constant (a dtype, layout, memory format or qscheme). */
abstract class TorchEnumValue {
  /** The c10 code, shared with the native layer. */
  readonly code: number;
  /** PyTorch's name without the `torch.` prefix, e.g. 'float32', 'sparse_coo', 'channels_last'. */
  readonly name: string;
  /** `sealed`: freeze now; a subclass with fields of its own (DType) freezes itself once it has set them. */
  constructor(code: number, name: string, sealed = true) {
    this.code = code;
    this.name = name;
    if (sealed) Object.freeze(this);
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export class DType extends TorchEnumValue {
  declare readonly code: number; // c10::ScalarType code (-1: not in this libtorch)
  readonly itemsize: number;
  readonly kind: DTypeKind;
  readonly isFloatingPoint: boolean;
  readonly isComplex: boolean;
  readonly isSigned: boolean;
  constructor(code: number, name: string, itemsize: number, kind: DTypeKind, isSigned: boolean) {
    super(code, name, false);
    this.itemsize = itemsize;
    this.kind = kind;
    this.isFloatingPoint = kind === 'float';
    this.isComplex = kind === 'complex';
    this.isSigned = isSigned;
    Object.freeze(this);
  }

  /** dtype.to_real(): the real counterpart of a complex dtype (complex64 → float32); any other dtype itself. */
  toReal(): DType {
    return byCode.get(mappings.get(this.code)?.toReal ?? this.code) ?? this;
  }

  /** dtype.to_complex(): the complex counterpart (float32 → complex64, bfloat16 → complex64); an error for integer and float8 dtypes. */
  toComplex(): DType {
    const to = mappings.get(this.code)?.toComplex;
    if (typeof to !== 'number') throw new Error(to ?? `Unknown Complex ScalarType for ${this.name}`);
    return byCode.get(to)!;
  }
}

const byCode = new Map<number, DType>();
const byName = new Map<string, DType>();
const mappings = new Map<number, { toReal: number; toComplex: number | string; c10Name: string }>(); // c10's, by code
const nativeDtypes = native.dtypes();
for (const d of nativeDtypes) {
  mappings.set(d.code, d);
  const dt = new DType(d.code, d.name, d.itemsize, d.kind as DTypeKind, d.signed);
  byCode.set(d.code, dt);
  for (const name of [d.name, ...d.aliases]) byName.set(name, dt);
}
/** @internal c10's name of a dtype ('Float', 'Long', ...), as libtorch's messages and Python's legacy type names spell it. */
export const scalarTypeName = (dtype: DType): string => mappings.get(dtype.code)?.c10Name ?? dtype.name.replace(/^./, (c) => c.toUpperCase());
/** @internal The dtype c10 names so ('Float' is float32), as in Python's legacy type strings; undefined for none. */
export const dtypeFromScalarTypeName = (name: string): DType | undefined => [...byCode.values()].find((d) => mappings.get(d.code)!.c10Name === name);
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

// ---------- default dtype ----------

// The default dtype lives in libtorch (c10's process-wide default, as in Python), because ATen's
// factories, arange/linspace/full inference and the type promotion of float scalars read it there.
// So every thread sees one value; it is read from libtorch each time, never cached here.

/** torch.get_default_dtype: the dtype of float data and of factories given no dtype (float32 unless set). */
export function getDefaultDtype(): DType {
  return dtypeFromCode(native.getDefaultDtype());
}

// Python's legacy tensor types exist for float16/32/64 only: other floats fail where it looks them up.
const LEGACY_STORAGE_FREE = new Set(['float8_e5m2', 'float8_e4m3fn', 'float8_e5m2fnuz', 'float8_e4m3fnuz', 'float8_e8m0fnu', 'float4_e2m1fn_x2']);

/**
 * torch.set_default_dtype(d): float64, float32, float16 or bfloat16, for the whole process (every worker
 * thread too, as Python's is for every thread). Other dtypes raise Python's error and change nothing.
 */
export function setDefaultDtype(d: DTypeLike): void {
  if (!(d instanceof DType) && typeof d !== 'string')
    throw new TypeError('setDefaultDtype: invalid dtype object: only floating-point types are supported as the default type');
  const dt = toDType(d, 'setDefaultDtype');
  if (!dt.isFloatingPoint) throw new TypeError('setDefaultDtype: only floating-point types are supported as the default type');
  if (LEGACY_STORAGE_FREE.has(dt.name)) {
    const storage = `${dt.name[0]!.toUpperCase()}${dt.name.slice(1)}Storage`;
    throw new TypeError(`setDefaultDtype: couldn't find storage object ${storage} (${dt} cannot be the default dtype)`);
  }
  native.setDefaultDtype(dt.code);
}

// ---------- finfo / iinfo ----------

// C's %g (6 significant digits, ties to even on the exact binary value), as Python's finfo/iinfo
// repr prints its numbers. JS's toPrecision rounds ties up, so the digits are rounded here.
function pyG(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const [mantissa, expText] = Math.abs(v).toExponential(99).split('e') as [string, string];
  const all = mantissa.replace('.', '');
  let digits = all.slice(0, 6);
  let exp = Number(expText);
  const rest = all.slice(6).replace(/0+$/, '');
  if (rest > '5' || (rest === '5' && Number(digits.at(-1)) % 2 === 1)) {
    const up = String(Number(digits) + 1);
    if (up.length > 6) exp += 1;
    digits = up.slice(0, 6);
  }
  const sign = v < 0 ? '-' : '';
  const trim = (t: string): string => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (exp < -4 || exp >= 6) return `${sign}${trim(`${digits[0]}.${digits.slice(1)}`)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const fixed = exp >= 0 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : `0.${'0'.repeat(-exp - 1)}${digits}`;
  return sign + trim(fixed);
}

/** torch.finfo: the limits of a floating point dtype (for a complex dtype, of its real part). */
export class FInfo {
  readonly bits: number;
  /** The smallest x with 1 + x != 1. */
  readonly eps: number;
  readonly max: number;
  /** The most negative finite value (numeric_limits::lowest). */
  readonly min: number;
  /** The smallest positive normal number. */
  readonly tiny: number;
  readonly smallestNormal: number;
  /** 10 ** -(decimal digits of precision). */
  readonly resolution: number;
  /** The dtype's name, a string as in Python ('float32'; 'float32' for complex64 too). */
  readonly dtype: string;
  constructor(fields: { bits: number; eps: number; max: number; min: number; tiny: number; resolution: number; dtype: string }) {
    this.bits = fields.bits;
    this.eps = fields.eps;
    this.max = fields.max;
    this.min = fields.min;
    this.tiny = fields.tiny;
    this.smallestNormal = fields.tiny;
    this.resolution = fields.resolution;
    this.dtype = fields.dtype;
    Object.freeze(this);
  }
  toString(): string {
    const f = [this.resolution, this.min, this.max, this.eps, this.smallestNormal, this.tiny].map(pyG);
    return `finfo(resolution=${f[0]}, min=${f[1]}, max=${f[2]}, eps=${f[3]}, smallest_normal=${f[4]}, tiny=${f[5]}, dtype=${this.dtype})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** torch.iinfo: the limits of an integer dtype; min and max are BigInts for the 64-bit types, numbers otherwise. */
export class IInfo {
  readonly bits: number;
  readonly min: number | bigint;
  readonly max: number | bigint;
  /** The dtype's name, a string as in Python ('int32'). */
  readonly dtype: string;
  constructor(fields: { bits: number; min: bigint; max: bigint; dtype: string }) {
    this.bits = fields.bits;
    this.min = fields.bits === 64 ? fields.min : Number(fields.min);
    this.max = fields.bits === 64 ? fields.max : Number(fields.max);
    this.dtype = fields.dtype;
    Object.freeze(this);
  }
  toString(): string {
    return `iinfo(min=${pyG(Number(this.min))}, max=${pyG(Number(this.max))}, dtype=${this.dtype})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const finfos = new Map<DType, FInfo>();
const iinfos = new Map<DType, IInfo>();
for (const d of nativeDtypes) {
  if (d.finfo) finfos.set(dtypeFromCode(d.code), new FInfo(d.finfo));
  if (d.iinfo) iinfos.set(dtypeFromCode(d.code), new IInfo(d.iinfo));
}

/** torch.finfo(dtype); torch.finfo() describes the default dtype. */
export function finfo(d?: DTypeLike): FInfo {
  const dt = d === undefined ? getDefaultDtype() : toDType(d, 'finfo');
  const info = finfos.get(dt);
  if (info) return info;
  if (dt.isFloatingPoint) throw new TypeError(`finfo: ${dt} is not supported (Python's torch.finfo raises "bad argument type for built-in operation")`);
  throw new TypeError(`finfo: requires a floating point input type, got ${dt}; use torch.iinfo for integer types`);
}

/** torch.iinfo(dtype) for the integer dtypes (uint8 ... int64, uint16/32/64). */
export function iinfo(d: DTypeLike): IInfo {
  const dt = toDType(d, 'iinfo');
  const info = iinfos.get(dt);
  if (info) return info;
  if (dt === bool) throw new TypeError('iinfo: torch.bool is not supported by torch.iinfo');
  if (dt.kind === 'quantized') throw new Error(`iinfo: not implemented for ${dt} (Python raises NotImplementedError)`);
  throw new TypeError(`iinfo: requires an integer input type, got ${dt}; use torch.finfo for floating point types`);
}

// ---------- layouts and memory formats ----------

/** torch.layout: how a tensor's elements are stored (`x.layout === torch.strided`). */
export class Layout extends TorchEnumValue {}

/** torch.memory_format: the dim order a tensor's strides follow (`x.contiguous({ memoryFormat: torch.channelsLast })`). */
export class MemoryFormat extends TorchEnumValue {}

const layoutsByName = new Map(native.layouts().map((l) => [l.name, new Layout(l.code, l.name)]));
const formatsByName = new Map(native.memoryFormats().map((f) => [f.name, new MemoryFormat(f.code, f.name)]));
const layout = (name: string): Layout => layoutsByName.get(name)!;
const memoryFormat = (name: string): MemoryFormat => formatsByName.get(name)!;

export const strided = layout('strided');
export const sparseCoo = layout('sparse_coo');
export const sparseCsr = layout('sparse_csr');
export const sparseCsc = layout('sparse_csc');
export const sparseBsr = layout('sparse_bsr');
export const sparseBsc = layout('sparse_bsc');
export const jagged = layout('jagged');
export const _mkldnn = layout('_mkldnn');
export const contiguousFormat = memoryFormat('contiguous_format');
export const preserveFormat = memoryFormat('preserve_format');
export const channelsLast = memoryFormat('channels_last');
export const channelsLast3d = memoryFormat('channels_last_3d');
/** torch.legacy_contiguous_format: in Python the very same object as torch.contiguous_format. */
export const legacyContiguousFormat = contiguousFormat;

type Prefixed<T extends string> = T | `torch.${T}`;
/** A layout given as a constant (torch.strided) or Python's name ('strided', 'torch.sparse_coo'). */
export type LayoutLike = Layout | Prefixed<'strided' | 'sparse_coo' | 'sparse_csr' | 'sparse_csc' | 'sparse_bsr' | 'sparse_bsc' | 'jagged' | '_mkldnn'>;
/** A memory format given as a constant (torch.channelsLast) or Python's name ('channels_last'). */
export type MemoryFormatLike = MemoryFormat | Prefixed<'contiguous_format' | 'preserve_format' | 'channels_last' | 'channels_last_3d'>;

/** The Layout constant for a name as libtorch reports it ('strided', 'sparse_coo', ...). */
export function layoutFromName(name: string): Layout {
  const found = layoutsByName.get(name);
  if (!found) throw new Error(`torchnode: layout '${name}' has no torch layout here`);
  return found;
}

/** The c10 code of a layout given as a constant, Python's name ('sparse_csr', 'torch.sparse_csr') or a code; TypeError naming `fn` otherwise. */
export function layoutCode(value: unknown, fn: string): number {
  if (value instanceof Layout) return value.code;
  if (typeof value === 'number') for (const l of layoutsByName.values()) if (l.code === value) return value;
  if (typeof value === 'string') {
    const found = layoutsByName.get(value.startsWith('torch.') ? value.slice(6) : value);
    if (found) return found.code;
  }
  throw new TypeError(`${fn}: layout must be a torch layout (torch.sparseCsr or 'sparse_csr'), got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
}

// ---------- quantization schemes ----------

/** torch.qscheme: how a quantized tensor maps integers to reals (`q.qscheme() === torch.perTensorAffine`). */
export class QScheme extends TorchEnumValue {}

const qschemesByCode = new Map(native.qschemes().map((q) => [q.code, new QScheme(q.code, q.name)]));
const qschemeNamed = (name: string): QScheme => [...qschemesByCode.values()].find((q) => q.name === name)!;
export const perTensorAffine = qschemeNamed('per_tensor_affine');
export const perChannelAffine = qschemeNamed('per_channel_affine');
export const perTensorSymmetric = qschemeNamed('per_tensor_symmetric');
export const perChannelSymmetric = qschemeNamed('per_channel_symmetric');
export const perChannelAffineFloatQparams = qschemeNamed('per_channel_affine_float_qparams');

/** The QScheme constant for a c10::QScheme code (what aten::qscheme returns). */
export function qschemeFromCode(code: number): QScheme {
  const found = qschemesByCode.get(code);
  if (!found) throw new Error(`torchnode: qscheme code ${code} has no torch.qscheme here`);
  return found;
}

// ---------- torch.Size ----------

/**
 * torch.Size: a tensor shape, an Array of non-negative integers (Python's is a tuple subclass).
 * `new torch.Size([2, 3]).numel()` is 6. Array methods that make new arrays (map, slice, ...) return plain Arrays.
 */
export class Size extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(sizes: Iterable<number> = []) {
    super();
    if (sizes === null || typeof (sizes as Partial<Iterable<number>>)[Symbol.iterator] !== 'function')
      throw new TypeError(`Size: expected an iterable of integers, got ${sizes === null ? 'null' : typeof sizes}`);
    for (const s of sizes) {
      if (!Number.isInteger(s)) throw new TypeError(`Size: every size must be an integer, got ${typeof s === 'number' ? s : typeof s}`);
      this.push(s);
    }
  }
  /** The number of elements a tensor of this shape holds: the product of the sizes (1 for []). */
  numel(): number {
    return this.reduce((n, s) => n * s, 1);
  }
  override toString(): string {
    return pySize(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** str(torch.Size(shape)): `torch.Size([3, 4])`, as Python's messages print shapes. */
export const pySize = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`;

// ---------- numeric constants ----------

/** Python's math constants that torch re-exports (torch.pi, torch.e, torch.inf, torch.nan). */
export const pi = Math.PI;
export const e = Math.E;
export const inf = Infinity;
export const nan = NaN;
