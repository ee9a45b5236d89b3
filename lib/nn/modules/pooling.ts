// Pooling layers as torch/nn/modules/pooling.py: each stores its options as PyTorch does (as given,
// or expanded to tuples where PyTorch expands them) and forwards to the functional form.
import type { Tensor } from '../../tensor.js';
import { isOptionsObject } from '../../options.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature, type PyArgs, type Signature } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';
import { ntuple } from '../functional/_signature.js';
import { pyStr } from './_format.js';

type IntOrList = number | readonly number[];
type Size = number | number[];
type OptSize = number | (number | null)[];
// The functional forms' precise argument types are the user's; a layer passes its stored options through.
type PoolFn = (input: Tensor, ...rest: any[]) => Tensor | [Tensor, Tensor]; // eslint-disable-line @typescript-eslint/no-explicit-any
/** What a max pooling layer returns: [values, indices] when built with returnIndices true, else the values (I: that flag's type). */
export type MaxPoolOutput<I extends boolean> = I extends true ? [Tensor, Tensor] : Tensor;
type MaxPoolOptions<I extends boolean = boolean> = { kernelSize?: IntOrList; stride?: IntOrList | null; padding?: IntOrList; dilation?: IntOrList; returnIndices?: I; ceilMode?: boolean };
type MaxPoolArgs<I extends boolean> = PyArgs<[stride: IntOrList | null, padding: IntOrList, dilation: IntOrList, returnIndices: I, ceilMode: boolean], MaxPoolOptions<I>>;
type UnpoolOptions = { kernelSize?: IntOrList; stride?: IntOrList | null; padding?: IntOrList };
type UnpoolArgs = PyArgs<[stride: IntOrList | null, padding: IntOrList], UnpoolOptions>;
type AvgPool1dOptions = { kernelSize?: IntOrList; stride?: IntOrList | null; padding?: IntOrList; ceilMode?: boolean; countIncludePad?: boolean };
type AvgPool1dArgs = PyArgs<[stride: IntOrList | null, padding: IntOrList, ceilMode: boolean, countIncludePad: boolean], AvgPool1dOptions>;
type AvgPoolOptions = { kernelSize?: IntOrList; stride?: IntOrList | null; padding?: IntOrList; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null };
type AvgPoolArgs = PyArgs<[stride: IntOrList | null, padding: IntOrList, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>;
type FractionalPoolOptions<I extends boolean = boolean> = { kernelSize?: IntOrList; outputSize?: IntOrList | null; outputRatio?: number | readonly number[] | null; returnIndices?: I; _randomSamples?: Tensor | null };
type FractionalArgs<I extends boolean> = PyArgs<[outputSize: IntOrList | null, outputRatio: number | readonly number[] | null, returnIndices: I, _randomSamples: Tensor | null], FractionalPoolOptions<I>>;
type LPPoolOptions = { normType?: number; kernelSize?: IntOrList; stride?: IntOrList | null; ceilMode?: boolean };
type LPPoolArgs = PyArgs<[stride: IntOrList | null, ceilMode: boolean], LPPoolOptions>;
type AdaptiveMaxArgs<I extends boolean> = PyArgs<[returnIndices: I], { outputSize?: OptSize; returnIndices?: I }>;

// ---------------------------------------------------------------- max pooling

const MAX_POOL = { kernelSize: REQUIRED, stride: null, padding: 0, dilation: 1, returnIndices: false, ceilMode: false };

/** torch.nn.modules.pooling._MaxPoolNd: kernelSize, stride (kernelSize when not given), padding, dilation as given. */
export abstract class _MaxPoolNd<I extends boolean = boolean> extends Module {
  kernelSize: Size;
  stride: Size;
  padding: Size;
  dilation: Size;
  returnIndices: boolean;
  ceilMode: boolean;
  protected constructor(sig: Signature, args: unknown[]) {
    super();
    const [kernelSize, stride, padding, dilation, returnIndices, ceilMode] = bind(sig, args) as [Size, Size | null, Size, Size, boolean, boolean];
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.dilation = dilation;
    this.returnIndices = returnIndices;
    this.ceilMode = ceilMode;
  }
  protected abstract readonly pool: PoolFn;
  override forward(input: Tensor): MaxPoolOutput<I> {
    return this.pool(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices) as MaxPoolOutput<I>;
  }
  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}, dilation=${pyStr(this.dilation)}, ceil_mode=${pyStr(this.ceilMode)}`;
  }
}
const MAX_POOL1D = signature('MaxPool1d', MAX_POOL);
const MAX_POOL2D = signature('MaxPool2d', MAX_POOL);
const MAX_POOL3D = signature('MaxPool3d', MAX_POOL);
/** `nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`. */
export class MaxPool1d<I extends boolean = false> extends _MaxPoolNd<I> {
  protected get pool() { return F.maxPool1d; }
  constructor(kernelSize: IntOrList, ...args: MaxPoolArgs<I>);
  constructor(options: MaxPoolOptions<I> & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(MAX_POOL1D, args); }
}
/** `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`. */
export class MaxPool2d<I extends boolean = false> extends _MaxPoolNd<I> {
  protected get pool() { return F.maxPool2d; }
  constructor(kernelSize: IntOrList, ...args: MaxPoolArgs<I>);
  constructor(options: MaxPoolOptions<I> & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(MAX_POOL2D, args); }
}
/** `nn.MaxPool3d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`. */
export class MaxPool3d<I extends boolean = false> extends _MaxPoolNd<I> {
  protected get pool() { return F.maxPool3d; }
  constructor(kernelSize: IntOrList, ...args: MaxPoolArgs<I>);
  constructor(options: MaxPoolOptions<I> & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(MAX_POOL3D, args); }
}

// ---------------------------------------------------------------- max unpooling

const UNPOOL = { kernelSize: REQUIRED, stride: null, padding: 0 };
const UNPOOL_FORWARD = signature('forward', { input: REQUIRED, indices: REQUIRED, outputSize: null });

/** torch.nn.modules.pooling._MaxUnpoolNd: kernelSize, stride, padding expanded to n-tuples. */
export abstract class _MaxUnpoolNd extends Module {
  kernelSize: number[];
  stride: number[];
  padding: number[];
  protected constructor(n: number, sig: Signature, args: unknown[]) {
    super();
    const [kernelSize, stride, padding] = bind(sig, args) as [IntOrList, IntOrList | null, IntOrList];
    this.kernelSize = ntuple(kernelSize, n);
    this.stride = ntuple(stride ?? kernelSize, n);
    this.padding = ntuple(padding, n);
  }
  protected abstract readonly unpool: (input: Tensor, ...rest: any[]) => Tensor; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** forward(input, indices, output_size=None): `outputSize` positionally or as `{ outputSize }`. */
  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null | { outputSize?: readonly number[] | null } = null): Tensor {
    const size = outputSize !== null && isOptionsObject(outputSize) ? bind(UNPOOL_FORWARD, [input, indices, outputSize])[2] : outputSize;
    return this.unpool(input, indices, this.kernelSize, this.stride, this.padding, size);
  }
  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}
const UNPOOL1D = signature('MaxUnpool1d', UNPOOL);
const UNPOOL2D = signature('MaxUnpool2d', UNPOOL);
const UNPOOL3D = signature('MaxUnpool3d', UNPOOL);
/** `nn.MaxUnpool1d(kernel_size, stride=None, padding=0)`. */
export class MaxUnpool1d extends _MaxUnpoolNd {
  protected get unpool() { return F.maxUnpool1d; }
  constructor(kernelSize: IntOrList, ...args: UnpoolArgs);
  constructor(options: UnpoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(1, UNPOOL1D, args); }
}
/** `nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`. */
export class MaxUnpool2d extends _MaxUnpoolNd {
  protected get unpool() { return F.maxUnpool2d; }
  constructor(kernelSize: IntOrList, ...args: UnpoolArgs);
  constructor(options: UnpoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(2, UNPOOL2D, args); }
}
/** `nn.MaxUnpool3d(kernel_size, stride=None, padding=0)`. */
export class MaxUnpool3d extends _MaxUnpoolNd {
  protected get unpool() { return F.maxUnpool3d; }
  constructor(kernelSize: IntOrList, ...args: UnpoolArgs);
  constructor(options: UnpoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(3, UNPOOL3D, args); }
}

// ---------------------------------------------------------------- average pooling

/** torch.nn.modules.pooling._AvgPoolNd: what the average poolings share (their repr). */
export abstract class _AvgPoolNd extends Module {
  abstract kernelSize: Size;
  abstract stride: Size;
  abstract padding: Size;
  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}

/** `nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`: sizes as 1-tuples. */
export class AvgPool1d extends _AvgPoolNd {
  kernelSize: number[];
  stride: number[];
  padding: number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  constructor(kernelSize: IntOrList, ...args: AvgPool1dArgs);
  constructor(options: AvgPool1dOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) {
    super();
    const [kernelSize, stride, padding, ceilMode, countIncludePad] = bind(AVG_POOL1D, args) as [IntOrList, IntOrList | null, IntOrList, boolean, boolean];
    this.kernelSize = ntuple(kernelSize, 1);
    this.stride = ntuple(stride ?? kernelSize, 1);
    this.padding = ntuple(padding, 1);
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
  }
  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}
const AVG_POOL1D = signature('AvgPool1d', { kernelSize: REQUIRED, stride: null, padding: 0, ceilMode: false, countIncludePad: true });
const AVG_POOL = { kernelSize: REQUIRED, stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null };

/** AvgPool2d/3d: sizes kept as given, plus divisorOverride. */
abstract class AvgPool2dOr3d extends _AvgPoolNd {
  kernelSize: Size;
  stride: Size;
  padding: Size;
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
  protected constructor(sig: Signature, args: unknown[]) {
    super();
    const [kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride] = bind(sig, args) as [Size, Size | null, Size, boolean, boolean, number | null];
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
  }
  protected abstract readonly pool: (input: Tensor, ...rest: any[]) => Tensor; // eslint-disable-line @typescript-eslint/no-explicit-any
  override forward(input: Tensor): Tensor {
    return this.pool(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}
const AVG_POOL2D = signature('AvgPool2d', AVG_POOL);
const AVG_POOL3D = signature('AvgPool3d', AVG_POOL);
/** `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export class AvgPool2d extends AvgPool2dOr3d {
  protected get pool() { return F.avgPool2d; }
  constructor(kernelSize: IntOrList, ...args: AvgPoolArgs);
  constructor(options: AvgPoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(AVG_POOL2D, args); }
}
/** `nn.AvgPool3d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export class AvgPool3d extends AvgPool2dOr3d {
  protected get pool() { return F.avgPool3d; }
  constructor(kernelSize: IntOrList, ...args: AvgPoolArgs);
  constructor(options: AvgPoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(AVG_POOL3D, args); }
}

// ---------------------------------------------------------------- fractional max pooling

const FRACTIONAL = { kernelSize: REQUIRED, outputSize: null, outputRatio: null, returnIndices: false, _randomSamples: null };

/** FractionalMaxPool2d/3d: random regions drawn per call from the default generator (or the `_random_samples` buffer). */
abstract class FractionalMaxPoolNd<I extends boolean = boolean> extends Module {
  kernelSize: number[];
  returnIndices: boolean;
  outputSize: number[] | null;
  outputRatio: number[] | null;
  declare _random_samples: Tensor | null;
  protected constructor(n: number, sig: Signature, args: unknown[]) {
    super();
    const name = sig.fn;
    const [kernelSize, outputSize, outputRatio, returnIndices, samples] = bind(sig, args) as [IntOrList, IntOrList | null, IntOrList | null, boolean, Tensor | null];
    if (n === 3 && (Array.isArray(kernelSize) ? !kernelSize.every((k) => k > 0) : (kernelSize as number) <= 0)) {
      throw new RangeError(`${name}: kernel_size must be greater than 0, but got ${pyStr(kernelSize)}`);
    }
    this.kernelSize = ntuple(kernelSize, n);
    this.returnIndices = returnIndices;
    this.registerBuffer('_random_samples', samples);
    this.outputSize = outputSize !== null ? ntuple(outputSize, n) : null;
    this.outputRatio = outputRatio !== null ? ntuple(outputRatio, n) : null;
    if (outputSize === null && outputRatio === null) throw new RangeError(`${name} requires specifying either an output size, or a pooling ratio`);
    if (outputSize !== null && outputRatio !== null) throw new RangeError(`${name}: only one of output_size and output_ratio may be specified`);
    if (this.outputRatio !== null && !this.outputRatio.every((r) => r > 0 && r < 1)) {
      throw new RangeError(`${name}: output_ratio must be between 0 and 1 (got ${pyStr(outputRatio)})`);
    }
  }
  protected abstract readonly pool: PoolFn;
  override forward(input: Tensor): MaxPoolOutput<I> {
    return this.pool(input, this.kernelSize, this.outputSize, this.outputRatio, this.returnIndices, { _randomSamples: this._random_samples }) as MaxPoolOutput<I>;
  }
}
const FRACTIONAL2D = signature('FractionalMaxPool2d', FRACTIONAL);
const FRACTIONAL3D = signature('FractionalMaxPool3d', FRACTIONAL);
/** `nn.FractionalMaxPool2d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)`. */
export class FractionalMaxPool2d<I extends boolean = false> extends FractionalMaxPoolNd<I> {
  protected get pool() { return F.fractionalMaxPool2d; }
  constructor(kernelSize: IntOrList, ...args: FractionalArgs<I>);
  constructor(options: FractionalPoolOptions<I> & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(2, FRACTIONAL2D, args); }
}
/** `nn.FractionalMaxPool3d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)`. */
export class FractionalMaxPool3d<I extends boolean = false> extends FractionalMaxPoolNd<I> {
  protected get pool() { return F.fractionalMaxPool3d; }
  constructor(kernelSize: IntOrList, ...args: FractionalArgs<I>);
  constructor(options: FractionalPoolOptions<I> & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(3, FRACTIONAL3D, args); }
}

// ---------------------------------------------------------------- power-average pooling

const LP_POOL = { normType: REQUIRED, kernelSize: REQUIRED, stride: null, ceilMode: false };

/** LPPool1d/2d/3d: normType, kernelSize, stride (null: kernelSize) and ceilMode as given. */
export abstract class _LPPoolNd extends Module {
  normType: number;
  kernelSize: Size;
  stride: Size | null;
  ceilMode: boolean;
  protected constructor(sig: Signature, args: unknown[]) {
    super();
    [this.normType, this.kernelSize, this.stride, this.ceilMode] = bind(sig, args) as [number, Size, Size | null, boolean];
  }
  protected abstract readonly pool: (input: Tensor, ...rest: any[]) => Tensor; // eslint-disable-line @typescript-eslint/no-explicit-any
  override forward(input: Tensor): Tensor {
    return this.pool(input, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }
  override extraRepr(): string {
    return `norm_type=${pyStr(this.normType)}, kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, ceil_mode=${pyStr(this.ceilMode)}`;
  }
}
const LP_POOL1D = signature('LPPool1d', LP_POOL);
const LP_POOL2D = signature('LPPool2d', LP_POOL);
const LP_POOL3D = signature('LPPool3d', LP_POOL);
/** `nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export class LPPool1d extends _LPPoolNd {
  protected get pool() { return F.lpPool1d; }
  constructor(normType: number, kernelSize: IntOrList, ...args: LPPoolArgs);
  constructor(normType: number, options: LPPoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(LP_POOL1D, args); }
}
/** `nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export class LPPool2d extends _LPPoolNd {
  protected get pool() { return F.lpPool2d; }
  constructor(normType: number, kernelSize: IntOrList, ...args: LPPoolArgs);
  constructor(normType: number, options: LPPoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(LP_POOL2D, args); }
}
/** `nn.LPPool3d(norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export class LPPool3d extends _LPPoolNd {
  protected get pool() { return F.lpPool3d; }
  constructor(normType: number, kernelSize: IntOrList, ...args: LPPoolArgs);
  constructor(normType: number, options: LPPoolOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(LP_POOL3D, args); }
}

// ---------------------------------------------------------------- adaptive pooling


/** AdaptiveMaxPool1d/2d/3d: outputSize (null entries keep the input's size) and returnIndices. */
export abstract class _AdaptiveMaxPoolNd<I extends boolean = boolean> extends Module {
  outputSize: OptSize;
  returnIndices: boolean;
  protected constructor(sig: Signature, args: unknown[]) {
    super();
    [this.outputSize, this.returnIndices] = bind(sig, args) as [OptSize, boolean];
  }
  protected abstract readonly pool: PoolFn;
  override forward(input: Tensor): MaxPoolOutput<I> {
    return this.pool(input, this.outputSize, this.returnIndices) as MaxPoolOutput<I>;
  }
  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}`;
  }
}
const ADAPTIVE_MAX = { outputSize: REQUIRED, returnIndices: false };
const ADAPTIVE_MAX1D = signature('AdaptiveMaxPool1d', ADAPTIVE_MAX);
const ADAPTIVE_MAX2D = signature('AdaptiveMaxPool2d', ADAPTIVE_MAX);
const ADAPTIVE_MAX3D = signature('AdaptiveMaxPool3d', ADAPTIVE_MAX);
/** `nn.AdaptiveMaxPool1d(output_size, return_indices=False)`. */
export class AdaptiveMaxPool1d<I extends boolean = false> extends _AdaptiveMaxPoolNd<I> {
  protected get pool() { return F.adaptiveMaxPool1d; }
  constructor(outputSize: OptSize, ...args: AdaptiveMaxArgs<I>);
  constructor(...args: unknown[]) { super(ADAPTIVE_MAX1D, args); }
}
/** `nn.AdaptiveMaxPool2d(output_size, return_indices=False)`. */
export class AdaptiveMaxPool2d<I extends boolean = false> extends _AdaptiveMaxPoolNd<I> {
  protected get pool() { return F.adaptiveMaxPool2d; }
  constructor(outputSize: OptSize, ...args: AdaptiveMaxArgs<I>);
  constructor(...args: unknown[]) { super(ADAPTIVE_MAX2D, args); }
}
/** `nn.AdaptiveMaxPool3d(output_size, return_indices=False)`. */
export class AdaptiveMaxPool3d<I extends boolean = false> extends _AdaptiveMaxPoolNd<I> {
  protected get pool() { return F.adaptiveMaxPool3d; }
  constructor(outputSize: OptSize, ...args: AdaptiveMaxArgs<I>);
  constructor(...args: unknown[]) { super(ADAPTIVE_MAX3D, args); }
}

/** AdaptiveAvgPool1d/2d/3d: outputSize (null entries keep the input's size). */
export abstract class _AdaptiveAvgPoolNd extends Module {
  outputSize: OptSize;
  protected constructor(sig: Signature, args: unknown[]) {
    super();
    [this.outputSize] = bind(sig, args) as [OptSize];
  }
  protected abstract readonly pool: (input: Tensor, ...rest: any[]) => Tensor; // eslint-disable-line @typescript-eslint/no-explicit-any
  override forward(input: Tensor): Tensor {
    return this.pool(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}`;
  }
}
const ADAPTIVE_AVG1D = signature('AdaptiveAvgPool1d', { outputSize: REQUIRED });
const ADAPTIVE_AVG2D = signature('AdaptiveAvgPool2d', { outputSize: REQUIRED });
const ADAPTIVE_AVG3D = signature('AdaptiveAvgPool3d', { outputSize: REQUIRED });
/** `nn.AdaptiveAvgPool1d(output_size)`. */
export class AdaptiveAvgPool1d extends _AdaptiveAvgPoolNd {
  protected get pool() { return F.adaptiveAvgPool1d; }
  constructor(outputSize: OptSize);
  constructor(...args: unknown[]) { super(ADAPTIVE_AVG1D, args); }
}
/** `nn.AdaptiveAvgPool2d(output_size)`. */
export class AdaptiveAvgPool2d extends _AdaptiveAvgPoolNd {
  protected get pool() { return F.adaptiveAvgPool2d; }
  constructor(outputSize: OptSize);
  constructor(...args: unknown[]) { super(ADAPTIVE_AVG2D, args); }
}
/** `nn.AdaptiveAvgPool3d(output_size)`. */
export class AdaptiveAvgPool3d extends _AdaptiveAvgPoolNd {
  protected get pool() { return F.adaptiveAvgPool3d; }
  constructor(outputSize: OptSize);
  constructor(...args: unknown[]) { super(ADAPTIVE_AVG3D, args); }
}

declareForward([MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, FractionalMaxPool2d, FractionalMaxPool3d, LPPool1d, LPPool2d, LPPool3d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d], ['input']);
declareForward([MaxUnpool1d, MaxUnpool2d, MaxUnpool3d], ['input', 'indices'], ['outputSize']);
