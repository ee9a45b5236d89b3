// The variadic and shape functions of torch/functional.py (broadcast_tensors, meshgrid, block_diag,
// atleast_Nd, tensordot, split, ...): Python's argument handling over the one ATen operator each.
import { aten, opId, callOp } from '../call.js';
import { tensor } from '../creation.js';
import { int64 } from '../dtype.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { pyTuple } from '../print.js';
import { bind, REQUIRED, signature, type PyArgs } from '../nn/functional/_signature.js';
import { isTensor, type Tensor } from '../tensor.js';
import { checkArity, installMethods, intOrNull, tensorArgs, varargsAndOptions } from './args.js';

/** torch.broadcast_tensors(...tensors): views of the tensors expanded to one shape. */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  return aten('broadcast_tensors', [tensorArgs('broadcastTensors', tensors)]) as Tensor[];
}

/** torch.broadcast_shapes(...shapes): the shape broadcast_tensors would give; a shape is an int, an int array, or null (skipped). */
export function broadcastShapes(...shapes: (number | number[] | null)[]): number[] {
  const list = shapes.filter((s) => s !== null && s !== undefined).map((s) => (typeof s === 'number' ? [s] : s));
  for (const shape of list)
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d)))
      throw new TypeError(`broadcastShapes: Input shapes should be of type ints, or an array of ints, got ${describe(shape)}`);
  if (!list.length) return [];
  const common = new Array<number>(Math.max(...list.map((s) => s.length))).fill(1);
  list.forEach((shape, argIdx) => {
    for (let idx = -1; idx >= -shape.length; idx--) {
      const size = shape[shape.length + idx]!;
      const at = common.length + idx;
      if (size === common[at]) continue;
      if (common[at] === 1) {
        if (size < 0) throw new RangeError('broadcastShapes: Attempting to broadcast a dimension with negative length!');
        common[at] = size;
      }
      if (size === 1 || common[at] === size) continue;
      throw new RangeError(`broadcastShapes: Attempting to broadcast a dimension of length ${size} at ${idx}! Mismatching argument at index ${argIdx} had [${shape.join(', ')}]; but expected shape should be broadcastable to [${common.join(', ')}]`);
    }
  });
  return common;
}

export interface MeshgridOptions {
  indexing?: 'ij' | 'xy' | null;
}

/** torch.meshgrid(...tensors, { indexing }) or meshgrid([tensors], { indexing }): coordinate grids. */
export function meshgrid(...args: [...Tensor[], MeshgridOptions] | Tensor[] | [Tensor[], MeshgridOptions?]): Tensor[] {
  const [rest, options] = varargsAndOptions(args);
  const { indexing = null } = options === undefined ? {} : readOptions('meshgrid', options, ['indexing']);
  const tensors = rest.length === 1 && Array.isArray(rest[0]) ? (rest[0] as unknown[]) : rest;
  tensorArgs('meshgrid', tensors);
  // Python passes indexing only when given: without it, ATen warns that the default will change.
  return (indexing === null ? aten('meshgrid', [tensors]) : aten('meshgrid', [tensors, { indexing }])) as Tensor[];
}

/** torch.block_diag(...tensors): a block diagonal matrix. */
export function blockDiag(...tensors: Tensor[]): Tensor {
  return aten('block_diag', [tensorArgs('blockDiag', tensors)]) as Tensor;
}

/** torch.cartesian_prod(...tensors): the cartesian product of 1-D tensors. */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  return aten('cartesian_prod', [tensorArgs('cartesianProd', tensors)]) as Tensor;
}

/** torch.chain_matmul(...matrices, { out }) (deprecated in PyTorch for torch.linalg.multi_dot). */
export function chainMatmul(...args: [...Tensor[], { out?: Tensor | null }] | Tensor[]): Tensor {
  const [matrices, options] = varargsAndOptions(args);
  const { out = null } = options === undefined ? {} : readOptions('chainMatmul', options, ['out']);
  tensorArgs('chainMatmul', matrices);
  return (out === null ? aten('chain_matmul', [matrices]) : aten('chain_matmul', [matrices, { out }])) as Tensor;
}

