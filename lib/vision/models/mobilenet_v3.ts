// torchvision.models.mobilenetv3: MobileNetV3 Large and Small (Howard et al., 2019), with torchvision's
// module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { Conv2dNormActivation, makeDivisible, SqueezeExcitation, type NormLayerFactory } from '../ops/misc.js';
import { initMobileNet } from './mobilenet_v2.js';
import { loadWeights, resolveWeights, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;

/** One bottleneck of the tables: channels scaled by the width multiplier and rounded to multiples of 8. */
export interface InvertedResidualConfig {
  inputChannels: number; kernel: number; expandedChannels: number; outChannels: number;
  useSe: boolean; useHs: boolean; stride: number; dilation: number;
}
const adjust = (channels: number, widthMult: number): number => makeDivisible(channels * widthMult, 8);
function bneck(widthMult: number, input: number, kernel: number, expanded: number, out: number, useSe: boolean, activation: 'RE' | 'HS', stride: number, dilation: number): InvertedResidualConfig {
  return {
    inputChannels: adjust(input, widthMult), kernel, expandedChannels: adjust(expanded, widthMult), outChannels: adjust(out, widthMult),
    useSe, useHs: activation === 'HS', stride, dilation,
  };
}

/** Expansion, depthwise convolution, optional squeeze-and-excitation (hard sigmoid gate) and projection, with a skip when shapes allow. */
class InvertedResidual extends nn.Module {
  declare block: torch.nn.Sequential;
  readonly useResConnect: boolean;
  readonly outChannels: number;
  constructor(cnf: InvertedResidualConfig, normLayer: NormLayerFactory) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const activationLayer = cnf.useHs ? (i: boolean) => new nn.Hardswish(i) : (i: boolean) => new nn.ReLU(i);
    const layers: torch.nn.Module[] = [];
    if (cnf.expandedChannels !== cnf.inputChannels)
      layers.push(new Conv2dNormActivation(cnf.inputChannels, cnf.expandedChannels, { kernelSize: 1, normLayer, activationLayer }));
    layers.push(new Conv2dNormActivation(cnf.expandedChannels, cnf.expandedChannels, {
      kernelSize: cnf.kernel, stride: cnf.dilation > 1 ? 1 : cnf.stride, dilation: cnf.dilation, groups: cnf.expandedChannels, normLayer, activationLayer,
    }));
    if (cnf.useSe) layers.push(new SqueezeExcitation(cnf.expandedChannels, makeDivisible(Math.floor(cnf.expandedChannels / 4), 8), () => new nn.ReLU(), () => new nn.Hardsigmoid()));
    layers.push(new Conv2dNormActivation(cnf.expandedChannels, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }));
    this.block = new nn.Sequential(...layers);
    this.outChannels = cnf.outChannels;
  }
  override forward(input: Tensor): Tensor {
    const result = this.block.call(input) as Tensor;
    return this.useResConnect ? result.add_(input) : result;
  }
}

export interface MobileNetV3Options { numClasses?: number; normLayer?: NormLayerFactory | null; dropout?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** torchvision's MobileNetV3: `features` (stem, bottlenecks, 1x1 to 6x), average pool, and a Hardswish + dropout classifier. */
export class MobileNetV3 extends nn.Module {
  declare features: torch.nn.Sequential; declare avgpool: torch.nn.AdaptiveAvgPool2d; declare classifier: torch.nn.Sequential;
  constructor(setting: readonly InvertedResidualConfig[], lastChannel: number, options: MobileNetV3Options = {}) {
    super();
    const o = readOptions('MobileNetV3', options, ['numClasses', 'normLayer', 'dropout', 'weights', 'progress']) as MobileNetV3Options;
    const { numClasses = 1000, dropout = 0.2 } = o;
    if (!Array.isArray(setting) || setting.length === 0) throw new RangeError('The inverted_residual_setting should not be empty');
    const normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.01 }));
    const hardswish = (i: boolean) => new nn.Hardswish(i);
    const layers: torch.nn.Module[] = [new Conv2dNormActivation(3, setting[0]!.inputChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer: hardswish })];
    for (const cnf of setting) layers.push(new InvertedResidual(cnf, normLayer));
    const lastIn = setting[setting.length - 1]!.outChannels;
    layers.push(new Conv2dNormActivation(lastIn, 6 * lastIn, { kernelSize: 1, normLayer, activationLayer: hardswish }));
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.classifier = new nn.Sequential(
      new nn.Linear(6 * lastIn, lastChannel), new nn.Hardswish(true), new nn.Dropout(dropout, true), new nn.Linear(lastChannel, numClasses),
    );
    initMobileNet(this);
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call(torch.flatten(this.avgpool.call(this.features.call(x) as Tensor), 1)) as Tensor;
  }
}

