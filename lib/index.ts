// torchnode: PyTorch for Node.js. `import * as torch from 'torchnode'`.
import './methods.js';
import './warnings.js';

export { Tensor, GradFn, isTensor, type RemovableHandle, type Scalar, type TensorOrScalar, type TypedArray, type NestedArray, type BackwardOptions, type ToOptions } from './tensor.js';
export * from './dtype.js';
export { Device, device, type DeviceLike } from './device.js';
export * from './creation.js';
export { norm, numel, type NormOptions } from './functional.js';
export * from './generated/functions.js';
export { tidy, keep } from './scope.js';
export { Generator, defaultGenerator, getRngState, setRngState, seed } from './generator.js';
export { noGrad, enableGrad, inferenceMode, isGradEnabled, setGradEnabled, type GradOptions, type GradcheckOptions } from './autograd.js';
export { autograd } from './autograd_namespace.js';
export { FunctionCtx } from './function.js';
export { manualSeed, initialSeed, setNumThreads, getNumThreads, nativeStats, buildInfo, cuda, version, __version__, type BuildInfo, type TorchFeatures } from './runtime.js';
export { setPrintoptions, getPrintoptions, type PrintOptions } from './print.js';
export { ops, opSchemas, type OpFunction, type OpPacket } from './ops.js';
export { save, load, markIntKeys, PickledObject, type LoadOptions, type MapLocation } from './serialize.js';
