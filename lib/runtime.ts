// Process-wide settings and information: seeding, threads, CUDA availability, build details.
import { seedValue } from './generator.js';
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

/** What this binary was built against: libtorch version, CUDA, in-GC finalizers, libtorch's config. */
export function buildInfo(): { torchVersion: string; cuda: boolean; gcFinalizers: boolean; config: string } {
  return native.buildInfo();
}

export const cuda = {
  isAvailable: (): boolean => native.cudaIsAvailable(),
  deviceCount: (): number => native.cudaDeviceCount(),
};
