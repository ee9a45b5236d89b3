// torch.masked.MaskedTensor (torch/masked/maskedtensor, 2.13): a data tensor and a bool mask of the
// same shape and layout (strided, sparse COO or sparse CSR; sparse ones share their indices).
// Elementwise ops apply to the data (a sparse one's values) and keep the mask; binary ops need
// matching masks; reductions run torch.masked's reduction on the data and mask the result where no
// element was valid. Autograd through a MaskedTensor is not ported.
import { inspect } from 'node:util';
import { aten } from '../call.js';
import { bool, float16, float32, float64, int16, int32, int64, int8, toDType, type DType, type DTypeLike, type Layout } from '../dtype.js';
import { type Device } from '../device.js';
import { camelCase, describe, isOptionsObject } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { checkArity } from '../functional/args.js';
import { tensor } from '../creation.js';
import { sparseCooTensor, sparseCsrTensor } from '../sparse.js';
import { MASKED, isMaskedTensor } from './core.js';
import { isCoo, isCsr, isStrided, sparseCooWhere, sparseCsrWhere } from './sparse.js';
import { amax, amin, argmax, argmin, mean, prod, std, sum, variance, type MaskedArg } from './reductions.js';

// ---- the operation tables (torch/masked/maskedtensor/{unary,binary,reductions,passthrough}.py) ----

const UNARY_NAMES = [
  'abs', 'absolute', 'acos', 'arccos', 'acosh', 'arccosh', 'angle', 'asin', 'arcsin', 'asinh', 'arcsinh', 'atan', 'arctan', 'atanh',
  'arctanh', 'bitwise_not', 'ceil', 'clamp', 'clip', 'conj_physical', 'cos', 'cosh', 'deg2rad', 'digamma', 'erf', 'erfc', 'erfinv',
  'exp', 'exp2', 'expm1', 'fix', 'floor', 'frac', 'lgamma', 'log', 'log10', 'log1p', 'log2', 'logit', 'i0', 'isnan', 'nan_to_num',
  'neg', 'negative', 'positive', 'pow', 'rad2deg', 'reciprocal', 'round', 'rsqrt', 'sigmoid', 'sign', 'sgn', 'signbit', 'sin', 'sinc',
  'sinh', 'sqrt', 'square', 'tan', 'tanh', 'trunc',
] as const;
const NOT_INPLACE_UNARY = ['angle', 'positive', 'signbit', 'isnan'] as const;

const BINARY_NAMES = [
  'add', 'atan2', 'arctan2', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_left_shift', 'bitwise_right_shift', 'div', 'divide',
  'floor_divide', 'fmod', 'logaddexp', 'logaddexp2', 'mul', 'multiply', 'nextafter', 'remainder', 'sub', 'subtract', 'true_divide',
  'eq', 'ne', 'le', 'ge', 'greater', 'greater_equal', 'gt', 'less_equal', 'lt', 'less', 'maximum', 'minimum', 'fmax', 'fmin', 'not_equal',
] as const;
const NOT_INPLACE_BINARY = ['logaddexp', 'logaddexp2', 'fmin', 'minimum', 'maximum', 'fmax'] as const;

// Applied to data and mask alike (passthrough.py), with Python's Tensor-method argument forms.
const PASSTHROUGH_NAMES = ['select', 'transpose', 't', 'expand', 'view', 'unsqueeze', 'unfold'] as const;

// Python's reductions with their torch.masked function ('all' is _masked_all). norm is left out: Python's
// MaskedTensor.norm fails (Tensor.norm passes p=, which its reduction does not take).
const REDUCTIONS = { sum, mean, amin, amax, argmin, argmax, prod, var: variance, std } as const;
// The Tensor methods whose Python signature takes one int dim, not a list.
const ONE_DIM_REDUCTIONS: readonly string[] = ['prod', 'argmax', 'argmin'];

