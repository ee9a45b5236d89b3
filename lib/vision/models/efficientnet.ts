// torchvision.models.efficientnet: EfficientNet B0-B7 (Tan and Le, 2019) and EfficientNetV2 S/M/L (Tan
// and Le, 2021), with torchvision's module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { Conv2dNormActivation, makeDivisible, SqueezeExcitation, type NormLayerFactory } from '../ops/misc.js';
import { StochasticDepth } from '../ops/stochastic_depth.js';
import { initMobileNet } from './mobilenet_v2.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
const silu = (inplace: boolean): torch.nn.Module => new nn.SiLU(inplace);

/** One stage of the tables: `numLayers` blocks of one kind; channels already scaled and rounded. */
export interface MBConvConfig {
  kind: 'MBConv' | 'FusedMBConv'; expandRatio: number; kernel: number; stride: number; inputChannels: number; outChannels: number; numLayers: number;
}
const adjustChannels = (channels: number, widthMult: number, minValue: number | null = null): number => makeDivisible(channels * widthMult, 8, minValue);

/** What MBConv and FusedMBConv share: the stride check, `block`, and stochastic depth on the residual branch. */
abstract class StochasticResidualBlock extends nn.Module {
  declare block: torch.nn.Sequential; declare stochastic_depth: StochasticDepth;
  readonly useResConnect: boolean;
  readonly outChannels: number;
  constructor(cnf: MBConvConfig, stochasticDepthProb: number, layers: (expanded: number) => torch.nn.Module[]) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    this.block = new nn.Sequential(...layers(adjustChannels(cnf.inputChannels, cnf.expandRatio)));
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.outChannels = cnf.outChannels;
  }
  override forward(input: Tensor): Tensor {
    const result = this.block.call(input) as Tensor;
    return this.useResConnect ? (this.stochastic_depth.call(result) as Tensor).add_(input) : result;
  }
}

/** Inverted residual with squeeze-and-excitation (SiLU): 1x1 expansion, depthwise KxK, SE, 1x1 projection. */
class MBConv extends StochasticResidualBlock {
  constructor(cnf: MBConvConfig, stochasticDepthProb: number, normLayer: NormLayerFactory) {
    super(cnf, stochasticDepthProb, (expanded) => [
      ...(expanded !== cnf.inputChannels ? [new Conv2dNormActivation(cnf.inputChannels, expanded, { kernelSize: 1, normLayer, activationLayer: silu })] : []),
      new Conv2dNormActivation(expanded, expanded, { kernelSize: cnf.kernel, stride: cnf.stride, groups: expanded, normLayer, activationLayer: silu }),
      new SqueezeExcitation(expanded, Math.max(1, Math.floor(cnf.inputChannels / 4)), () => new nn.SiLU(true)),
      new Conv2dNormActivation(expanded, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }),
    ]);
  }
}

/** EfficientNetV2's fused block: one full KxK convolution instead of the 1x1 expansion and depthwise pair, no SE. */
class FusedMBConv extends StochasticResidualBlock {
  constructor(cnf: MBConvConfig, stochasticDepthProb: number, normLayer: NormLayerFactory) {
    super(cnf, stochasticDepthProb, (expanded) => (expanded !== cnf.inputChannels
      ? [
        new Conv2dNormActivation(cnf.inputChannels, expanded, { kernelSize: cnf.kernel, stride: cnf.stride, normLayer, activationLayer: silu }),
        new Conv2dNormActivation(expanded, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }),
      ]
      : [new Conv2dNormActivation(cnf.inputChannels, cnf.outChannels, { kernelSize: cnf.kernel, stride: cnf.stride, normLayer, activationLayer: silu })]));
  }
}

export interface EfficientNetOptions {
  numClasses?: number; dropout?: number; stochasticDepthProb?: number; normLayer?: NormLayerFactory | null; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}

/** torchvision's EfficientNet: stem, one Sequential per stage, 1x1 head convolution, pooling and a dropout + linear classifier. */
export class EfficientNet extends nn.Module {
  declare features: torch.nn.Sequential; declare avgpool: torch.nn.AdaptiveAvgPool2d; declare classifier: torch.nn.Sequential;
  constructor(setting: readonly MBConvConfig[], dropout: number, options: EfficientNetOptions & { lastChannel?: number | null } = {}) {
    super();
    const o = readOptions('EfficientNet', options, ['numClasses', 'dropout', 'stochasticDepthProb', 'normLayer', 'weights', 'progress', 'lastChannel']) as EfficientNetOptions & { lastChannel?: number | null };
    const { numClasses = 1000, stochasticDepthProb = 0.2 } = o;
    if (!Array.isArray(setting) || setting.length === 0) throw new RangeError('The inverted_residual_setting should not be empty');
    const normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c));
    const layers: torch.nn.Module[] = [new Conv2dNormActivation(3, setting[0]!.inputChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer: silu })];
    const totalBlocks = setting.reduce((n, c) => n + c.numLayers, 0);
    let blockId = 0;
    for (const cnf of setting) {
      const stage: torch.nn.Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        const blockCnf = i === 0 ? cnf : { ...cnf, inputChannels: cnf.outChannels, stride: 1 };
        const sdProb = (stochasticDepthProb * blockId) / totalBlocks; // later blocks are dropped more often
        stage.push(cnf.kind === 'MBConv' ? new MBConv(blockCnf, sdProb, normLayer) : new FusedMBConv(blockCnf, sdProb, normLayer));
        blockId++;
      }
      layers.push(new nn.Sequential(...stage));
    }
    const lastIn = setting[setting.length - 1]!.outChannels;
    const lastOut = o.lastChannel ?? 4 * lastIn;
    layers.push(new Conv2dNormActivation(lastIn, lastOut, { kernelSize: 1, normLayer, activationLayer: silu }));
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.classifier = new nn.Sequential(new nn.Dropout(dropout, true), new nn.Linear(lastOut, numClasses));
    initMobileNet(this, (w, outFeatures) => nn.init.uniform_(w, -1.0 / Math.sqrt(outFeatures), 1.0 / Math.sqrt(outFeatures)));
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call(torch.flatten(this.avgpool.call(this.features.call(x) as Tensor), 1)) as Tensor;
  }
}

