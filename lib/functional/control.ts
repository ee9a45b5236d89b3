// torch.cond, torch.while_loop and torch.vmap, run eagerly: Python traces the first two with TorchDynamo
// and batches the third with functorch; here they are plain JS control flow over the same arguments.
import { aten } from '../call.js';
import { getRngState, setRngState } from '../generator.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { isTreeNode, mapTree, treeLeaves, withLeaves } from '../pytree.js';

// A prefix tree `spec` (a number or null stands for every leaf below it) laid over `tree`: one value per leaf of tree.
function specLeaves(spec: unknown, tree: unknown, where: () => string, out: unknown[] = []): unknown[] {
  if (!isTreeNode(spec)) {
    for (const _ of treeLeaves(tree)) out.push(spec);
    return out;
  }
  const mismatch = (): never => {
    throw new Error(`${where()} is not compatible with the structure of the values it describes: ${JSON.stringify(spec)} against ${describe(tree)}`);
  };
  if (Array.isArray(spec)) {
    if (!Array.isArray(tree) || tree.length !== spec.length) mismatch();
    spec.forEach((s, i) => specLeaves(s, (tree as unknown[])[i], where, out));
  } else {
    if (!isTreeNode(tree) || Array.isArray(tree)) mismatch();
    const keys = Object.keys(spec);
    const treeKeys = Object.keys(tree as object);
    if (keys.length !== treeKeys.length || !keys.every((k) => Object.hasOwn(tree as object, k))) mismatch();
    // Leaves in the tree's key order, as treeLeaves visits them.
    for (const k of treeKeys) specLeaves((spec as Record<string, unknown>)[k], (tree as Record<string, unknown>)[k], where, out);
  }
  return out;
}

const callable = (f: unknown): f is (...args: unknown[]) => unknown => typeof f === 'function';

// ---- torch.cond ----------------------------------------------------------------------------------

/**
 * torch.cond(pred, trueFn, falseFn, operands): trueFn(...operands) when pred holds, else falseFn(...operands).
 * pred: a boolean or number (run at once, as Python's eager path) or a one-element tensor (then operands must be
 * a possibly nested array/object of tensors, and a branch may not return one of its operands, as Python requires).
 * Only the branch taken runs: Python traces both and also checks that their outputs agree; this does not.
 */
export function cond<Operands extends unknown[], T>(pred: boolean | number | Tensor, trueFn: (...operands: Operands) => T, falseFn: (...operands: Operands) => T, operands: Operands = [] as unknown as Operands): T {
  if (typeof pred === 'boolean' || typeof pred === 'number') {
    if (!callable(trueFn) || !callable(falseFn)) throw new TypeError('cond: expected trueFn and falseFn to be functions');
    return (pred ? trueFn : falseFn)(...operands);
  }
  if (!isTensor(pred)) throw new TypeError(`cond: expected pred to be a boolean or a tensor, got ${describe(pred)}`);
  if (pred.numel() !== 1) throw new RangeError(`cond: expected pred to be a boolean or a single-element tensor, got a tensor of shape [${pred.shape.join(', ')}]`);
  if (!callable(trueFn) || !callable(falseFn)) throw new TypeError('cond: expected both branches to be functions');
  if (!Array.isArray(operands) || !treeLeaves(operands).every(isTensor))
    throw new TypeError(`cond: expected operands to be an array (possibly nested arrays/objects) of tensors only, got ${Array.isArray(operands) ? 'an array with a non-tensor leaf' : describe(operands)}`);
  const out = (pred.item() ? trueFn : falseFn)(...operands);
  const inputs = new Set(treeLeaves(operands));
  const leaves = treeLeaves(out);
  if (leaves.some((leaf) => inputs.has(leaf))) throw new Error('cond: a branch returned one of its operands; higher-order ops do not support aliasing: return operand.clone()');
  // what Python's tracing of the branches accepts: tensors, ints and bools
  for (const leaf of leaves) {
    if (isTensor(leaf) || Number.isInteger(leaf) || typeof leaf === 'boolean' || typeof leaf === 'bigint') continue;
    if (leaf === null || leaf === undefined) throw new TypeError(`cond: unsupported branch return type (constant non-int): Constants returned from branches must be ints, got ${String(leaf)}`);
    throw new TypeError(`cond: a branch's output must consist of tensors or ints/bools only, got ${describe(leaf)}`);
  }
  return out;
}

