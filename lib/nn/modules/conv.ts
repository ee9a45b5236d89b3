// Convolution layers as torch/nn/modules/conv.py builds them: Conv1d/2d/3d, ConvTranspose1d/2d/3d
// and their lazy forms. Same attributes (camelCase), same parameter shapes, same reset_parameters
// (kaiming_uniform_(a=√5), bias uniform in ±1/√fan_in), so a seed gives PyTorch's weights.
import { empty, emptyLike } from '../../creation.js';
import type { DeviceLike } from '../../device.js';
import { contiguousFormat, type DTypeLike, pySize } from '../../dtype.js';
import { isOptionsObject } from '../../options.js';
import { noGrad } from '../../autograd.js';
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature, type PyArgs, type Signature } from '../functional/_signature.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { ownedParameter, Parameter, UninitializedParameter } from '../parameter.js';
import { ntuple } from '../functional/_signature.js';
import { factoryOptions, pyStr } from './_format.js';
import { hasUninitializedParams, installLazyHooks, uninitializedParameter } from './_lazy.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
type IntOrList = number | readonly number[];
type ConvArgs = PyArgs<[stride: IntOrList, padding: IntOrList | 'same' | 'valid', dilation: IntOrList, groups: number, bias: boolean, paddingMode: PaddingMode, device: DeviceLike | null, dtype: DTypeLike | null], ConvOptions>;
type ConvTransposeArgs = PyArgs<[stride: IntOrList, padding: IntOrList, outputPadding: IntOrList, groups: number, bias: boolean, dilation: IntOrList, paddingMode: PaddingMode, device: DeviceLike | null, dtype: DTypeLike | null], ConvTransposeOptions>;
type LazyConvArgs = PyArgs<[stride: IntOrList, padding: IntOrList | 'same' | 'valid', dilation: IntOrList, groups: number, bias: boolean, paddingMode: PaddingMode, device: DeviceLike | null, dtype: DTypeLike | null], ConvOptions>;

/** Options of Conv1d/2d/3d after the three required arguments. */
export interface ConvOptions {
  stride?: IntOrList; padding?: IntOrList | 'same' | 'valid'; dilation?: IntOrList; groups?: number; bias?: boolean;
  paddingMode?: PaddingMode; device?: DeviceLike | null; dtype?: DTypeLike | null;
}
/** Options of ConvTranspose1d/2d/3d after the three required arguments. */
export interface ConvTransposeOptions {
  stride?: IntOrList; padding?: IntOrList; outputPadding?: IntOrList; groups?: number; bias?: boolean; dilation?: IntOrList;
  paddingMode?: PaddingMode; device?: DeviceLike | null; dtype?: DTypeLike | null;
}

const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];
const setRepr = (names: readonly string[]): string => `{${names.map((n) => `'${n}'`).join(', ')}}`;
const conv: Record<number, typeof F.conv2d> = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d };
const convTranspose: Record<number, typeof F.convTranspose2d> = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d };

