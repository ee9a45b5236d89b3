// Process-wide settings and information: seeding, threads, determinism, matmul precision, CUDA
// availability, build details. Like Python's, these live in libtorch (at::globalContext()): one
// value for the whole process, every worker thread included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aten } from './call.js';
import { Device, toDevice, type DeviceLike } from './device.js';
import { bfloat16 } from './dtype.js';
import { defaultGenerator, deviceDefaultGenerator, seedValue, type Generator } from './generator.js';
import type { Tensor } from './tensor.js';
import { native } from './native.js';
import { readOptions } from './options.js';

/** torch.manual_seed: seeds the CPU (and CUDA) generators; same numbers as PyTorch for the same seed. */
/** Seeds every device's default generator; returns the CPU one, as Python's torch.manual_seed does. */
export function manualSeed(seed: number | bigint): Generator {
  native.manualSeed(seedValue(seed, 'manualSeed'));
  return defaultGenerator;
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
  /** torch.autograd.enforceGradLayoutPolicy can turn the grad layout contract off (a switch of newer releases). */
  gradLayoutPolicy: boolean;
}
export interface BuildInfo {
  /** libtorch's version macro (TORCH_VERSION): '2.13.0', without the local part torch.__version__ has. */
  torchVersion: string;
  /** The folder of the libtorch library in use (null if the loader cannot say). */
  libtorchDir: string | null;
  /** Built against a CUDA libtorch (whether or not a GPU is present: torch.cuda.isAvailable() says that). */
  cuda: boolean;
  /** The CUDA runtime version libtorch was built with ('major.minor'), null for a CPU-only libtorch. */
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

// What the libtorch install itself records: torch/version.py beside a pip install's lib/ (__version__
// with its local part, '2.13.0+cpu'; git_version; debug), or a libtorch archive's build-version and
// build-hash. Python's values where there are any; else the version macro, 'Unknown', and the config.
function installedVersion(): { version: string; gitVersion: string; debug: boolean } {
  const fallback = { version: info.torchVersion, gitVersion: 'Unknown', debug: /CMAKE_BUILD_TYPE=Debug/.test(info.config) };
  if (info.libtorchDir === null) return fallback;
  const read = (name: string): string | null => {
    try {
      return readFileSync(join(info.libtorchDir!, '..', name), 'utf8');
    } catch {
      return null;
    }
  };
  const py = read('version.py');
  if (py !== null) {
    const field = (name: string): string | undefined => new RegExp(`^${name}\\s*(?::[^=]*)?=\\s*'([^']*)'`, 'm').exec(py)?.[1];
    return { version: field('__version__') ?? fallback.version, gitVersion: field('git_version') ?? fallback.gitVersion, debug: /^debug\s*=\s*True\b/m.test(py) };
  }
  return { version: read('build-version')?.trim() || fallback.version, gitVersion: read('build-hash')?.trim() || fallback.gitVersion, debug: fallback.debug };
}
const installed = installedVersion();

/**
 * Python's torch.version: the release in use (`version`, Python's `torch.version.__version__`, with its
 * local part: '2.13.0+cpu'), `gitVersion` (the commit it was built from), `debug`, `cuda` (the CUDA
 * version, 'major.minor', or null without CUDA, as Python), `hip` (null: no ROCm builds) and the
 * features this libtorch has.
 */
export const version: Readonly<{ version: string; gitVersion: string; debug: boolean; cuda: string | null; hip: null; features: Readonly<TorchFeatures> }> = Object.freeze({
  version: installed.version,
  gitVersion: installed.gitVersion,
  debug: installed.debug,
  cuda: info.cudaVersion,
  hip: null,
  features: Object.freeze({ ...info.features }),
});
/** torch.__version__: '2.13.0+cpu' for a pip-installed CPU libtorch, as Python's. */
export const __version__ = installed.version;

/** Throws the error PyTorch users get where a feature is gone from this libtorch. */
export function requireNamedTensors(fn: string): void {
  if (!version.features.namedTensors)
    throw new Error(`${fn}: named tensors are not available: PyTorch removed them in 2.13 (this is libtorch ${info.torchVersion})`);
}

type MemoryStat = 'allocated' | 'allocatedPeak' | 'reserved' | 'reservedPeak';
// Python's memory_stats returns {} before CUDA starts, whatever the device: 0 without CUDA, even for 'cpu'.
const memoryStat = (stat: MemoryStat, fn: string) => (device: number | DeviceLike | null = null): number =>
  native.cudaIsAvailable() ? native.cudaMemoryStat(cudaIndex(device, fn), stat) : 0;
// Seeds the default generator of each listed GPU; nothing without CUDA, as Python (silently ignored).
const seedGpus = (seed: number | bigint, fn: string, devices: () => number[]): void => {
  const value = seedValue(seed, fn);
  if (cuda.isAvailable()) for (const i of devices()) native.generatorManualSeed(native.defaultGenerator(`cuda:${i}`), value);
};

// Python's _check_bf16_tensor_supported: whether a bfloat16 tensor can be made on the current GPU.
function bf16TensorWorks(): boolean {
  try {
    (aten('ones', [[1], { dtype: bfloat16, device: 'cuda' }]) as Tensor).dispose();
    return true;
  } catch {
    return false;
  }
}
// This thread's current GPU, a failure (no CUDA) reported under the name of the function the user called.
function currentGpu(fn: string): number {
  try {
    return native.cudaCurrentDevice();
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace(/^cuda\.currentDevice:/, `${fn}:`);
    throw error;
  }
}
const allGpus = (): number[] => Array.from({ length: native.cudaDeviceCount() }, (_, i) => i);
// The default generator of a GPU (null: the current one); throws without CUDA, as Python's _lazy_init.
const gpuGenerator = (device: number | DeviceLike | null, fn: string): Generator =>
  deviceDefaultGenerator(`cuda:${cudaIndex(device, fn) ?? currentGpu(fn)}`);
// Python queues these (_lazy_call) until CUDA starts, which never happens without it: nothing to do there.
const whenCuda = (run: () => void): void => {
  if (native.cudaIsAvailable()) run();
};

/**
 * torch.cuda: devices, this thread's current device, synchronization, seeding and the caching
 * allocator's memory statistics (bytes, all pools). A device is an index, 'cuda:N' or a Device;
 * null (the default) is the current device. Without CUDA the memory statistics are 0 and seeding
 * and emptyCache do nothing, as in Python; the others throw.
 */
export const cuda = {
  isAvailable: (): boolean => native.cudaIsAvailable(),
  deviceCount: (): number => native.cudaDeviceCount(),
  currentDevice: (): number => native.cudaCurrentDevice(),
  /** Makes `device` this thread's current GPU; a negative index does nothing, as in Python. */
  setDevice: (device: number | DeviceLike): void => {
    const index = cudaIndex(device, 'cuda.setDevice');
    if (index === null || index >= 0) native.cudaSetDevice(index ?? currentGpu('cuda.setDevice'));
  },
  /** Waits for every kernel queued on the device (torch.cuda.synchronize). */
  synchronize: (device: number | DeviceLike | null = null): void => native.cudaSynchronize(cudaIndex(device, 'cuda.synchronize')),
  /** The GPU's name, e.g. 'NVIDIA H200' (torch.cuda.get_device_name). */
  getDeviceName: (device: number | DeviceLike | null = null): string => native.cudaGetDeviceName(cudaIndex(device, 'cuda.getDeviceName')),
  /**
   * Whether CUDA is set up for use (torch.cuda.is_initialized): false without CUDA. libtorch starts CUDA at its first
   * use and torchnode keeps no lazy-init step of its own, so with CUDA this is isAvailable().
   */
  isInitialized: (): boolean => native.cudaIsAvailable(),
  /** Starts CUDA now rather than at first use (torch.cuda.init); throws without CUDA, as Python's. */
  init: (): void => void currentGpu('cuda.init'),
  manualSeed: (seed: number | bigint): void => seedGpus(seed, 'cuda.manualSeed', () => [currentGpu('cuda.manualSeed')]),
  manualSeedAll: (seed: number | bigint): void => seedGpus(seed, 'cuda.manualSeedAll', allGpus),
  /** Seeds the current GPU's generator from a non-deterministic source; nothing without CUDA (torch.cuda.seed). */
  seed: (): void => whenCuda(() => void gpuGenerator(null, 'cuda.seed').seed()),
  /** One non-deterministic seed for every GPU (torch.cuda.seed_all); nothing without CUDA. */
  seedAll: (): void =>
    whenCuda(() => {
      const devices = allGpus();
      const value = deviceDefaultGenerator('cuda:0').seed();
      for (const i of devices.slice(1)) deviceDefaultGenerator(`cuda:${i}`).manualSeed(value);
    }),
  /** The current GPU's initial seed (torch.cuda.initial_seed); throws without CUDA. */
  initialSeed: (): bigint => gpuGenerator(null, 'cuda.initialSeed').initialSeed(),
  /** A GPU generator's state as a uint8 tensor (torch.cuda.get_rng_state); throws without CUDA. */
  getRngState: (device: number | DeviceLike | null = null): Tensor => gpuGenerator(device, 'cuda.getRngState').getState(),
  /** Every GPU's generator state, in device order; [] without CUDA. */
  getRngStateAll: (): Tensor[] => allGpus().map((i) => deviceDefaultGenerator(`cuda:${i}`).getState()),
  /** Restores a GPU generator's state (torch.cuda.set_rng_state); nothing without CUDA, as Python's. */
  setRngState: (newState: Tensor, device: number | DeviceLike | null = null): void => {
    const index = cudaIndex(device, 'cuda.setRngState');
    whenCuda(() => gpuGenerator(index, 'cuda.setRngState').setState(newState));
  },
  /** Restores every GPU's generator state from getRngStateAll's array; nothing without CUDA. */
  setRngStateAll: (newStates: readonly Tensor[]): void => {
    if (!Array.isArray(newStates)) throw new TypeError(`cuda.setRngStateAll: newStates must be an array of tensors, got ${typeof newStates}`);
    whenCuda(() => newStates.forEach((state, i) => deviceDefaultGenerator(`cuda:${i}`).setState(state)));
  },
  /** Every GPU's default generator, in device order (torch.cuda.default_generators); [] without CUDA. */
  get defaultGenerators(): Generator[] {
    return allGpus().map((i) => deviceDefaultGenerator(`cuda:${i}`));
  },
  /** Bytes held by tensors on a GPU (torch.cuda.memory_allocated). */
  memoryAllocated: memoryStat('allocated', 'cuda.memoryAllocated'),
  maxMemoryAllocated: memoryStat('allocatedPeak', 'cuda.maxMemoryAllocated'),
  /** Bytes the caching allocator holds from the driver, used or cached (torch.cuda.memory_reserved). */
  memoryReserved: memoryStat('reserved', 'cuda.memoryReserved'),
  maxMemoryReserved: memoryStat('reservedPeak', 'cuda.maxMemoryReserved'),
  resetPeakMemoryStats: (device: number | DeviceLike | null = null): void => native.cudaResetPeakMemoryStats(cudaIndex(device, 'cuda.resetPeakMemoryStats')),
  /**
   * The caching allocator's statistics under Python's key names (torch.cuda.memory_stats): {} without CUDA, as Python's
   * before CUDA starts; with it, the four the allocator is read for here ('allocated_bytes.all.current' and '.peak',
   * 'reserved_bytes.all.current' and '.peak'), not Python's whole set.
   */
  memoryStats: (device: number | DeviceLike | null = null): Record<string, number> => {
    const index = cudaIndex(device, 'cuda.memoryStats');
    if (!native.cudaIsAvailable()) return {};
    const stat = (s: MemoryStat): number => native.cudaMemoryStat(index, s);
    return { 'allocated_bytes.all.current': stat('allocated'), 'allocated_bytes.all.peak': stat('allocatedPeak'), 'reserved_bytes.all.current': stat('reserved'), 'reserved_bytes.all.peak': stat('reservedPeak') };
  },
  /**
   * Whether bfloat16 tensors work on the current GPU (torch.cuda.is_bf16_supported with its default includingEmulation):
   * false without CUDA; else whether one can be made there. libtorch's C++ API does not give the compute capability
   * that Python's includingEmulation: false reads, so that form is refused.
   */
  isBf16Supported: (includingEmulation = true): boolean => {
    if (includingEmulation !== true && includingEmulation !== false) throw new TypeError(`cuda.isBf16Supported: includingEmulation must be a boolean, got ${typeof includingEmulation}`);
    if (!native.cudaIsAvailable()) return false;
    if (!includingEmulation) throw new Error("cuda.isBf16Supported: includingEmulation: false needs the GPU's compute capability, which torchnode cannot read; call it without arguments");
    return bf16TensorWorks();
  },
  /** Gives the cached, unused GPU blocks back to the driver (torch.cuda.empty_cache). */
  emptyCache: (): void => native.cudaEmptyCache(),
};

/**
 * The CPU allocator's cache: freed tensor blocks of 64 KiB to 32 MiB are kept, up to
 * TORCHNODE_CPU_CACHE_MB (default 256; 0 turns it off), for the next tensor of the same size, as
 * PyTorch's CUDA allocator keeps GPU blocks. emptyCache gives them back to malloc.
 */
export const cpu = {
  isAvailable: (): boolean => true,
  /** Does nothing: there is one CPU device (Python's set_device ignores its argument too). */
  setDevice: (_device: unknown): void => {},
  /** Always true: the CPU needs no set-up. */
  isInitialized: (): boolean => true,
  /** What cpuinfo detected of this CPU, as Python's torch.cpu.get_capabilities(): { avx2: true, l2_cache_size: 524288, architecture: 'x86_64', … }. */
  getCapabilities: (): Readonly<Record<string, boolean | number | string>> => {
    const caps = native.cpuCapabilities();
    if (caps === null) throw new Error(`cpu.getCapabilities: libtorch ${info.torchVersion} has no CPU capability query (it came in 2.13)`);
    return Object.freeze(caps);
  },
  /** Bytes of freed blocks the cache holds for reuse (not counted by any tensor). */
  memoryCached: (): number => native.cpuMemoryCached(),
  /** Gives every cached block back to malloc; returns nothing, as torch.cuda.empty_cache. */
  emptyCache: (): void => {
    native.emptyCpuCache();
  },
};

// A GPU's index from an index, 'cuda:N' or a Device; null for the current device ('cuda' without an index too).
export function cudaIndex(device: number | DeviceLike | null, fn: string): number | null {
  if (device === null) return null;
  if (typeof device === 'number') {
    if (!Number.isInteger(device)) throw new TypeError(`${fn}: a device index must be an integer, got ${device}`);
    return device;
  }
  const d = toDevice(device, fn);
  if (d.type !== 'cuda') throw new TypeError(`${fn}: expected a CUDA device, got '${String(d)}'`);
  return d.index;
}

// ---------- build flags and process switches Python exposes at the top level ----------

/** torch.has_lapack, has_mkl, has_openmp: what this libtorch was built with. */
export const hasLapack: boolean = native.contextFlag('lapackAvailable');
export const hasMkl: boolean = native.contextFlag('mklAvailable');
export const hasOpenmp: boolean = native.contextFlag('openmpAvailable');
/** torch.has_spectral: always true since PyTorch 1.x (FFT ships with every build). */
export const hasSpectral = true;
/** torch.newaxis: Python's None (x[torch.newaxis] adds a dim); null in JS, as the indexing API spells None. */
export const newaxis = null;

/** torch.compiled_with_cxx11_abi(): whether libtorch was built with _GLIBCXX_USE_CXX11_ABI=1. */
export function compiledWithCxx11Abi(): boolean {
  return info.cxx11Abi;
}
/** torch.init_num_threads(): sets up the intra-op thread pool on this thread (libtorch does it lazily anyway). */
export function initNumThreads(): void {
  native.initNumThreads();
}
/** torch.is_inference_mode_enabled(): whether this thread is inside torch.inferenceMode. */
export function isInferenceModeEnabled(): boolean {
  return native.contextFlag('inferenceMode');
}
/** torch.is_warn_always_enabled(): whether libtorch's warn-once warnings are shown every time. */
export function isWarnAlwaysEnabled(): boolean {
  return native.contextFlag('warnAlways');
}
/** torch.set_warn_always(b): process-wide, as in Python. */
export function setWarnAlways(b: boolean): void {
  native.contextFlag('warnAlways', requireBoolean(b, 'setWarnAlways', 'b'));
}
/** torch.set_flush_denormal(mode): flush denormal floats to zero on CPU; returns false where the CPU cannot (no SSE3). */
export function setFlushDenormal(mode: boolean): boolean {
  return native.setFlushDenormal(requireBoolean(mode, 'setFlushDenormal', 'mode'));
}

/** 0 ('default'), 1 ('warn') or 2 ('error'): how ops without a deterministic kernel behave. */
export type DeterministicDebugMode = 0 | 1 | 2 | 'default' | 'warn' | 'error';
const DEBUG_MODES = ['default', 'warn', 'error'] as const;
/** torch.set_deterministic_debug_mode: useDeterministicAlgorithms(false), (true, { warnOnly: true }) or (true). */
export function setDeterministicDebugMode(debugMode: DeterministicDebugMode): void {
  let mode: number;
  if (typeof debugMode === 'string') {
    mode = DEBUG_MODES.indexOf(debugMode);
    if (mode < 0) throw new RangeError(`setDeterministicDebugMode: invalid value of debug_mode, expected one of \`default\`, \`warn\`, \`error\`, but got ${debugMode}`);
  } else if (typeof debugMode === 'number') {
    if (![0, 1, 2].includes(debugMode)) throw new RangeError(`setDeterministicDebugMode: invalid value of debug_mode, expected 0, 1, or 2, but got ${debugMode}`);
    mode = debugMode;
  } else {
    throw new TypeError(`setDeterministicDebugMode: debug_mode must be a number or a string, got ${debugMode === null ? 'null' : typeof debugMode}`);
  }
  native.setDeterministicAlgorithms(mode > 0, mode === 1);
}
/** torch.get_deterministic_debug_mode(): 0, 1 or 2 (see setDeterministicDebugMode). */
export function getDeterministicDebugMode(): 0 | 1 | 2 {
  if (!areDeterministicAlgorithmsEnabled()) return 0;
  return isDeterministicAlgorithmsWarnOnlyEnabled() ? 1 : 2;
}

// torchnode's factories make tensors on the CPU unless told otherwise: the default device stays the CPU
// (Python's set_default_device works through a __torch_function__ mode that has no JS counterpart).
let defaultDevice = new Device('cpu');
/** torch.get_default_device(): the device factories use when none is given (the CPU). */
export function getDefaultDevice(): Device {
  return defaultDevice;
}
/** torch.set_default_device(device): only the CPU (or null, the CPU again) is accepted; see the README. */
export function setDefaultDevice(device: DeviceLike | null): void {
  const d = device === null ? new Device('cpu') : toDevice(device, 'setDefaultDevice');
  if (d.type !== 'cpu')
    throw new Error(`setDefaultDevice: torchnode supports only the CPU as the default device, got '${String(d)}'; pass { device: '${String(d)}' } to factories or use x.to('${String(d)}') instead`);
  defaultDevice = d;
}

/** torch.thread_safe_generator(): a DataLoader thread worker's Generator in Python; torchnode has no DataLoader workers, so null (the default generator), as Python outside them. */
export function threadSafeGenerator(): Generator | null {
  return null;
}