// ---- torch.while_loop ----------------------------------------------------------------------------

const isCarriedLeaf = (v: unknown): boolean => isTensor(v) || Number.isInteger(v);

function checkPredicate(pred: unknown): boolean {
  if (typeof pred === 'boolean') return pred;
  if (isTensor(pred) && pred.dim() === 0 && String(pred.dtype) === 'torch.bool') return pred.item<boolean>();
  throw new TypeError(`whileLoop: condFn must return a boolean scalar tensor or a boolean, got ${isTensor(pred) ? `a ${String(pred.dtype)} tensor of shape [${pred.shape.join(', ')}]` : describe(pred)}`);
}

// The carried values from one iteration to the next must keep their kind, dtype, shape and device, as Python checks.
function checkCarried(before: readonly unknown[], after: readonly unknown[]): void {
  if (after.length !== before.length) throw new Error(`whileLoop: expected bodyFn to return as many values as carriedInputs (${before.length} leaves), got ${after.length}`);
  before.forEach((b, i) => {
    const a = after[i];
    if (isTensor(b) !== isTensor(a)) throw new TypeError(`whileLoop: bodyFn output ${i} is ${describe(a)} where carriedInputs has ${describe(b)}`);
    if (isTensor(b) && isTensor(a) && (a.dtype !== b.dtype || String(a.shape) !== String(b.shape) || String(a.device) !== String(b.device)))
      throw new Error(`whileLoop: expected bodyFn outputs and carriedInputs to have the same metadata, but output ${i} is ${String(a.dtype)} [${a.shape.join(', ')}] on ${String(a.device)} against ${String(b.dtype)} [${b.shape.join(', ')}] on ${String(b.device)}`);
  });
}

/**
 * torch.while_loop(condFn, bodyFn, carriedInputs): while condFn(...carried) holds, carried = bodyFn(...carried);
 * returns the last carried values (an array; a bare tensor when bodyFn returns one, as Python does). carriedInputs:
 * an array of (possibly nested arrays/objects of) tensors and integers; condFn returns a boolean or a 0-dim bool
 * tensor. When the loop never runs the inputs come back cloned, as an array.
 */
export function whileLoop<Carried extends unknown[]>(condFn: (...carried: Carried) => boolean | Tensor, bodyFn: (...carried: Carried) => Tensor, carriedInputs: Carried): Tensor;
export function whileLoop<Carried extends unknown[]>(condFn: (...carried: Carried) => boolean | Tensor, bodyFn: (...carried: Carried) => readonly Carried[number][], carriedInputs: Carried): Carried[number][];
export function whileLoop<Carried extends unknown[]>(condFn: (...carried: Carried) => boolean | Tensor, bodyFn: (...carried: Carried) => readonly Carried[number][] | Tensor, carriedInputs: Carried): Carried[number][] | Tensor {
  if (!callable(condFn) || !callable(bodyFn)) throw new TypeError('whileLoop: expected condFn and bodyFn to be functions');
  if (!Array.isArray(carriedInputs)) throw new TypeError(`whileLoop: carriedInputs must be an array, got ${describe(carriedInputs)}`);
  const firstLeaves = treeLeaves(carriedInputs);
  if (!firstLeaves.every(isCarriedLeaf))
    throw new TypeError(`whileLoop: expected carriedInputs to be an array (possibly nested arrays/objects) of tensors or integers, got a leaf that is ${describe(firstLeaves.find((v) => !isCarriedLeaf(v)))}`);
  let carried = carriedInputs;
  let result: Carried[number][] | Tensor | null = null;
  while (checkPredicate(condFn(...carried))) {
    const out = bodyFn(...carried);
    const next = isTensor(out) ? [out] : out;
    if (!Array.isArray(next)) throw new TypeError(`whileLoop: bodyFn should return an array (or one tensor), got ${describe(out)}`);
    checkCarried(treeLeaves(carried), treeLeaves(next));
    carried = next as Carried;
    result = out as Carried[number][] | Tensor;
  }
  return result ?? (carriedInputs.map((c) => mapTree(c, (leaf) => (isTensor(leaf) ? leaf.clone() : leaf))) as Carried[number][]);
}