/** torch.nn.modules.conv._ConvNd: the attributes, parameters and reset of every convolution layer. */
export abstract class _ConvNd extends Module {
  inChannels: number;
  outChannels: number;
  kernelSize: number[];
  stride: number[];
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  transposed: boolean;
  outputPadding: number[];
  groups: number;
  paddingMode: PaddingMode;
  /** F.pad's argument for the non-'zeros' padding modes (and 'same'): per dimension from the last, left then right. */
  _reversedPaddingRepeatedTwice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number[], stride: number[], padding: number[] | string, dilation: number[],
    transposed: boolean, outputPadding: number[], groups: number, bias: boolean, paddingMode: string, device: unknown, dtype: unknown) {
    super();
    const name = new.target.name;
    if (groups <= 0) throw new RangeError(`${name}: groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new RangeError(`${name}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new RangeError(`${name}: out_channels must be divisible by groups`);
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new RangeError(`${name}: Invalid padding string '${padding}', should be one of {'same', 'valid'}`);
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new RangeError(`${name}: padding='same' is not supported for strided convolutions`);
    }
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new RangeError(`${name}: padding_mode must be one of ${setRepr(PADDING_MODES)}, but got padding_mode='${paddingMode}'`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding as number[] | 'same' | 'valid';
    this.dilation = dilation;
    this.transposed = transposed;
    this.outputPadding = outputPadding;
    this.groups = groups;
    this.paddingMode = paddingMode as PaddingMode;
    const n = kernelSize.length;
    if (typeof padding === 'string') {
      this._reversedPaddingRepeatedTwice = new Array<number>(2 * n).fill(0);
      if (padding === 'same') {
        for (let d = 0; d < n; d++) {
          const total = dilation[d]! * (kernelSize[d]! - 1);
          const left = Math.floor(total / 2);
          const i = n - 1 - d;
          this._reversedPaddingRepeatedTwice[2 * i] = left;
          this._reversedPaddingRepeatedTwice[2 * i + 1] = total - left;
        }
      }
    } else {
      this._reversedPaddingRepeatedTwice = [...padding].reverse().flatMap((p) => [p, p]);
    }
    const factory = factoryOptions({ device, dtype });
    const shape = transposed ? [inChannels, outChannels / groups, ...kernelSize] : [outChannels, inChannels / groups, ...kernelSize];
    this.weight = ownedParameter(empty(shape, factory));
    if (bias) this.bias = ownedParameter(empty([outChannels], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** kaiming_uniform_(weight, a=√5); bias uniform in ±1/√fan_in, as PyTorch. */
  resetParameters(): void {
    noGrad(() => {
      if (!this.weight.isContiguous()) {
        // As PyTorch: initialize a contiguous copy (e.g. of a channels_last weight), so the draws land where Python's do.
        const temp = emptyLike(this.weight, { memoryFormat: contiguousFormat });
        init.kaimingUniform_(temp, { a: Math.sqrt(5) });
        this.weight.copy_(temp);
      } else {
        init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
      }
      if (this.bias !== null) {
        const [fanIn] = init.calculateFanInAndFanOut(this.weight);
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        init.uniform_(this.bias, -bound, bound);
      }
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}`;
    const p = this.padding;
    if (typeof p === 'string' || p.some((v) => v !== 0)) s += `, padding=${pyStr(p)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyStr(this.dilation)}`;
    if (this.outputPadding.some((v) => v !== 0)) s += `, output_padding=${pyStr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

const convParams = { inChannels: REQUIRED, outChannels: REQUIRED, kernelSize: REQUIRED, stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, paddingMode: 'zeros', device: null, dtype: null };
const convTransposeParams = { inChannels: REQUIRED, outChannels: REQUIRED, kernelSize: REQUIRED, stride: 1, padding: 0, outputPadding: 0, groups: 1, bias: true, dilation: 1, paddingMode: 'zeros', device: null, dtype: null };
const CONV_SIGNATURES: Record<string, Signature> = {};
const convSignature = (name: string, params: Record<string, unknown>): Signature => (CONV_SIGNATURES[name] ??= signature(name, params));

/** Conv1d/2d/3d: an n-d convolution with every padding mode, 'same'/'valid' padding, groups and dilation. */
abstract class ConvNd extends _ConvNd {
  constructor(n: number, name: string, args: unknown[]) {
    const [inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode, device, dtype] = bind(convSignature(name, convParams), args) as
      [number, number, IntOrList, IntOrList, IntOrList | string, IntOrList, number, boolean, string, unknown, unknown];
    super(inChannels, outChannels, ntuple(kernelSize, n), ntuple(stride, n), typeof padding === 'string' ? padding : ntuple(padding, n),
      ntuple(dilation, n), false, ntuple(0, n), groups, bias, paddingMode, device, dtype);
  }

  /** The convolution with the given weight and bias (Python's _conv_forward). */
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    const f = conv[this.kernelSize.length]!;
    if (this.paddingMode !== 'zeros') {
      return f(F.pad(input, this._reversedPaddingRepeatedTwice, this.paddingMode), weight, bias, this.stride, 0, this.dilation, this.groups);
    }
    return f(input, weight, bias, this.stride, this.padding, this.dilation, this.groups);
  }

  override forward(input: Tensor): Tensor {
    return this._convForward(input, this.weight, this.bias);
  }
}

/** `nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None)`. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, ...args: ConvArgs);
  constructor(inChannels: number, outChannels: number, options: ConvOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(1, 'Conv1d', args); }
}
/** `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None)`. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, ...args: ConvArgs);
  constructor(inChannels: number, outChannels: number, options: ConvOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(2, 'Conv2d', args); }
}
/** `nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None)`. */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, ...args: ConvArgs);
  constructor(inChannels: number, outChannels: number, options: ConvOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(3, 'Conv3d', args); }
}

/** ConvTranspose1d/2d/3d: the gradient of a convolution, with outputPadding or an outputSize at call time. */
export abstract class _ConvTransposeNd extends _ConvNd {
  constructor(n: number, name: string, args: unknown[]) {
    const [inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, device, dtype] =
      bind(convSignature(name, convTransposeParams), args) as [number, number, IntOrList, IntOrList, IntOrList, IntOrList, number, boolean, IntOrList, string, unknown, unknown];
    if (paddingMode !== 'zeros') throw new RangeError(`${name}: Only "zeros" padding mode is supported for ${name}`);
    super(inChannels, outChannels, ntuple(kernelSize, n), ntuple(stride, n), ntuple(padding as IntOrList, n), ntuple(dilation, n), true,
      ntuple(outputPadding, n), groups, bias, paddingMode, device, dtype);
  }

  /** The output padding that gives `outputSize` (Python's _output_padding), or the layer's own. */
  _outputPadding(input: Tensor, outputSize: readonly number[] | null, stride: number[], padding: number[], kernelSize: number[], numSpatialDims: number, dilation: number[] | null = null): number[] {
    if (outputSize === null) return this.outputPadding;
    const hasBatchDim = input.dim() === numSpatialDims + 2;
    const nonSpatial = hasBatchDim ? 2 : 1;
    let size = [...outputSize];
    if (size.length === nonSpatial + numSpatialDims) size = size.slice(nonSpatial);
    if (size.length !== numSpatialDims) {
      throw new RangeError(`ConvTranspose${numSpatialDims}D: for ${input.dim()}D input, output_size must have ${numSpatialDims} or ${nonSpatial + numSpatialDims} elements (got ${size.length})`);
    }
    const minSizes: number[] = [];
    const maxSizes: number[] = [];
    for (let d = 0; d < numSpatialDims; d++) {
      const dimSize = (input.shape[d + nonSpatial]! - 1) * stride[d]! - 2 * padding[d]! + (dilation !== null ? dilation[d]! : 1) * (kernelSize[d]! - 1) + 1;
      minSizes.push(dimSize);
      maxSizes.push(dimSize + stride[d]! - 1);
    }
    size.forEach((s, i) => {
      if (s < minSizes[i]! || s > maxSizes[i]!) {
        throw new RangeError(`requested an output size of [${size.join(', ')}], but valid sizes range from [${minSizes.join(', ')}] to [${maxSizes.join(', ')}] (for an input of ${pySize(input.shape.slice(2))})`);
      }
    });
    return size.map((s, d) => s - minSizes[d]!);
  }

  /** forward(input, output_size=None): `outputSize` positionally or as `{ outputSize }`. */
  override forward(input: Tensor, outputSize: readonly number[] | null | { outputSize?: readonly number[] | null } = null): Tensor {
    const size = outputSize !== null && isOptionsObject(outputSize) ? (bind(FORWARD_SIGNATURE, [input, outputSize])[1] as number[] | null) : (outputSize as number[] | null);
    const n = this.kernelSize.length;
    const outputPadding = this._outputPadding(input, size, this.stride, this.padding as number[], this.kernelSize, n, this.dilation);
    return convTranspose[n]!(input, this.weight, this.bias, this.stride, this.padding as number[], outputPadding, this.groups, this.dilation);
  }
}
const FORWARD_SIGNATURE = signature('forward', { input: REQUIRED, outputSize: null });

/** `nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None)`. */
export class ConvTranspose1d extends _ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, ...args: ConvTransposeArgs);
  constructor(inChannels: number, outChannels: number, options: ConvTransposeOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(1, 'ConvTranspose1d', args); }
}
/** `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None)`. */
export class ConvTranspose2d extends _ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, ...args: ConvTransposeArgs);
  constructor(inChannels: number, outChannels: number, options: ConvTransposeOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(2, 'ConvTranspose2d', args); }
}
/** `nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None)`. */
export class ConvTranspose3d extends _ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, ...args: ConvTransposeArgs);
  constructor(inChannels: number, outChannels: number, options: ConvTransposeOptions & { kernelSize: IntOrList });
  constructor(...args: unknown[]) { super(3, 'ConvTranspose3d', args); }
}

