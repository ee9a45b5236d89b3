// torchvision.models.mobilenetv2: MobileNetV2 (Sandler et al., 2018), with torchvision's module names,
// construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { Conv2dNormActivation, makeDivisible, type NormLayerFactory } from '../ops/misc.js';
import { loadWeights, resolveWeights, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
const relu6 = (inplace: boolean): torch.nn.Module => new nn.ReLU6(inplace);

/** Expansion (1x1), depthwise 3x3 and linear projection (1x1), with a skip connection when shapes allow. */
class InvertedResidual extends nn.Module {
  declare conv: torch.nn.Sequential;
  readonly stride: number;
  readonly useResConnect: boolean;
  readonly outChannels: number;
  constructor(inp: number, oup: number, stride: number, expandRatio: number, normLayer: NormLayerFactory) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`stride should be 1 or 2 instead of ${stride}`);
    this.stride = stride;
    const hidden = Math.round(inp * expandRatio); // whole here, so Python's round() agrees
    this.useResConnect = stride === 1 && inp === oup;
    const layers: torch.nn.Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1, normLayer, activationLayer: relu6 }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, normLayer, activationLayer: relu6 }),
      new nn.Conv2d(hidden, oup, 1, { stride: 1, padding: 0, bias: false }),
      normLayer(oup),
    );
    this.conv = new nn.Sequential(...layers);
    this.outChannels = oup;
  }
  override forward(x: Tensor): Tensor {
    const out = this.conv.call(x) as Tensor;
    return this.useResConnect ? x.add(out) : out;
  }
}

/** [expansion t, channels c, repeats n, first stride s] of each stage, from the paper's Table 2. */
const DEFAULT_SETTING: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export interface MobileNetV2Options {
  numClasses?: number; widthMult?: number; invertedResidualSetting?: readonly (readonly number[])[] | null; roundNearest?: number;
  normLayer?: NormLayerFactory | null; dropout?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}

/** torchvision's MobileNetV2: `features` (stem, 17 inverted residuals, 1x1 to 1280) and a dropout + linear classifier. */
export class MobileNetV2 extends nn.Module {
  declare features: torch.nn.Sequential; declare classifier: torch.nn.Sequential;
  readonly lastChannel: number;
  constructor(options: MobileNetV2Options = {}) {
    super();
    const o = readOptions('MobileNetV2', options, ['numClasses', 'widthMult', 'invertedResidualSetting', 'roundNearest', 'normLayer', 'dropout', 'weights', 'progress']) as MobileNetV2Options;
    const { numClasses = 1000, widthMult = 1.0, roundNearest = 8, dropout = 0.2 } = o;
    const normLayer = o.normLayer ?? ((c: number) => new nn.BatchNorm2d(c));
    const setting = o.invertedResidualSetting ?? DEFAULT_SETTING;
    if (setting.length === 0 || setting[0]!.length !== 4)
      throw new RangeError(`inverted_residual_setting should be non-empty or a 4-element list, got ${JSON.stringify(setting)}`);
    let inputChannel = makeDivisible(32 * widthMult, roundNearest);
    this.lastChannel = makeDivisible(1280 * Math.max(1.0, widthMult), roundNearest);
    const features: torch.nn.Module[] = [new Conv2dNormActivation(3, inputChannel, { stride: 2, normLayer, activationLayer: relu6 })];
    for (const [t, c, n, s] of setting as number[][]) {
      const outputChannel = makeDivisible(c! * widthMult, roundNearest);
      for (let i = 0; i < n!; i++) {
        features.push(new InvertedResidual(inputChannel, outputChannel, i === 0 ? s! : 1, t!, normLayer));
        inputChannel = outputChannel;
      }
    }
    features.push(new Conv2dNormActivation(inputChannel, this.lastChannel, { kernelSize: 1, normLayer, activationLayer: relu6 }));
    this.features = new nn.Sequential(...features);
    this.classifier = new nn.Sequential(new nn.Dropout(dropout), new nn.Linear(this.lastChannel, numClasses));
    initMobileNet(this);
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true);
  }
  override forward(x: Tensor): Tensor {
    const pooled = nn.functional.adaptiveAvgPool2d(this.features.call(x) as Tensor, [1, 1]);
    return this.classifier.call(torch.flatten(pooled, 1)) as Tensor;
  }
}

/**
 * The MobileNets' and EfficientNets' initialization: Kaiming-normal (fan out) convolutions, unit norms,
 * linear weights from `linearWeight` (N(0, 0.01) by default), zero biases.
 */
export function initMobileNet(model: torch.nn.Module, linearWeight = (w: Tensor, _outFeatures: number): unknown => nn.init.normal_(w, 0, 0.01)): void {
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d) {
      nn.init.kaimingNormal_(m.weight, { mode: 'fan_out' });
      if (m.bias) nn.init.zeros_(m.bias);
    } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
      nn.init.ones_(m.weight!);
      nn.init.zeros_(m.bias!);
    } else if (m instanceof nn.Linear) {
      linearWeight(m.weight, m.outFeatures);
      nn.init.zeros_(m.bias!);
    }
  }
}

/** MobileNetV2 */
export const mobilenet_v2 = (options: MobileNetV2Options = {}): MobileNetV2 => new MobileNetV2(resolveWeights(W.MobileNet_V2_Weights, options));
