// The masked reductions of torch/masked/_ops.py (2.13), strided path, ported statement by statement:
// masked-out elements take the reduction's identity (combineInputAndMask), then the ATen reduction
// runs on the result; mean, var and std count the unmasked elements as Python does.
import { aten } from '../call.js';
import { float32, int64, toDType, type DType, type DTypeLike } from '../dtype.js';
import { ones } from '../creation.js';
import { boolArg } from '../functional/args.js';
import { describe } from '../options.js';
import { type Tensor } from '../tensor.js';
import {
  accumulateDtype, bindMasked, canonicalDim, combineInputAndMask, dataOf, dtypeArg, dtypeOf, inputMask, isMaskedTensor, maskArg,
  maskedPair, ndimOf, shapeOf, tensorInput, type DimOrDims, type MaskedInput,
} from './core.js';

/** The options of torch.masked's reductions (each takes the ones Python's signature has). */
export interface MaskedReductionOptions {
  dim?: DimOrDims;
  keepdim?: boolean;
  dtype?: DTypeLike | null;
  mask?: Tensor | null;
}
export interface MaskedNormOptions extends MaskedReductionOptions { ord?: number | null }
export interface MaskedVarOptions extends MaskedReductionOptions { unbiased?: boolean | null; correction?: number | null }
export interface MaskedLogaddexpOptions { dtype?: DTypeLike | null; inputMask?: Tensor | null; otherMask?: Tensor | null }

/** A masked operation's input: a Tensor or a torch.masked.MaskedTensor. */
export type MaskedArg = Tensor | MaskedInput;
type Rest<O> = (DimOrDims | boolean | number | O | undefined)[];

const REDUCTION_KEYWORDS = ['keepdim', 'dtype', 'mask'] as const;

// Reads `fn(input, dim=None, *, keepdim, dtype, mask)`.
function reductionArgs(fn: string, input: unknown, args: readonly unknown[]) {
  const x = tensorInput(fn, input);
  const o = bindMasked(fn, args, ['dim'], REDUCTION_KEYWORDS);
  return { x, dim: o.dim as DimOrDims | undefined, keepdim: boolArg(fn, 'keepdim', o.keepdim ?? false, false), dtype: dtypeArg(fn, o.dtype), mask: maskArg(fn, o.mask) };
}

/** torch.masked.sum(input, dim=null, { keepdim, dtype, mask }). */
export function sum(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const { x, dim, keepdim, dtype, mask } = reductionArgs('masked.sum', input, args);
  return maskedSum(x, dim ?? null, keepdim, dtype, mask);
}

// masked sum itself, called by mean, var and normalize as Python's sum(...) is.
function maskedSum(x: MaskedArg, dim: unknown, keepdim: boolean, dtype: DType | null, mask: Tensor | null): Tensor {
  const dims = canonicalDim(dim, ndimOf(x));
  return aten('sum', [combineInputAndMask('sum', x, mask), dims, keepdim, { dtype: dtype ?? accumulateDtype(x) }]) as Tensor;
}

/** torch.masked.prod(input, dim=null, { keepdim, dtype, mask }): one dim at a time, last dim first. */
export function prod(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const { x, dim, keepdim, dtype, mask } = reductionArgs('masked.prod', input, args);
  const dims = canonicalDim(dim, ndimOf(x));
  let result = combineInputAndMask('prod', x, mask).to(dtype ?? accumulateDtype(x));
  for (const d of dims.reverse()) result = aten('prod', [result, d, keepdim]) as Tensor;
  return result;
}

// amax, amin, logsumexp: one ATen reduction over the canonical dims, then .to(dtype).
const DIMS_REDUCTIONS = { amax: 'amax', amin: 'amin', logsumexp: 'logsumexp' } as const;
function dimsReduction(op: keyof typeof DIMS_REDUCTIONS, input: unknown, args: readonly unknown[]): Tensor {
  const { x, dim, keepdim, dtype, mask } = reductionArgs(`masked.${op}`, input, args);
  const combined = combineInputAndMask(op, x, mask);
  const dims = canonicalDim(dim, op === 'logsumexp' ? ndimOf(x) : combined.dim());
  return (aten(DIMS_REDUCTIONS[op], [combined, dims, keepdim]) as Tensor).to(dtype ?? dtypeOf(x));
}