// ---------------------------------------------------------------- lazy convolutions

const lazyConvParams = { outChannels: REQUIRED, kernelSize: REQUIRED, stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, paddingMode: 'zeros', device: null, dtype: null };
const lazyConvTransposeParams = { outChannels: REQUIRED, kernelSize: REQUIRED, stride: 1, padding: 0, outputPadding: 0, groups: 1, bias: true, dilation: 1, paddingMode: 'zeros', device: null, dtype: null };

// _LazyConvXdMixin: in_channels comes from the first input; until then weight/bias are uninitialized.
function makeLazy(layer: _ConvNd, outChannels: number, bias: boolean, device: unknown, dtype: unknown): void {
  const factory = factoryOptions({ device, dtype });
  layer.weight = uninitializedParameter(factory) as Parameter;
  layer.outChannels = outChannels;
  if (bias) layer.bias = uninitializedParameter(factory) as Parameter;
}
function lazyResetParameters(layer: _ConvNd, reset: () => void): void {
  if (!hasUninitializedParams(layer) && layer.inChannels !== 0) reset();
}
function lazyInitialize(layer: _ConvNd, input: Tensor): void {
  if (!hasUninitializedParams(layer)) return;
  const n = layer.kernelSize.length;
  const [unbatched, batched] = [n + 1, n + 2];
  if (input.dim() !== unbatched && input.dim() !== batched) {
    throw new Error(`Expected ${unbatched}D (unbatched) or ${batched}D (batched) input to ${layer.constructor.name}, but got input of size: ${pySize(input.shape)}`);
  }
  layer.inChannels = input.dim() === batched ? input.shape[1]! : input.shape[0]!;
  if (layer.inChannels % layer.groups !== 0) throw new RangeError(`${layer.constructor.name}: in_channels must be divisible by groups`);
  const shape = layer.transposed
    ? [layer.inChannels, layer.outChannels / layer.groups, ...layer.kernelSize]
    : [layer.outChannels, layer.inChannels / layer.groups, ...layer.kernelSize];
  (layer.weight as UninitializedParameter).materialize(shape);
  if (layer.bias !== null) (layer.bias as UninitializedParameter).materialize([layer.outChannels]);
  layer.resetParameters();
}

