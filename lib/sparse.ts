// Sparse tensors: Python's constructors (torch.sparse_coo_tensor & co. take lists, requires_grad,
// check_invariants), the torch.sparse namespace, and the Tensor members the generated surface lacks.
// The kernels are libtorch's; this layer only does what torch/sparse/__init__.py and tensor_new.cpp do.
import { aten } from './call.js';
import { tensor as tensorFrom, type TensorData } from './creation.js';
import { type DeviceLike } from './device.js';
import { int64, layoutCode, sparseBsc, sparseBsr, sparseCoo, sparseCsc, sparseCsr, type DTypeLike, type LayoutLike } from './dtype.js';
import { native } from './native.js';
import { describe, isOptionsObject, readOptions } from './options.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

/** The layout's name without 'torch.' ('strided', 'sparse_coo', 'sparse_csr', ...). */
export function layoutName(t: Tensor): string {
  return native.layout(handleOfTensor(t));
}

export interface SparseTensorOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  pinMemory?: boolean;
  requiresGrad?: boolean;
  /** Validates indices against size and each other first (Python's check_invariants; default: sparse.checkSparseTensorInvariants.isEnabled()). */
  checkInvariants?: boolean | null;
}
export interface SparseCooOptions extends SparseTensorOptions {
  size?: number[] | null;
  isCoalesced?: boolean | null;
}
export interface SparseCompressedOptions extends SparseTensorOptions {
  size?: number[] | null;
  layout?: LayoutLike | null;
}

// torch.sparse.check_sparse_tensor_invariants' switch, as far as torchnode's constructors go: libtorch's
// own global flag (at::globalContext) has no binding here, so C++-internal constructions ignore it.
let checkInvariantsByDefault = false;
const checkInvariants = (opts: Record<string, unknown>): boolean => (opts.checkInvariants as boolean | null | undefined) ?? checkInvariantsByDefault;

const BASE_KEYS = ['dtype', 'device', 'pinMemory', 'requiresGrad', 'checkInvariants', 'size'] as const;

// (…, size?, options?) → [size or null, options]: Python takes size positionally or by keyword.
function sizeAndOptions(fn: string, rest: unknown[], keys: readonly string[]): [number[] | null, Record<string, unknown>] {
  let size: unknown = null;
  let options: unknown = {};
  if (rest.length > 2) throw new TypeError(`${fn}: expected at most (size, options) after the data, got ${rest.length} more arguments`);
  if (rest.length === 2) [size, options] = rest;
  else if (rest.length === 1) {
    if (isOptionsObject(rest[0])) options = rest[0];
    else size = rest[0];
  }
  const opts = readOptions(fn, options ?? {}, keys) as Record<string, unknown>;
  if (opts.size !== undefined && opts.size !== null) {
    if (size !== null && size !== undefined) throw new TypeError(`${fn}: size given twice`);
    size = opts.size;
  }
  if (size !== null && size !== undefined && (!Array.isArray(size) || !size.every((s) => Number.isInteger(s) && s >= 0)))
    throw new TypeError(`${fn}: size must be an array of non-negative integers, got ${describe(size)}`);
  return [(size as number[] | null | undefined) ?? null, opts];
}

// Python's internal_new_from_data: a Tensor is moved to the dtype/device asked for, other data is read by torch.tensor.
function asTensor(data: unknown, dtype: DTypeLike | null | undefined, device: DeviceLike | null | undefined, made: Tensor[]): Tensor {
  if (isTensor(data)) {
    if ((dtype === undefined || dtype === null) && (device === undefined || device === null)) return data;
    const t = aten('to', [data, { dtype: dtype ?? null, device: device ?? null }]) as Tensor;
    if (t !== data) made.push(t);
    return t;
  }
  const t = tensorFrom(data as TensorData, { ...(dtype != null ? { dtype } : {}), ...(device != null ? { device } : {}) });
  made.push(t);
  return t;
}

function finishSparse(t: Tensor, opts: Record<string, unknown>, fn: string): Tensor {
  const rg = opts.requiresGrad;
  if (rg !== undefined && typeof rg !== 'boolean') throw new TypeError(`${fn}: requiresGrad must be a boolean, got ${describe(rg)}`);
  if (rg) t.requiresGrad_(true);
  return t;
}