/** torch.masked.amax(input, dim=null, { keepdim, dtype, mask }). */
export const amax = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => dimsReduction('amax', input, args);
/** torch.masked.amin(input, dim=null, { keepdim, dtype, mask }). */
export const amin = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => dimsReduction('amin', input, args);
/** torch.masked.logsumexp(input, dim=null, { keepdim, dtype, mask }). */
export const logsumexp = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => dimsReduction('logsumexp', input, args);

// argmax, argmin: dim passed to ATen as given (an int or null); the result cast to dtype (input's by default, as Python does).
function argReduction(op: 'argmax' | 'argmin', input: unknown, args: readonly unknown[]): Tensor {
  const { x, dim, keepdim, dtype, mask } = reductionArgs(`masked.${op}`, input, args);
  if (dim !== undefined && dim !== null && !Number.isInteger(dim)) throw new TypeError(`masked.${op}: dim must be an int or null, got ${describe(dim)}`);
  return (aten(op, [combineInputAndMask(op, x, mask), dim ?? null, keepdim]) as Tensor).to(dtype ?? dtypeOf(x));
}

/** torch.masked.argmax(input, dim=null, { keepdim, dtype, mask }). */
export const argmax = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => argReduction('argmax', input, args);
/** torch.masked.argmin(input, dim=null, { keepdim, dtype, mask }). */
export const argmin = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => argReduction('argmin', input, args);

// The number of unmasked elements (all of them without a mask), as mean and var count them.
function countOf(x: MaskedArg, dim: unknown, keepdim: boolean, mask: Tensor | null): [count: Tensor, inmask: Tensor | null] {
  if (mask === null) return [maskedSum(ones(shapeOf(x), { dtype: int64, device: dataOf(x).device }), dim, keepdim, null, null), null];
  const inmask = inputMask(x, mask);
  return [aten('sum', [inmask, dimList(dim), keepdim]) as Tensor, inmask];
}
// Tensor.sum(dim=dim): an int or a list (null: all dims).
const dimList = (dim: unknown): number[] | null => (dim === undefined || dim === null ? null : Array.isArray(dim) ? (dim as number[]) : [dim as number]);

/** torch.masked.mean(input, dim=null, { keepdim, dtype, mask }): the sum of the unmasked elements over their count. */
export function mean(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const { x, dim, keepdim, dtype: given, mask } = reductionArgs('masked.mean', input, args);
  const dtype = given ?? dtypeOf(x);
  if (!(dtype.isFloatingPoint || dtype.isComplex))
    throw new TypeError(`masked.mean: mean(): Could not infer output dtype. ${given ? 'Optional' : 'Input'} dtype must be either a floating point or complex dtype. Got: ${String(dtype)}`);
  const [count, inmask] = countOf(x, dim, keepdim, mask);
  return maskedSum(x, dim ?? null, keepdim, dtype, inmask).div(count);
}

/** torch.masked.median(input, dim=-1, { keepdim, dtype, mask }): nanmedian with masked-out elements as NaN. */
export function median(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const fn = 'masked.median';
  let { x, dim, keepdim, dtype, mask } = reductionArgs(fn, input, args);
  const outDtype = dtype ?? dtypeOf(x);
  const d = canonicalDim(dim ?? -1, ndimOf(x))[0]!;
  const isFloat = dtypeOf(x).isFloatingPoint;
  if (!isFloat) x = isMaskedTensor(x) ? maskedPair(x.getData().to(float32), x.getMask()) : x.to(float32);
  const output = (aten('nanmedian', [combineInputAndMask('median', x, mask), d, keepdim]) as Tensor[])[0]!;
  if (isFloat) return output;
  if (!(aten('isnan', [output]) as Tensor).any().item()) return output.to(outDtype);
  throw new RangeError(`${fn}: masked median expects no fully masked out rows if dtype is not floating point`);
}

/** torch.masked.norm(input, ord=2.0, dim=null, { keepdim, dtype, mask }): linalg.vector_norm with masked-out elements as the norm's identity. */
export function norm(input: MaskedArg, ...args: Rest<MaskedNormOptions>): Tensor {
  const fn = 'masked.norm';
  const x = tensorInput(fn, input);
  const o = bindMasked(fn, args, ['ord', 'dim'], REDUCTION_KEYWORDS);
  return maskedNorm(fn, x, o.ord === undefined ? 2.0 : o.ord, o.dim ?? null, boolArg(fn, 'keepdim', o.keepdim ?? false, false), dtypeArg(fn, o.dtype), maskArg(fn, o.mask));
}

