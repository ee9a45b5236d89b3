// The masked reductions of torch/masked/_ops.py (2.13), ported statement by statement: masked-out
// elements take the reduction's identity (combineInputAndMask), then the ATen reduction runs on the
// result; mean, var and std count the unmasked elements as Python does. Sparse COO/CSR inputs take
// Python's sparse branches (sum, prod, amax, amin; mean for CSR) and its errors elsewhere.
import { aten } from '../call.js';
import { float32, int64, toDType, type DType, type DTypeLike } from '../dtype.js';
import { ones } from '../creation.js';
import { boolArg } from '../functional/args.js';
import { describe } from '../options.js';
import { type Tensor } from '../tensor.js';
import {
  MaskedExpand, accumulateDtype, bindMasked, canonicalDim, combineInputAndMask, dataOf, dtypeArg, dtypeOf, inputMask, isMaskedTensor, layoutError, layoutOf,
  maskArg, maskedPair, ndimOf, shapeOf, tensorInput, type DimOrDims, type MaskedInput,
} from './core.js';
import { sparseCooScatterReduction, sparseCsrSegmentReduction } from './sparse.js';

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

const SMALL_INTEGERS: readonly string[] = ['uint8', 'bool', 'int8', 'int16', 'int32'];
const SUM_LAYOUTS = 'strided, sparse_coo or sparse_csr tensor';

// The default dtype of sum and prod: for CSR input Python widens small integers in the input itself
// (csr.to(int64) is not implemented, so through COO) and leaves dtype null.
function sumProdDtype(x: MaskedArg, dtype: DType | null): [MaskedArg, DType | null] {
  if (dtype !== null) return [x, dtype];
  if (layoutOf(x) !== 'torch.sparse_csr') return [x, accumulateDtype(x)];
  if (!SMALL_INTEGERS.includes(dtypeOf(x).name)) return [x, dtypeOf(x)];
  // a MaskedTensor converts itself (its toSparseCoo is Python's, which CSR data cannot take: Python's error then)
  if (isMaskedTensor(x)) return [(x as Convertible).toSparseCoo().to(int64).toSparseCsr(), null];
  return [dataOf(x).toSparseCoo().to(int64).toSparseCsr(), null];
}
type Convertible = MaskedInput & { toSparseCoo(): Convertible; to(dtype: DType): Convertible; toSparseCsr(): Convertible };

// masked sum itself, called by mean, var and normalize as Python's sum(...) is.
function maskedSum(input: MaskedArg, dim: unknown, keepdim: boolean, dtypeOpt: DType | null, mask: Tensor | null): Tensor {
  const [x, dtype] = sumProdDtype(input, dtypeOpt);
  const dims = canonicalDim(dim, ndimOf(x));
  const maskInput = combineInputAndMask('sum', x, mask);
  switch (String(maskInput.layout)) {
    case 'torch.strided':
      return aten('sum', [maskInput, dims, keepdim, { dtype }]) as Tensor;
    case 'torch.sparse_coo':
      return sparseCooScatterReduction('masked.sum', 'sum', maskInput, dims, keepdim, dtype!);
    case 'torch.sparse_csr':
      return aten('_sparse_csr_sum', [maskInput, dims, keepdim, { dtype }]) as Tensor;
  }
  throw layoutError('sum', SUM_LAYOUTS, String(maskInput.layout));
}

/** torch.masked.prod(input, dim=null, { keepdim, dtype, mask }): one dim at a time, last dim first. */
export function prod(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const r = reductionArgs('masked.prod', input, args);
  const [x, dtype] = sumProdDtype(r.x, r.dtype);
  const { keepdim, mask } = r;
  const dims = canonicalDim(r.dim, ndimOf(x));
  const maskInput = combineInputAndMask('prod', x, mask);
  switch (String(maskInput.layout)) {
    case 'torch.strided': {
      let result = maskInput.to(dtype!);
      for (const d of dims.reverse()) result = aten('prod', [result, d, keepdim]) as Tensor;
      return result;
    }
    // without a mask the unspecified elements (zeros) would take part: Python asks for a mask
    case 'torch.sparse_coo':
      if (mask === null) throw new TypeError('masked prod expects explicit mask for sparse_coo tensor input');
      return sparseCooScatterReduction('masked.prod', 'prod', maskInput, dims, keepdim, dtype!);
    case 'torch.sparse_csr':
      if (mask === null) throw new TypeError('masked prod expects explicit mask for sparse_csr tensor input');
      return aten('_sparse_csr_prod', [maskInput, dims, keepdim, { dtype }]) as Tensor;
  }
  throw layoutError('prod', SUM_LAYOUTS, String(maskInput.layout));
}

