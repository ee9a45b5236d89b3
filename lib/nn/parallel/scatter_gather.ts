// torch.nn.parallel.scatter_gather: splitting inputs across devices and joining outputs on one, through
// nested arrays and objects, differentiably (the chunks' and gathered outputs' grads flow back).
import { cat } from '../../generated/functions.js';
import { toDevice, type Device, type DeviceLike } from '../../device.js';
import { isOptionsObject } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';

// Python's zip(*lists): as many entries as the shortest.
function zip<T>(lists: T[][]): T[][] {
  const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]!));
}

/**
 * torch.nn.parallel.scatter: one entry per device. A tensor is chunked along `dim` (torch.chunk's sizes)
 * and each chunk moved to its device; arrays and objects are scattered entry by entry; anything else is
 * passed to every device. A batch with fewer chunks than devices gives fewer entries, as in Python.
 */
export function scatter(inputs: unknown, targetDevices: readonly (number | DeviceLike)[], dim = 0): unknown[] {
  const devices = targetDevices.map((d) => asDevice(d, 'scatter'));
  const scatterMap = (obj: unknown): unknown[] => {
    if (isTensor(obj)) return obj.chunk(devices.length, dim).map((c, i) => c.to(devices[i]!));
    if (Array.isArray(obj)) return obj.length === 0 ? devices.map(() => obj) : zip(obj.map(scatterMap));
    if (isOptionsObject(obj)) {
      const keys = Object.keys(obj);
      return keys.length === 0 ? devices.map(() => obj) : zip(keys.map((k) => scatterMap(obj[k]))).map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]])));
    }
    return devices.map(() => obj);
  };
  return scatterMap(inputs);
}

/**
 * torch.nn.parallel.gather: the devices' outputs joined on `targetDevice` (tensors concatenated along
 * `dim`; arrays and objects entry by entry; null stays null). Scalars are stacked into a vector, with
 * Python's warning.
 */
export function gather(outputs: readonly unknown[], targetDevice: number | DeviceLike, dim = 0): unknown {
  if (targetDevice === -1) warn('Using -1 to represent CPU tensor is deprecated. Please use a device object or string instead, e.g., "cpu".', 'FutureWarning');
  const target = targetDevice === -1 ? toDevice('cpu', 'gather') : asDevice(targetDevice, 'gather'); // comm.gather's old spelling of the CPU
  const gatherMap = (outs: readonly unknown[]): unknown => {
    const first = outs[0];
    if (isTensor(first)) {
      const tensors = outs as Tensor[];
      if (dim === 0 && tensors.every((t) => t.dim() === 0)) {
        warn('Was asked to gather along dimension 0, but all input tensors were scalars; will instead unsqueeze and return a vector.');
        return cat(tensors.map((t) => t.to(target).unsqueeze(0)), 0);
      }
      return cat(tensors.map((t) => t.to(target)), dim);
    }
    if (first === null || first === undefined) return null;
    if (Array.isArray(first)) return zip(outs as unknown[][]).map(gatherMap);
    if (isOptionsObject(first)) {
      const keys = Object.keys(first);
      if (!outs.every((o) => isOptionsObject(o) && Object.keys(o).length === keys.length)) throw new Error('All dicts must have the same number of keys');
      return Object.fromEntries(keys.map((k) => [k, gatherMap(outs.map((o) => (o as Record<string, unknown>)[k]))]));
    }
    throw new TypeError(`gather: can't gather outputs of type ${typeof first}; return tensors, arrays or objects of them`);
  };
  return gatherMap(outputs);
}

/** A device index (CUDA's) or a device. */
export function asDevice(d: number | DeviceLike, fn: string): Device {
  return typeof d === 'number' ? toDevice(`cuda:${d}`, fn) : toDevice(d, fn);
}