// Runs `body` with the tensors it converts, freeing the conversions that the result does not hold.
function withConversions(body: (made: Tensor[]) => Tensor): Tensor {
  const made: Tensor[] = [];
  try {
    return body(made);
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * torch.sparse_coo_tensor(indices, values, size?, { dtype, device, requiresGrad, checkInvariants, isCoalesced }):
 * indices and values may be Tensors or nested arrays; indices become int64 as in Python.
 */
export function sparseCooTensor(indices: TensorData, values: TensorData, ...rest: (number[] | SparseCooOptions | null | undefined)[]): Tensor {
  const fn = 'sparseCooTensor';
  const [size, opts] = sizeAndOptions(fn, rest, [...BASE_KEYS, 'isCoalesced']);
  return withConversions((made) => {
    const valuesT = asTensor(values, opts.dtype as DTypeLike | null, opts.device as DeviceLike | null, made);
    const indicesT = asTensor(indices, int64, (opts.device as DeviceLike | null) ?? null, made);
    const isCoalesced = (opts.isCoalesced as boolean | null | undefined) ?? null;
    if (checkInvariants(opts) && size !== null) aten('_validate_sparse_coo_tensor_args', [indicesT, valuesT, size, isCoalesced]);
    const options = { dtype: valuesT.dtype, layout: sparseCoo.code, device: valuesT.device, pinMemory: (opts.pinMemory as boolean | undefined) ?? null, isCoalesced };
    const t = aten('sparse_coo_tensor', size === null ? [indicesT, valuesT, options] : [indicesT, valuesT, size, options]) as Tensor;
    if (checkInvariants(opts) && size === null) aten('_validate_sparse_coo_tensor_args', [indicesT, valuesT, t.shape, isCoalesced]);
    return finishSparse(t, opts, fn);
  });
}

// The compressed formats differ only in layout and in the names of their index arguments.
function compressedTensor(fn: string, fixedLayout: string | null, compressed: TensorData, plain: TensorData, values: TensorData, rest: unknown[]): Tensor {
  const [size, opts] = sizeAndOptions(fn, rest, fixedLayout === null ? [...BASE_KEYS, 'layout'] : BASE_KEYS);
  if (fixedLayout === null && (opts.layout === undefined || opts.layout === null))
    throw new TypeError(`${fn}: layout is required (torch.sparse_csr, sparse_csc, sparse_bsr or sparse_bsc)`);
  const layout = fixedLayout === null ? layoutCode(opts.layout, fn) : layoutCode(fixedLayout, fn);
  if (![sparseCsr.code, sparseCsc.code, sparseBsr.code, sparseBsc.code].includes(layout)) throw new TypeError(`${fn}: layout must be one of the compressed layouts, got ${String(opts.layout)}`);
  return withConversions((made) => {
    const device = (opts.device as DeviceLike | null) ?? null;
    const valuesT = asTensor(values, opts.dtype as DTypeLike | null, device, made);
    const compressedT = asTensor(compressed, null, device, made);
    const plainT = asTensor(plain, null, device, made);
    if (checkInvariants(opts) && size !== null) aten('_validate_sparse_compressed_tensor_args', [compressedT, plainT, valuesT, size, layout]);
    const options = { dtype: valuesT.dtype, layout, device: valuesT.device, pinMemory: (opts.pinMemory as boolean | undefined) ?? null };
    const t = aten('sparse_compressed_tensor', size === null ? [compressedT, plainT, valuesT, options] : [compressedT, plainT, valuesT, size, options]) as Tensor;
    if (checkInvariants(opts) && size === null) aten('_validate_sparse_compressed_tensor_args', [compressedT, plainT, valuesT, t.shape, layout]);
    return finishSparse(t, opts, fn);
  });
}

type Rest = (number[] | SparseTensorOptions | null | undefined)[];
/** torch.sparse_csr_tensor(crowIndices, colIndices, values, size?, options). */
export const sparseCsrTensor = (crowIndices: TensorData, colIndices: TensorData, values: TensorData, ...rest: Rest): Tensor =>
  compressedTensor('sparseCsrTensor', 'sparse_csr', crowIndices, colIndices, values, rest);
/** torch.sparse_csc_tensor(ccolIndices, rowIndices, values, size?, options). */
export const sparseCscTensor = (ccolIndices: TensorData, rowIndices: TensorData, values: TensorData, ...rest: Rest): Tensor =>
  compressedTensor('sparseCscTensor', 'sparse_csc', ccolIndices, rowIndices, values, rest);
/** torch.sparse_bsr_tensor(crowIndices, colIndices, values (nnz × blocks), size?, options). */
export const sparseBsrTensor = (crowIndices: TensorData, colIndices: TensorData, values: TensorData, ...rest: Rest): Tensor =>
  compressedTensor('sparseBsrTensor', 'sparse_bsr', crowIndices, colIndices, values, rest);
/** torch.sparse_bsc_tensor(ccolIndices, rowIndices, values (nnz × blocks), size?, options). */
export const sparseBscTensor = (ccolIndices: TensorData, rowIndices: TensorData, values: TensorData, ...rest: Rest): Tensor =>
  compressedTensor('sparseBscTensor', 'sparse_bsc', ccolIndices, rowIndices, values, rest);
/** torch.sparse_compressed_tensor(compressedIndices, plainIndices, values, size?, { layout, ... }). */
export const sparseCompressedTensor = (compressedIndices: TensorData, plainIndices: TensorData, values: TensorData, ...rest: (number[] | SparseCompressedOptions | null | undefined)[]): Tensor =>
  compressedTensor('sparseCompressedTensor', null, compressedIndices, plainIndices, values, rest);

// ---- torch.sparse -------------------------------------------------------------------------------

function scalarOptions(fn: string, options: unknown): { beta?: number; alpha?: number } {
  const o = readOptions(fn, options ?? {}, ['beta', 'alpha']) as { beta?: number; alpha?: number };
  for (const [k, v] of Object.entries(o)) if (typeof v !== 'number') throw new TypeError(`${fn}: ${k} must be a number, got ${describe(v)}`);
  return o;
}

/** torch.sparse.mm(sparse, dense | sparse, reduce?): reduce ('sum', 'mean', 'amax', 'amin') needs CSR on CPU. */
function mm(mat1: Tensor, mat2: Tensor, reduce?: string | { reduce?: string | null } | null): Tensor {
  const r = isOptionsObject(reduce) ? readOptions('sparse.mm', reduce, ['reduce']).reduce : reduce;
  if (r === undefined || r === null) return aten('_sparse_mm', [mat1, mat2]) as Tensor;
  if (typeof r !== 'string') throw new TypeError(`sparse.mm: reduce must be a string, got ${describe(r)}`);
  return aten('_sparse_mm', [mat1, mat2, r]) as Tensor;
}

/** torch.sparse.addmm(mat, mat1, mat2, { beta, alpha }): beta * mat + alpha * (mat1 @ mat2), mat1 sparse. */
function addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, options?: { beta?: number; alpha?: number }): Tensor {
  return aten('_sparse_addmm', [mat, mat1, mat2, scalarOptions('sparse.addmm', options)]) as Tensor;
}

/** torch.sparse.sampled_addmm(input, mat1, mat2, { beta, alpha, out }): mat1 @ mat2 at input's (CSR) sparsity pattern. */
function sampledAddmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number; out?: Tensor } = {}): Tensor {
  const { out, ...scalars } = readOptions('sparse.sampledAddmm', options, ['beta', 'alpha', 'out']) as { beta?: number; alpha?: number; out?: Tensor };
  const args = { ...scalarOptions('sparse.sampledAddmm', scalars), ...(out !== undefined ? { out } : {}) };
  return aten('sparse_sampled_addmm', [input, mat1, mat2, args]) as Tensor;
}