// Python's atleast_Nd: one argument (a tensor, or an array of them) goes to ATen as it is; several as an array.
function atleast(n: 1 | 2 | 3, args: unknown[]): Tensor | Tensor[] {
  const arg = args.length === 1 ? args[0] : args;
  if (Array.isArray(arg)) tensorArgs(`atleast${n}d`, arg);
  else if (!isTensor(arg)) throw new TypeError(`atleast${n}d: expected a Tensor or an array of Tensors, got ${describe(arg)}`);
  return aten(`atleast_${n}d`, [arg]) as Tensor | Tensor[];
}
/** torch.atleast_1d(t) is a tensor; atleast1d(a, b, ...) and atleast1d([a, b]) are arrays. */
export function atleast1d(tensor: Tensor): Tensor;
export function atleast1d(...tensors: Tensor[] | [Tensor[]]): Tensor[];
export function atleast1d(...tensors: unknown[]): Tensor | Tensor[] {
  return atleast(1, tensors);
}
/** torch.atleast_2d(t) is a tensor; atleast2d(a, b, ...) and atleast2d([a, b]) are arrays. */
export function atleast2d(tensor: Tensor): Tensor;
export function atleast2d(...tensors: Tensor[] | [Tensor[]]): Tensor[];
export function atleast2d(...tensors: unknown[]): Tensor | Tensor[] {
  return atleast(2, tensors);
}
/** torch.atleast_3d(t) is a tensor; atleast3d(a, b, ...) and atleast3d([a, b]) are arrays. */
export function atleast3d(tensor: Tensor): Tensor;
export function atleast3d(...tensors: Tensor[] | [Tensor[]]): Tensor[];
export function atleast3d(...tensors: unknown[]): Tensor | Tensor[] {
  return atleast(3, tensors);
}

/** tensordot's dims: how many trailing dims of a meet leading dims of b, or the two dim lists. */
export type TensordotDims = number | [number[], number[]] | [number, number] | Tensor;

type TensordotOptions = { dims?: TensordotDims; out?: Tensor | null };
const TENSORDOT = signature('tensordot', { a: REQUIRED, b: REQUIRED, dims: 2, out: null });

