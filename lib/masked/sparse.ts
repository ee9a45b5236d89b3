// The sparse COO/CSR helpers of torch/masked/_ops.py (2.13), ported statement by statement: the
// sparse torch.where (_sparse_coo_where, _sparse_csr_where, _where) and the sparse reduction helpers
// (_sparse_coo_scatter_reduction_helper, _sparse_csr_segment_reduction_helper).
import { aten } from '../call.js';
import { tensor } from '../creation.js';
import { type DType, float32, pySize } from '../dtype.js';
import { sparseCooTensor, sparseCsrTensor } from '../sparse.js';
import { type Tensor } from '../tensor.js';
import { reductionIdentity } from './core.js';

const layoutOf = (t: Tensor): string => String(t.layout);
export const isCoo = (t: Tensor): boolean => layoutOf(t) === 'torch.sparse_coo';
export const isCsr = (t: Tensor): boolean => layoutOf(t) === 'torch.sparse_csr';
export const isStrided = (t: Tensor): boolean => layoutOf(t) === 'torch.strided';

// _sparse_coo_flatten_indices: N-D indices as 1-D (row-major) indices.
function flattenIndices(indices: Tensor, shape: readonly number[]): Tensor {
  const flat = indices.newZeros([indices.size(1) as number]);
  shape.forEach((size, d) => {
    flat.mul_(size);
    flat.add_(indices.select(0, d));
  });
  return flat;
}

// _any: torch.any over a tuple of dims, last dim first.
export function anyDims(input: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  return [...dims].reverse().reduce((r, d) => aten('any', [r, d, keepdim]) as Tensor, input);
}

// Tensor.unique(return_counts=True) (sorted): the distinct values and how often each occurs.
const uniqueCounts = (t: Tensor): [Tensor, Tensor] => {
  const [values, , counts] = aten('_unique2', [t, true, false, true]) as Tensor[];
  return [values!, counts!];
};
// torch.where(cond) with one argument on a 1-D cond: the positions where it holds.
const positions = (cond: Tensor): Tensor => cond.nonzero().select(1, 0);

// intersection(i1, i2) of _sparse_coo_where: the distinct values of both, and the positions (among them) of the shared ones.
function intersection(i1: Tensor, i2: Tensor): [Tensor, Tensor] {
  const [union, counts] = uniqueCounts(aten('cat', [[i1, i2]]) as Tensor);
  return [union, positions(counts.gt(1))];
}
// minus(i1, i2): the values of i1 not in i2, as intersection() shapes them.
function minus(i1: Tensor, i2: Tensor): [Tensor, Tensor] {
  const [union, counts] = uniqueCounts(aten('cat', [[i1, i2]]) as Tensor);
  return intersection(union.indexSelect(0, positions(counts.eq(1))), i1);
}
const apply = ([obj, w]: [Tensor, Tensor]): Tensor => obj.indexSelect(0, w);

/** _sparse_coo_where(mask, input, fill_value): COO torch.where keeping masked-in elements only (hybrid COO too). */
export function sparseCooWhere(mask: Tensor, input: Tensor, fillValue: Tensor | null): Tensor {
  if (!isCoo(input)) throw new Error(`input.layout must be sparse_coo, got ${String(input.layout)}`);
  if (layoutOf(mask) !== layoutOf(input)) throw new Error(`mask.layout must match input.layout, got ${String(mask.layout)}`);
  if (!sameShape(mask.shape, input.shape)) throw new Error(`mask.shape must match input.shape: ${pySize(mask.shape)} vs ${pySize(input.shape)}`);
  if (mask.denseDim() !== input.denseDim())
    throw new Error(`mask.dense_dim() must match input.dense_dim(): ${mask.denseDim()} vs ${input.denseDim()}`);

  input = input.coalesce();
  const sparseDim = input.sparseDim();
  const inputFlat = flattenIndices(input.indices(), input.shape.slice(0, sparseDim));
  const maskFlat = flattenIndices(mask.indices(), mask.shape.slice(0, mask.sparseDim()));
  const maskValues = mask.denseDim() > 0 ? anyDims(mask.values(), range(1, sparseDim + 1), false) : mask.values();
  const maskinFlat = maskFlat.indexSelect(0, maskValues.nonzero().select(1, 0));

  // the specified and masked-in elements of input
  const maskinInputFlat = apply(intersection(maskinFlat, inputFlat));
  let [, w] = intersection(inputFlat, maskinInputFlat);
  const whereInputIndices = input.indices().indexSelect(1, w);
  let whereInputValues = input.values().indexSelect(0, w);
  if (mask.denseDim() > 0) {
    const [, w1] = intersection(maskFlat, maskinInputFlat);
    whereInputValues = aten('where', [mask.values().indexSelect(0, w1), whereInputValues, fillValue]) as Tensor;
  }

  // the masked-in elements that input leaves unspecified (zeros)
  const maskinZeroFlat = apply(minus(maskinFlat, maskinInputFlat));
  [, w] = intersection(maskFlat, maskinZeroFlat);
  const whereZeroIndices = mask.indices().indexSelect(1, w);

  const n = whereZeroIndices.size(1) as number;
  if (n === 0) {
    // input is coalesced, so its flat indices are ordered and the result is coalesced
    const result = sparseCooTensor(whereInputIndices, whereInputValues, input.shape);
    return aten('_coalesced_', [result, true]) as Tensor;
  }
  const whereIndices = aten('cat', [[whereInputIndices, whereZeroIndices], 1]) as Tensor;
  const whereValues = aten('cat', [[whereInputValues, whereInputValues.newZeros([n, ...whereInputValues.shape.slice(1)])]]) as Tensor;
  // appending zero elements leaves it uncoalesced
  return sparseCooTensor(whereIndices, whereValues, input.shape).coalesce();
}

