// torch.utils.data.default_collate / default_convert: samples -> one batch, as PyTorch's collate.py does.
import { frombuffer, tensor as makeTensor } from '../creation.js';
import { bool, float64, int64 } from '../dtype.js';
import { promoteTypes, stack } from '../generated/functions.js';
import { isTensor, type Tensor } from '../tensor.js';

/** Tensors collated inside a worker into memory that can be transferred to the main thread whole. */
export const transferableBacking = new WeakMap<Tensor, ArrayBuffer>();
let collateIntoArrayBuffers = false;
/** Workers collate into ArrayBuffers (PyTorch's workers stack into shared memory for the same reason). */
export function setCollateIntoArrayBuffers(on: boolean): void {
  collateIntoArrayBuffers = on;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

const isTypedArray = (v: unknown): boolean => ArrayBuffer.isView(v) && !(v instanceof DataView);

function kindOf(v: unknown): string {
  if (isTensor(v)) return 'Tensor';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Map) return 'Map';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (isPlainObject(v)) return 'Object';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v;
}

/** Where in the batch a value sits, for error messages: `sample 3, key 'image', element 1`. */
function where(path: readonly (string | number)[]): string {
  return path.length ? ` at ${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}` : '';
}

/** Tensors of one shape are stacked into the dtype torch.stack promotes them to ([tensor(1), tensor(2.5)] -> float32). */
function collateTensors(batch: Tensor[], path: (string | number)[]): Tensor {
  const elem = batch[0];
  let dtype = elem.dtype;
  batch.forEach((t, i) => {
    if (t.dtype !== dtype) dtype = promoteTypes(dtype, t.dtype);
    if (t.dim() !== elem.dim() || t.shape.some((s, d) => s !== elem.shape[d])) {
      throw new RangeError(`default_collate: stack expects each tensor to be equal size, but sample 0${where(path)} has shape [${elem.shape.join(', ')}] and sample ${i} has shape [${t.shape.join(', ')}]`);
    }
  });
  if (elem.layout !== undefined && String(elem.layout) !== 'torch.strided') throw new TypeError(`default_collate: batches of ${String(elem.layout)} tensors are not supported; pass a collateFn`);
  if (collateIntoArrayBuffers && elem.device.type === 'cpu') {
    const numel = elem.numel() * batch.length;
    const buffer = new ArrayBuffer(numel * dtype.itemsize);
    if (numel > 0) {
      // PyTorch's worker stacks into a buffer of sample 0's dtype, and so fails when a later sample promotes it
      // ("input types can't be cast to the desired output type"); this one is of the promoted dtype.
      const out = frombuffer(buffer, { dtype }).view([batch.length, ...elem.shape]);
      stack(batch, 0, { out });
      transferableBacking.set(out, buffer);
      return out;
    }
  }
  return stack(batch, 0);
}

/**
 * Numbers become int64 if all are whole (Python ints), else float64 (Python floats); booleans bool, and
 * booleans among numbers count as 0 and 1 (Python's bools are ints: default_collate([1, True]) is [1, 1]).
 */
function collateScalars(batch: unknown[], path: (string | number)[]): Tensor {
  const kind = typeof batch[0];
  batch.forEach((v, i) => {
    if (typeof v !== kind && !(isIntLike(v) && isIntLike(batch[0]))) throw new TypeError(`default_collate: sample ${i}${where(path)} is a ${kindOf(v)} but sample 0 is a ${kind}`);
  });
  if (batch.every((v) => typeof v === 'boolean')) return makeTensor(batch as boolean[], { dtype: bool });
  if (kind !== 'bigint') batch = batch.map(Number);
  if (kind === 'bigint') {
    // BigInt64Array.from would wrap 2n ** 64n to 0n; Python: "RuntimeError: Overflow when unpacking long long"
    (batch as bigint[]).forEach((v, i) => {
      if (v !== BigInt.asIntN(64, v)) throw new RangeError(`default_collate: sample ${i}${where(path)} is ${v}n, outside the int64 range (Overflow when unpacking long long)`);
    });
    return makeTensor(BigInt64Array.from(batch as bigint[]));
  }
  const numbers = batch as number[];
  return makeTensor(numbers, { dtype: numbers.every(Number.isInteger) ? int64 : float64 });
}

