// The helpers of torch/masked/_ops.py (2.13) that every masked operation shares: argument binding,
// dim canonicalisation, the identity value of each reduction, mask canonicalisation and the
// combination of input and mask, for strided, sparse COO and sparse CSR tensors.
import { aten } from '../call.js';
import { bool, float32, iinfo, int64, toDType, uint8, type DType, type DTypeLike } from '../dtype.js';
import { tensor } from '../creation.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { bindArgs } from '../functional/args.js';
import { isCoo, isCsr, isStrided, where } from './sparse.js';
import { Function, type FunctionCtx } from '../function.js';

/** What the masked operations read from a MaskedTensor (torch.masked.MaskedTensor implements it). */
export interface MaskedInput {
  readonly [MASKED]: true;
  getData(): Tensor;
  getMask(): Tensor;
}
/** The brand of MaskedTensor instances, so the operations recognise them without importing the class. */
export const MASKED: unique symbol = Symbol('torch.masked.MaskedTensor');

/** torch.masked.is_masked_tensor: whether `obj` is a MaskedTensor. */
export function isMaskedTensor(obj: unknown): obj is MaskedInput {
  return typeof obj === 'object' && obj !== null && (obj as Partial<MaskedInput>)[MASKED] === true;
}

/** A MaskedTensor-like pair for the steps where Python computes on a MaskedTensor's data and keeps its mask. */
export const maskedPair = (data: Tensor, mask: Tensor): MaskedInput => ({ [MASKED]: true, getData: () => data, getMask: () => mask });

/** A masked operation's input: a Tensor (strided, sparse COO or CSR), or a MaskedTensor (its data, with its own mask). */
export function tensorInput(fn: string, input: unknown, name = 'input'): Tensor | MaskedInput {
  if (isMaskedTensor(input)) return input;
  if (!isTensor(input)) throw new TypeError(`${fn}: ${name} must be a Tensor or a MaskedTensor, got ${describe(input)}`);
  return input;
}

/** The plain data of an input (a MaskedTensor's data). */
export const dataOf = (input: Tensor | MaskedInput): Tensor => (isMaskedTensor(input) ? input.getData() : input);

/** The layout of an input (a MaskedTensor's is its data's), as Python prints it: 'torch.sparse_coo'. */
export const layoutOf = (input: Tensor | MaskedInput): string => String(dataOf(input).layout);

/** Python's `raise ValueError(f"masked {op} expects {what} (got {layout} tensor)")` of the ops that stop at a layout. */
export function layoutError(op: string, what: string, layout: string): Error {
  return new TypeError(`masked ${op} expects ${what} (got ${layout} tensor)`);
}

/**
 * Binds Python's `(input, <positional>, *, <keywords>)` call: positionals in order, then one options
 * object; keyword-only arguments cannot come positionally, as in Python.
 */
export function bindMasked<P extends string, K extends string>(fn: string, args: readonly unknown[], positional: readonly P[], keywords: readonly K[], tensors = 1): Partial<Record<P | K, unknown>> {
  return bindArgs(fn, args, [...positional, ...keywords], { count: positional.length, leading: tensors });
}

/** A required argument, or Python's "missing required argument" TypeError. */
export function required<T>(fn: string, name: string, v: T | undefined): T {
  if (v === undefined) throw new TypeError(`${fn}: missing 1 required positional argument: '${name}'`);
  return v;
}

/** The dtype option: null/undefined when not given. */
export const dtypeArg = (fn: string, v: unknown): DType | null => (v === undefined || v === null ? null : toDType(v, fn));

