// torch.nn.DataParallel and torch.nn.parallel.data_parallel: one process, the batch split across GPUs.
// Each device runs the module on its chunk with the parameters copied to it (differentiable copies, so
// gradients come back to the module's own), and the outputs are gathered on the output device. Without
// CUDA the module is called as it is, as in Python.
import { toDevice, type Device, type DeviceLike } from '../../device.js';
import { describe } from '../../options.js';
import { cuda } from '../../runtime.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { _functionalCall } from '../utils/stateless.js';
import { asDevice, gather, scatter } from './scatter_gather.js';

export interface DataParallelOptions {
  /** The GPUs to use (indices or devices); default: every visible one (CUDA_VISIBLE_DEVICES). */
  deviceIds?: readonly (number | DeviceLike)[] | null;
  /** Where the outputs are gathered; default: deviceIds[0]. */
  outputDevice?: number | DeviceLike | null;
  /** The batch dimension of the inputs and outputs. */
  dim?: number;
}

const deviceIndex = (d: number | DeviceLike, fn: string): number => {
  if (typeof d === 'number') {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${fn}: a device index must be a non-negative integer, got ${d}`);
    return d;
  }
  const dev = toDevice(d, fn);
  if (dev.type !== 'cuda') throw new TypeError(`${fn}: expected a CUDA device, got '${String(dev)}'`);
  return dev.index ?? 0;
};

// The GPU indices to use: the given ones, or every visible GPU. `prefix` starts the error message.
function gpuIds(given: readonly (number | DeviceLike)[] | null | undefined, fn: string, prefix: string): number[] {
  const ids = (given ?? Array.from({ length: cuda.deviceCount() }, (_, i) => i)).map((d) => deviceIndex(d, fn));
  if (ids.length === 0) throw new Error(`${prefix}no available devices were found`);
  return ids;
}

// DataParallel's forward on GPUs `ids`, outputs gathered on GPU `outputId`.
function runOnGpus(module: Module, inputs: readonly unknown[], ids: readonly number[], outputId: number, dim: number, fn: string): unknown {
  const devices = ids.map((i) => asDevice(i, fn));
  checkOnSource(module, devices[0]!);
  return parallelForward(module, inputs, devices, asDevice(outputId, fn), dim);
}

function checkOnSource(module: Module, source: Device): void {
  for (const t of [...module.parameters(), ...module.buffers()]) {
    if (String(t.device) !== String(source))
      throw new Error(`module must have its parameters and buffers on device ${String(source)} (device_ids[0]) but found one of them on device: ${String(t.device)}`);
  }
}

/**
 * The data-parallel forward over `devices` (Python's scatter, replicate, parallel_apply and gather):
 * `inputs` split along `dim`, the module run on each chunk with its parameters and buffers copied to that
 * chunk's device, the outputs joined on `outputDevice`. The devices run one after another from this
 * thread; CUDA queues each device's kernels without waiting for them, so the GPUs still overlap.
 */
export function parallelForward(module: Module, inputs: readonly unknown[], devices: readonly Device[], outputDevice: Device, dim: number): unknown {
  const scattered = (scatter([...inputs], devices, dim) as unknown[][]);
  if (scattered.length === 0) scattered.push([]);   // a module without inputs runs once, on the first device
  if (devices.length === 1) return module.call(...scattered[0]!);
  const params = module.namedParameters();
  const buffers = module.namedBuffers();
  const outputs = scattered.map((args, i) => {
    const device = devices[i]!;
    const copies: Record<string, Tensor> = {};
    for (const [name, t] of [...params, ...buffers]) copies[name] = t.to(device);
    return _functionalCall('DataParallel', module, copies, args, null, {});
  });
  return gather(outputs, outputDevice, dim);
}

/** torch.nn.DataParallel(module, deviceIds?, outputDevice?, dim = 0): its state dict keys start with `module.`, as Python's. */
export class DataParallel<M extends Module = Module> extends Module {
  declare module: M;
  /** The GPU indices in use; empty without CUDA (then forward is the module's). */
  readonly deviceIds: number[];
  readonly outputDevice: number | null;
  readonly dim: number;

  constructor(module: M, deviceIds?: readonly (number | DeviceLike)[] | DataParallelOptions | null, outputDevice?: number | DeviceLike | null, dim?: number) {
    super();
    if (!(module instanceof Module)) throw new TypeError(`DataParallel: expected an nn.Module, got ${describe(module)}`);
    const o: DataParallelOptions = deviceIds !== null && deviceIds !== undefined && !Array.isArray(deviceIds) ? (deviceIds as DataParallelOptions) : { deviceIds: deviceIds as DataParallelOptions['deviceIds'], outputDevice, dim };
    this.module = module;
    this.dim = o.dim ?? 0;
    if (!Number.isInteger(this.dim)) throw new TypeError(`DataParallel: dim must be an integer, got ${describe(this.dim)}`);
    if (!cuda.isAvailable()) {
      this.deviceIds = [];
      this.outputDevice = null;
      return;
    }
    this.deviceIds = gpuIds(o.deviceIds, 'DataParallel', 'DataParallel: ');
    this.outputDevice = deviceIndex(o.outputDevice ?? this.deviceIds[0]!, 'DataParallel');
    if (this.deviceIds.length === 1) module.to(`cuda:${this.deviceIds[0]}`);
  }

  override forward(...inputs: unknown[]): unknown {
    if (this.deviceIds.length === 0) return (this.module as Module).call(...inputs);
    return runOnGpus(this.module, inputs, this.deviceIds, this.outputDevice!, this.dim, 'DataParallel');
  }
}

/** torch.nn.parallel.data_parallel(module, inputs, deviceIds?, outputDevice?, dim = 0): DataParallel's forward as a function. */
export function dataParallel(module: Module, inputs: unknown, deviceIds?: readonly (number | DeviceLike)[] | null, outputDevice?: number | DeviceLike | null, dim = 0): unknown {
  const args = Array.isArray(inputs) ? inputs : inputs === null || inputs === undefined ? [] : [inputs];
  if (!cuda.isAvailable()) throw new Error('device type could not be determined');
  const ids = gpuIds(deviceIds, 'dataParallel', '');
  return runOnGpus(module, args, ids, deviceIndex(outputDevice ?? ids[0]!, 'dataParallel'), dim, 'dataParallel');
}
