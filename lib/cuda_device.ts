// torch.cuda.device(d) and torch.cuda.device_of(obj): Python's context managers, as functions that run
// fn with d as this thread's current GPU and put the previous one back when fn returns or throws.
import { withMode } from './autograd.js';
import type { DeviceLike } from './device.js';
import { describe } from './options.js';
import { cuda, cudaIndex } from './runtime.js';
import { isTensor, type Tensor } from './tensor.js';

/**
 * torch.cuda.device(device, fn): fn runs with `device` (an index, 'cuda:N' or a Device) as the current
 * GPU. A negative index runs fn without touching the device, as in Python (and so works without CUDA).
 */
export function device<T>(device: number | DeviceLike, fn: () => T): T {
  if (device === null || device === undefined) throw new TypeError(`cuda.device: expected a device index, 'cuda:N' or a Device, got ${describe(device)}`);
  const index = cudaIndex(device, 'cuda.device') ?? cuda.currentDevice();
  if (index < 0) return withMode('cuda.device', () => {}, () => {}, fn);
  let previous = -1;
  return withMode(
    'cuda.device',
    () => {
      previous = cuda.currentDevice();
      cuda.setDevice(index);
    },
    () => cuda.setDevice(previous),
    fn,
  );
}

/** torch.cuda.device_of(obj, fn): fn runs on the GPU that holds tensor obj; a CPU tensor changes nothing. */
export function deviceOf<T>(obj: Tensor, fn: () => T): T {
  if (!isTensor(obj)) throw new TypeError(`cuda.deviceOf: expected a Tensor, got ${describe(obj)}`);
  return device(obj.isCuda ? obj.getDevice() : -1, fn);
}
