// torch.func.vmap: functorch's vectorizing map, run by libtorch's own batching rules. native/src/vmap.cc
// opens a vmap level around the JS call (and closes it however the call ends); here, the in_dims and
// out_dims bookkeeping of torch/_functorch/vmap.py: which argument is batched along which dim, one batch
// size for all, and each output's batch dim moved to its out_dim (or broadcast there when unbatched).
import { cat } from './generated/functions.js';
import { native, type Handle } from './native.js';
import { describe, pyTypeName, readOptions } from './options.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

type Dims = number | null | readonly Dims[];
export interface VmapOptions {
  /** What random ops do inside: 'error' (the default, they throw), 'same' or 'different' across the batch. */
  randomness?: 'error' | 'same' | 'different';
  /** Runs the batch in chunks of this many (null: all at once), for memory. */
  chunkSize?: number | null;
}
interface VmapNative {
  vmapCall(batchSize: number, randomness: string, fn: (level: number) => unknown): unknown;
  vmapAddBatchDim(t: Handle, dim: number, level: number): Handle;
  vmapRemoveBatchDim(t: Handle, level: number, batchSize: number, outDim: number): Handle;
}
const vm = native as unknown as VmapNative;

const header = (inDims: Dims, outDims: Dims): string => `vmap(f, in_dims=${JSON.stringify(inDims)}, out_dims=${JSON.stringify(outDims)}, ...)(<inputs>)`;

// Pairs every tensor (and every other leaf) of `value` with its dim from `dims` (a number or null for the whole subtree).
function pairLeaves(value: unknown, dims: Dims, where: string, out: [unknown, number | null][]): void {
  if (Array.isArray(dims)) {
    if (!Array.isArray(value) || value.length !== dims.length) throw new RangeError(`${where}: in_dims is not compatible with the structure of \`inputs\`.`);
    value.forEach((v, i) => pairLeaves(v, dims[i]!, where, out));
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) pairLeaves(v, dims, where, out);
    return;
  }
  out.push([value, dims as number | null]);
}

function mapLeaves(value: unknown, fn: (leaf: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map((v) => mapLeaves(v, fn)) : fn(value);
}

/** torch.func.vmap(func, inDims = 0, outDims = 0, { randomness, chunkSize }): func mapped over a batch dim of its arguments. */
export function vmap(func: (...args: never[]) => unknown, inDims: Dims = 0, outDims: Dims = 0, options: VmapOptions = {}): (...args: unknown[]) => unknown {
  const { randomness = 'error', chunkSize = null } = readOptions('torch.func.vmap', options, ['randomness', 'chunkSize']) as VmapOptions;
  if (typeof func !== 'function') throw new TypeError(`vmap: func must be a function, got ${describe(func)}`);
  if (chunkSize !== null && !(Number.isInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`vmap: chunk_size should be None or greater than 0. (got ${String(chunkSize)})`);
  return (...args: unknown[]) => {
    const where = header(inDims, outDims);
    const perArg: Dims = Array.isArray(inDims) ? inDims : args.map(() => inDims as number | null);
    if (Array.isArray(inDims) && inDims.length !== args.length)
      throw new RangeError(`${where}: in_dims is not compatible with the structure of \`inputs\`. in_dims has structure of length ${inDims.length} but inputs has structure of length ${args.length}.`);
    const leaves: [unknown, number | null][] = [];
    pairLeaves(args, perArg, where, leaves);
    // per leaf, in traversal order (the order mapLeaves visits them): its batch dim, or null (one tensor may be both)
    const leafDims: (number | null)[] = [];
    for (const [leaf, dim] of leaves) {
      leafDims.push(null);
      if (dim === null) continue;
      if (!Number.isInteger(dim)) throw new TypeError(`${where}: in_dims must be an int, None or a tuple of them, got ${describe(dim)}`);
      if (!isTensor(leaf))
        throw new RangeError(`${where}: Got in_dim=${dim} for an input but the input is of type <class '${pyTypeName(leaf)}'>. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim`);
      const n = leaf.dim();
      if (dim < -n || dim >= n) throw new RangeError(`${where}: Got in_dim=${dim} for some input, but that input is a Tensor of dimensionality ${n} so expected in_dim to satisfy -${n} <= in_dim < ${n}.`);
      leafDims[leafDims.length - 1] = dim < 0 ? dim + n : dim;
    }
    const batched = leaves.map(([leaf], i) => [leaf, leafDims[i]!] as const).filter((e): e is readonly [Tensor, number] => e[1] !== null);
    if (batched.length === 0) throw new RangeError(`${where}: at least one input must be a Tensor batched along a dim (in_dims all None or no Tensor inputs)`);
    const sizes = batched.map(([t, d]) => t.size(d));
    // maps every leaf of args, with its batch dim (null: not batched)
    const perLeaf = (fn: (leaf: unknown, dim: number | null) => unknown): unknown[] => {
      let i = 0;
      return mapLeaves(args, (leaf) => fn(leaf, leafDims[i++]!)) as unknown[];
    };
    if (sizes.some((s) => s !== sizes[0])) throw new RangeError(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.join(', ')}] for the mapped dimension`);
    const batchSize = sizes[0]!;
    if (chunkSize !== null && chunkSize < batchSize) {
      // each chunk through vmap of its own, the results concatenated along out_dims
      const chunks: unknown[] = [];
      for (let start = 0; start < batchSize; start += chunkSize) {
        const len = Math.min(chunkSize, batchSize - start);
        chunks.push(vmap(func, inDims, outDims, { randomness })(...perLeaf((v, d) => (d === null ? v : (v as Tensor).narrow(d, start, len)))));
      }
      const join = (parts: unknown[], dims: Dims): unknown =>
        isTensor(parts[0]) ? cat(parts as Tensor[], dims as number) : (parts[0] as unknown[]).map((_, i) => join(parts.map((p) => (p as unknown[])[i]), Array.isArray(dims) ? dims[i]! : dims));
      return join(chunks, outDims);
    }
    return vm.vmapCall(batchSize, randomness, (level) => {
      const output = (func as (...a: unknown[]) => unknown)(...perLeaf((v, d) => (d === null ? v : new Tensor(vm.vmapAddBatchDim(handleOfTensor(v as Tensor), d, level)))));
      const unwrap = (o: unknown, dim: Dims): unknown => {
        if (Array.isArray(o)) return o.map((x, i) => unwrap(x, Array.isArray(dim) ? (dim[i] ?? null) : dim));
        if (!isTensor(o)) throw new TypeError(`${where}: \`func\` must only return Tensors, got type <class '${pyTypeName(o)}'>.`);
        if (dim === null) throw new RangeError(`${where}: out_dims=None is only supported for outputs that are not batched`);
        if (Array.isArray(dim)) throw new RangeError(`${where}: out_dims is not compatible with the structure of \`outputs\`.`);
        const d = dim as number;
        const n = o.dim() + 1;
        if (!Number.isInteger(d) || d < -n || d >= n) throw new RangeError(`${where}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${d})`);
        return new Tensor(vm.vmapRemoveBatchDim(handleOfTensor(o), level, batchSize, d < 0 ? d + n : d));
      };
      return unwrap(output, outDims);
    });
  };
}