/** The mask option: a Tensor, or null. */
export function maskArg(fn: string, v: unknown, name = 'mask'): Tensor | null {
  if (v === undefined || v === null) return null;
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor or null, got ${describe(v)}`);
  return v;
}

/** A dim argument: an int, an array of ints, or null (all dims). */
export type DimOrDims = number | number[] | null;

/** _canonical_dim(dim, ndim): the sorted, non-negative dims (all dims for null or []), with Python's checks. */
export function canonicalDim(dim: unknown, ndim: number): number[] {
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) return Array.from({ length: ndim }, (_, i) => i);
  ndim = Math.max(ndim, 1);
  const given = Array.isArray(dim) ? (dim as unknown[]) : [dim];
  const dims: number[] = [];
  for (const d of given) {
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`dim must be an int or a list of ints, got ${describe(d)}`);
    if (dims.includes(d)) throw new Error(`dim=${d} appears multiple times in the list of dims`); // Python compares the raw d, as here
    if (d >= ndim || d < -ndim) throw new RangeError(`Dimension out of range (expected to be in range of [${-ndim}, ${ndim - 1}], but got ${d})`);
    dims.push(((d % ndim) + ndim) % ndim);
  }
  return dims.sort((a, b) => a - b);
}

/** The operations whose identity value _reduction_identity knows. */
export type IdentityOp = 'sum' | 'cumsum' | 'prod' | 'cumprod' | 'amax' | 'argmax' | 'logaddexp' | 'logsumexp' | 'amin' | 'argmin' | 'norm' | 'median';

/** _reduction_identity(op, input, *args): the 0-d value masked-out elements take, in input's dtype. */
export function reductionIdentity(op: IdentityOp, input: Tensor, ord?: unknown): Tensor {
  const dtype = input.dtype;
  const make = (v: number | bigint, dt: DType = dtype): Tensor => tensor(v, { dtype: dt, device: input.device });
  const integral = dtype.isSigned || dtype === uint8; // Python: torch.is_signed(input) or dtype == torch.uint8
  const extreme = (which: 'min' | 'max'): Tensor => make(iinfo(dtype)[which]);
  switch (op) {
    case 'sum':
    case 'cumsum':
      return make(0);
    case 'prod':
    case 'cumprod':
      return make(1);
    case 'amax':
    case 'argmax':
    case 'logaddexp':
      if (dtype.isFloatingPoint) return make(-Infinity);
      if (integral && !dtype.isComplex) return extreme('min');
      break;
    case 'logsumexp':
      if (dtype.isFloatingPoint || dtype.isComplex) return make(-Infinity);
      if (integral) return extreme('min');
      break;
    case 'amin':
    case 'argmin':
      if (dtype.isFloatingPoint) return make(Infinity);
      if (integral && !dtype.isComplex) return extreme('max');
      break;
    case 'norm':
      if ((ord === undefined ? 2 : ord) === -Infinity) {
        if (!dtype.isFloatingPoint) throw new Error(`input must be floating point, got ${String(dtype)}`);
        return make(Infinity);
      }
      return make(0);
    case 'median':
      return make(NaN, dtype.isFloatingPoint ? dtype : float32);
  }
  throw new Error(`identity of ${op} on ${String(dtype)} input`);
}

/** _input_mask(input, mask=mask): the mask broadcast to input's shape, in input's layout (COO coalesced), as bool. */
export function inputMask(input: Tensor | MaskedInput, mask: Tensor | null): Tensor {
  const data = dataOf(input);
  if (!(isStrided(data) || isCoo(data) || isCsr(data)))
    throw new TypeError(`_input_mask expects strided or sparse COO or sparse CSR tensor but got ${String(data.layout)}`);
  if (mask === null) throw new RangeError('_input_mask requires explicit mask');
  const shape = data.shape;
  if (!sameShape(mask.shape, shape)) {
    if (mask.dim() > shape.length) throw new RangeError('_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)');
    if (isStrided(mask)) mask = (aten('broadcast_to', [mask.clone(), shape]) as Tensor).to(bool);
    else if (isCoo(mask)) mask = aten('_sparse_broadcast_to', [mask, shape]) as Tensor;
    else if (isCsr(mask)) mask = (aten('_sparse_broadcast_to', [mask.toSparse(), shape]) as Tensor).toSparseCsr(); // CSR does not broadcast: through COO
    else throw new Error(`expected sparse_csr layout, got ${String(mask.layout)}`);
  }
  if (String(mask.layout) !== String(data.layout)) {
    if (isStrided(data)) mask = mask.toDense();
    else if (isCoo(data)) mask = isStrided(mask) ? mask.toSparse(data.sparseDim()) : mask.toSparse();
    else mask = mask.toSparseCsr();
  }
  if (isCoo(mask)) mask = mask.coalesce();
  return mask.to(bool);
}

/** _combine_input_and_mask(op, input, mask, *args): masked-out elements replaced by op's identity (sparse: left unspecified); a MaskedTensor brings its own mask. */
export function combineInputAndMask(op: IdentityOp | 'mean', input: Tensor | MaskedInput, mask: Tensor | null, ord?: unknown): Tensor {
  if (isMaskedTensor(input)) return Combine.apply(input.getData(), input.getMask(), op, ord) as Tensor;
  return combine(op, input, mask, ord);
}

function combine(op: IdentityOp | 'mean', data: Tensor, mask: Tensor | null, ord?: unknown): Tensor {
  if (mask === null) return data;
  const canonical = inputMask(data, mask);
  // mean has no identity (Python's None): only its CSR path gets here, where no fill value is read
  return where(canonical, data, op === 'mean' ? null : reductionIdentity(op, data, ord));
}

// Python's Combine autograd.Function: a MaskedTensor's gradient passes through unchanged, masked-out elements included.
class Combine extends Function {
  static override forward(_ctx: FunctionCtx, data: Tensor, mask: Tensor, op: IdentityOp | 'mean', ord?: unknown): Tensor {
    return combine(op, data, mask, ord);
  }
  static override backward(_ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    return [grad, null, null, null];
  }
}

/** The dtype masked sum and prod reduce in by default: input's, with bool and small ints widened to int64. */
export function accumulateDtype(input: Tensor | MaskedInput): DType {
  const dtype = dtypeOf(input);
  return ['uint8', 'bool', 'int8', 'int16', 'int32'].includes(dtype.name) ? int64 : dtype;
}

export const shapeOf = (input: Tensor | MaskedInput): number[] => dataOf(input).shape;
export const dtypeOf = (input: Tensor | MaskedInput): DType => dataOf(input).dtype;
export const ndimOf = (input: Tensor | MaskedInput): number => dataOf(input).dim();
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

/** The reduction dtype option of a sum-like op, or the default for `input`. */
export function resultDtype(fn: string, input: Tensor | MaskedInput, dtype: unknown, fallback: (input: Tensor | MaskedInput) => DType = dtypeOf): DType {
  return dtypeArg(fn, dtype) ?? fallback(input);
}

export type { DTypeLike };

/**
 * x broadcast to mask's shape, whose backward is sum_to_size run on a MaskedTensor gradient (Python's
 * expand backward, and the broadcast of a plain operand of a binary op): the masked sum, masked-out
 * elements left out.
 */
export class MaskedExpand extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, mask: Tensor): Tensor {
    ctx.saveForBackward(mask);
    ctx.shape = x.shape;
    return x.expand(mask.shape);
  }
  static override backward(ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    const mask = ctx.savedTensors[0]!;
    const shape = ctx.shape as number[];
    const lead = grad.dim() - shape.length;
    const dims = grad.shape.flatMap((s, d) => (d < lead || (shape[d - lead] === 1 && s !== 1) ? [d] : []));
    if (dims.length === 0) return [grad, null];
    const summed = aten('sum', [aten('where', [mask, grad, tensor(0, { dtype: grad.dtype })]), dims, true]) as Tensor;
    return [lead > 0 ? summed.view(shape) : summed, null];
  }
}