type Arch = 'efficientnet_b' | 'efficientnet_v2_s' | 'efficientnet_v2_m' | 'efficientnet_v2_l';
/** The stage tables of the papers, as torchvision's _efficientnet_conf: [configs, last channel (null: 4x the last stage)]. */
export function efficientNetConfig(arch: Arch, widthMult = 1.0, depthMult = 1.0): [MBConvConfig[], number | null] {
  const mb = (expandRatio: number, kernel: number, stride: number, input: number, out: number, layers: number): MBConvConfig => ({
    kind: 'MBConv', expandRatio, kernel, stride, inputChannels: adjustChannels(input, widthMult), outChannels: adjustChannels(out, widthMult),
    numLayers: Math.ceil(layers * depthMult),
  });
  const fused = (expandRatio: number, kernel: number, stride: number, input: number, out: number, layers: number): MBConvConfig => ({
    kind: 'FusedMBConv', expandRatio, kernel, stride, inputChannels: input, outChannels: out, numLayers: layers,
  });
  switch (arch) {
    case 'efficientnet_b':
      return [[mb(1, 3, 1, 32, 16, 1), mb(6, 3, 2, 16, 24, 2), mb(6, 5, 2, 24, 40, 2), mb(6, 3, 2, 40, 80, 3), mb(6, 5, 1, 80, 112, 3), mb(6, 5, 2, 112, 192, 4), mb(6, 3, 1, 192, 320, 1)], null];
    case 'efficientnet_v2_s':
      return [[fused(1, 3, 1, 24, 24, 2), fused(4, 3, 2, 24, 48, 4), fused(4, 3, 2, 48, 64, 4), mb(4, 3, 2, 64, 128, 6), mb(6, 3, 1, 128, 160, 9), mb(6, 3, 2, 160, 256, 15)], 1280];
    case 'efficientnet_v2_m':
      return [[fused(1, 3, 1, 24, 24, 3), fused(4, 3, 2, 24, 48, 5), fused(4, 3, 2, 48, 80, 5), mb(4, 3, 2, 80, 160, 7), mb(6, 3, 1, 160, 176, 14), mb(6, 3, 2, 176, 304, 18), mb(6, 3, 1, 304, 512, 5)], 1280];
    case 'efficientnet_v2_l':
      return [[fused(1, 3, 1, 32, 32, 4), fused(4, 3, 2, 32, 64, 7), fused(4, 3, 2, 64, 96, 7), mb(4, 3, 2, 96, 192, 10), mb(6, 3, 1, 192, 224, 19), mb(6, 3, 2, 224, 384, 25), mb(6, 3, 1, 384, 640, 7)], 1280];
    default:
      throw new RangeError(`Unsupported model type ${String(arch)}`);
  }
}

// [width, depth, default dropout, norm eps/momentum (null: BatchNorm2d's defaults)] of each variant, as torchvision builds them.
const bnEps3Mom = (c: number): torch.nn.Module => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.01 });
const bnEps3 = (c: number): torch.nn.Module => new nn.BatchNorm2d(c, { eps: 1e-3 });
function variant(arch: Arch, width: number, depth: number, dropout: number, normLayer: NormLayerFactory | null, weights: AnyWeightsEnum) {
  return (options: EfficientNetOptions = {}): EfficientNet => {
    const [setting, lastChannel] = efficientNetConfig(arch, width, depth);
    const { dropout: d = dropout, ...rest } = resolveWeights(weights, options);
    return new EfficientNet(setting, d, { normLayer, ...rest, lastChannel });
  };
}
/** EfficientNet-B0 */
export const efficientnet_b0 = variant('efficientnet_b', 1.0, 1.0, 0.2, null, W.EfficientNet_B0_Weights);
export const efficientnet_b1 = variant('efficientnet_b', 1.0, 1.1, 0.2, null, W.EfficientNet_B1_Weights);
export const efficientnet_b2 = variant('efficientnet_b', 1.1, 1.2, 0.3, null, W.EfficientNet_B2_Weights);
export const efficientnet_b3 = variant('efficientnet_b', 1.2, 1.4, 0.3, null, W.EfficientNet_B3_Weights);
export const efficientnet_b4 = variant('efficientnet_b', 1.4, 1.8, 0.4, null, W.EfficientNet_B4_Weights);
export const efficientnet_b5 = variant('efficientnet_b', 1.6, 2.2, 0.4, bnEps3Mom, W.EfficientNet_B5_Weights);
export const efficientnet_b6 = variant('efficientnet_b', 1.8, 2.6, 0.5, bnEps3Mom, W.EfficientNet_B6_Weights);
export const efficientnet_b7 = variant('efficientnet_b', 2.0, 3.1, 0.5, bnEps3Mom, W.EfficientNet_B7_Weights);
/** EfficientNetV2-S */
export const efficientnet_v2_s = variant('efficientnet_v2_s', 1.0, 1.0, 0.2, bnEps3, W.EfficientNet_V2_S_Weights);
export const efficientnet_v2_m = variant('efficientnet_v2_m', 1.0, 1.0, 0.3, bnEps3, W.EfficientNet_V2_M_Weights);
export const efficientnet_v2_l = variant('efficientnet_v2_l', 1.0, 1.0, 0.4, bnEps3, W.EfficientNet_V2_L_Weights);
