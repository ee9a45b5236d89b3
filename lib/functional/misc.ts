// torch.as_tensor and torch.is_storage (Python-level functions of torch/__init__.py and the binding layer).
import { aten } from '../call.js';
import { frombuffer, tensor, type TensorData } from '../creation.js';
import { isShared } from '../shared_memory.js';
import { toDevice, type DeviceLike } from '../device.js';
import { toDType, type DTypeLike } from '../dtype.js';
import { describe, readOptions } from '../options.js';
import { checkArity } from './args.js';
import { isTensor, type Tensor } from '../tensor.js';
import { warn } from '../warnings.js';

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
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !isShared(data) && (device === null || device.type === 'cpu')) {
    const shared = frombuffer(data);
    if (dtype === null || dtype === shared.dtype) return shared;
    const converted = aten('to', [shared, { dtype }]) as Tensor;
    shared.dispose();
    return converted;
  }
  return tensor(data, { ...(dtype === null ? {} : { dtype }), ...(device === null ? {} : { device }) });
}

export { isStorage } from '../storage.js';

export interface AsarrayOptions extends AsTensorOptions {
  /** true: always copy; false: never (a ValueError-like Error when sharing is impossible); null/undefined: copy only when needed. */
  copy?: boolean | null;
  requiresGrad?: boolean;
}

/**
 * torch.asarray(obj, { dtype, device, copy, requiresGrad }): a Tensor or a TypedArray is shared when
 * dtype and device allow (copy: true copies anyway; copy: false raises when it cannot share); other
 * data (nested arrays, scalars) is copied, which copy: false forbids, as Python.
 */
export function asarray(obj: TensorData, options: AsarrayOptions = {}): Tensor {
  checkArity('asarray', arguments.length, 2);
  const o = readOptions('asarray', options, ['dtype', 'device', 'copy', 'requiresGrad']);
  const dtype = o.dtype === undefined || o.dtype === null ? null : toDType(o.dtype, 'asarray');
  const device = o.device === undefined || o.device === null ? null : toDevice(o.device, 'asarray');
  const copy = o.copy ?? null;
  if (copy !== null && typeof copy !== 'boolean') throw new TypeError(`asarray: copy must be a boolean or null, got ${describe(copy)}`);
  const requiresGrad = o.requiresGrad ?? null; // null: not given, which keeps obj's (Python 2.13's default)
  if (requiresGrad !== null && typeof requiresGrad !== 'boolean') throw new TypeError(`asarray: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
  let result: Tensor;
  if (ArrayBuffer.isView(obj) && isShared(obj) && copy === false) throw new Error("asarray: can't alias the memory of a SharedArrayBuffer into a tensor.");
  if (isTensor(obj) || (ArrayBuffer.isView(obj) && !(obj instanceof DataView) && !isShared(obj))) {
    const source = isTensor(obj) ? obj : frombuffer(obj);
    const sameDtype = dtype === null || dtype === source.dtype;
    const sameDevice = device === null || device.toString() === source.device.toString();
    if (copy === false && !sameDtype) throw new Error(`asarray: can't alias tensor with dtype '${source.dtype.name}' into dtype '${dtype!.name}'.`);
    if (copy === false && !sameDevice) throw new Error(`asarray: can't alias tensor on device '${source.device.toString()}' into device '${device!.toString()}'.`);
    if (copy === true || !sameDtype || !sameDevice) {
      result = aten('to', [source, { dtype: dtype ?? source.dtype, device: device ?? source.device, copy: true }]) as Tensor;
      if (!isTensor(obj)) source.dispose();
    } else {
      result = source;
    }
  } else {
    if (copy === false) throw new Error("asarray: can't alias arbitrary sequence into a tensor.");
    result = tensor(obj, { ...(dtype === null ? {} : { dtype }), ...(device === null ? {} : { device }) });
  }
  // Python's asarray sets requires_grad on the result itself, the input tensor included when shared; false
  // clears it there too, or, on a tensor with a graph, gives it detached.
  if (requiresGrad === true) result.requiresGrad_(true);
  else if (requiresGrad === false && result.requiresGrad) {
    if (result.isLeaf) result.requiresGrad_(false);
    else {
      const detached = result.detach();
      if (result !== obj) result.dispose();
      result = detached;
    }
  } else if (requiresGrad === null && isTensor(obj) && obj.requiresGrad && !warnedAsarrayDefault) {
    warnedAsarrayDefault = true; // TORCH_WARN_ONCE
    warn('torch.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of False. Pass requires_grad=False explicitly to get the old behavior and silence this warning.');
  }
  return result;
}
let warnedAsarrayDefault = false;