const DATA = Symbol('data');
const MASK = Symbol('mask');

/** The dtypes a MaskedTensor's data may have (core.py _validate_members). */
const DATA_DTYPES: readonly DType[] = [float16, float32, float64, bool, int8, int16, int32, int64];

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type Operand = MaskedTensor | Tensor | number | boolean;
type UnaryMethods = { [N in (typeof UNARY_NAMES)[number] as Camel<N>]: (...args: (number | boolean | null)[]) => MaskedTensor };
type InplaceUnaryMethods = { [N in Exclude<(typeof UNARY_NAMES)[number], (typeof NOT_INPLACE_UNARY)[number]> as `${Camel<N>}_`]: (...args: (number | boolean | null)[]) => MaskedTensor };
type BinaryMethods = { [N in (typeof BINARY_NAMES)[number] as Camel<N>]: (other: Operand) => MaskedTensor };
type InplaceBinaryMethods = { [N in Exclude<(typeof BINARY_NAMES)[number], (typeof NOT_INPLACE_BINARY)[number]> as `${Camel<N>}_`]: (other: Operand) => MaskedTensor };
type PassthroughMethods = { [N in (typeof PASSTHROUGH_NAMES)[number]]: (...args: (number | number[])[]) => MaskedTensor };
/** A reduction: all elements with no argument, else (dim, keepdim = false, dtype = null) or { dim, keepdim, dtype }. */
export type MaskedReduction = (dim?: number | number[] | MaskedReduceOptions, keepdim?: boolean, dtype?: DTypeLike | null) => MaskedTensor;
export interface MaskedReduceOptions { dim?: number | number[]; keepdim?: boolean; dtype?: DTypeLike | null }
type ReductionMethods = { [N in keyof typeof REDUCTIONS | 'all']: MaskedReduction };

// The method interface the tables above install on MaskedTensor.prototype.
export interface MaskedTensor extends UnaryMethods, InplaceUnaryMethods, BinaryMethods, InplaceBinaryMethods, PassthroughMethods, ReductionMethods {}

/**
 * torch.masked.MaskedTensor(data, mask, requiresGrad = false): `data` with the elements where `mask`
 * is false marked invalid. Both are copied; they must have the same shape and layout (strided, sparse
 * COO or CSR), mask bool. Sparse data with other specified elements than the mask's is cut to the mask's.
 */
export class MaskedTensor {
  declare readonly [MASKED]: true;
  // Own (non-enumerable) properties, not #private fields: torch.tidy finds the tensors of a returned MaskedTensor there.
  declare private readonly [DATA]: Tensor;
  declare private readonly [MASK]: Tensor;

