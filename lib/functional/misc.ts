// torch.as_tensor and torch.is_storage (Python-level functions of torch/__init__.py and the binding layer).
import { aten } from '../call.js';
import { frombuffer, tensor, type TensorData } from '../creation.js';
import { toDevice, type DeviceLike } from '../device.js';
import { toDType, type DTypeLike } from '../dtype.js';
import { readOptions } from '../options.js';
import { checkArity } from './args.js';
import { isTensor, type Tensor } from '../tensor.js';

export interface AsTensorOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
}

/**
 * torch.as_tensor(data, { dtype, device }): a Tensor is returned as it is when dtype and device
 * already match (else converted, keeping autograd history); a TypedArray of the same dtype on the
 * CPU shares its memory (as a NumPy array does in Python); other data is copied, as torch.tensor.
 */
export function asTensor(data: TensorData, options: AsTensorOptions = {}): Tensor {
  checkArity('asTensor', arguments.length, 2);
  const o = readOptions('asTensor', options, ['dtype', 'device']);
  const dtype = o.dtype === undefined || o.dtype === null ? null : toDType(o.dtype, 'asTensor');
  const device = o.device === undefined || o.device === null ? null : toDevice(o.device, 'asTensor');
  if (isTensor(data)) {
    if ((dtype === null || dtype === data.dtype) && (device === null || device.toString() === data.device.toString())) return data;
    return aten('to', [data, { dtype, device }]) as Tensor;
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && (device === null || device.type === 'cpu')) {
    const shared = frombuffer(data);
    if (dtype === null || dtype === shared.dtype) return shared;
    const converted = aten('to', [shared, { dtype }]) as Tensor;
    shared.dispose();
    return converted;
  }
  return tensor(data, { ...(dtype === null ? {} : { dtype }), ...(device === null ? {} : { device }) });
}

/** torch.is_storage(obj): torchnode has no Storage objects, so nothing is one. */
export function isStorage(obj: unknown): boolean {
  void obj;
  return false;
}