/** torch.tensordot(a, b, dims=2, out=null): dims as an int, [dimsA, dimsB], or a Tensor of either. */
export function tensordot(a: Tensor, b: Tensor, ...args: PyArgs<[dims: TensordotDims, out: Tensor | null], TensordotOptions>): Tensor;
export function tensordot(a: Tensor, options: TensordotOptions & { b: Tensor }): Tensor;
export function tensordot(options: TensordotOptions & { a: Tensor; b: Tensor }): Tensor;
export function tensordot(...args: unknown[]): Tensor {
  const [a, b, d, out] = bind(TENSORDOT, args) as [Tensor, Tensor, unknown, Tensor | null];
  if (d === null) throw new Error('tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] containing two lists, but got dims=None');
  let dimsA: number[];
  let dimsB: number[];
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  const fromCount = (n: number): void => {
    if (n < 0) throw new RangeError(`tensordot expects dims >= 0, but got dims=${n}`);
    dimsA = range(-n, 0);
    dimsB = range(0, n);
  };
  if (Array.isArray(d)) {
    if (d.length !== 2) throw new TypeError(`tensordot: dims must hold two lists of dims, got ${d.length} items`);
    const [x, y] = d as unknown[];
    dimsA = typeof x === 'number' ? [x] : (x as number[]);
    dimsB = typeof y === 'number' ? [y] : (y as number[]);
  } else if (isTensor(d)) {
    if (d.numel() > 1) {
      if (d.size(0) !== 2) throw new RangeError(`tensordot: dims tensor must have size 2 in first dimension, got ${d.size(0)}`);
      const rows = d.tolist() as number[][];
      dimsA = rows[0]!;
      dimsB = rows[1]!;
    } else fromCount(Math.trunc(Number(d.item())));
  } else if (typeof d === 'number' && Number.isInteger(d)) {
    fromCount(d);
    if (d > Math.min(a.dim(), b.dim())) throw new RangeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${d}`);
  } else {
    throw new TypeError(`tensordot expects dims to be int or [number[], number[]] containing two lists, but got dims=${describe(d)}`);
  }
  return (out === null ? aten('tensordot', [a, b, dimsA!, dimsB!]) : aten('tensordot', [a, b, dimsA!, dimsB!, { out }])) as Tensor;
}

/** A piece size, or the sizes of the pieces; a one-element Tensor counts as its int. */
export type SplitSize = number | number[] | Tensor;

const SPLIT = signature('split', { tensor: REQUIRED, splitSizeOrSections: REQUIRED, dim: 0 });
const METHOD_SPLIT = signature('split', { splitSize: REQUIRED, dim: 0 });

/**
 * torch.split(tensor, splitSizeOrSections, dim=0): views of equal pieces of splitSize along dim
 * (the last may be smaller), or pieces of the listed sizes. A one-element Tensor counts as its int.
 */
export function split(tensor: Tensor, splitSizeOrSections: SplitSize, dim?: number | { dim?: number }): Tensor[];
export function split(tensor: Tensor, options: { splitSizeOrSections: SplitSize; dim?: number }): Tensor[];
export function split(options: { tensor: Tensor; splitSizeOrSections: SplitSize; dim?: number }): Tensor[];
export function split(...args: unknown[]): Tensor[] {
  const [tensor, size, dim] = bind(SPLIT, args) as [Tensor, unknown, unknown];
  return splitInto(tensor, size, dim);
}

// torch.split and Tensor.split: the same, but Python names the size argument differently.
function splitInto(tensor: Tensor, splitSize: unknown, dim: unknown): Tensor[] {
  const d = intOrNull('split', 'dim', dim) ?? 0;
  let size = splitSize;
  if (isTensor(size) && size.numel() === 1) size = Math.trunc(Number(size.item())); // Python's int(split_size)
  if (typeof size === 'number') return callOp(opId('split.Tensor'), [tensor, size, d]) as Tensor[];
  return aten('split_with_sizes', [tensor, size, d]) as Tensor[];
}

/** An int, or the sizes of the dims (bigint: int64 sizes beyond 2^53). */
export type UnravelShape = number | bigint | (number | bigint)[];
const UNRAVEL_INDEX = signature('unravelIndex', { indices: REQUIRED, shape: REQUIRED });

/** torch.unravel_index(indices, shape): the coordinates of flat indices in a tensor of that shape, one tensor per dim. */
export function unravelIndex(indices: Tensor, shape: UnravelShape): Tensor[];
export function unravelIndex(indices: Tensor, options: { shape: UnravelShape }): Tensor[];
export function unravelIndex(options: { indices: Tensor; shape: UnravelShape }): Tensor[];
export function unravelIndex(...args: unknown[]): Tensor[] {
  const [indices, shape] = bind(UNRAVEL_INDEX, args) as [Tensor, UnravelShape];
  if (!isTensor(indices) || indices.dtype.isComplex || indices.isFloatingPoint() || indices.dtype.kind === 'bool')
    throw new TypeError(`unravelIndex: expected 'indices' to be integer dtype, but got ${isTensor(indices) ? indices.dtype.toString() : describe(indices)}`);
  const given = typeof shape === 'number' || typeof shape === 'bigint' ? [shape] : shape;
  if (!Array.isArray(given) || !given.every((d) => Number.isInteger(d) || typeof d === 'bigint'))
    throw new TypeError(`unravelIndex: expected 'shape' to be int or an array of ints, but got ${describe(shape)}`);
  // BigInt: int64 sizes beyond 2^53 (Python ints) stay exact
  const dims = given.map((d) => BigInt(d));
  if (!dims.every((d) => d >= 0n)) throw new RangeError(`unravelIndex: 'shape' cannot have negative values, but got ${pyTuple(dims)}`);
  // Python's coefs: the row-major stride of each dim.
  const coefs = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1n));
  if (coefs.some((c) => c > 2n ** 63n - 1n)) throw new RangeError(`unravelIndex: the product of 'shape' (${dims.join(', ')}) overflows int64`);
  const longs = { dtype: int64, device: indices.device };
  const temporaries: Tensor[] = [];
  const made = (t: Tensor): Tensor => (temporaries.push(t), t);
  let res: Tensor;
  try {
    const coefT = made(tensor(BigInt64Array.from(coefs), longs));
    const shapeT = made(tensor(BigInt64Array.from(dims), longs));
    const q = made(aten('floor_divide', [made(aten('unsqueeze', [indices, -1]) as Tensor), coefT]) as Tensor);
    res = aten('remainder', [q, shapeT]) as Tensor;
  } finally {
    for (const t of temporaries) t.dispose();
  }
  try {
    return aten('unbind', [res, -1]) as Tensor[];
  } finally {
    res.dispose();
  }
}

export interface NonzeroOptions {
  asTuple?: boolean;
  out?: Tensor | null;
}
type NonzeroMethodOptions = Omit<NonzeroOptions, 'out'>;
const NONZERO = signature('nonzero', { input: REQUIRED, out: null, asTuple: false });

/**
 * torch.nonzero(input, { out, asTuple }): the indices of nonzero elements, one row each (written into out
 * when given); with { asTuple: true } one index tensor per dim.
 */
export function nonzero(input: Tensor, options?: { asTuple?: false; out?: Tensor | null }): Tensor;
export function nonzero(input: Tensor, options: { asTuple: true; out?: null }): Tensor[];
export function nonzero(input: Tensor, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(options: { input: Tensor; asTuple?: false; out?: Tensor | null }): Tensor;
export function nonzero(options: { input: Tensor; asTuple: true; out?: null }): Tensor[];
export function nonzero(...args: unknown[]): Tensor | Tensor[] {
  checkArity('nonzero', args.length, 2);
  // out and asTuple are keyword-only in Python
  if (args.length === 2 && args[1] !== undefined && !isOptionsObject(args[1])) throw new TypeError(`nonzero: expected an options object ({ asTuple, out }), got ${describe(args[1])}`);
  const [input, out, asTuple] = bind(NONZERO, args) as [Tensor, Tensor | null, unknown];
  if (asTuple && out !== null) throw new Error('nonzero does not support the out kwarg when as_tuple is True');
  if (asTuple) return aten('nonzero_numpy', [input]) as Tensor[];
  return (out === null ? aten('nonzero', [input]) : aten('nonzero', [input, { out }])) as Tensor;
}

declare module '../tensor.js' {
  interface Tensor {
    /** x.split(splitSize, dim=0) or x.split([sizes], dim=0): views along dim. */
    split(splitSize: SplitSize, dim?: number | { dim?: number }): Tensor[];
    split(options: { splitSize: SplitSize; dim?: number }): Tensor[];
    nonzero(options?: { asTuple?: false }): Tensor;
    nonzero(options: { asTuple: true }): Tensor[];
    nonzero(options?: NonzeroMethodOptions): Tensor | Tensor[];
  }
}

installMethods({
  split(this: Tensor, ...args: unknown[]): Tensor[] {
    const [size, dim] = bind(METHOD_SPLIT, args);
    return splitInto(this, size, dim);
  },
  nonzero(this: Tensor, ...args: [NonzeroMethodOptions?]): Tensor | Tensor[] {
    checkArity('nonzero', args.length, 1);
    // Python's Tensor.nonzero has no out
    return nonzero(this, readOptions('nonzero', args[0] ?? {}, ['asTuple']) as NonzeroMethodOptions);
  },
});