  constructor(data: Tensor, mask: Tensor, requiresGrad = false) {
    checkArity('MaskedTensor', arguments.length, 3);
    if (isMaskedTensor(data) || !isTensor(data)) throw new TypeError('MaskedTensor: data must be a Tensor');
    if (isMaskedTensor(mask) || !isTensor(mask)) throw new TypeError('MaskedTensor: mask must be a Tensor');
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`MaskedTensor: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    if (requiresGrad) throw new TypeError('MaskedTensor: requiresGrad is not supported: torchnode does not port autograd through MaskedTensor');
    [data, mask] = preprocess(data, mask);
    validate(data, mask);
    Object.defineProperty(this, DATA, { value: data.detach().clone(), writable: true });
    Object.defineProperty(this, MASK, { value: mask.clone(), writable: true });
  }


  /** The data, invalid elements included (Python's get_data). */
  getData(): Tensor {
    return this[DATA];
  }
  /** The bool mask: true where an element is valid (Python's get_mask). */
  getMask(): Tensor {
    return this[MASK];
  }
  /** The data with invalid elements replaced by `value` (Python's to_tensor). */
  toTensor(value: number | boolean): Tensor {
    return this[DATA].maskedFill(this[MASK].bitwiseNot(), value);
  }

  get shape(): number[] {
    return this[DATA].shape;
  }
  get dtype(): DType {
    return this[DATA].dtype;
  }
  get device(): Device {
    return this[DATA].device;
  }
  get layout(): Layout {
    return this[DATA].layout;
  }
  get ndim(): number {
    return this[DATA].dim();
  }
  get requiresGrad(): boolean {
    return false;
  }
  /** Python's is_sparse: COO or CSR data. */
  get isSparse(): boolean {
    return this.isSparseCoo() || this.isSparseCsr();
  }
  isSparseCoo(): boolean {
    return isCoo(this[DATA]);
  }
  isSparseCsr(): boolean {
    return isCsr(this[DATA]);
  }
  /** x.to_dense(): this one if strided, else data and mask made dense. */
  toDense(): MaskedTensor {
    if (isStrided(this[DATA])) return unchanged(this);
    return new MaskedTensor(this[DATA].toDense(), this[MASK].toDense());
  }
  /** x.to_sparse() (Python's _MaskedToSparse): the mask as coalesced COO, the data at its specified elements. */
  toSparse(): MaskedTensor {
    if (this.isSparseCoo()) return unchanged(this);
    const sparseMask = this[MASK].toSparseCoo().coalesce();
    return new MaskedTensor(this[DATA].sparseMask(sparseMask), sparseMask);
  }
  /** x.to_sparse_coo(): x.to_sparse(), as Tensor.to_sparse_coo is in Python. */
  toSparseCoo(): MaskedTensor {
    return this.toSparse();
  }
  /** x.to_sparse_csr() (Python's _MaskedToSparseCsr): 2-D only. */
  toSparseCsr(): MaskedTensor {
    if (this[DATA].dim() !== 2) throw new RangeError(`Only 2D tensors can be converted to the SparseCsr layout but got shape: torch.Size([${this[DATA].shape.join(', ')}])`);
    if (this.isSparseCsr()) return unchanged(this);
    const sparseMask = this[MASK].toSparseCsr();
    return new MaskedTensor(this[DATA].sparseMask(sparseMask), sparseMask);
  }
  dim(): number {
    return this[DATA].dim();
  }
  size(d?: number): number | number[] {
    return d === undefined ? this[DATA].shape : this[DATA].size(d);
  }
  numel(): number {
    return this[DATA].numel();
  }

  /** A MaskedTensor of the same data and mask, copied (clone) or detached. */
  clone(): MaskedTensor {
    return new MaskedTensor(this[DATA].clone(), this[MASK]);
  }
  detach(): MaskedTensor {
    return new MaskedTensor(this[DATA].detach(), this[MASK]);
  }
  /** x.to(dtype or device): the data converted, the mask moved along (Python's _to_copy). */
  to(...args: unknown[]): MaskedTensor {
    const data = (this[DATA].to as (...a: unknown[]) => Tensor)(...args);
    const mask = (this[MASK].to as (...a: unknown[]) => Tensor)(...args.map((a) => (isDtypeArg(a) ? bool : a)));
    return new MaskedTensor(data, mask);
  }
  /** x.softmax(dim): the softmax over the valid elements only (aten._masked_softmax), as Python's MaskedTensor does. */
  softmax(dim: number): MaskedTensor {
    checkArity('MaskedTensor.softmax', arguments.length, 1);
    return new MaskedTensor(aten('_masked_softmax', [this[DATA], this[MASK].bitwiseNot(), dim, 2]) as Tensor, this[MASK]);
  }
  /** Frees the data and the mask now. */
  dispose(): void {
    this[DATA].dispose();
    this[MASK].dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** PyTorch's repr: invalid elements print as "--". */
  toString(): string {
    const formatted = (v: number | boolean): string => (this.dtype.isFloatingPoint ? pyFixed(v as number) : pyStr(v));
    if (this.dim() === 0) {
      const valid = this[MASK].item() as boolean;
      return `MaskedTensor(${valid ? formatted(this[DATA].item() as number) : '--'}, ${pyStr(valid)})`;
    }
    const dense = (t: Tensor): Nested => (isStrided(t) ? t : t.toDense()).tolist() as Nested;
    const s = maskedStr(dense(this[DATA]), dense(this[MASK]), formatted);
    return `MaskedTensor(\n${indent(s)}\n)`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}
Object.defineProperty(MaskedTensor.prototype, MASKED, { value: true });

// What Python's autograd.Function gives for an input its forward returns unchanged: a view of it
// (x.view(x.shape), which sparse data cannot make: libtorch's error then, as in Python).
const unchanged = (mt: MaskedTensor): MaskedTensor => mt.view(...mt.shape);

// _preprocess_data: sparse data and mask coalesced (COO); data cut to the mask's specified elements when their counts differ.
function preprocess(data: Tensor, mask: Tensor): [Tensor, Tensor] {
  if (String(data.layout) !== String(mask.layout)) throw new TypeError('MaskedTensor: data and mask must have the same layout.');
  if (isCoo(data)) {
    data = data.coalesce();
    mask = mask.coalesce();
    if (data._nnz() !== mask._nnz()) data = sparseCooWhere(mask, data, tensor(0));
  } else if (isCsr(data) && data._nnz() !== mask._nnz()) data = sparseCsrWhere(mask, data, tensor(0));
  return [data, mask];
}

// Python's _set_data_mask: the in-place ops' new data (a sparse one is rebuilt around its new values).
function setDataMask(mt: MaskedTensor, data: Tensor, mask: Tensor): void {
  validate(data, mask);
  const fields = mt as unknown as Record<symbol, Tensor>;
  fields[DATA] = data;
  fields[MASK] = mask;
}

// _tensors_match(a, b, exact=True): same layout; sparse ones by their indices and values; b cast to a's dtype.
function tensorsMatch(a: Tensor, b: Tensor): boolean {
  if (String(a.layout) !== String(b.layout)) throw new TypeError(`\`a\` and \`b\` must have the same layout. Got ${String(a.layout)} and ${String(b.layout)}`);
  if (a.dtype !== b.dtype) b = b.to(a.dtype);
  if (isCoo(a)) return tensorsMatch(a.values(), b.values()) && tensorsMatch(a.indices(), b.indices());
  if (isCsr(a)) return tensorsMatch(a.crowIndices(), b.crowIndices()) && tensorsMatch(a.colIndices(), b.colIndices()) && tensorsMatch(a.values(), b.values());
  return a.dim() === b.dim() && (aten('eq', [a, b]) as Tensor).all().item() === true;
}