// amax, amin: one ATen reduction over the canonical dims, then .to(dtype); sparse through Python's helpers.
function extremum(op: 'amax' | 'amin', input: unknown, args: readonly unknown[]): Tensor {
  const { x, dim, keepdim, dtype: given, mask } = reductionArgs(`masked.${op}`, input, args);
  const dtype = given ?? dtypeOf(x);
  const maskInput = combineInputAndMask(op, x, mask);
  const dims = canonicalDim(dim, maskInput.dim());
  switch (String(maskInput.layout)) {
    case 'torch.strided':
      return (aten(op, [maskInput, dims, keepdim]) as Tensor).to(dtype);
    case 'torch.sparse_coo':
      if (mask === null) throw new TypeError('masked amax expects explicit mask for sparse_coo tensor input'); // "amax" for amin too, as Python says
      return sparseCooScatterReduction(`masked.${op}`, op, maskInput, dims, keepdim, dtype);
    case 'torch.sparse_csr':
      if (mask === null) throw new TypeError(`masked ${op} expects explicit mask for sparse_csr tensor input`);
      return sparseCsrSegmentReduction(op, maskInput, dims, keepdim, dtype);
  }
  throw layoutError(op, SUM_LAYOUTS, String(maskInput.layout));
}

/** torch.masked.amax(input, dim=null, { keepdim, dtype, mask }). */
export const amax = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => extremum('amax', input, args);
/** torch.masked.amin(input, dim=null, { keepdim, dtype, mask }). */
export const amin = (input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor => extremum('amin', input, args);

/** torch.masked.logsumexp(input, dim=null, { keepdim, dtype, mask }). */
export function logsumexp(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const { x, dim, keepdim, dtype, mask } = reductionArgs('masked.logsumexp', input, args);
  const dims = canonicalDim(dim, ndimOf(x));
  const maskInput = strided('logsumexp', combineInputAndMask('logsumexp', x, mask));
  return (aten('logsumexp', [maskInput, dims, keepdim]) as Tensor).to(dtype ?? dtypeOf(x));
}

// The ops with a strided path only: Python's "masked <op> expects strided tensor" for any other layout.
export function strided(op: string, maskInput: Tensor): Tensor {
  if (String(maskInput.layout) !== 'torch.strided') throw layoutError(op, 'strided tensor', String(maskInput.layout));
  return maskInput;
}

// argmax, argmin: dim passed to ATen as given (an int or null); the result cast to dtype (input's by default, as Python does).
function argReduction(op: 'argmax' | 'argmin', input: unknown, args: readonly unknown[]): Tensor {
  const { x, dim, keepdim, dtype, mask } = reductionArgs(`masked.${op}`, input, args);
  if (dim !== undefined && dim !== null && !Number.isInteger(dim)) throw new TypeError(`masked.${op}: dim must be an int or null, got ${describe(dim)}`);
  return (aten(op, [strided(op, combineInputAndMask(op, x, mask)), dim ?? null, keepdim]) as Tensor).to(dtype ?? dtypeOf(x));
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
  switch (layoutOf(x)) {
    case 'torch.strided': {
      const [count, inmask] = countOf(x, dim, keepdim, mask);
      return maskedSum(x, dim ?? null, keepdim, dtype, inmask).div(count);
    }
    case 'torch.sparse_csr': {
      const maskInput = combineInputAndMask('mean', x, mask);
      const dims = canonicalDim(dim, maskInput.dim());
      if (mask === null) throw new TypeError('masked mean expects explicit mask for sparse_csr tensor input');
      return sparseCsrSegmentReduction('mean', maskInput, dims, keepdim, dtype);
    }
  }
  throw layoutError('mean', 'strided or sparse_csr tensor', layoutOf(x));
}

/** torch.masked.median(input, dim=-1, { keepdim, dtype, mask }): nanmedian with masked-out elements as NaN. */
export function median(input: MaskedArg, ...args: Rest<MaskedReductionOptions>): Tensor {
  const fn = 'masked.median';
  let { x, dim, keepdim, dtype, mask } = reductionArgs(fn, input, args);
  const outDtype = dtype ?? dtypeOf(x);
  const d = canonicalDim(dim ?? -1, ndimOf(x))[0]!;
  const isFloat = dtypeOf(x).isFloatingPoint;
  if (!isFloat) x = isMaskedTensor(x) ? maskedPair(x.getData().to(float32), x.getMask()) : x.to(float32);
  const output = (aten('nanmedian', [strided('median', combineInputAndMask('median', x, mask)), d, keepdim]) as Tensor[])[0]!;
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
  const combined = strided('norm', combineInputAndMask('norm', x, mask, ord));
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
  if (layoutOf(x) !== 'torch.strided') throw layoutError('std/var', 'strided tensor', layoutOf(x));
  let [count, inmask] = countOf(x, dim, true, mask);
  const sampleMean = maskedSum(x, dim, true, dtype, inmask).div(count);
  // torch.subtract(input, sample_mean): for a MaskedTensor the difference keeps its mask.
  // For a MaskedTensor, Python's subtract broadcasts the plain mean; its gradient is summed over the valid elements only.
  const deviation = dataOf(x).sub(isMaskedTensor(x) ? (MaskedExpand.apply(sampleMean, inputMask(x, x.getMask())) as Tensor) : sampleMean);
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
  if (layoutOf(x) !== 'torch.strided' || layoutOf(y) !== 'torch.strided')
    throw new TypeError(`masked logaddexp expects strided tensors (got ${layoutOf(x)} tensor for input, ${layoutOf(y)} for other)`);
  const a = combineInputAndMask('logaddexp', x, maskArg(fn, o.inputMask, 'inputMask'));
  const b = combineInputAndMask('logaddexp', y, maskArg(fn, o.otherMask, 'otherMask'));
  return (aten('logaddexp', [a, b]) as Tensor).to(dtype);
}