// ---- torch.vmap ----------------------------------------------------------------------------------

/** Where the batch dimension is: a dim, null (not batched), or a nested array/object matching the values. */
export type VmapDims = number | null | readonly VmapDims[] | { readonly [key: string]: VmapDims };
export type VmapRandomness = 'error' | 'different' | 'same';
export interface VmapOptions {
  inDims?: VmapDims;
  outDims?: VmapDims;
  randomness?: VmapRandomness;
  chunkSize?: number | null;
}

const RANDOMNESS: readonly VmapRandomness[] = ['error', 'different', 'same'];
const fnName = (fn: { readonly name: string }): string => fn.name || '<anonymous>';

function normalizeDim(dim: number, rank: number, what: () => string): number {
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) throw new RangeError(what());
  return dim < 0 ? dim + rank : dim;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (isTensor(a) && isTensor(b) && a.dtype === b.dtype && String(a.shape) === String(b.shape) && (aten('equal', [a, b]) as boolean));

// The unbatched tensor inputs (by leaf index) whose in-place changes vmap watches for: those that share no storage
// with a batched input (an in-place write to a batched slice also bumps the version of a tensor viewing that storage).
// Tensors without storage or version counter (meta, sparse, inference tensors) are not watched.
function unbatchedTensors(leaves: readonly unknown[], dims: readonly (number | null)[]): [number, Tensor][] {
  const storage = (t: Tensor): bigint | null => {
    try {
      return t.dataPtr() - BigInt(t.storageOffset() * t.elementSize());
    } catch {
      return null;
    }
  };
  const batched = new Set(leaves.filter((l, i) => dims[i] !== null).map((t) => storage(t as Tensor)));
  return leaves.flatMap((l, i) => {
    if (dims[i] !== null || !isTensor(l)) return [];
    const where = storage(l);
    if (where === null || batched.has(where) || versionOf(l) === null) return [];
    return [[i, l] as [number, Tensor]];
  });
}
const versionOf = (t: Tensor): number | null => {
  try {
    return t._version;
  } catch {
    return null;
  }
};

// Tensors a transform built on vmap (jacfwd) made for vmap to free once stacked, whatever the batch size.
export const vmapOwned = new WeakSet<Tensor>();

// The per-element outputs vmap may free once stacked: those fn made for one element, told apart from tensors it
// returns from elsewhere (a captured tensor, an input, a module's buffer), which are the same object in every element.
// Hence nothing fn returns is freed for a batch of one (unless marked in vmapOwned).
function ownedOutputs(outLeaves: readonly unknown[][], inputLeaves: readonly unknown[], batch: number): Tensor[] {
  const seen = new Map<Tensor, number>();
  for (const leaves of outLeaves) for (const leaf of leaves) if (isTensor(leaf)) seen.set(leaf, (seen.get(leaf) ?? 0) + 1);
  const inputs = new Set(inputLeaves);
  return [...seen].filter(([t, n]) => vmapOwned.has(t) || (batch > 1 && n === 1 && !inputs.has(t))).map(([t]) => t);
}

/**
 * torch.vmap(fn, { inDims = 0, outDims = 0, randomness = 'error', chunkSize }) (or positionally
 * vmap(fn, inDims, outDims, randomness)): a function that maps fn over a dimension of its inputs.
 * It is an eager loop, not functorch's batching: it slices each input along its in-dim (select), calls fn once
 * per batch element and stacks each output leaf along its out-dim; results equal Python's to the rounding of the
 * per-sample ops (a batched matmul may round differently). randomness is approximated on the default CPU
 * generator: 'error' throws when fn changed its state, 'same' restores it before each element (every element
 * draws what one unbatched call draws, as Python), 'different' lets each element draw in turn (independent draws,
 * not Python's numbers). chunkSize is checked and otherwise has no effect. A mapped size of 0 is refused (no call
 * to learn the output structure from); with outDims null every element must return the same value.
 */
