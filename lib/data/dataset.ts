// torch.utils.data datasets: the Dataset / IterableDataset protocols a DataLoader reads, the
// composite datasets (TensorDataset, Subset, ConcatDataset, ChainDataset, StackDataset) and randomSplit.
import { randperm, tensor as makeTensor } from '../creation.js';
import { int64, strided } from '../dtype.js';
import { defaultGenerator, type Generator } from '../generator.js';
import { bindArgs } from '../functional/args.js';
import { isTensor, type Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import type { WorkerSource } from './worker_source.js';

// DataLoader workers rebuild the built-in datasets from this module.
const thisModule = import.meta.url;

/** A map-style dataset (torch.utils.data.Dataset): samples by index, `length` of them. */
export abstract class Dataset<T = unknown> {
  /** The sample at `index` (Python's `__getitem__`). */
  abstract getItem(index: number): T;
  /** How many samples there are (Python's `__len__`). */
  abstract get length(): number;
}

/** An iterable-style dataset (torch.utils.data.IterableDataset): a stream of samples, sync or async. */
export abstract class IterableDataset<T = unknown> {
  abstract [Symbol.iterator](): Iterator<T>;
}

/** An iterable-style dataset whose stream is asynchronous (read with `for await` on the DataLoader). */
export abstract class AsyncIterableDataset<T = unknown> {
  abstract [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Anything a map-style DataLoader can read: `getItem(i)` (maybe async) and `length`; `getItems` is Python's `__getitems__`. */
export interface MapDataset<T = unknown> {
  getItem(index: number): T | Promise<T>;
  readonly length: number;
  getItems?(indices: number[]): T[] | Promise<T[]>;
}

/** Anything an iterable-style DataLoader can read. */
export type StreamDataset<T = unknown> = Iterable<T> | AsyncIterable<T>;

export function isMapDataset(d: unknown): d is MapDataset {
  return typeof d === 'object' && d !== null && typeof (d as MapDataset).getItem === 'function';
}
export function isStreamDataset(d: unknown): d is StreamDataset {
  return typeof d === 'object' && d !== null && !isMapDataset(d) && (Symbol.iterator in d || Symbol.asyncIterator in d);
}

/**
 * Python's `len(obj)` for a dataset or a sampler: its `length` (a getter is read), which must be a non-negative
 * integer. Without one it throws Python's TypeError "object of type 'X' has no len()", X the constructor's name;
 * `where` names the caller. Every "the length of this or throw" in torch.utils.data goes through here.
 */
/** @internal */
export function lengthOf(where: string, obj: unknown): number {
  const n = obj === null || obj === undefined ? undefined : (obj as { length?: unknown }).length;
  if (n === undefined || n === null) throw new TypeError(`${where}: object of type '${typeName(obj)}' has no len() (no length)`);
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`${where}: the length of an object of type '${typeName(obj)}' must be an integer, got ${describe(n)} (Python: cannot be interpreted as an integer)`);
  }
  if (n < 0) throw new RangeError(`${where}: the length of an object of type '${typeName(obj)}' should be >= 0, got ${n}`);
  return n;
}

/** Its class's name; else its tag ('Generator', 'Array Iterator', 'Object'). */
function typeName(obj: unknown): string {
  if (obj === null || obj === undefined) return String(obj);
  const ctor = (obj as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && ctor.name && ctor.name !== 'Object') return ctor.name;
  return Object.prototype.toString.call(obj).slice(8, -1);
}

/** The items of a getItems result (which may hold promises, e.g. a Subset of an async dataset), settled one by one. */
/** @internal */
export async function awaitInOrder(items: readonly unknown[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const item of items) out.push(await item);
  return out;
}

function checkIndex(fn: string, index: number, length: number): number {
  if (!Number.isInteger(index)) throw new TypeError(`${fn}: index must be an integer, got ${String(index)}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new RangeError(`${fn}: index ${index} is out of range for a dataset of length ${length}`);
  return i;
}

/** torch.utils.data.TensorDataset: sample i is `[t[i] for t of tensors]`. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset: pass at least one tensor');
    tensors.forEach((t, k) => {
      if (!isTensor(t)) throw new TypeError(`TensorDataset: argument ${k} is not a Tensor`);
      if (t.dim() === 0) throw new RangeError(`TensorDataset: tensor ${k} is 0-d; samples are taken along dim 0`);
    });
    if (tensors.some((t) => t.size(0) !== tensors[0].size(0))) throw new RangeError(`TensorDataset: Size mismatch between tensors (first dims ${tensors.map((t) => t.size(0)).join(', ')})`);
    this.tensors = tensors;
  }
  getItem(index: number): Tensor[] {
    const i = checkIndex('TensorDataset.getItem', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
  /**
   * The default collate of the samples at `indices` (per tensor, the stack of t[i]) in one index_select per tensor
   * instead of a select per sample and a stack; null where the two could differ (an index getItem refuses, a tensor
   * that requires grad or is not strided), and the DataLoader then goes sample by sample.
   */
  collatedBatch(indices: readonly number[]): Tensor[] | null {
    const n = this.length;
    if (indices.length === 0 || !indices.every((i) => Number.isInteger(i) && i >= -n && i < n)) return null;
    if (this.tensors.some((t) => t.requiresGrad || t.layout !== strided)) return null;
    const positions = indices.map((i) => (i < 0 ? i + n : i));
    const indexOn = new Map<string, Tensor>();   // one index tensor per device the tensors live on, all disposed
    try {
      return this.tensors.map((t) => {
        const device = String(t.device);
        let index = indexOn.get(device);
        if (!index) indexOn.set(device, (index = makeTensor(positions, { dtype: int64, device: t.device })));
        return t.indexSelect(0, index);
      });
    } finally {
      for (const index of indexOn.values()) index.dispose();
    }
  }
  get length(): number {
    return this.tensors[0].size(0);
  }
  /** Workers get copies of the tensors. */
  workerSource(): WorkerSource {
    return { module: thisModule, export: 'TensorDataset', args: this.tensors };
  }
}

/** Subset's (and SubsetRandomSampler's) indices as a list of its own: from an array, a typed array or a 1-D integer tensor (`randperm(n).slice(0, 0, k)`). */
export function indexList(fn: string, indices: unknown): number[] {
  let list: unknown[];
  if (isTensor(indices)) {
    const t = indices as Tensor;
    if (t.dim() !== 1 || (t.dtype.kind !== 'int' && t.dtype.kind !== 'uint')) {
      throw new TypeError(`${fn}: a tensor of indices must be 1-D of an integer dtype, got ${t.dim()}-D ${t.dtype}`);
    }
    list = t.tolist() as unknown[];
  } else if (ArrayBuffer.isView(indices) && !(indices instanceof DataView)) list = Array.from(indices as unknown as ArrayLike<unknown>);
  else if (Array.isArray(indices)) list = [...(indices as unknown[])];
  else throw new TypeError(`${fn}: indices must be an array, a typed array or a 1-D integer tensor, got ${describe(indices)}`);
  return list.map((v, k) => {
    const n = typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`${fn}: indices[${k}] must be an integer, got ${describe(v)}`);
    return n;
  });
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  return v.constructor?.name ?? 'an object';
}

/** torch.utils.data.Subset: the samples of `dataset` at `indices` (an array, a typed array or a 1-D integer tensor; copied). */
export class Subset<T = unknown> extends Dataset<T> {
  readonly indices: readonly number[];
  constructor(
    readonly dataset: MapDataset<T>,
    indices: readonly number[] | ArrayLike<number | bigint> | Tensor,
  ) {
    super();
    if (!isMapDataset(dataset)) throw new TypeError('Subset: dataset must be a map-style dataset (getItem and length)');
    // as Python 2.13: the inherited getItems reads `dataset` directly, so a DataLoader would bypass the subclass's getItem
    if (this.getItem !== Subset.prototype.getItem && this.getItems === Subset.prototype.getItems) {
      throw new TypeError(
        `${new.target.name} overrides getItem but not getItems. When subclassing Subset and overriding getItem, you must also override ` +
          'getItems to ensure DataLoader works correctly with your custom logic. A simple implementation:\n\n' +
          'getItems(indices) {\n  return indices.map((i) => this.getItem(i));\n}',
      );
    }
    this.indices = indexList('Subset', indices);
  }
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex('Subset.getItem', index, this.indices.length)]) as T;
  }
  getItems(indices: number[]): T[] | Promise<T[]> {
    const inner = indices.map((i) => this.indices[checkIndex('Subset.getItems', i, this.indices.length)]);
    return this.dataset.getItems ? this.dataset.getItems(inner) : (inner.map((i) => this.dataset.getItem(i)) as T[]);
  }
  get length(): number {
    return this.indices.length;
  }
  workerSource(): WorkerSource {
    return { module: thisModule, export: 'Subset', args: [this.dataset, [...this.indices]] };
  }
}

/** torch.utils.data.ConcatDataset: the datasets one after the other. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: MapDataset<T>[];
  readonly cumulativeSizes: number[];
  constructor(datasets: Iterable<MapDataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new TypeError('ConcatDataset: datasets should not be an empty iterable');
    this.datasets.forEach((d, k) => {
      if (!isMapDataset(d)) throw new TypeError(`ConcatDataset: dataset ${k} is not map-style (ConcatDataset does not support IterableDataset)`);
    });
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += lengthOf('ConcatDataset', d)));
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }
  getItem(index: number): T {
    const i = checkIndex('ConcatDataset.getItem', index, this.length);
    // bisect_right: the first dataset whose cumulative size exceeds i.
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    return this.datasets[lo].getItem(lo === 0 ? i : i - this.cumulativeSizes[lo - 1]) as T;
  }
  workerSource(): WorkerSource {
    return { module: thisModule, export: 'ConcatDataset', args: [this.datasets] };
  }
}

/** torch.utils.data.ChainDataset: iterable datasets one after the other (sync or async). */
export class ChainDataset<T = unknown> extends AsyncIterableDataset<T> implements Iterable<T> {
  readonly datasets: StreamDataset<T>[];
  constructor(datasets: Iterable<StreamDataset<T>>) {
    super();
    this.datasets = [...datasets];
    this.datasets.forEach((d, k) => {
      if (!isStreamDataset(d)) throw new TypeError(`ChainDataset: dataset ${k} is not iterable (ChainDataset only supports IterableDataset)`);
    });
  }
  *[Symbol.iterator](): Iterator<T> {
    for (const [k, d] of this.datasets.entries()) {
      if (!(Symbol.iterator in d)) throw new TypeError(`ChainDataset: dataset ${k} is asynchronous; iterate with for await`);
      yield* d as Iterable<T>;
    }
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) yield* d;
  }
  /** The sum of the parts' lengths (each must have `length`). */
  get length(): number {
    return this.datasets.reduce((sum, d) => sum + lengthOf('ChainDataset.length', d), 0);
  }
}

/** torch.utils.data.StackDataset: sample i is `[d[i] for d of datasets]` (positional) or `{k: d[i]}` (an object of datasets). */
export class StackDataset extends Dataset<unknown> {
  readonly datasets: MapDataset[] | Record<string, MapDataset>;
  readonly #length: number;
  constructor(...datasets: MapDataset[] | [Record<string, MapDataset>]) {
    super();
    const byKey = datasets.length === 1 && !isMapDataset(datasets[0]) && typeof datasets[0] === 'object';
    const parts = byKey ? Object.values(datasets[0] as Record<string, MapDataset>) : (datasets as MapDataset[]);
    if (parts.length === 0) throw new TypeError('StackDataset: At least one dataset should be passed');
    parts.forEach((d, k) => {
      if (!isMapDataset(d)) throw new TypeError(`StackDataset: dataset ${k} is not map-style (getItem and length)`);
    });
    // as Python: len of the first, then of the others until one differs
    this.#length = lengthOf('StackDataset', parts[0]);
    if (parts.some((d) => lengthOf('StackDataset', d) !== this.#length)) {
      throw new RangeError(`StackDataset: Size mismatch between datasets (${parts.map((d) => String((d as { length?: unknown }).length)).join(', ')})`);
    }
    this.datasets = byKey ? (datasets[0] as Record<string, MapDataset>) : (datasets as MapDataset[]);
  }
  workerSource(): WorkerSource {
    return { module: thisModule, export: 'StackDataset', args: Array.isArray(this.datasets) ? this.datasets : [this.datasets] };
  }
  getItem(index: number): unknown {
    // as Python: the index goes to every dataset as given, each one checks it
    if (Array.isArray(this.datasets)) return this.datasets.map((d) => d.getItem(index));
    return Object.fromEntries(Object.entries(this.datasets).map(([k, d]) => [k, d.getItem(index)]));
  }
  get length(): number {
    return this.#length;
  }
}

/** Python's math.isclose with its default rel_tol 1e-9. */
const isClose = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * torch.utils.data.random_split: non-overlapping Subsets of the given lengths, or of fractions that sum
 * to 1 (floor(frac * n) each, the remainder dealt round-robin), from `randperm(n, generator)`.
 */
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], generator?: Generator | { generator?: Generator }): Subset<T>[];
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], ...args: unknown[]): Subset<T>[] {
  const { generator = defaultGenerator } = bindArgs('randomSplit', args, ['generator']) as { generator?: Generator };
  if (!isMapDataset(dataset)) throw new TypeError('randomSplit: dataset must be a map-style dataset (getItem and length)');
  if (!Array.isArray(lengths) || lengths.some((l) => typeof l !== 'number' || !Number.isFinite(l))) throw new TypeError('randomSplit: lengths must be an array of numbers');
  let length: number | undefined;
  const datasetLength = (): number => (length ??= lengthOf('randomSplit', dataset)); // where Python first takes len(dataset)
  let sizes = [...lengths];
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  if (isClose(sum(sizes), 1) && sum(sizes) <= 1) {
    sizes = sizes.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new RangeError(`randomSplit: Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(datasetLength() * frac);
    });
    const remainder = datasetLength() - sum(sizes);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
    sizes.forEach((n, i) => {
      if (n === 0) warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  } else if (sizes.some((n) => !Number.isInteger(n) || n < 0) && sum(sizes) === datasetLength()) {
    throw new RangeError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got [${sizes.join(', ')}]`);
  }
  if (sum(sizes) !== datasetLength()) throw new RangeError(`randomSplit: Sum of input lengths (${sum(sizes)}) does not equal the length of the input dataset (${datasetLength()})!`);
  const perm = randperm(sum(sizes), { generator }).tolist() as number[];
  let offset = 0;
  return sizes.map((n) => new Subset(dataset, perm.slice(offset, (offset += n))));
}