// Builds LazyConv{n}d / LazyConvTranspose{n}d over the eager class `Base`, which it becomes on the first call.
function lazyConvClass<B extends new (...args: any[]) => _ConvNd, A extends unknown[]>(Base: B, name: string, transposed: boolean) {
  const sig = signature(name, transposed ? lazyConvTransposeParams : lazyConvParams);
  const Lazy = class extends (Base as new (...args: any[]) => _ConvNd) {
    constructor(...args: unknown[]) {
      const v = bind(sig, args);
      const [outChannels, bias, device, dtype] = [v[0] as number, v[6] as boolean, v[v.length - 2], v[v.length - 1]];
      // PyTorch passes in_channels=0, out_channels=0 and bias=False to the eager constructor, then swaps in lazy parameters.
      const eager = transposed
        ? [0, 0, v[1], { stride: v[2], padding: v[3], outputPadding: v[4], groups: v[5], bias: false, dilation: v[7], paddingMode: v[8], device, dtype }]
        : [0, 0, v[1], { stride: v[2], padding: v[3], dilation: v[4], groups: v[5], bias: false, paddingMode: v[7], device, dtype }];
      super(...eager);
      makeLazy(this, outChannels, bias, device, dtype);
      installLazyHooks(this as unknown as _ConvNd & { initializeParameters(input: Tensor): void }, Base);
    }
    override resetParameters(): void {
      lazyResetParameters(this, () => super.resetParameters());
    }
    initializeParameters(input: Tensor): void {
      lazyInitialize(this, input);
    }
  };
  Object.defineProperty(Lazy, 'name', { value: name });
  return Lazy as unknown as new (outChannels: number, kernelSize: IntOrList, ...args: A) => InstanceType<B> & { initializeParameters(input: Tensor): void };
}

