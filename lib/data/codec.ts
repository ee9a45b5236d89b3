// Moves batches between threads: tensors travel as ArrayBuffers (transferred, not copied, when a worker
// collated them into one) and are wrapped again with frombuffer on the other side.
import { empty, frombuffer } from '../creation.js';
import { toDType } from '../dtype.js';
import { isTensor, type Tensor } from '../tensor.js';
import { transferableBacking } from './collate.js';

const TENSOR = '__torchnodeTensor__';

interface EncodedTensor {
  [TENSOR]: true;
  dtype: string;
  shape: number[];
  buffer: ArrayBuffer;
  tags?: Record<string, unknown>;
}

/**
 * What a module records about a tensor outside its values (tv_tensors' kind, format and canvas size),
 * carried across with it: `read` gives a structured-cloneable record or undefined, `apply` gives it to
 * the tensor made on the other side. Registered by that module when it loads, in every thread.
 */
export interface TensorTag {
  read(t: Tensor): unknown;
  apply(t: Tensor, record: unknown): void;
}
const TAGS = new Map<string, TensorTag>();

/** Registers (or replaces) the tag named `name`; data/ knows no module above it, they register here. */
export function registerTensorTag(name: string, tag: TensorTag): void {
  TAGS.set(name, tag);
}

function readTags(t: Tensor): Record<string, unknown> | undefined {
  let tags: Record<string, unknown> | undefined;
  for (const [name, tag] of TAGS) {
    const record = tag.read(t);
    if (record !== undefined) (tags ??= {})[name] = record;
  }
  return tags;
}

/** A structured-cloneable copy of `value` whose tensors become buffers listed in `transfer`. */
export function encode(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (isTensor(value)) return encodeTensor(value, transfer);
  if (Array.isArray(value)) return value.map((v) => encode(v, transfer));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, encode(v, transfer)])); // structured clone keeps a Map
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, transfer)]));
  }
  return value;
}

function encodeTensor(t: Tensor, transfer: ArrayBuffer[]): EncodedTensor {
  const tags = readTags(t);
  if (t.device.type !== 'cpu') t = t.cpu();
  const { dtype, shape } = t;
  let buffer = transferableBacking.get(t);
  if (buffer && !transfer.includes(buffer)) {
    transferableBacking.delete(t);
    t.dispose(); // the buffer leaves this thread; nothing here may read it again
  } else {
    buffer = new ArrayBuffer(t.numel() * t.dtype.itemsize);
    if (t.numel() > 0) frombuffer(buffer, { dtype: t.dtype }).copy_(t.reshape(-1));
  }
  transfer.push(buffer);
  return { [TENSOR]: true, dtype: dtype.name, shape, buffer, ...(tags === undefined ? {} : { tags }) };
}

/** The inverse of encode: tensors over the received buffers, without copying. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, decode(v)]));
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const v = value as Record<string, unknown>;
    if (v[TENSOR] === true) {
      const e = v as unknown as EncodedTensor;
      const dtype = toDType(e.dtype, 'DataLoader');
      const t = e.buffer.byteLength === 0 ? empty(e.shape, { dtype }) : frombuffer(e.buffer, { dtype }).view(e.shape);
      for (const [name, record] of Object.entries(e.tags ?? {})) TAGS.get(name)?.apply(t, record);
      return t;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return value;
}