/** _sparse_csr_where: through COO, as Python does. */
export const sparseCsrWhere = (mask: Tensor, input: Tensor, fillValue: Tensor | null): Tensor =>
  sparseCooWhere(mask.toSparseCoo(), input.toSparseCoo(), fillValue).toSparseCsr();

/** _where(mask, input, fill_value): torch.where for strided, sparse COO and sparse CSR masks. */
export function where(mask: Tensor, input: Tensor, fillValue: Tensor | null): Tensor {
  if (isStrided(mask)) return aten('where', [mask, input, fillValue]) as Tensor;
  if (isCoo(mask)) return sparseCooWhere(mask, input, fillValue);
  if (isCsr(mask)) return sparseCsrWhere(mask, input, fillValue);
  throw new Error(`_where expects strided or sparse COO or sparse CSR tensor but got ${String(mask.layout)}`);
}

/** The reductions the sparse helpers know, by Python's op.__name__. */
export type SparseReduce = 'sum' | 'prod' | 'amax' | 'amin' | 'mean';
// op(values, dim, keepdim[, dtype]) of the ATen reduction named `reduce` (amax and amin take no dtype).
const reduceAlong = (reduce: SparseReduce, values: Tensor, dim: number, keepdim: boolean, dtype?: DType | null): Tensor =>
  aten(reduce, [values, dim, keepdim, ...(dtype && reduce !== 'amax' && reduce !== 'amin' ? [{ dtype }] : [])]) as Tensor;

/**
 * _sparse_coo_scatter_reduction_helper(op, mask_input, dims, keepdim, dtype): reduces the values of
 * the specified elements that share their retained indices (scatter_reduce), a dense result when
 * every sparse dim is reduced. Python returns NotImplemented when a dense dim of a hybrid tensor is
 * reduced by anything but sum; that is an Error here.
 */
