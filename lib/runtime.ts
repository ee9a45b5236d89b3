// Process-wide settings and information: seeding, threads, determinism, matmul precision, CUDA
// availability, build details. Like Python's, these live in libtorch (at::globalContext()): one
// value for the whole process, every worker thread included.
import { seedValue } from './generator.js';
import { toDevice, type DeviceLike } from './device.js';
import { native } from './native.js';
import { readOptions } from './options.js';

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
/** torch.set_num_interop_threads: once, before any inter-op parallel work (libtorch raises otherwise). */
export function setNumInteropThreads(n: number): void {
  if (!Number.isInteger(n)) throw new TypeError(`setNumInteropThreads: expected an integer, got ${n}`);
  native.setNumInteropThreads(n);
}
export function getNumInteropThreads(): number {
  return native.getNumInteropThreads();
}

function requireBoolean(v: unknown, fn: string, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${what} must be a boolean, got ${v === null ? 'null' : typeof v}`);
  return v;
}

/** torch.use_deterministic_algorithms(mode, { warnOnly }): ops without a deterministic kernel then raise (or warn). */
export function useDeterministicAlgorithms(mode: boolean, options: { warnOnly?: boolean } = {}): void {
  const { warnOnly = false } = readOptions('useDeterministicAlgorithms', options, ['warnOnly']);
  native.setDeterministicAlgorithms(requireBoolean(mode, 'useDeterministicAlgorithms', 'mode'), requireBoolean(warnOnly, 'useDeterministicAlgorithms', 'warnOnly'));
}
export function areDeterministicAlgorithmsEnabled(): boolean {
  return native.contextFlag('deterministicAlgorithms');
}
export function isDeterministicAlgorithmsWarnOnlyEnabled(): boolean {
  return native.contextFlag('deterministicAlgorithmsWarnOnly');
}

/** 'highest' (the default), 'high' or 'medium': how far float32 matmuls may trade precision for speed (TF32, bf16). */
export type Float32MatmulPrecision = 'highest' | 'high' | 'medium';
/** torch.set_float32_matmul_precision; any other string warns and changes nothing, as in Python. */
export function setFloat32MatmulPrecision(precision: Float32MatmulPrecision): void {
  if (typeof precision !== 'string') throw new TypeError(`setFloat32MatmulPrecision: precision must be a string, got ${typeof precision}`);
  native.setFloat32MatmulPrecision(precision);
}
export function getFloat32MatmulPrecision(): Float32MatmulPrecision {
  return native.getFloat32MatmulPrecision() as Float32MatmulPrecision;
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
  /** The CUDA runtime version ('major.minor'), null without CUDA. */
  cudaVersion: string | null;
  /** cuDNN's version number (e.g. 90100), null without cuDNN. */
  cudnnVersion: number | null;
  gcFinalizers: boolean;
  config: string;
  features: TorchFeatures;
}

/** What this binary was built against: libtorch version, CUDA, in-GC finalizers, libtorch's config. */
export function buildInfo(): BuildInfo {
  return native.buildInfo();
}

const info = native.buildInfo();
/**
 * Python's torch.version: the libtorch release in use (`version`, Python's `torch.version.__version__`),
 * `cuda` (the CUDA version, 'major.minor', or null without CUDA, as Python), `hip` (null: no ROCm
 * builds) and the features this libtorch has.
 */
export const version: Readonly<{ version: string; cuda: string | null; hip: null; features: Readonly<TorchFeatures> }> = Object.freeze({
  version: info.torchVersion,
  cuda: info.cudaVersion,
  hip: null,
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
