// nn.functional pooling: max/avg/LP/adaptive/fractional pooling and max unpooling, written as
// torch/nn/functional.py writes them (the same ATen ops, the same RNG draws for fractional pooling).
import { aten } from '../../call.js';
import { rand } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { listWithDefault, ntuple, pythonFunction, REQUIRED, signature, type MaybeWithIndices, type PyArgs, type Size } from './_signature.js';

type OptSize = number | readonly (number | null)[];
/** The keyword arguments of F.max_pool1d/2d/3d (and their _with_indices forms). */
export interface MaxPoolOptions { kernelSize?: Size; stride?: Size | null; padding?: Size; dilation?: Size; ceilMode?: boolean; returnIndices?: boolean }
type MaxPoolPositionals = [kernelSize: Size, stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean];
type MaxPoolFn = MaybeWithIndices<MaxPoolPositionals, MaxPoolOptions>;
type MaxPoolWithIndicesFn = (input: Tensor, ...args: PyArgs<[...MaxPoolPositionals, returnIndices: boolean], MaxPoolOptions>) => [Tensor, Tensor];
/** The keyword arguments of F.avg_pool1d/2d/3d (divisorOverride: 2d and 3d). */
export interface AvgPoolOptions { kernelSize?: Size; stride?: Size | null; padding?: Size; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }
type AvgPool1dFn = (input: Tensor, ...args: PyArgs<[kernelSize: Size, stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean], Omit<AvgPoolOptions, 'divisorOverride'>>) => Tensor;
type AvgPoolFn = (input: Tensor, ...args: PyArgs<[kernelSize: Size, stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>) => Tensor;
/** The keyword arguments of F.max_unpool1d/2d/3d. */
export interface MaxUnpoolOptions { indices?: Tensor; kernelSize?: Size; stride?: Size | null; padding?: Size; outputSize?: readonly number[] | null }
type MaxUnpoolFn = (input: Tensor, ...args: PyArgs<[indices: Tensor, kernelSize: Size, stride: Size | null, padding: Size, outputSize: readonly number[] | null], MaxUnpoolOptions>) => Tensor;
/** The keyword arguments of F.lp_pool1d/2d/3d. */
export interface LPPoolOptions { normType?: number; kernelSize?: Size; stride?: Size | null; ceilMode?: boolean }
type LPPoolFn = (input: Tensor, ...args: PyArgs<[normType: number, kernelSize: Size, stride: Size | null, ceilMode: boolean], LPPoolOptions>) => Tensor;
/** The keyword arguments of F.adaptive_max_pool1d/2d/3d. */
export interface AdaptiveMaxPoolOptions { outputSize?: OptSize; returnIndices?: boolean }
type AdaptiveMaxPoolFn = MaybeWithIndices<[outputSize: OptSize], AdaptiveMaxPoolOptions>;
type AdaptiveMaxPoolWithIndicesFn = (input: Tensor, ...args: PyArgs<[outputSize: OptSize, returnIndices: boolean], AdaptiveMaxPoolOptions>) => [Tensor, Tensor];
type AdaptiveAvgPoolFn = (input: Tensor, ...args: PyArgs<[outputSize: OptSize], { outputSize?: OptSize }>) => Tensor;
/** The keyword arguments of F.fractional_max_pool2d/3d; `_randomSamples` (N, C, 2 or 3) fixes the regions. */
export interface FractionalMaxPoolOptions { kernelSize?: Size; outputSize?: Size | null; outputRatio?: number | readonly number[] | null; returnIndices?: boolean; _randomSamples?: Tensor | null }
type FractionalPositionals = [kernelSize: Size, outputSize: Size | null, outputRatio: number | readonly number[] | null];
type FractionalFn = MaybeWithIndices<FractionalPositionals, FractionalMaxPoolOptions>;
type FractionalWithIndicesFn = (input: Tensor, ...args: PyArgs<[...FractionalPositionals, returnIndices: boolean, _randomSamples: Tensor | null], FractionalMaxPoolOptions>) => [Tensor, Tensor];

// ---------------------------------------------------------------- average pooling

/** `F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`. */
export const avgPool1d: AvgPool1dFn = pythonFunction(
  signature('avgPool1d', { input: REQUIRED, kernelSize: REQUIRED, stride: null, padding: 0, ceilMode: false, countIncludePad: true }),
  (input, kernelSize, stride, padding, ceilMode, countIncludePad) =>
    aten('avg_pool1d', [input, kernelSize, stride ?? [], padding, ceilMode, countIncludePad]) as Tensor,
);
const avgPoolNd = (name: string, jsName: string): AvgPoolFn =>
  pythonFunction(
    signature(jsName, { input: REQUIRED, kernelSize: REQUIRED, stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null }),
    (input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride) =>
      aten(name, [input, kernelSize, stride ?? [], padding, ceilMode, countIncludePad, divisorOverride]) as Tensor,
  );
/** `F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export const avgPool2d: AvgPoolFn = avgPoolNd('avg_pool2d', 'avgPool2d');
/** `F.avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export const avgPool3d: AvgPoolFn = avgPoolNd('avg_pool3d', 'avgPool3d');

// ---------------------------------------------------------------- max pooling

const maxPoolParams = { input: REQUIRED, kernelSize: REQUIRED, stride: null, padding: 0, dilation: 1, ceilMode: false, returnIndices: false };
// [plain op, op with indices] per dimension, as functional.py calls them.
const MAX_POOL: Record<number, readonly [string, string]> = {
  1: ['max_pool1d', 'max_pool1d_with_indices'],
  2: ['max_pool2d', 'max_pool2d_with_indices'],
  3: ['max_pool3d', 'max_pool3d_with_indices'],
};
const maxPoolWithIndices = (n: number): MaxPoolWithIndicesFn =>
  pythonFunction(signature(`maxPool${n}dWithIndices`, maxPoolParams), (input, kernelSize, stride, padding, dilation, ceilMode) =>
    aten(MAX_POOL[n]![1], [input, kernelSize, stride ?? [], padding, dilation, ceilMode]) as [Tensor, Tensor]);
// boolean_dispatch on return_indices: the values alone, or [values, indices].
const maxPool = (n: number): MaxPoolFn =>
  pythonFunction(signature(`maxPool${n}d`, maxPoolParams), (input, kernelSize, stride, padding, dilation, ceilMode, returnIndices) =>
    returnIndices
      ? (aten(MAX_POOL[n]![1], [input, kernelSize, stride ?? [], padding, dilation, ceilMode]) as [Tensor, Tensor])
      : (aten(MAX_POOL[n]![0], [input, kernelSize, stride ?? [], padding, dilation, ceilMode]) as Tensor)) as MaxPoolFn;

/** `F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`. */
export const maxPool1d: MaxPoolFn = maxPool(1);
/** `F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`. */
export const maxPool2d: MaxPoolFn = maxPool(2);
/** `F.max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`. */
export const maxPool3d: MaxPoolFn = maxPool(3);
/** `F.max_pool1d_with_indices(...)`: [values, indices]. */
export const maxPool1dWithIndices: MaxPoolWithIndicesFn = maxPoolWithIndices(1);
/** `F.max_pool2d_with_indices(...)`: [values, indices]. */
export const maxPool2dWithIndices: MaxPoolWithIndicesFn = maxPoolWithIndices(2);
/** `F.max_pool3d_with_indices(...)`: [values, indices]. */
export const maxPool3dWithIndices: MaxPoolWithIndicesFn = maxPoolWithIndices(3);

// ---------------------------------------------------------------- max unpooling

// functional.py's _unpool_output_size: the default size, or a checked explicit one (N and C may lead).
function unpoolOutputSize(fn: string, input: Tensor, kernelSize: number[], stride: number[], padding: number[], outputSize: unknown): number[] {
  const inputSize = input.shape;
  const n = kernelSize.length;
  const defaultSize = kernelSize.map((k, d) => (inputSize[inputSize.length - n + d]! - 1) * stride[d]! + k - 2 * padding[d]!);
  let ret = defaultSize;
  if (outputSize !== null) {
    let size = ntuple(outputSize, n);
    if (size.length === n + 2) size = size.slice(2);
    if (size.length !== n) {
      throw new RangeError(`${fn}: output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${size.length}'`);
    }
    for (let d = 0; d < n; d++) {
      const [min, max] = [defaultSize[d]! - stride[d]!, defaultSize[d]! + stride[d]!];
      if (!(min < size[d]! && size[d]! < max)) throw new RangeError(`${fn}: invalid output_size "[${size.join(', ')}]" (dim ${d} must be between ${min} and ${max})`);
    }
    ret = size;
  }
  ret.forEach((v, d) => {
    if (v < 0) throw new RangeError(`max_unpooling: output_size must contain non-negative spatial dimensions, but got output_size[${d}]=${v}`);
  });
  return ret;
}

const unpoolParams = { input: REQUIRED, indices: REQUIRED, kernelSize: REQUIRED, stride: null, padding: 0, outputSize: null };
const maxUnpool = (n: number): MaxUnpoolFn =>
  pythonFunction(signature(`maxUnpool${n}d`, unpoolParams), (input: Tensor, indices: Tensor, kernelSize, stride, padding, outputSize) => {
    const fn = `maxUnpool${n}d`;
    const k = ntuple(kernelSize, n);
    const s = stride === null ? k : ntuple(stride, n);
    const p = ntuple(padding, n);
    const size = unpoolOutputSize(fn, input, k, s, p, outputSize);
    if (n === 1) return (aten('max_unpool2d', [input.unsqueeze(-1), indices.unsqueeze(-1), [...size, 1]]) as Tensor).squeeze(-1);
    if (n === 2) return aten('max_unpool2d', [input, indices, size]) as Tensor;
    return aten('max_unpool3d', [input, indices, size, s, p]) as Tensor;
  });
/** `F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None)`. */
export const maxUnpool1d = maxUnpool(1);
/** `F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None)`. */
export const maxUnpool2d = maxUnpool(2);
/** `F.max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None)`. */
export const maxUnpool3d = maxUnpool(3);

// ---------------------------------------------------------------- power-average pooling

const LP_POOL: Record<number, [max: MaxPoolFn, avg: AvgPool1dFn]> = { 1: [maxPool1d, avgPool1d], 2: [maxPool2d, avgPool2d], 3: [maxPool3d, avgPool3d] };
const lpPool = (n: number): LPPoolFn =>
  pythonFunction(signature(`lpPool${n}d`, { input: REQUIRED, normType: REQUIRED, kernelSize: REQUIRED, stride: null, ceilMode: false }),
    (input: Tensor, normType: number, kernelSize, stride, ceilMode) => {
      const [max, avg] = LP_POOL[n]!;
      if (normType === Infinity) return max(input.abs(), kernelSize, stride, 0, 1, ceilMode, false);
      if (normType === -Infinity) return max(input.abs().neg(), kernelSize, stride, 0, 1, ceilMode, false).neg();
      const out = stride !== null ? avg(input.pow(normType), kernelSize, stride, 0, ceilMode) : avg(input.pow(normType), kernelSize, { padding: 0, ceilMode });
      // lp_pool1d multiplies by kernel_size as given; 2d/3d by the product of the expanded sizes.
      const volume = n === 1 ? (kernelSize as number) : ntuple(kernelSize, n).reduce((a, b) => a * b, 1);
      return out.sign().mul(out.abs().relu()).mul(volume).pow(1.0 / normType);
    });
/** `F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export const lpPool1d: LPPoolFn = lpPool(1);
/** `F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export const lpPool2d: LPPoolFn = lpPool(2);
/** `F.lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export const lpPool3d: LPPoolFn = lpPool(3);

// ---------------------------------------------------------------- adaptive pooling

// [torch op, takes null entries in output_size] per dimension.
const ADAPTIVE_MAX: Record<number, string> = { 1: 'adaptive_max_pool1d', 2: 'adaptive_max_pool2d', 3: 'adaptive_max_pool3d' };
const adaptiveMaxSize = (n: number, input: Tensor, outputSize: unknown): unknown => (n === 1 ? outputSize : listWithDefault(outputSize, input.shape));
const adaptiveMaxWithIndices = (n: number): AdaptiveMaxPoolWithIndicesFn =>
  pythonFunction(signature(`adaptiveMaxPool${n}dWithIndices`, { input: REQUIRED, outputSize: REQUIRED, returnIndices: false }),
    (input: Tensor, outputSize) => aten(ADAPTIVE_MAX[n]!, [input, adaptiveMaxSize(n, input, outputSize)]) as [Tensor, Tensor]);
const adaptiveMax = (n: number): AdaptiveMaxPoolFn =>
  pythonFunction(signature(`adaptiveMaxPool${n}d`, { input: REQUIRED, outputSize: REQUIRED, returnIndices: false }),
    (input: Tensor, outputSize, returnIndices) => {
      const r = aten(ADAPTIVE_MAX[n]!, [input, adaptiveMaxSize(n, input, outputSize)]) as [Tensor, Tensor];
      return returnIndices ? r : r[0];
    }) as AdaptiveMaxPoolFn;
/** `F.adaptive_max_pool1d(input, output_size, return_indices=False)`. */
export const adaptiveMaxPool1d: AdaptiveMaxPoolFn = adaptiveMax(1);
/** `F.adaptive_max_pool2d(input, output_size, return_indices=False)`; a null entry keeps the input's size. */
export const adaptiveMaxPool2d: AdaptiveMaxPoolFn = adaptiveMax(2);
/** `F.adaptive_max_pool3d(input, output_size, return_indices=False)`; a null entry keeps the input's size. */
export const adaptiveMaxPool3d: AdaptiveMaxPoolFn = adaptiveMax(3);
/** `F.adaptive_max_pool1d_with_indices(input, output_size)`: [values, indices]. */
export const adaptiveMaxPool1dWithIndices: AdaptiveMaxPoolWithIndicesFn = adaptiveMaxWithIndices(1);
/** `F.adaptive_max_pool2d_with_indices(input, output_size)`: [values, indices]. */
export const adaptiveMaxPool2dWithIndices: AdaptiveMaxPoolWithIndicesFn = adaptiveMaxWithIndices(2);
/** `F.adaptive_max_pool3d_with_indices(input, output_size)`: [values, indices]. */
export const adaptiveMaxPool3dWithIndices: AdaptiveMaxPoolWithIndicesFn = adaptiveMaxWithIndices(3);

/** `F.adaptive_avg_pool1d(input, output_size)`. */
export const adaptiveAvgPool1d: AdaptiveAvgPoolFn = pythonFunction(signature('adaptiveAvgPool1d', { input: REQUIRED, outputSize: REQUIRED }),
  (input, outputSize) => aten('adaptive_avg_pool1d', [input, outputSize]) as Tensor);
/** `F.adaptive_avg_pool2d(input, output_size)`; a null entry keeps the input's size. */
export const adaptiveAvgPool2d: AdaptiveAvgPoolFn = pythonFunction(signature('adaptiveAvgPool2d', { input: REQUIRED, outputSize: REQUIRED }),
  (input: Tensor, outputSize) => aten('adaptive_avg_pool2d', [input, listWithDefault(outputSize, input.shape)]) as Tensor);
/** `F.adaptive_avg_pool3d(input, output_size)`; a null entry keeps the input's size. */
export const adaptiveAvgPool3d: AdaptiveAvgPoolFn = pythonFunction(signature('adaptiveAvgPool3d', { input: REQUIRED, outputSize: REQUIRED }),
  (input: Tensor, outputSize) => aten('adaptive_avg_pool3d', [input, listWithDefault(outputSize, input.shape)]) as Tensor);

// ---------------------------------------------------------------- fractional max pooling

const fractionalParams = { input: REQUIRED, kernelSize: REQUIRED, outputSize: null, outputRatio: null, returnIndices: false, _randomSamples: null };
// fractional_max_pool{2,3}d_with_indices: the output size from the ratio, and the samples drawn as
// PyTorch draws them (torch.rand(N, C, n) in the input's dtype), so a seed gives the same regions.
function fractionalWithIndices(n: number, input: Tensor, kernelSize: unknown, outputSize: unknown, outputRatio: unknown, samples: Tensor | null): [Tensor, Tensor] {
  const fn = `fractional_max_pool${n}d`;
  if (outputSize === null && outputRatio === null) throw new RangeError(`${fn} requires specifying either an output_size or an output_ratio`);
  let size = outputSize;
  if (size === null) {
    if (n === 2 && Array.isArray(outputRatio) && outputRatio.length > 2) {
      throw new RangeError(`${fn} requires output_ratio to either be a single Int or tuple of Ints.`);
    }
    const ratio = ntuple(outputRatio, n);
    const shape = input.shape;
    size = ratio.map((r, d) => Math.trunc(shape[shape.length - n + d]! * r));
  }
  if (samples === null) {
    const nBatch = input.dim() === n + 1 ? 1 : input.shape[0]!;
    samples = rand(nBatch, input.shape[input.dim() - n - 1]!, n, { dtype: input.dtype, device: input.device });
  }
  return aten(fn, [input, kernelSize, size, samples]) as [Tensor, Tensor];
}
const fractional = (n: number, withIndices: boolean) =>
  pythonFunction(signature(withIndices ? `fractionalMaxPool${n}dWithIndices` : `fractionalMaxPool${n}d`, fractionalParams),
    (input: Tensor, kernelSize, outputSize, outputRatio, returnIndices, samples) => {
      const r = fractionalWithIndices(n, input, kernelSize, outputSize, outputRatio, samples);
      return withIndices || returnIndices ? r : r[0];
    });
/** `F.fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)`. */
export const fractionalMaxPool2d = fractional(2, false) as FractionalFn;
/** `F.fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)`. */
export const fractionalMaxPool3d = fractional(3, false) as FractionalFn;
/** `F.fractional_max_pool2d_with_indices(...)`: [values, indices]. */
export const fractionalMaxPool2dWithIndices = fractional(2, true) as FractionalWithIndicesFn;
/** `F.fractional_max_pool3d_with_indices(...)`: [values, indices]. */
export const fractionalMaxPool3dWithIndices = fractional(3, true) as FractionalWithIndicesFn;