// _validate_members
function validate(data: Tensor, mask: Tensor): void {
  if (!(isStrided(data) || isCoo(data) || isCsr(data))) throw new TypeError(`MaskedTensor: data layout of ${String(data.layout)} is not supported.`);
  if (isCoo(data) && !tensorsMatch(data.indices(), mask.indices()))
    throw new RangeError('MaskedTensor: data and mask are both sparse COO tensors but do not have the same indices.');
  if (isCsr(data) && !(tensorsMatch(data.crowIndices(), mask.crowIndices()) && tensorsMatch(data.colIndices(), mask.colIndices())))
    throw new RangeError('MaskedTensor: data and mask are both sparse CSR tensors but do not share either crow or col indices.');
  if (mask.dtype !== bool) throw new TypeError('MaskedTensor: mask must have dtype bool.');
  if (!DATA_DTYPES.includes(data.dtype)) throw new TypeError(`MaskedTensor: ${String(data.dtype)} is not supported in MaskedTensor.`);
  if (data.dim() !== mask.dim()) throw new RangeError('MaskedTensor: data.dim() must equal mask.dim()');
  if (data.shape.some((s, i) => s !== mask.shape[i])) throw new RangeError('MaskedTensor: data.size() must equal mask.size()');
}

const isDtypeArg = (a: unknown): boolean => typeof a === 'object' && a !== null && a.constructor?.name === 'DType';