export function vmap<A extends unknown[], R>(fn: (...args: A) => R, inDims?: VmapDims | VmapOptions, outDims?: VmapDims, randomness?: VmapRandomness, options?: { chunkSize?: number | null }): (...args: A) => R {
  if (!callable(fn)) throw new TypeError(`vmap: expected fn to be a function, got ${describe(fn)}`);
  let opts: VmapOptions;
  if (isTreeNode(inDims) && !Array.isArray(inDims) && arguments.length === 2) {
    opts = inDims as VmapOptions;
    for (const key of Object.keys(opts)) if (!['inDims', 'outDims', 'randomness', 'chunkSize'].includes(key)) throw new TypeError(`vmap: unexpected option '${key}'; expected one of { inDims, outDims, randomness, chunkSize }`);
  } else {
    opts = { inDims: inDims as VmapDims | undefined, outDims, randomness, chunkSize: options?.chunkSize };
  }
  const inSpec = opts.inDims === undefined ? 0 : opts.inDims;
  const outSpec = opts.outDims === undefined ? 0 : opts.outDims;
  const mode = opts.randomness ?? 'error';
  if (!RANDOMNESS.includes(mode)) throw new RangeError(`vmap: only allowed values for randomness are 'error', 'different', or 'same'. Got ${String(mode)}`);
  const chunkSize = opts.chunkSize ?? null;
  if (chunkSize !== null && !(Number.isInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`vmap: chunkSize should be null or greater than 0. (got ${String(chunkSize)})`);
  if (!(typeof inSpec === 'number' || Array.isArray(inSpec)))
    throw new TypeError(`vmap(${fnName(fn)}, inDims=${JSON.stringify(inSpec)}, ...)(<inputs>): expected inDims to be a number or a (potentially nested) array matching the structure of inputs, got ${describe(inSpec)}`);

  const mapped = (...args: A): R => {
    const name = fnName(fn);
    if (args.length === 0) throw new Error(`vmap(${name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs. The latter is unsupported.`);
    const inputLeaves = treeLeaves(args);
    const dims = specLeaves(inSpec, args, () => `vmap(${name}, inDims=${JSON.stringify(inSpec)}, ...)(<inputs>): inDims`);
    const batchSizes: number[] = [];
    const leafDims = inputLeaves.map((leaf, i) => {
      const d = dims[i];
      if (d === null) return null;
      const where = `vmap(${name}, inDims=${JSON.stringify(inSpec)}, ...)(<inputs>): Got inDim=${String(d)}`;
      if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`${where} for an input but inDim must be either an integer dimension or null.`);
      if (!isTensor(leaf)) throw new TypeError(`${where} for an input but the input is ${describe(leaf)}. We cannot vmap over non-Tensor arguments, please use null as the respective inDim`);
      const dim = normalizeDim(d, leaf.dim(), () => `${where} for some input, but that input is a Tensor of dimensionality ${leaf.dim()} so expected inDim to satisfy -${leaf.dim()} <= inDim < ${leaf.dim()}.`);
      batchSizes.push(leaf.shape[dim]!);
      return dim;
    });
    if (!batchSizes.length) throw new Error('vmap: Expected at least one Tensor to vmap over');
    if (batchSizes.some((s) => s !== batchSizes[0])) throw new RangeError(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${batchSizes.join(', ')}] for the mapped dimension`);
    const batch = batchSizes[0]!;
    if (batch === 0) throw new RangeError(`vmap(${name}): a mapped dimension of size 0 has no element to call ${name} on; this eager vmap cannot infer the output`);

    // Internal temporaries are freed at once (handles only: a view or the autograd graph keeps its own reference):
    // the RNG states, the per-element slices (unless fn's output, kept as the result, is one), and the per-element
    // outputs once stacked (see ownedOutputs).
    const saved = mode === 'error' || mode === 'same' ? getRngState() : null;
    const slices: Tensor[] = [];
    const outputs: unknown[] = [];
    let result: R | undefined;
    try {
      const watched = unbatchedTensors(inputLeaves, leafDims);
      for (let b = 0; b < batch; b++) {
        if (mode === 'same' && b > 0) setRngState(saved!);
        const sliced = withLeaves(args, inputLeaves.map((leaf, i) => {
          if (leafDims[i] === null) return leaf;
          const slice = (leaf as Tensor).select(leafDims[i]!, b);
          slices.push(slice);
          return slice;
        })) as A;
        const before = mode === 'error' ? (b === 0 ? saved! : getRngState()) : null;
        try {
          const versions = watched.map(([, t]) => versionOf(t));
          outputs.push(fn(...sliced));
          watched.forEach(([i, t], k) => {
            if (versionOf(t) !== versions[k])
              throw new Error(`vmap(${name}, ...): ${name} wrote in place to its input ${i} (flattened; a tensor of shape [${t.shape.join(', ')}]), which is not batched (its inDim is null). ` +
                'This eager vmap runs fn once per batch element and cannot batch such a write; Python\'s vmap refuses it when batched values flow into it ' +
                '("vmap: inplace arithmetic(self, *extra_args) is not possible because there exists a Tensor `other` in extra_args that has more elements than `self`", ' +
                'or a broadcast-shape error). Please use out-of-place operators instead, or batch that input.');
          });
          if (before) {
            const after = getRngState();
            const same = aten('equal', [before, after]) as boolean;
            after.dispose();
            if (!same) throw new Error("vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap");
          }
        } finally {
          if (before && before !== saved) before.dispose();
        }
      }

      const first = outputs[0];
      const outLeaves = outputs.map((o) => treeLeaves(o));
      // Python's _unwrap_batched: for a lone tensor output, a one-element tuple of out_dims is its out_dim
      const outSpecHere = isTensor(first) && Array.isArray(outSpec) && outSpec.length === 1 ? (outSpec[0] as VmapDims) : outSpec;
      const outDimsOf = specLeaves(outSpecHere, first, () => `vmap(${name}, ..., outDims=${JSON.stringify(outSpec)})(<inputs>): outDims`);
      const stacked = outLeaves[0]!.map((leaf, j) => {
        const column = outLeaves.map((leaves) => {
          if (leaves.length !== outLeaves[0]!.length) throw new Error(`vmap(${name}, ...): ${name} returned outputs of different structures for different batch elements`);
          return leaves[j];
        });
        const d = outDimsOf[j];
        if (d === null) {
          if (!column.every((v) => sameValue(v, leaf))) throw new Error(`vmap(${name}, ...): ${name} can not return a BatchedTensor when outDim is null (its output ${j} differs between batch elements)`);
          return leaf;
        }
        if (!column.every(isTensor)) throw new TypeError(`vmap(${name}, ...): ${name} must only return Tensors, got ${describe(column.find((v) => !isTensor(v)))}. Did you mean to set outDims to null for output?`);
        if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`vmap(${name}, ..., outDims=${JSON.stringify(outSpec)}): outDims must be an int, null or an array of ints representing where in the outputs the vmapped dimension should appear.`);
        const rank = (leaf as Tensor).dim() + 1;
        return aten('stack', [column, normalizeDim(d, rank, () => `vmap(${name}, ..., outDims=${JSON.stringify(outSpec)}): outDim ${d} is out of range for an output of dimensionality ${rank - 1}`)]);
      });
      result = withLeaves(first, stacked) as R;
      const kept = new Set(treeLeaves(result));
      for (const t of ownedOutputs(outLeaves, inputLeaves, batch)) if (!kept.has(t)) t.dispose();
      return result;
    } finally {
      saved?.dispose();
      const kept = new Set(result === undefined ? [] : treeLeaves(result));
      for (const s of slices) if (!kept.has(s)) s.dispose();
    }
  };
  Object.defineProperty(mapped, 'name', { value: `vmap(${fnName(fn)})` });
  return mapped;
}
