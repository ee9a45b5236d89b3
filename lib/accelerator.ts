// torch.accelerator: the device-generic face of whichever accelerator libtorch was built for (CUDA here),
// so that code written against it runs unchanged on any; without one, Python's errors and answers.
import { withMode } from './autograd.js';
import { Device, toDevice, type DeviceLike } from './device.js';
import { native } from './native.js';
import { describe } from './options.js';
import { cuda } from './runtime.js';
import { nativeStream, wrapStream, type Stream } from './stream.js';

/** The accelerator libtorch was built for ('cuda' without an index), or null; with checkAvailable, null as well when none is usable. */
export function currentAccelerator(checkAvailable = false): Device | null {
  const type = native.acceleratorType();
  if (type === null || (checkAvailable && !isAvailable())) return null;
  return new Device(type);
}

/** How many devices of the accelerator there are (0 without one). */
export function deviceCount(): number {
  return native.acceleratorType() === 'cuda' ? cuda.deviceCount() : 0;
}

/** Whether the accelerator is built in and a device of it is usable. */
export function isAvailable(): boolean {
  return native.acceleratorType() === 'cuda' && cuda.isAvailable();
}

/** This thread's current device index on the accelerator. */
export function currentDeviceIndex(): number {
  return native.acceleratorGetDeviceIndex();
}

// The native calls' errors name the native entry point (accelerator.currentDeviceIndex): named after the caller's function instead.
function asCalledBy<T>(fn: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replace(/^accelerator\.\w+: /, `${fn}: `);
    throw e;
  }
}
const currentIndexFor = (fn: string): number => asCalledBy(fn, () => native.acceleratorGetDeviceIndex());
const exchangeDeviceFor = (fn: string, index: number): number => asCalledBy(fn, () => native.acceleratorExchangeDevice(index));

// A device index from an index, a device string or a Device of the accelerator's type (Python's
// _get_device_index); null where none was given, or the Device had no index.
function deviceIndexOf(device: number | DeviceLike | null | undefined, fn: string): number | null {
  if (device === null || device === undefined) return null;
  if (typeof device === 'number') {
    if (!Number.isInteger(device)) throw new TypeError(`${fn}: a device index must be an integer, got ${device}`);
    return device;
  }
  const d = typeof device === 'string' || device instanceof Device ? toDevice(device, fn) : null;
  if (d === null) throw new TypeError(`${fn}: expected a device index, a device string or a Device, got ${describe(device)}`);
  const type = native.acceleratorType();
  if (type === null) throw new Error(`${fn}: Accelerator expected`);
  if (d.type !== type) throw new Error(`${fn}: ${d.type} doesn't match the current accelerator ${type}.`);
  return d.index;
}

/** Makes `device` this thread's current device of the accelerator; a negative index does nothing. */
export function setDeviceIndex(device: number | DeviceLike): void {
  const index = deviceIndexOf(device, 'accelerator.setDeviceIndex');
  if (index === null) throw new Error(`accelerator.setDeviceIndex: Expected a torch.device with a specified index or an integer, but got:${String(device)}`);
  native.acceleratorExchangeDevice(index);
}

/** torch.accelerator.device_index(device, fn): fn runs with `device` current, and the previous one comes back after; null runs fn as it is. */
export function deviceIndex<T>(device: number | null, fn: () => T): T {
  if (device !== null && !Number.isInteger(device)) throw new TypeError(`accelerator.deviceIndex: expected a device index or null, got ${describe(device)}`);
  let previous = -1;
  return withMode(
    'accelerator.deviceIndex',
    () => {
      if (device !== null) previous = exchangeDeviceFor('accelerator.deviceIndex', device);
    },
    () => {
      if (device !== null) exchangeDeviceFor('accelerator.deviceIndex', previous);
    },
    fn,
  );
}

/** This thread's current stream on a device of the accelerator (the current device by default). */
export function currentStream(device: number | DeviceLike | null = null): Stream {
  const index = deviceIndexOf(device, 'accelerator.currentStream');
  return wrapStream(native.acceleratorCurrentStream(index ?? currentIndexFor('accelerator.currentStream')));
}

/** Makes the stream's device current, then the stream current on it. */
export function setStream(stream: Stream): void {
  native.acceleratorSetStream(nativeStream(stream, 'accelerator.setStream'));
}

/** Waits for all work on a device of the accelerator (the current one by default). */
export function synchronize(device: number | DeviceLike | null = null): void {
  const index = deviceIndexOf(device, 'accelerator.synchronize');
  native.acceleratorSynchronize(index ?? currentIndexFor('accelerator.synchronize'));
}

// The accelerator's memory functions: CUDA's caching allocator's here, after Python's "Cannot access
// accelerator device when none is available." check.
function perDevice<R>(name: string, f: (index: number | null) => R): (device?: number | DeviceLike | null) => R {
  return (device = null) => {
    currentIndexFor(`accelerator.${name}`);
    return f(deviceIndexOf(device, `accelerator.${name}`));
  };
}

/** Bytes held by tensors on a device of the accelerator. */
export const memoryAllocated = perDevice('memoryAllocated', cuda.memoryAllocated);
export const maxMemoryAllocated = perDevice('maxMemoryAllocated', cuda.maxMemoryAllocated);
/** Bytes the accelerator's caching allocator holds, used or cached. */
export const memoryReserved = perDevice('memoryReserved', cuda.memoryReserved);
export const maxMemoryReserved = perDevice('maxMemoryReserved', cuda.maxMemoryReserved);
export const resetPeakMemoryStats = perDevice('resetPeakMemoryStats', cuda.resetPeakMemoryStats);
/** The caching allocator's statistics under Python's key names (the subset torch.cuda.memoryStats gives). */
export const memoryStats = perDevice('memoryStats', cuda.memoryStats);
/** Gives the accelerator's cached, unused blocks back to the driver. */
export function emptyCache(): void {
  currentIndexFor('accelerator.emptyCache');
  cuda.emptyCache();
}