/** torch.masked.masked_tensor(data, mask, requiresGrad = false): a new MaskedTensor (data and mask copied). */
export function maskedTensor(data: Tensor, mask: Tensor, requiresGrad = false): MaskedTensor {
  return new MaskedTensor(data, mask, requiresGrad);
}

/** torch.masked.as_masked_tensor(data, mask): a MaskedTensor of data and mask (Python's differentiable constructor; no autograd here). */
export function asMaskedTensor(data: Tensor, mask: Tensor): MaskedTensor {
  checkArity('asMaskedTensor', arguments.length, 2);
  return new MaskedTensor(data, mask);
}

// ---- elementwise ops ----

// Python's unary/binary ops take no keyword arguments: a trailing options object is refused as they refuse kwargs.
function noKwargs(fn: string, args: readonly unknown[], message: string): void {
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) throw new TypeError(`MaskedTensor.${fn}: ${message}`);
}

// _masks_match: masks of two MaskedTensors must be equal (exact; sparse ones by indices and values).
function masksMatch(a: unknown, b: unknown): boolean {
  if (!(a instanceof MaskedTensor && b instanceof MaskedTensor)) return true;
  return tensorsMatch(a.getMask(), b.getMask());
}

// Python's sparse branches of the unary and binary helpers: fn on the values, rebuilt on the same indices.
function onValues(data: Tensor, fn: (values: Tensor) => Tensor): Tensor {
  if (isCoo(data)) {
    const coalesced = data.coalesce();
    return sparseCooTensor(coalesced.indices(), fn(coalesced.values()), data.shape);
  }
  return sparseCsrTensor(data.crowIndices(), data.colIndices(), fn(data.values())); // no size: Python infers it from the indices
}

const dataOf = (a: unknown): unknown => (a instanceof MaskedTensor ? a.getData() : a);

function installUnary(name: string, inplace: boolean): void {
  const js = camelCase(name) + (inplace ? '_' : '');
  const op = inplace ? `${name}_` : name;
  define(js, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    noKwargs(js, args, 'MaskedTensor unary ops require that len(kwargs) == 0. If you need support for this, please open an issue on Github.');
    if (args.some((a) => isTensor(a) || a instanceof MaskedTensor)) throw new TypeError(`MaskedTensor.${js}: MaskedTensor unary ops do not support additional Tensor arguments`);
    const data = this.getData();
    const result = isStrided(data) ? (aten(op, [data, ...args]) as Tensor) : onValues(data, (v) => aten(op, [v, ...args]) as Tensor);
    if (inplace) {
      setDataMask(this, isStrided(data) ? data : result, this.getMask());
      return this;
    }
    return new MaskedTensor(result, this.getMask());
  });
}

