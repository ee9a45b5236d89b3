// torchnode: PyTorch for Node.js. `import * as torch from 'torchnode'`.
import './methods.js';
import './warnings.js';

export { isTensor, type RemovableHandle, type Scalar, type TensorOrScalar, type TypedArray, type NestedArray, type BackwardOptions, type ToOptions } from './tensor.js';
export * from './dtype.js';
// Explicit: the classes win over the generated option types of the same name (those accept names too).
export { Layout, MemoryFormat, QScheme } from './dtype.js';
// Python's class names as values: `x.dtype instanceof torch.dtype`.
export { DType as dtype, Layout as layout, MemoryFormat as memoryFormat, QScheme as qscheme } from './dtype.js';
export { OutOfMemoryError, AcceleratorError, FatalError, JITException } from './errors.js';
export * from './autocast.js';
export { backends } from './backends.js';
export { Device, device, type DeviceLike } from './device.js';
export * from './creation.js';
export { getDevice, norm, numel, type NormOptions } from './functional/python_ops.js';
export { unique, uniqueConsecutive, type UniqueOptions, type UniqueConsecutiveOptions, type UniqueResult } from './functional/unique.js';
export { einsum, type Subscript } from './functional/einsum.js';
export { broadcastTensors, broadcastShapes, meshgrid, blockDiag, cartesianProd, chainMatmul, atleast1d, atleast2d, atleast3d, tensordot, split, nonzero, unravelIndex, type MeshgridOptions, type SplitSize, type TensordotDims, type NonzeroOptions } from './functional/shapes.js';
export { stft, type StftOptions, type StftArg } from './functional/spectral.js';
export { lu, cdist, svdLowrank, pcaLowrank, getApproximateBasis, type LuOptions, type LuWithInfo, type CdistComputeMode, type SvdLowrankOptions, type PcaLowrankOptions } from './functional/linalg.js';
export { asTensor, asarray, isStorage, type AsTensorOptions, type AsarrayOptions } from './functional/misc.js';
export { cond, whileLoop, vmap, type VmapDims, type VmapOptions, type VmapRandomness } from './functional/control.js';
export { dsmm, spmm, hsmm, saddmm } from './functional/sparse_legacy.js';
export { lobpcg, LobpcgWorker, type LobpcgOptions } from './functional/lobpcg.js';
export { Tensor, BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor, setDefaultTensorType, type TensorType, type LegacyTensorConstructor } from './legacy.js';
export { StorageBase, TypedStorage, UntypedStorage, type StorageOptions, type TypedStorageOptions } from './storage.js';
import './functional/tensor_python.js';
import './functional/tensor_resize.js';
export * from './generated/functions.js';
export * as linalg from './namespaces/linalg.js';
export * as nn from './nn/index.js';
export * as amp from './amp/index.js';
export { GradScaler } from './amp/grad_scaler.js';
import { cpuAmp, cudaAmp } from './amp/deprecated.js';
import { device as cudaDevice, deviceOf as cudaDeviceOf } from './cuda_device.js';
import { cpu as cpuRuntime, cuda as cudaRuntime } from './runtime.js';
import * as streams from './stream.js';
export { Stream, Event, type EventOptions } from './stream.js';
const cudaScopes = {
  device: cudaDevice,
  deviceOf: cudaDeviceOf,
  Stream: streams.CudaStream,
  Event: streams.CudaEvent,
  currentStream: streams.currentStream,
  defaultStream: streams.defaultStream,
  setStream: streams.setStream,
  stream: streams.stream,
  isCurrentStreamCapturing: streams.isCurrentStreamCapturing,
  amp: cudaAmp,
};
// By descriptors, not spread: a spread would read the defaultGenerators getter at import, making every GPU's generator (and CUDA) start.
/** torch.cuda: devices (and the device/deviceOf scopes), streams and events, synchronization, seeding, memory statistics, and the deprecated torch.cuda.amp. */
export const cuda = Object.freeze(
  Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(cudaRuntime), ...Object.getOwnPropertyDescriptors(cudaScopes) }) as typeof cudaRuntime & typeof cudaScopes,
);
/** torch.cpu: the CPU allocator's cache, its one stream (which never waits), and the deprecated torch.cpu.amp. */
export const cpu = Object.freeze({
  ...cpuRuntime,
  currentStream: streams.cpuCurrentStream,
  stream: streams.cpuStream,
  /** Nothing to wait for: the CPU runs work as it is issued. */
  synchronize: (): void => {},
  deviceCount: (): number => 1,
  currentDevice: (): string => 'cpu',
  Stream: streams.CpuStream,
  Event: streams.CpuEvent,
  amp: cpuAmp,
});
export * as accelerator from './accelerator.js';
export * as func from './func.js';
export { _isFunctionalTensor } from './func_functionalize.js';
export * as fft from './generated/fft.js';
export * as special from './generated/special.js';
export * as masked from './masked/index.js';
export * as signal from './signal/index.js';
export { tidy, keep } from './scope.js';
export { Generator, defaultGenerator, getRngState, setRngState, seed } from './generator.js';
export { noGrad, enableGrad, inferenceMode, isGradEnabled, setGradEnabled, type GradOptions, type GradcheckOptions, type GradgradcheckOptions } from './autograd.js';
export { autograd } from './autograd_namespace.js';
/** x.gradFn's class, torch.autograd.graph.Node (GradFn is its earlier name). */
export { Node as GradFn } from './autograd_node.js';
export { FunctionCtx } from './function.js';
export { manualSeed, initialSeed, setNumThreads, getNumThreads, setNumInteropThreads, getNumInteropThreads, useDeterministicAlgorithms, areDeterministicAlgorithmsEnabled, isDeterministicAlgorithmsWarnOnlyEnabled, setFloat32MatmulPrecision, getFloat32MatmulPrecision, type Float32MatmulPrecision, hasLapack, hasMkl, hasOpenmp, hasSpectral, newaxis, compiledWithCxx11Abi, initNumThreads, isInferenceModeEnabled, isWarnAlwaysEnabled, setWarnAlways, setFlushDenormal, setDeterministicDebugMode, getDeterministicDebugMode, type DeterministicDebugMode, getDefaultDevice, setDefaultDevice, threadSafeGenerator, nativeStats, buildInfo, version, __version__, type BuildInfo, type TorchFeatures } from './runtime.js';
export { setPrintoptions, getPrintoptions, type PrintOptions } from './print.js';
export { ops, opSchemas, type OpFunction, type OpPacket } from './ops.js';
export { testing, type AssertCloseOptions, type MakeTensorOptions } from './testing.js';
export { sparse, sparseCooTensor, sparseCsrTensor, sparseCscTensor, sparseBsrTensor, sparseBscTensor, sparseCompressedTensor, type SparseTensorOptions, type SparseCooOptions, type SparseCompressedOptions } from './sparse.js';
export { nested, type NestedTensorOptions } from './nested.js';
export { save, load, markIntKeys, PickledObject, type LoadOptions, type MapLocation } from './serialize.js';
export * as jit from './jit.js';
export * as hub from './hub.js';
export * as pyrandom from './pyrandom.js';
/** torch.random: seeding, the CPU generator's state, and forkRng (Python's fork_rng). */
export * as random from './random.js';
export { aoti, _inductor, type AOTICompiledModel, type LoadPackageOptions } from './aoti.js';
export { compile, compiler, _dynamo, OptimizedModule } from './compile.js';
export type { CompileOptions } from './compile_options.js';
export * as optim from './optim/index.js';
export * as utils from './utils/index.js';
export * as data from './data/index.js';
export * as vision from './vision/index.js';
export * as toolkit from './toolkit/index.js';
