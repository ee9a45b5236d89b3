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
}

/** A structured-cloneable copy of `value` whose tensors become buffers listed in `transfer`. */
export function encode(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (isTensor(value)) return encodeTensor(value, transfer);
  if (Array.isArray(value)) return value.map((v) => encode(v, transfer));
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, transfer)]));
  }
  return value;
}

function encodeTensor(t: Tensor, transfer: ArrayBuffer[]): EncodedTensor {
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
  return { [TENSOR]: true, dtype: dtype.name, shape, buffer };
}

/** The inverse of encode: tensors over the received buffers, without copying. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const v = value as Record<string, unknown>;
    if (v[TENSOR] === true) {
      const e = v as unknown as EncodedTensor;
      const dtype = toDType(e.dtype, 'DataLoader');
      return e.buffer.byteLength === 0 ? empty(e.shape, { dtype }) : frombuffer(e.buffer, { dtype }).view(e.shape);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return value;
}