/** torch.sparse.sum(input, dim?, dtype?): a dense scalar without dim, a sparse tensor over some dims. */
function sum(input: Tensor, dim?: number | number[] | null | { dim?: number | number[] | null; dtype?: DTypeLike | null }, dtype?: DTypeLike | null): Tensor {
  if (isOptionsObject(dim)) {
    const o = readOptions('sparse.sum', dim, ['dim', 'dtype']);
    return sum(input, (o.dim as number | number[] | null | undefined) ?? null, (o.dtype as DTypeLike | null | undefined) ?? null);
  }
  const args: unknown[] = [input];
  if (dim !== undefined && dim !== null) args.push(dim);
  if (dtype !== undefined && dtype !== null) args.push({ dtype });
  return aten('_sparse_sum', args) as Tensor;
}

// softmax and log_softmax over the specified elements of a COO tensor (unspecified ones count as -inf).
function softmaxLike(op: string, fn: string) {
  return (input: Tensor, dim: number | { dim: number; dtype?: DTypeLike | null }, options: { dtype?: DTypeLike | null } = {}): Tensor => {
    if (isOptionsObject(dim)) {
      const o = readOptions(fn, dim, ['dim', 'dtype']) as { dim: number; dtype?: DTypeLike | null };
      return aten(op, [input, o.dim, { dtype: o.dtype ?? null }]) as Tensor;
    }
    const o = readOptions(fn, options, ['dtype']) as { dtype?: DTypeLike | null };
    return aten(op, [input, dim, { dtype: o.dtype ?? null }]) as Tensor;
  };
}