export interface MobileNetV3ArchOptions extends MobileNetV3Options { widthMult?: number; reducedTail?: boolean; dilated?: boolean }

/** The bottleneck tables of the paper (Tables 1 and 2) and the last channel count, as torchvision's _mobilenet_v3_conf. */
export function mobileNetV3Config(arch: 'mobilenet_v3_large' | 'mobilenet_v3_small', widthMult = 1.0, reducedTail = false, dilated = false): [InvertedResidualConfig[], number] {
  const r = reducedTail ? 2 : 1;
  const d = dilated ? 2 : 1;
  const b = (...a: [number, number, number, number, boolean, 'RE' | 'HS', number, number]) => bneck(widthMult, ...a);
  const q = (n: number): number => Math.floor(n / r);
  if (arch === 'mobilenet_v3_large') {
    return [[
      b(16, 3, 16, 16, false, 'RE', 1, 1), b(16, 3, 64, 24, false, 'RE', 2, 1), b(24, 3, 72, 24, false, 'RE', 1, 1),
      b(24, 5, 72, 40, true, 'RE', 2, 1), b(40, 5, 120, 40, true, 'RE', 1, 1), b(40, 5, 120, 40, true, 'RE', 1, 1),
      b(40, 3, 240, 80, false, 'HS', 2, 1), b(80, 3, 200, 80, false, 'HS', 1, 1), b(80, 3, 184, 80, false, 'HS', 1, 1),
      b(80, 3, 184, 80, false, 'HS', 1, 1), b(80, 3, 480, 112, true, 'HS', 1, 1), b(112, 3, 672, 112, true, 'HS', 1, 1),
      b(112, 5, 672, q(160), true, 'HS', 2, d), b(q(160), 5, q(960), q(160), true, 'HS', 1, d), b(q(160), 5, q(960), q(160), true, 'HS', 1, d),
    ], adjust(q(1280), widthMult)];
  }
  if (arch === 'mobilenet_v3_small') {
    return [[
      b(16, 3, 16, 16, true, 'RE', 2, 1), b(16, 3, 72, 24, false, 'RE', 2, 1), b(24, 3, 88, 24, false, 'RE', 1, 1),
      b(24, 5, 96, 40, true, 'HS', 2, 1), b(40, 5, 240, 40, true, 'HS', 1, 1), b(40, 5, 240, 40, true, 'HS', 1, 1),
      b(40, 5, 120, 48, true, 'HS', 1, 1), b(48, 5, 144, 48, true, 'HS', 1, 1),
      b(48, 5, 288, q(96), true, 'HS', 2, d), b(q(96), 5, q(576), q(96), true, 'HS', 1, d), b(q(96), 5, q(576), q(96), true, 'HS', 1, d),
    ], adjust(q(1024), widthMult)];
  }
  throw new RangeError(`Unsupported model type ${String(arch)}`);
}

function build(arch: 'mobilenet_v3_large' | 'mobilenet_v3_small', options: MobileNetV3ArchOptions): MobileNetV3 {
  const { widthMult = 1.0, reducedTail = false, dilated = false, ...rest } = options;
  const [setting, lastChannel] = mobileNetV3Config(arch, widthMult, reducedTail, dilated);
  return new MobileNetV3(setting, lastChannel, rest);
}
/** MobileNetV3 Large */
export const mobilenet_v3_large = (options: MobileNetV3ArchOptions = {}): MobileNetV3 => build('mobilenet_v3_large', resolveWeights(W.MobileNet_V3_Large_Weights, options));
/** MobileNetV3 Small */
export const mobilenet_v3_small = (options: MobileNetV3ArchOptions = {}): MobileNetV3 => build('mobilenet_v3_small', resolveWeights(W.MobileNet_V3_Small_Weights, options));
