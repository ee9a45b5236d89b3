// Process-wide settings and information: seeding, threads, CUDA availability, build details.
import { native } from './native.js';

/** torch.manual_seed: seeds the CPU (and CUDA) generators; same numbers as PyTorch for the same seed. */
export function manualSeed(seed: number | bigint): void {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new TypeError(`manualSeed: seed must be an integer, got ${seed}`);
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError('manualSeed: seed must be an integer');
  const big = BigInt(seed);
  // Python keeps any int in [-2^63, 2^64) (its low 64 bits); beyond that it raises.
  if (big < -(2n ** 63n) || big >= 2n ** 64n) throw new RangeError(`manualSeed: Overflow when unpacking long (${big})`);
  native.manualSeed(BigInt.asIntN(64, big));
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
