// Process-wide settings and information: seeding, threads, CUDA availability, build details.
import { seedValue } from './generator.js';
import { toDevice, type DeviceLike } from './device.js';
import { native } from './native.js';

/** torch.manual_seed: seeds the CPU (and CUDA) generators; same numbers as PyTorch for the same seed. */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seedValue(seed, 'manualSeed'));
}
export function initialSeed(): bigint {
  return BigInt.asUintN(64, BigInt(native.initialSeed()));
}
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n)) throw new TypeError(`setNumThreads: expected an integer, got ${n}`);
  native.setNumThreads(n);
}
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Native objects alive now, for leak checks: handles, tensors held, bytes reported to V8. */
export function nativeStats(): { boxes: number; tensors: number; reportedBytes: number } {
  return native.handleStats();
}

/** Features that depend on the libtorch release this binary was built against. */
export interface TorchFeatures {
  /** Named tensors (removed from PyTorch in 2.13). */
  namedTensors: boolean;
}
export interface BuildInfo {
  torchVersion: string;
  cuda: boolean;
  gcFinalizers: boolean;
  config: string;
  features: TorchFeatures;
}

/** What this binary was built against: libtorch version, CUDA, in-GC finalizers, libtorch's config. */
export function buildInfo(): BuildInfo {
  return native.buildInfo();
}

const info = native.buildInfo();
/** Python's torch.version: the libtorch release in use (`torch.version.version`, like `torch.__version__`), CUDA, features. */
export const version: Readonly<{ version: string; cuda: boolean; features: Readonly<TorchFeatures> }> = Object.freeze({
  version: info.torchVersion,
  cuda: info.cuda,
  features: Object.freeze({ ...info.features }),
});
export const __version__ = info.torchVersion;

/** Throws the error PyTorch users get where a feature is gone from this libtorch. */
export function requireNamedTensors(fn: string): void {
  if (!version.features.namedTensors)
    throw new Error(`${fn}: named tensors are not available: PyTorch removed them in 2.13 (this is libtorch ${info.torchVersion})`);
}

export const cuda = {
  isAvailable: (): boolean => native.cudaIsAvailable(),
  deviceCount: (): number => native.cudaDeviceCount(),
  /** Bytes held by tensors on a GPU (torch.cuda.memory_allocated); device index, 'cuda:N' or a Device. */
  memoryAllocated: (device: number | DeviceLike | null = null): number => native.cudaMemoryAllocated(cudaIndex(device, 'cuda.memoryAllocated')),
};

function cudaIndex(device: number | DeviceLike | null, fn: string): number | null {
  if (device === null || typeof device === 'number') return device;
  const d = toDevice(device, fn);
  if (d.type !== 'cuda') throw new TypeError(`${fn}: expected a CUDA device, got '${String(d)}'`);
  return d.index;
}