/** `nn.LazyConv1d(out_channels, kernel_size, ...)`: Conv1d with in_channels inferred from the first input. */
export const LazyConv1d = lazyConvClass<typeof Conv1d, LazyConvArgs>(Conv1d, 'LazyConv1d', false);
export type LazyConv1d = InstanceType<typeof LazyConv1d>;
/** `nn.LazyConv2d(out_channels, kernel_size, ...)`: Conv2d with in_channels inferred from the first input. */
export const LazyConv2d = lazyConvClass<typeof Conv2d, LazyConvArgs>(Conv2d, 'LazyConv2d', false);
export type LazyConv2d = InstanceType<typeof LazyConv2d>;
/** `nn.LazyConv3d(out_channels, kernel_size, ...)`: Conv3d with in_channels inferred from the first input. */
export const LazyConv3d = lazyConvClass<typeof Conv3d, LazyConvArgs>(Conv3d, 'LazyConv3d', false);
export type LazyConv3d = InstanceType<typeof LazyConv3d>;
/** `nn.LazyConvTranspose1d(out_channels, kernel_size, ...)`: ConvTranspose1d with in_channels inferred from the first input. */
export const LazyConvTranspose1d = lazyConvClass<typeof ConvTranspose1d, ConvTransposeArgs>(ConvTranspose1d, 'LazyConvTranspose1d', true);
export type LazyConvTranspose1d = InstanceType<typeof LazyConvTranspose1d>;
/** `nn.LazyConvTranspose2d(out_channels, kernel_size, ...)`: ConvTranspose2d with in_channels inferred from the first input. */
export const LazyConvTranspose2d = lazyConvClass<typeof ConvTranspose2d, ConvTransposeArgs>(ConvTranspose2d, 'LazyConvTranspose2d', true);
export type LazyConvTranspose2d = InstanceType<typeof LazyConvTranspose2d>;
/** `nn.LazyConvTranspose3d(out_channels, kernel_size, ...)`: ConvTranspose3d with in_channels inferred from the first input. */
export const LazyConvTranspose3d = lazyConvClass<typeof ConvTranspose3d, ConvTransposeArgs>(ConvTranspose3d, 'LazyConvTranspose3d', true);
export type LazyConvTranspose3d = InstanceType<typeof LazyConvTranspose3d>;

declareForward([Conv1d, Conv2d, Conv3d], ['input']); // the lazy classes extend these, and keep their forward
declareForward([ConvTranspose1d, ConvTranspose2d, ConvTranspose3d], ['input'], ['outputSize']);