function installBinary(name: string, inplace: boolean): void {
  const js = camelCase(name) + (inplace ? '_' : '');
  const op = inplace ? `${name}_` : name;
  define(js, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    noKwargs(js, args, 'len(kwargs) must equal 0');
    if (args.length === 0) throw new TypeError(`MaskedTensor.${js}: missing required argument 'other'`);
    if (args.slice(1).some((a) => isTensor(a) || a instanceof MaskedTensor))
      throw new TypeError(`MaskedTensor.${js}: MaskedTensor binary ops do not support Tensor arguments aside from the lhs and rhs`);
    const other = args[0];
    if (!masksMatch(this, other)) throw new RangeError(`MaskedTensor.${js}: Input masks must match. If you need support for this, please open an issue on Github.`);
    const data = this.getData();
    const rest = args.map(dataOf);
    const otherData = rest[0];
    const sameLayout = isTensor(otherData) && String(otherData.layout) === String(data.layout);
    let result: Tensor;
    if (isCoo(data)) {
      if (sameLayout) {
        if (!tensorsMatch(data.indices(), otherData.indices()))
          throw new RangeError(`MaskedTensor.${js}: sparse_coo indices must match. If you need support for this, please open an issue on Github.`);
        if (data.shape.some((s, i) => s !== otherData.shape[i]) || data.dim() !== otherData.dim())
          throw new RangeError(`MaskedTensor.${js}: input1 and input2 must have the same size for binary functions.`);
        rest[0] = otherData.values();
      }
      result = sparseCooTensor(data.indices(), aten(op, [data.values(), ...rest]) as Tensor, data.shape);
    } else if (isCsr(data)) {
      if (sameLayout) {
        if (!(tensorsMatch(data.crowIndices(), otherData.crowIndices()) && tensorsMatch(data.colIndices(), otherData.colIndices())))
          throw new RangeError(`MaskedTensor.${js}: sparse_csr indices must match. If you need support for this, please open an issue on Github.`);
        rest[0] = otherData.values();
      }
      result = sparseCsrTensor(data.crowIndices(), data.colIndices(), aten(op, [data.values(), ...rest]) as Tensor, data.shape);
    } else result = aten(op, [data, ...rest]) as Tensor;
    if (inplace) {
      setDataMask(this, isStrided(data) ? data : result, this.getMask());
      return this;
    }
    const mask = this.getMask();
    return new MaskedTensor(result, isStrided(data) ? mask.expandAs(result) : mask);
  });
}

function installPassthrough(name: string): void {
  define(name, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    const apply = (t: Tensor): Tensor => (t[name as 'view'] as (...a: unknown[]) => Tensor)(...args);
    return new MaskedTensor(apply(this.getData()), apply(this.getMask()));
  });
}

// ---- reductions ----

// _multidim_any(mask, dim, keepdim): the result mask, valid where any reduced element was.
function multidimAny(mask: Tensor, dim: number | number[], keepdim: boolean): Tensor {
  const dims = typeof dim === 'number' ? [dim] : [...dim].sort((a, b) => b - a);
  return dims.reduce((m, d) => aten('any', [m, d, keepdim]) as Tensor, mask);
}

// _masked_all: all() with invalid elements counted as true.
function maskedAll(data: Tensor, mask: Tensor, dim?: number | number[], keepdim = false): Tensor {
  const filled = data.maskedFill(mask.bitwiseNot(), true);
  return dim === undefined ? filled.all() : (aten('all', [filled, dim, keepdim]) as Tensor);
}

// _torch_reduce_all: the reduction of every valid element (a sparse tensor's valid values); valid if any element is.
function reduceAll(mt: MaskedTensor, name: keyof typeof REDUCTIONS | 'all'): MaskedTensor {
  const data = mt.getData();
  const mask = mt.isSparse ? mt.getMask().values() : mt.getMask();
  const reduction = REDUCTIONS[name as keyof typeof REDUCTIONS] as (x: MaskedArg, o?: object) => Tensor;
  let result: Tensor;
  if (name === 'all') result = maskedAll(data, mask);
  else if ((name === 'argmin' || name === 'argmax') && mt.isSparseCoo()) {
    // the position among the values, mapped to the flat index of its element as Python computes it (in float)
    const sparseIdx = reduction(data.values(), { mask }).to(int32);
    const idx = data.indices().unbind(1)[Number(sparseIdx.item())]!;
    const stride = tensor(data.shape).cumprod(0).reciprocal().mul(data.numel()); // numel / tensor(size).cumprod(0): Python's __rtruediv__
    result = idx.mul(stride).sum();
  } else if (mt.isSparse) result = reduction(new MaskedTensor(data.values(), mask));
  else result = reduction(mt, { mask });
  return new MaskedTensor(result, aten('any', [mask]) as Tensor);
}