/** torch.sparse.spdiags(diagonals, offsets, shape, layout?): a sparse matrix from diagonals (COO, CSR or CSC). */
function spdiags(diagonals: Tensor, offsets: Tensor, shape: number[], layout?: LayoutLike | null | { layout?: LayoutLike | null }): Tensor {
  const l = isOptionsObject(layout) ? readOptions('sparse.spdiags', layout, ['layout']).layout : layout;
  return aten('_spdiags', [diagonals, offsets, shape, l === undefined || l === null ? null : layoutCode(l, 'sparse.spdiags')]) as Tensor;
}

/** torch.sparse.spsolve(input, other, { left }): needs a CUDA build (cuDSS); CPU libtorch has no kernel. */
function spsolve(input: Tensor, other: Tensor, options: { left?: boolean } = {}): Tensor {
  return aten('_spsolve', [input, other, readOptions('sparse.spsolve', options, ['left'])]) as Tensor;
}

/**
 * torch.sparse.check_sparse_tensor_invariants(enable = true) as a scope: runs fn (synchronous) with
 * the sparse constructors' checkInvariants default set, then restores it. Also isEnabled / enable / disable.
 */
function checkSparseTensorInvariantsScope<T>(enableOrFn: boolean | (() => T), fn?: () => T): T {
  const enable = typeof enableOrFn === 'boolean' ? enableOrFn : true;
  const body = typeof enableOrFn === 'function' ? enableOrFn : fn;
  if (typeof body !== 'function') throw new TypeError(`sparse.checkSparseTensorInvariants: expected a function, got ${describe(body)}`);
  const saved = checkInvariantsByDefault;
  checkInvariantsByDefault = enable;
  let result: T;
  try {
    result = body();
  } finally {
    checkInvariantsByDefault = saved;
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function')
    throw new TypeError('sparse.checkSparseTensorInvariants: fn must be synchronous (the switch cannot follow one async continuation)');
  return result;
}
const checkSparseTensorInvariants = Object.assign(checkSparseTensorInvariantsScope, {
  isEnabled: (): boolean => checkInvariantsByDefault,
  enable: (): void => {
    checkInvariantsByDefault = true;
  },
  disable: (): void => {
    checkInvariantsByDefault = false;
  },
});

/** The torch.sparse namespace. */
export const sparse = {
  mm,
  addmm,
  sampledAddmm,
  sum,
  softmax: softmaxLike('_sparse_softmax', 'sparse.softmax'),
  logSoftmax: softmaxLike('_sparse_log_softmax', 'sparse.logSoftmax'),
  spdiags,
  spsolve,
  checkSparseTensorInvariants,
};

// ---- Tensor members -----------------------------------------------------------------------------

declare module './tensor.js' {
  interface Tensor {
    /** Python's x.to_sparse(layout=torch.sparse_csr, blocksize=(2, 2), dense_dim=None); layouts by name or constant. */
    toSparse(options: { layout?: LayoutLike | null; blocksize?: number[] | number | null; denseDim?: number | null }): Tensor;
    /** The number of specified elements of a sparse tensor (Python's x._nnz()). */
    _nnz(): number;
    /** The unchecked indices of a COO tensor, coalesced or not (x._indices()). */
    _indices(): Tensor;
    /** The unchecked values of a COO tensor (x._values()). */
    _values(): Tensor;
    /** True for a sparse COO tensor (Python's x.is_sparse). */
    readonly isSparse: boolean;
    /** True for a sparse CSR tensor (Python's x.is_sparse_csr). */
    readonly isSparseCsr: boolean;
  }
}

const generatedToSparse = Object.getOwnPropertyDescriptor(Tensor.prototype, 'toSparse')?.value as (this: Tensor, ...args: unknown[]) => Tensor;
const members: Record<string, PropertyDescriptor> = {
  toSparse: {
    value(this: Tensor, ...args: unknown[]): Tensor {
      const last = args[args.length - 1];
      if (isOptionsObject(last) && last.layout !== undefined && last.layout !== null && typeof last.layout !== 'number')
        args = [...args.slice(0, -1), { ...last, layout: layoutCode(last.layout, 'toSparse') }];
      return generatedToSparse.apply(this, args);
    },
  },
  _nnz: { value(this: Tensor): number { return aten('_nnz', [this]) as number; } },
  _indices: { value(this: Tensor): Tensor { return aten('_indices', [this]) as Tensor; } },
  _values: { value(this: Tensor): Tensor { return aten('_values', [this]) as Tensor; } },
  isSparse: { get(this: Tensor): boolean { return layoutName(this) === 'sparse_coo'; } },
  isSparseCsr: { get(this: Tensor): boolean { return layoutName(this) === 'sparse_csr'; } },
};
for (const [name, d] of Object.entries(members)) Object.defineProperty(Tensor.prototype, name, { ...d, configurable: true, ...('value' in d ? { writable: true } : {}) });
