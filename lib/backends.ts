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

export interface CudaMatmulBackend {
  allowTf32: boolean;
  allowFp16ReducedPrecisionReduction: boolean | readonly [boolean] | readonly [boolean, boolean];
  readonly allowFp16ReducedPrecisionReductionSplitK: boolean;
  allowBf16ReducedPrecisionReduction: boolean | readonly [boolean] | readonly [boolean, boolean];
  readonly allowBf16ReducedPrecisionReductionSplitK: boolean;
  allowFp16Accumulation: boolean;
}

// matmul.allow_{fp16,bf16}_reduced_precision_reduction: reads the reduced-precision half; sets a boolean or
// [allowReducedPrecision, allowSplitK] (Python's _parse_reduction_setting), refused whole before anything changes.
function reductionOption(kind: 'Fp16' | 'Bf16'): PropertyDescriptor {
  const attr = `allow${kind}ReducedPrecisionReduction`;
  return {
    enumerable: true,
    get: (): boolean => native.contextFlag(`cublas${kind}ReducedPrecision`),
    set: (value: unknown): void => {
      const ensureBool = (v: unknown, which: string): boolean => {
        if (typeof v === 'boolean') return v;
        throw new TypeError(`torch.backends.cuda.matmul.${attr} expects a boolean for ${which}, got ${v === null ? 'null' : typeof v}`);
      };
      let reduced: boolean;
      let splitK = true;
      if (typeof value === 'boolean') reduced = value;
      else if (Array.isArray(value)) {
        if (value.length === 0) throw new TypeError(`torch.backends.cuda.matmul.${attr} expects at least one boolean`);
        if (value.length > 2) throw new TypeError(`torch.backends.cuda.matmul.${attr} expects at most two booleans`);
        reduced = ensureBool(value[0], 'allowReducedPrecision');
        if (value.length === 2) splitK = ensureBool(value[1], 'allowSplitK');
      } else throw new TypeError(`torch.backends.cuda.matmul.${attr} expects a boolean or an array of booleans, got ${value === null ? 'null' : typeof value}`);
      if (reduced && !splitK) throw new Error('allow_splitk=False is not supported when reduced precision reductions are enabled');
      if (reduced) native.contextFlag(`cublas${kind}ReducedPrecision`, true);
      else native.contextFlag(`cublas${kind}SplitK`, splitK);
    },
  };
}

/**
 * torch.backends.cuda: matmul.allowTf32, and which scaled_dot_product_attention backends may run (flash, memory-efficient,
 * math, cuDNN). The CPU kernels read the same switches (flash and math exist on the CPU).
 */
const cudaBackend = Object.freeze({
  /** Whether this libtorch was built with CUDA. */
  isBuilt: (): boolean => native.buildInfo().cuda,
  /**
   * `matmul.allowTf32`: float32 matmuls may use TF32 (Python's torch.backends.cuda.matmul.allow_tf32; it sets the float32 matmul
   * precision, 'high' or 'highest'). `allowFp16ReducedPrecisionReduction` / `allowBf16…`: half-precision GEMMs may reduce in
   * reduced precision; set true, false or [allowReducedPrecision, allowSplitK], read with its `…SplitK` twin.
   * `allowFp16Accumulation`: float16 GEMMs may accumulate in float16.
   */
  matmul: Object.seal(
    Object.defineProperties(
      {},
      {
        allowTf32: flag('cublasAllowTf32'),
        allowFp16ReducedPrecisionReduction: reductionOption('Fp16'),
        allowFp16ReducedPrecisionReductionSplitK: { enumerable: true, get: (): boolean => native.contextFlag('cublasFp16SplitK') },
        allowBf16ReducedPrecisionReduction: reductionOption('Bf16'),
        allowBf16ReducedPrecisionReductionSplitK: { enumerable: true, get: (): boolean => native.contextFlag('cublasBf16SplitK') },
        allowFp16Accumulation: flag('cublasAllowFp16Accumulation'),
      },
    ) as CudaMatmulBackend,
  ),
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

// torch.backends.opt_einsum: Python's optional opt_einsum package orders einsum's contractions; libtorch alone
// contracts from left to right, so it is never available here and the two settings only hold what is set.
const OPT_EINSUM_STRATEGIES = ['auto', 'greedy', 'optimal'];
let optEinsumEnabled = false;
let optEinsumStrategy: string | null = null;
export interface OptEinsumBackend {
  isAvailable(): boolean;
  getOptEinsum(): null;
  enabled: boolean;
  strategy: 'auto' | 'greedy' | 'optimal' | null;
}
const optEinsum = Object.seal(
  Object.defineProperties(
    { isAvailable: (): boolean => false, getOptEinsum: (): null => null },
    {
      enabled: {
        enumerable: true,
        get: (): boolean => optEinsumEnabled,
        set: (value: unknown): void => {
          if (typeof value !== 'boolean') throw new TypeError(`torch.backends.optEinsum.enabled must be a boolean, got ${value === null ? 'null' : typeof value}`);
          optEinsumEnabled = value;
        },
      },
      strategy: {
        enumerable: true,
        get: (): string | null => optEinsumStrategy,
        set: (value: unknown): void => {
          if (value !== null && !OPT_EINSUM_STRATEGIES.includes(value as string))
            throw new RangeError(`torch.backends.optEinsum.strategy must be one of the following: [auto, greedy, optimal] but is ${String(value)}`);
          optEinsumStrategy = value as string | null;
        },
      },
    },
  ) as OptEinsumBackend,
);

/** torch.backends: cpu, cuda, cudnn, mha, mkldnn, mkl, mps, openmp, optEinsum. */
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
  /** Apple's Metal GPUs (libtorch's MPS hooks; never on Linux). isBuilt as isAvailable: libtorch's C++ API does not tell the two apart. */
  mps: Object.freeze({ isAvailable: (): boolean => native.contextFlag('mpsAvailable'), isBuilt: (): boolean => native.contextFlag('mpsAvailable') }),
  openmp: Object.freeze({ isAvailable: (): boolean => native.contextFlag('openmpAvailable') }),
  optEinsum,
});