// A number or a boolean: Python's int and bool, which collate together.
const isIntLike = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean';

function collate(batch: unknown[], path: (string | number)[]): unknown {
  const elem = batch[0];
  const kind = kindOf(elem);
  batch.forEach((v, i) => {
    if (kindOf(v) !== kind && !(isTypedArray(v) && isTypedArray(elem)) && !(isIntLike(v) && isIntLike(elem))) throw new TypeError(`default_collate: sample ${i}${where(path)} is a ${kindOf(v)} but sample 0 is a ${kind}; a batch must hold samples of one structure`);
  });
  if (kind === 'Tensor') return collateTensors(batch as Tensor[], path);
  if (kind === 'number' || kind === 'boolean' || kind === 'bigint') return collateScalars(batch, path);
  if (kind === 'string') return batch;
  if (isTypedArray(elem)) {
    return collateTensors(batch.map((a) => makeTensor(a as never)), path); // numpy arrays -> as_tensor, then stacked (and promoted)
  }
  if (kind === 'Array') {
    const rows = batch as unknown[][];
    const size = rows[0].length;
    rows.forEach((r, i) => {
      if (r.length !== size) throw new RangeError(`default_collate: each element in list of batch should be of equal size: sample 0${where(path)} has ${size} elements, sample ${i} has ${r.length}`);
    });
    return Array.from({ length: size }, (_, k) => collate(rows.map((r) => r[k]), [...path, k]));
  }
  if (kind === 'Object' || kind === 'Map') {
    // a Map is Python's Mapping: collated key by key into a Map, in sample 0's key order
    const maps = kind === 'Map' ? (batch as Map<unknown, unknown>[]) : (batch as Record<string, unknown>[]).map((o) => new Map(Object.entries(o)));
    const keys = [...maps[0].keys()];
    maps.forEach((m, i) => {
      const missing = keys.find((k) => !m.has(k));
      if (missing !== undefined) throw new TypeError(`default_collate: sample ${i}${where(path)} has no key '${String(missing)}' that sample 0 has`);
    });
    const entries = keys.map((k): [unknown, unknown] => [k, collate(maps.map((m) => m.get(k)), [...path, typeof k === 'number' ? k : String(k)])]);
    return kind === 'Map' ? new Map(entries) : Object.fromEntries(entries);
  }
  throw new TypeError(`default_collate: batch must contain tensors, typed arrays, numbers, booleans, strings, objects, Maps or arrays; found ${kind}${where(path)}`);
}

/**
 * torch.utils.data.default_collate: tensors are stacked (a new dim 0, in the dtype torch.stack promotes them to), numbers become a tensor
 * (int64 when all are whole, float64 otherwise; booleans bool; bigints int64, refused outside its range), strings stay an array, arrays,
 * objects and Maps are collated element by element / key by key (a Map into a Map). Mixed types or shapes throw, naming the sample.
 */
export function defaultCollate(batch: readonly unknown[]): unknown {
  if (!Array.isArray(batch)) throw new TypeError('default_collate: batch must be an array of samples');
  if (batch.length === 0) throw new RangeError('default_collate: batch is empty');
  return collate(batch as unknown[], []);
}

/** torch.utils.data.default_convert (batchSize null): typed arrays become tensors; numbers stay numbers; a Map's values are converted into a new Map. */
export function defaultConvert(data: unknown): unknown {
  if (isTensor(data)) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return makeTensor(data as never);
  if (Array.isArray(data)) return data.map(defaultConvert);
  if (isPlainObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  return data;
}

/** Runs `collate` on a batch; its error also names the batch's dataset indices. */
export function collateBatch<B>(collate: (batch: never) => B, samples: unknown, indices: readonly number[] | null): B {
  try {
    return collate(samples as never);
  } catch (e) {
    if (e instanceof Error && indices) e.message += ` (in the batch of sample indices [${indices.join(', ')}])`;
    throw e;
  }
}