export function sparseCooScatterReduction(fn: string, reduce: Exclude<SparseReduce, 'mean'>, maskInput: Tensor, dims: readonly number[], keepdim: boolean, outputDtype: DType): Tensor {
  let values = maskInput._values();
  const indices = maskInput._indices();
  const inputDims = maskInput.dim();
  const numSparseDims = maskInput.sparseDim();
  const reducedSparse: number[] = [];
  const reducedDense: number[] = [];
  if (values.dtype !== outputDtype) values = values.to(outputDtype);
  const outputShape = keepdim ? maskInput.shape.map((s, i) => (dims.includes(i) ? 1 : s)) : maskInput.shape.filter((_, i) => !dims.includes(i));
  for (const d of dims) {
    if (d >= inputDims) continue;
    if (d < numSparseDims) reducedSparse.push(d);
    else reducedDense.push(d + 1 - numSparseDims);
  }

  let newValues: Tensor;
  if (reducedDense.length > 0) {
    if (reduce !== 'sum')
      throw new Error(`${fn}: reducing the dense dims of a hybrid sparse COO tensor is not implemented for ${reduce} (PyTorch returns NotImplemented)`);
    newValues = aten('sum', [values, reducedDense, keepdim]) as Tensor;
  } else newValues = values.clone();

  let newIndices: Tensor;
  if (reducedSparse.length === numSparseDims) {
    // amax/amin of no element: the identity (sum and prod give theirs themselves)
    if ((reduce === 'amax' || reduce === 'amin') && newValues.size(0) === 0) newValues = reductionIdentity(reduce, newValues);
    else newValues = reduceAlong(reduce, newValues, 0, false);
    if (keepdim) for (let i = 0; i < numSparseDims; i++) newValues = newValues.unsqueeze(0);
    return newValues.to(outputDtype).toSparse();
  }
  newIndices = indices.clone();
  if (keepdim) {
    // reduced sparse dims to 0, so that unique folds duplicated indices and the dim stays
    if (reducedSparse.length > 0) newIndices.indexFill_(0, tensor(reducedSparse, { device: maskInput.device }), 0);
  } else if (reducedSparse.length > 0) {
    const retained = range(0, numSparseDims).filter((i) => !reducedSparse.includes(i));
    newIndices = newIndices.indexSelect(0, tensor(retained).to(maskInput.device));
  }

  if (newIndices.numel() > 0) {
    // lexsort the indices; each value's position among them is where scatter_reduce puts it
    const [uniqueIndices, inverse] = aten('unique_dim', [newIndices, 1, true, true, false]) as Tensor[];
    newIndices = uniqueIndices!;
    let inverseIndices = inverse!;
    const outShape = [...newValues.shape];
    outShape[0] = newIndices.size(1) as number;
    for (let i = 0; i < newValues.dim() - 1; i++) inverseIndices = inverseIndices.unsqueeze(-1);
    const scatterIndices = inverseIndices.expand(newValues.shape);
    // Python's workaround: half-precision values reduce in float32 (scatter_reduce has no accumulate type)
    const half = outputDtype.name === 'float16' || outputDtype.name === 'bfloat16';
    if (half) newValues = newValues.to(float32);
    const out = newValues.newEmpty(outShape);
    newValues = aten('scatter_reduce_', [out, 0, scatterIndices, newValues, reduce, { includeSelf: false }]) as Tensor;
    if (half) newValues = newValues.to(outputDtype);
  }
  return sparseCooTensor(newIndices, newValues, outputShape, { dtype: outputDtype, device: maskInput.device });
}

/**
 * _sparse_csr_segment_reduction_helper(op, mask_input, dims, keepdim, dtype): a CSR reduction along
 * dim 0 (scatter_reduce over columns), dim 1 (segment_reduce over rows) or both; keepdim only.
 */
export function sparseCsrSegmentReduction(reduce: SparseReduce, maskInput: Tensor, dims: readonly number[], keepdim: boolean, outputDtype: DType | null): Tensor {
  if (!keepdim) throw new Error('reduction operations on CSR tensors with keepdim=False is unsupported');
  const device = maskInput.device;
  let values = maskInput.values();
  const crowIndices = maskInput.crowIndices();
  const colIndices = maskInput.colIndices();
  if (outputDtype !== null && values.dtype !== outputDtype) values = values.to(outputDtype);
  if (dims.length === 0) return maskInput;

  let newCrowIndices: Tensor, newColIndices: Tensor, newValues: Tensor, newShape: number[];
  if (dims.length === 1) {
    if (dims[0] === 0) {
      const [uniqueCols, scatterIndices] = aten('_unique2', [colIndices, true, true, false]) as Tensor[];
      newColIndices = uniqueCols!;
      newCrowIndices = tensor([0, newColIndices.size(0) as number]);
      newValues = values.newEmpty(newColIndices.shape);
      aten('scatter_reduce_', [newValues, 0, scatterIndices!, values, reduce, { includeSelf: false }]);
      newShape = [1, maskInput.size(1) as number];
    } else {
      if (dims[0] !== 1) throw new Error('Sparse CSR tensors are 2D and only support reduction along dim 0 or 1.');
      // each row interval becomes 1, except empty rows, which stay 0
      newCrowIndices = aten('cat', [[crowIndices.newZeros([1]), aten('cumsum', [(aten('diff', [crowIndices]) as Tensor).ne(0), 0]) as Tensor], 0]) as Tensor;
      const newNnz = Number(newCrowIndices.select(0, -1).item());
      newColIndices = colIndices.newZeros([newNnz]);
      newValues = aten('segment_reduce', [values, reduce, { offsets: crowIndices }]) as Tensor;
      newShape = [maskInput.size(0) as number, 1];
    }
  } else {
    if (dims.length !== 2) throw new Error(`expected len(dims) == 2, got ${dims.length}`);
    const nnz = Math.min(1, values.numel());
    if (nnz === 1) newValues = reduceAlong(reduce, values, 0, true, outputDtype);
    else newValues = aten('empty', [[0], { dtype: outputDtype }]) as Tensor;
    newColIndices = colIndices.newZeros([nnz]);
    newCrowIndices = tensor([0, nnz]);
    newShape = [1, nnz];
  }
  return sparseCsrTensor(newCrowIndices, newColIndices, newValues, newShape, { dtype: outputDtype, device });
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((s, i) => s === b[i]);