function installReduction(name: keyof typeof REDUCTIONS | 'all'): void {
  const fn = `MaskedTensor.${name}`;
  define(name, function (this: MaskedTensor, ...args: unknown[]): MaskedTensor {
    checkArity(fn, args.length, 3);
    if (args.length === 0) return reduceAll(this, name);
    // Python's reduce_dim returns NotImplemented for sparse data, and the dispatch then fails
    if (this.isSparse) throw new TypeError(`Multiple dispatch failed for 'torch.Tensor.${name}'; all __torch_function__ handlers returned NotImplemented:`);
    const mask = this.getMask();
    // _torch_reduce_dim(self, dim, keepdim=False, dtype=None)
    const o = isOptionsObject(args[args.length - 1]) ? (args[args.length - 1] as Record<string, unknown>) : {};
    const positional = isOptionsObject(args[args.length - 1]) ? args.slice(0, -1) : args;
    for (const key of Object.keys(o)) if (!['dim', 'keepdim', 'dtype'].includes(key)) throw new TypeError(`${fn}: unexpected keyword argument '${key}'`);
    const [dim, keepdim = false, dtype = null] = [positional[0] ?? o.dim, positional[1] ?? o.keepdim, positional[2] ?? o.dtype];
    if (dim === undefined || dim === null) throw new TypeError(`${fn}: missing required argument 'dim'`);
    if (ONE_DIM_REDUCTIONS.includes(name) && !Number.isInteger(dim)) throw new TypeError(`${fn}: dim must be an int, got ${describe(dim)}`);
    if (typeof keepdim !== 'boolean') throw new TypeError(`${fn}: keepdim must be a boolean, got ${describe(keepdim)}`);
    const d = dim as number | number[];
    const result = name === 'all'
      ? maskedAll(this.getData(), mask, d, keepdim)
      : (REDUCTIONS[name] as (x: MaskedArg, o: object) => Tensor)(this, { dim: d, keepdim, dtype: dtype === null ? null : toDType(dtype, fn), mask });
    return new MaskedTensor(result, multidimAny(mask, d, keepdim));
  });
}

function define(name: string, value: (this: MaskedTensor, ...args: unknown[]) => MaskedTensor): void {
  Object.defineProperty(MaskedTensor.prototype, name, { value, writable: true, configurable: true });
}

for (const name of UNARY_NAMES) {
  installUnary(name, false);
  if (!(NOT_INPLACE_UNARY as readonly string[]).includes(name)) installUnary(name, true);
}
for (const name of BINARY_NAMES) {
  installBinary(name, false);
  if (!(NOT_INPLACE_BINARY as readonly string[]).includes(name)) installBinary(name, true);
}
for (const name of PASSTHROUGH_NAMES) installPassthrough(name);
for (const name of [...Object.keys(REDUCTIONS), 'all'] as (keyof typeof REDUCTIONS | 'all')[]) installReduction(name);

// ---- printing (core.py _masked_tensor_str) ----

type Nested = (number | boolean | Nested)[];
const pyStr = (v: number | boolean): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
// Python's '{0:8.4f}'.format(v).
const pyFixed = (v: number): string => (Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? v.toFixed(4) : v > 0 ? 'inf' : '-inf').padStart(8);
const indent = (s: string): string => s.split('\n').map((line) => `  ${line}`).join('\n');

function maskedStr(data: Nested, mask: Nested, formatted: (v: number | boolean) => string): string {
  if (data.length === 0 || !Array.isArray(data[0])) {
    const items = data.map((v) => formatted(v as number | boolean));
    const width = Math.max(...items.map((e, i) => (mask[i] ? e.length : 8)));
    return `[${items.map((e, i) => (mask[i] ? e : '--'.padStart(width))).join(', ')}]`;
  }
  return `[\n${data.map((d, i) => indent(maskedStr(d as Nested, mask[i] as Nested, formatted))).join(',\n')}\n]`;
}
