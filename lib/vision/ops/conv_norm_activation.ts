// torchvision.ops.misc.ConvNormActivation (0.28): a convolution, a normalization and an activation as
// one Sequential, written once for the 2-D and 3-D forms (Conv3dNormActivation here; Conv2dNormActivation
// in misc.ts can extend the same base). A file of its own so that misc.ts can import it without a cycle.
import * as torch from '../../index.js';
import { bind, ntuple, REQUIRED, signature, type PyArgs, type Signature } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import type { ActivationFactory, NormLayerFactory } from './misc.js';

type Module = torch.nn.Module;
/** An int for every dimension, or one per dimension (Python's Union[int, tuple[int, ...]]). */
type Size = number | readonly number[];

/** The keyword arguments of Conv2dNormActivation / Conv3dNormActivation after in_channels and out_channels. */
export interface ConvNormActivationOptions {
  kernelSize?: Size; stride?: Size; padding?: Size | 'same' | 'valid' | null; groups?: number;
  normLayer?: NormLayerFactory | null; activationLayer?: ActivationFactory | null; dilation?: Size;
  inplace?: boolean | null; bias?: boolean | null;
}
/** Python's positional order after in_channels and out_channels, then the keyword options. */
export type ConvNormActivationArgs = PyArgs<[kernelSize: Size, stride: Size, padding: Size | 'same' | 'valid' | null, groups: number,
  normLayer: NormLayerFactory | null, activationLayer: ActivationFactory | null, dilation: Size, inplace: boolean | null, bias: boolean | null], ConvNormActivationOptions>;

// "The class's default": BatchNorm2d or BatchNorm3d, resolved per dimension (null means no layer).
const DEFAULT_NORM: unique symbol = Symbol('BatchNormNd');
const params = (): Record<string, unknown> => ({
  inChannels: REQUIRED, outChannels: REQUIRED, kernelSize: 3, stride: 1, padding: null, groups: 1,
  normLayer: DEFAULT_NORM, activationLayer: (inplace: boolean) => new torch.nn.ReLU(inplace), dilation: 1, inplace: true, bias: null,
});
const SIGNATURES: Record<2 | 3, Signature> = {
  2: signature('Conv2dNormActivation', params()),
  3: signature('Conv3dNormActivation', params()),
};

function checkFactory(fn: string, name: string, v: unknown): asserts v is ((arg: never) => Module) | null {
  if (v !== null && typeof v !== 'function') throw new TypeError(`${fn}: ${name} must be a function that makes a module, or null, got ${describe(v)}`);
}

function checkOptionalBool(fn: string, name: string, v: unknown): asserts v is boolean | null {
  if (v !== null && typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean or null, got ${describe(v)}`);
}

/** The layers of ConvNormActivation.__init__ for a `dims`-D convolution, and out_channels. */
function buildLayers(dims: 2 | 3, args: readonly unknown[]): [Module[], number] {
  const sig = SIGNATURES[dims];
  const [inChannels, outArg, kernelSize, stride, given, groups, norm, activationLayer, dilation, inplace, biasArg] = bind(sig, args);
  checkFactory(sig.fn, 'normLayer', norm === DEFAULT_NORM ? null : norm);
  checkFactory(sig.fn, 'activationLayer', activationLayer);
  checkOptionalBool(sig.fn, 'inplace', inplace);
  checkOptionalBool(sig.fn, 'bias', biasArg);
  for (const [name, v] of [['inChannels', inChannels], ['outChannels', outArg]] as const)
    if (!Number.isInteger(v) || (v as number) < 1) throw new TypeError(`${sig.fn}: ${name} must be a positive int, got ${typeof v === 'number' ? v : describe(v)}`);
  const outChannels = outArg as number;
  const { nn } = torch;
  const normLayer = norm !== DEFAULT_NORM ? (norm as NormLayerFactory | null)
    : dims === 2 ? (c: number) => new nn.BatchNorm2d(c) : (c: number) => new nn.BatchNorm3d(c);
  let padding = given as Size | string | null;
  if (padding === null) {
    // "same" padding for odd kernels: one int when kernel and dilation are ints, else one per dimension
    if (typeof kernelSize === 'number' && typeof dilation === 'number') padding = Math.floor((kernelSize - 1) / 2) * dilation;
    else {
      const n = Array.isArray(kernelSize) ? kernelSize.length : Array.isArray(dilation) ? dilation.length : dims;
      const k = ntuple(kernelSize, n);
      const d = ntuple(dilation, n);
      padding = k.map((ki, i) => Math.floor((ki - 1) / 2) * d[i]!);
    }
  }
  const bias = biasArg ?? normLayer === null;
  const Conv = dims === 2 ? nn.Conv2d : nn.Conv3d;
  const layers: Module[] = [new Conv(inChannels as number, outChannels, kernelSize as Size, { stride: stride as Size, padding: padding as Size, dilation: dilation as Size, groups: groups as number, bias })];
  if (normLayer !== null) layers.push(normLayer(outChannels));
  // Python calls activation_layer() when inplace is None: the layer's own default, false for every torch activation
  if (activationLayer !== null) layers.push((activationLayer as ActivationFactory)(inplace ?? false));
  return [layers, outChannels];
}

/**
 * torchvision's ConvNormActivation: the base of Conv2dNormActivation and Conv3dNormActivation (Python warns
 * when it is built directly, so its constructor is protected). "Same" padding by default; a bias only
 * without a norm layer, unless `bias` says otherwise.
 */
export class ConvNormActivation extends torch.nn.Sequential {
  readonly outChannels: number;
  /** `dims`: 2 for Conv2d + BatchNorm2d, 3 for Conv3d + BatchNorm3d; `args`: the subclass's arguments, in_channels first. */
  protected constructor(dims: 2 | 3, args: readonly unknown[]) {
    const [layers, outChannels] = buildLayers(dims, args);
    super(...layers);
    this.outChannels = outChannels;
  }
}

/** Conv3d, normalization (BatchNorm3d by default) and activation (ReLU) as one Sequential (torchvision.ops.Conv3dNormActivation). */
export class Conv3dNormActivation extends ConvNormActivation {
  constructor(inChannels: number, outChannels: number, ...args: ConvNormActivationArgs) {
    super(3, [inChannels, outChannels, ...args]);
  }
}
