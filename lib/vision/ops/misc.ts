// torchvision.ops.misc: the building blocks torchvision's models share.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { ConvNormActivation, type ConvNormActivationArgs, type ConvNormActivationOptions } from './conv_norm_activation.js';

const { nn } = torch;
type Module = torch.nn.Module;
/** A normalization layer for `channels` features (torchvision passes a class or a partial). */
export type NormLayerFactory = (channels: number) => Module;
/** An activation layer, in place or not (torchvision passes a class and `inplace=True`). */
export type ActivationFactory = (inplace: boolean) => Module;

/** The keyword arguments of Conv2dNormActivation after in_channels and out_channels (ints or per-dimension pairs). */
export type Conv2dNormActivationOptions = ConvNormActivationOptions;

/** Convolution, normalization (BatchNorm2d by default) and activation (ReLU) as one Sequential (torchvision.ops.Conv2dNormActivation); "same" padding by default. */
export class Conv2dNormActivation extends ConvNormActivation {
  constructor(inChannels: number, outChannels: number, ...args: ConvNormActivationArgs) {
    super(2, [inChannels, outChannels, ...args]);
  }
}

/** Squeeze-and-excitation (Hu et al., 2018): channels scaled by a gate computed from their global average. */
export class SqueezeExcitation extends nn.Module {
  declare avgpool: torch.nn.AdaptiveAvgPool2d; declare fc1: torch.nn.Conv2d; declare fc2: torch.nn.Conv2d;
  declare activation: Module; declare scale_activation: Module;
  constructor(inputChannels: number, squeezeChannels: number, activation: () => Module = () => new nn.ReLU(), scaleActivation: () => Module = () => new nn.Sigmoid()) {
    super();
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc1 = new nn.Conv2d(inputChannels, squeezeChannels, 1);
    this.fc2 = new nn.Conv2d(squeezeChannels, inputChannels, 1);
    this.activation = activation();
    this.scale_activation = scaleActivation();
  }
  override forward(input: Tensor): Tensor {
    const scale = this.scale_activation.call(this.fc2.call(this.activation.call(this.fc1.call(this.avgpool.call(input))))) as Tensor;
    return scale.mul(input);
  }
}

/** torchvision's _make_divisible: `v` rounded to a multiple of `divisor`, at least `minValue`, not more than 10 % below `v`. */
export function makeDivisible(v: number, divisor: number, minValue: number | null = null): number {
  const min = minValue ?? divisor;
  let newV = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

export interface MLPOptions { normLayer?: NormLayerFactory | null; activationLayer?: ActivationFactory; inplace?: boolean | null; bias?: boolean; dropout?: number }

/** Linear layers (with norm, activation and dropout between them) as one Sequential (torchvision.ops.MLP). */
export class MLP extends nn.Sequential {
  constructor(inChannels: number, hiddenChannels: readonly number[], options: MLPOptions = {}) {
    const { normLayer = null, inplace = null, bias = true, dropout = 0.0 } = options;
    const activationLayer = options.activationLayer ?? ((i: boolean) => new nn.ReLU(i));
    if (hiddenChannels.length === 0) throw new RangeError('MLP: hidden_channels must name at least one layer');
    const layers: Module[] = [];
    let inDim = inChannels;
    for (const hidden of hiddenChannels.slice(0, -1)) {
      layers.push(new nn.Linear(inDim, hidden, { bias }));
      if (normLayer !== null) layers.push(normLayer(hidden));
      layers.push(activationLayer(inplace ?? false), new nn.Dropout(dropout, inplace ?? false));
      inDim = hidden;
    }
    layers.push(new nn.Linear(inDim, hiddenChannels[hiddenChannels.length - 1]!, { bias }), new nn.Dropout(dropout, inplace ?? false));
    super(...layers);
  }
}

/** A view with its dimensions permuted, as a module (torchvision.ops.Permute). */
export class Permute extends nn.Module {
  constructor(readonly dims: readonly number[]) { super(); }
  override forward(x: Tensor): Tensor { return x.permute(...this.dims); }
}
