// torch.backends: what this libtorch was built with, and the switches Python exposes as module
// attributes (torch.backends.cudnn.benchmark = true). The switches live in libtorch's global context
// (at::globalContext()), so, as in Python, one value holds for the whole process and every worker thread.
import { native } from './native.js';

const cudnnVersion = native.buildInfo().cudnnVersion;

// Sets a switch of at::globalContext(); `label` names it in the TypeError for a non-boolean.
function setFlag(name: string, label: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new TypeError(`${label} must be a boolean, got ${value === null ? 'null' : typeof value}`);
  native.contextFlag(name, value);
}

// A settable switch of at::globalContext(), as a property: reading asks libtorch, so every thread agrees.
function flag(name: string): PropertyDescriptor {
  return {
    enumerable: true,
    get: (): boolean => native.contextFlag(name),
    set: (value: unknown): void => setFlag(name, `torch.backends: ${name}`, value),
  };
}

export interface CudnnBackend {
  isAvailable(): boolean;
  /** torch.backends.cudnn.version(): null where libtorch has no cuDNN. */
  version(): number | null;
  enabled: boolean;
  deterministic: boolean;
  benchmark: boolean;
  allowTf32: boolean;
}
export interface MkldnnBackend {
  isAvailable(): boolean;
  enabled: boolean;
  deterministic: boolean;
}

const cudnn = Object.defineProperties(
  {
    isAvailable: (): boolean => native.contextFlag('cudnnAvailable'),
    version: (): number | null => cudnnVersion,
  },
  { enabled: flag('cudnnEnabled'), deterministic: flag('cudnnDeterministic'), benchmark: flag('cudnnBenchmark'), allowTf32: flag('cudnnAllowTf32') },
) as CudnnBackend;

const mkldnn = Object.defineProperties(
  { isAvailable: (): boolean => native.contextFlag('mkldnnAvailable') },
  { enabled: flag('mkldnnEnabled'), deterministic: flag('mkldnnDeterministic') },
) as MkldnnBackend;

// A switch of at::globalContext() as Python's function pair: enable_x(on) and x_enabled().
function setter(name: string, what: string): (on: boolean) => void {
  return (on: boolean): void => setFlag(name, `torch.backends.cuda.${what}`, on);
}

/**
 * torch.backends.cuda: matmul.allowTf32, and which scaled_dot_product_attention backends may run (flash, memory-efficient,
 * math, cuDNN). The CPU kernels read the same switches (flash and math exist on the CPU).
 */
const cudaBackend = Object.freeze({
  /** Whether this libtorch was built with CUDA. */
  isBuilt: (): boolean => native.buildInfo().cuda,
  /** `matmul.allowTf32`: float32 matmuls may use TF32 (Python's torch.backends.cuda.matmul.allow_tf32; it sets the float32 matmul precision, 'high' or 'highest'). */
  matmul: Object.seal(Object.defineProperties({}, { allowTf32: flag('cublasAllowTf32') }) as { allowTf32: boolean }),
  flashSdpEnabled: (): boolean => native.contextFlag('sdpFlash'),
  enableFlashSdp: setter('sdpFlash', 'enableFlashSdp'),
  memEfficientSdpEnabled: (): boolean => native.contextFlag('sdpMemEfficient'),
  enableMemEfficientSdp: setter('sdpMemEfficient', 'enableMemEfficientSdp'),
  mathSdpEnabled: (): boolean => native.contextFlag('sdpMath'),
  enableMathSdp: setter('sdpMath', 'enableMathSdp'),
  cudnnSdpEnabled: (): boolean => native.contextFlag('sdpCudnn'),
  enableCudnnSdp: setter('sdpCudnn', 'enableCudnnSdp'),
  /** Whether the math backend may reduce in float16/bfloat16 (default false: it upcasts). */
  fp16Bf16ReductionMathSdpAllowed: (): boolean => native.contextFlag('sdpFp16Bf16ReductionMath'),
  allowFp16Bf16ReductionMathSdp: setter('sdpFp16Bf16ReductionMath', 'allowFp16Bf16ReductionMathSdp'),
});

// Python's module-level flag of torch.backends.mha (per thread here: each worker has its own, as each JS realm).
let mhaFastpathEnabled = true;
/** torch.backends.mha: whether MultiheadAttention and the Transformer encoder may take their inference fast paths. */
const mha = Object.freeze({
  getFastpathEnabled: (): boolean => mhaFastpathEnabled,
  setFastpathEnabled: (value: boolean): void => {
    if (typeof value !== 'boolean') throw new TypeError(`torch.backends.mha.setFastpathEnabled: value must be a boolean, got ${typeof value}`);
    mhaFastpathEnabled = value;
  },
});

/** torch.backends: cpu, cuda, cudnn, mha, mkldnn, mkl, openmp. */
export const backends = Object.freeze({
  cpu: Object.freeze({
    /** The SIMD level ATen's CPU kernels dispatch to: 'DEFAULT', 'AVX2', 'AVX512', ... */
    getCpuCapability: (): string => native.cpuCapability(),
  }),
  cuda: cudaBackend,
  cudnn: Object.seal(cudnn),
  mha,
  mkldnn: Object.seal(mkldnn),
  mkl: Object.freeze({ isAvailable: (): boolean => native.contextFlag('mklAvailable') }),
  openmp: Object.freeze({ isAvailable: (): boolean => native.contextFlag('openmpAvailable') }),
});