/** masked norm itself (normalize calls it too). */
export function maskedNorm(fn: string, x: MaskedArg, ord: unknown, dim: unknown, keepdim: boolean, dtype: DType | null, mask: Tensor | null): Tensor {
  if (ord !== null && typeof ord !== 'number') throw new TypeError(`${fn}: ord must be a number, got ${describe(ord)}`);
  const combined = combineInputAndMask('norm', x, mask, ord);
  return aten('linalg_vector_norm', [combined, ord, canonicalDim(dim, ndimOf(x)), keepdim, { dtype: dtype ?? dtypeOf(x) }]) as Tensor;
}

// corresponding_real_dtype for the complex dtypes.
const REAL_OF_COMPLEX: Record<string, string> = { complex32: 'float16', complex64: 'float32', complex128: 'float64' };

// _std_var: the mean of the unmasked elements, then the (corrected) mean square deviation.
function stdVar(fn: string, takeSqrt: boolean, input: unknown, args: readonly unknown[]): Tensor {
  const x = tensorInput(fn, input);
  const o = bindMasked(fn, args, ['dim', 'unbiased'], ['correction', ...REDUCTION_KEYWORDS]);
  const dim = o.dim ?? null;
  const keepdim = boolArg(fn, 'keepdim', o.keepdim ?? false, false);
  const mask = maskArg(fn, o.mask);
  const unbiased = o.unbiased ?? null;
  const correctionOpt = o.correction ?? null;
  if (unbiased !== null && correctionOpt !== null) throw new TypeError(`${fn}: Only one of unbiased and correction may be given`);
  let correction = 1.0;
  if (unbiased !== null) correction = boolArg(fn, 'unbiased', unbiased, true) ? 1.0 : 0.0;
  if (correctionOpt !== null) {
    if (typeof correctionOpt !== 'number') throw new TypeError(`${fn}: correction must be a number, got ${describe(correctionOpt)}`);
    correction = correctionOpt;
  }
  let dtype = dtypeArg(fn, o.dtype);
  if (dtype === null) {
    dtype = dtypeOf(x);
    if (!(dtype.isFloatingPoint || dtype.isComplex)) dtype = float32;
  }
  const computeDtype = dtype.isFloatingPoint || dtype.isComplex ? dtype : float32;
  let [count, inmask] = countOf(x, dim, true, mask);
  const sampleMean = maskedSum(x, dim, true, dtype, inmask).div(count);
  // torch.subtract(input, sample_mean): for a MaskedTensor the difference keeps its mask.
  const deviation = dataOf(x).sub(sampleMean);
  const squares = deviation.mul(deviation.conj());
  const masked: MaskedArg = isMaskedTensor(x) ? maskedPair(squares, x.getMask()) : squares;
  const total = maskedSum(masked, dim, keepdim, computeDtype, inmask);
  if (!keepdim) count = count.reshape(total.shape);
  if (correction !== 0) {
    const realDtype = computeDtype.isComplex ? toDType(REAL_OF_COMPLEX[computeDtype.name]!) : computeDtype;
    count = count.to(realDtype).sub(correction);
    count = aten('maximum', [count, count.newZeros([])]) as Tensor;
  }
  const output = total.div(count).to(dtype);
  return takeSqrt ? output.sqrt() : output;
}

/** torch.masked.var(input, dim=null, unbiased=null, { correction, keepdim, dtype, mask }). */
export const variance = (input: MaskedArg, ...args: Rest<MaskedVarOptions>): Tensor => stdVar('masked.var', false, input, args);
/** torch.masked.std(input, dim=null, unbiased=null, { correction, keepdim, dtype, mask }). */
export const std = (input: MaskedArg, ...args: Rest<MaskedVarOptions>): Tensor => stdVar('masked.std', true, input, args);

/** torch.masked.logaddexp(input, other, { dtype, inputMask, otherMask }). */
export function logaddexp(input: MaskedArg, other: MaskedArg, ...args: [MaskedLogaddexpOptions?]): Tensor {
  const fn = 'masked.logaddexp';
  const x = tensorInput(fn, input);
  const y = tensorInput(fn, other, 'other');
  const o = bindMasked(fn, args, [], ['dtype', 'inputMask', 'otherMask'], 2);
  const dtype = dtypeArg(fn, o.dtype) ?? dtypeOf(x);
  const a = combineInputAndMask('logaddexp', x, maskArg(fn, o.inputMask, 'inputMask'));
  const b = combineInputAndMask('logaddexp', y, maskArg(fn, o.otherMask, 'otherMask'));
  return (aten('logaddexp', [a, b]) as Tensor).to(dtype);
}

