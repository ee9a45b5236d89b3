// torchvision.models.vgg: VGG-11/13/16/19, with and without batch norm (Simonyan and Zisserman, 2015),
// with torchvision's module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;

/** The feature layers of each configuration: channels of 3x3 convolutions, 'M' for a 2x2 max-pool. */
const CONFIGS: Record<'A' | 'B' | 'D' | 'E', readonly (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** torchvision's make_layers: the `features` Sequential of a configuration. */
export function makeVggLayers(cfg: readonly (number | 'M')[], batchNorm = false): torch.nn.Sequential {
  const layers: torch.nn.Module[] = [];
  let inChannels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, { stride: 2 }));
      continue;
    }
    const conv = new nn.Conv2d(inChannels, v, 3, { padding: 1 });
    layers.push(...(batchNorm ? [conv, new nn.BatchNorm2d(v), new nn.ReLU(true)] : [conv, new nn.ReLU(true)]));
    inChannels = v;
  }
  return new nn.Sequential(...layers);
}

export interface VggOptions { numClasses?: number; initWeights?: boolean; dropout?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** torchvision's VGG: `features`, a 7x7 adaptive average pool and a three-layer classifier with dropout. */
export class VGG extends torch.nn.Module {
  declare features: torch.nn.Sequential; declare avgpool: torch.nn.AdaptiveAvgPool2d; declare classifier: torch.nn.Sequential;
  constructor(features: torch.nn.Sequential, options: VggOptions = {}) {
    super();
    const { numClasses = 1000, initWeights = true, dropout = 0.5, weights = null, progress = true } = readOptions('VGG', options, ['numClasses', 'initWeights', 'dropout', 'weights', 'progress']) as VggOptions;
    this.features = features;
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096), new nn.ReLU(true), new nn.Dropout(dropout),
      new nn.Linear(4096, 4096), new nn.ReLU(true), new nn.Dropout(dropout),
      new nn.Linear(4096, numClasses),
    );
    if (initWeights && weights === null) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) {
          nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
          if (m.bias) nn.init.constant_(m.bias, 0);
        } else if (m instanceof nn.BatchNorm2d) {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        } else if (m instanceof nn.Linear) {
          nn.init.normal_(m.weight, 0, 0.01);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
    if (weights !== null) loadWeights(this, weights, progress);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call(torch.flatten(this.avgpool.call(this.features.call(x) as Tensor), 1)) as Tensor;
  }
}

type Options = VggOptions;
const vgg = (cfg: keyof typeof CONFIGS, batchNorm: boolean, weights: AnyWeightsEnum) => (options: Options = {}): VGG =>
  new VGG(makeVggLayers(CONFIGS[cfg], batchNorm), resolveWeights(weights, options));
/** VGG-11 (configuration A) */
export const vgg11 = vgg('A', false, W.VGG11_Weights);
/** VGG-11 with batch norm. */
export const vgg11_bn = vgg('A', true, W.VGG11_BN_Weights);
/** VGG-13 (configuration B). */
export const vgg13 = vgg('B', false, W.VGG13_Weights);
/** VGG-13 with batch norm. */
export const vgg13_bn = vgg('B', true, W.VGG13_BN_Weights);
/** VGG-16 (configuration D) */
export const vgg16 = vgg('D', false, W.VGG16_Weights);
/** VGG-16 with batch norm. */
export const vgg16_bn = vgg('D', true, W.VGG16_BN_Weights);
/** VGG-19 (configuration E). */
export const vgg19 = vgg('E', false, W.VGG19_Weights);
/** VGG-19 with batch norm. */
export const vgg19_bn = vgg('E', true, W.VGG19_BN_Weights);
