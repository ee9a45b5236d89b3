// torchvision.models.squeezenet: SqueezeNet 1.0 and 1.1 (Iandola et al., 2016), with torchvision's
// module names, construction order and initialization.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { loadWeights, resolveWeights, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;

/** A 1x1 squeeze, then 1x1 and 3x3 expansions concatenated. */
class Fire extends nn.Module {
  declare squeeze: torch.nn.Conv2d; declare squeeze_activation: torch.nn.ReLU; declare expand1x1: torch.nn.Conv2d;
  declare expand1x1_activation: torch.nn.ReLU; declare expand3x3: torch.nn.Conv2d; declare expand3x3_activation: torch.nn.ReLU;
  constructor(readonly inplanes: number, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number) {
    super();
    this.squeeze = new nn.Conv2d(inplanes, squeezePlanes, 1);
    this.squeeze_activation = new nn.ReLU(true);
    this.expand1x1 = new nn.Conv2d(squeezePlanes, expand1x1Planes, 1);
    this.expand1x1_activation = new nn.ReLU(true);
    this.expand3x3 = new nn.Conv2d(squeezePlanes, expand3x3Planes, 3, { padding: 1 });
    this.expand3x3_activation = new nn.ReLU(true);
  }
  override forward(x: Tensor): Tensor {
    const s = this.squeeze_activation.call(this.squeeze.call(x));
    return torch.cat([this.expand1x1_activation.call(this.expand1x1.call(s)), this.expand3x3_activation.call(this.expand3x3.call(s))], 1);
  }
}

export interface SqueezeNetOptions { numClasses?: number; dropout?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** torchvision's SqueezeNet: `features` of Fire modules and a dropout, 1x1 convolution, ReLU and pooling classifier. */
export class SqueezeNet extends nn.Module {
  declare features: torch.nn.Sequential; declare classifier: torch.nn.Sequential;
  readonly numClasses: number;
  constructor(version: '1_0' | '1_1' = '1_0', options: SqueezeNetOptions = {}) {
    super();
    const { numClasses = 1000, dropout = 0.5, weights = null, progress = true } = readOptions('SqueezeNet', options, ['numClasses', 'dropout', 'weights', 'progress']) as SqueezeNetOptions;
    this.numClasses = numClasses;
    const pool = (): torch.nn.MaxPool2d => new nn.MaxPool2d(3, { stride: 2, ceilMode: true });
    if (version === '1_0') {
      this.features = new nn.Sequential(
        new nn.Conv2d(3, 96, 7, { stride: 2 }), new nn.ReLU(true), pool(),
        new Fire(96, 16, 64, 64), new Fire(128, 16, 64, 64), new Fire(128, 32, 128, 128), pool(),
        new Fire(256, 32, 128, 128), new Fire(256, 48, 192, 192), new Fire(384, 48, 192, 192), new Fire(384, 64, 256, 256), pool(),
        new Fire(512, 64, 256, 256),
      );
    } else if (version === '1_1') {
      this.features = new nn.Sequential(
        new nn.Conv2d(3, 64, 3, { stride: 2 }), new nn.ReLU(true), pool(),
        new Fire(64, 16, 64, 64), new Fire(128, 16, 64, 64), pool(),
        new Fire(128, 32, 128, 128), new Fire(256, 32, 128, 128), pool(),
        new Fire(256, 48, 192, 192), new Fire(384, 48, 192, 192), new Fire(384, 64, 256, 256), new Fire(512, 64, 256, 256),
      );
    } else {
      throw new RangeError(`Unsupported SqueezeNet version ${String(version)}: 1_0 or 1_1 expected`);
    }
    const finalConv = new nn.Conv2d(512, numClasses, 1);
    this.classifier = new nn.Sequential(new nn.Dropout(dropout), finalConv, new nn.ReLU(true), new nn.AdaptiveAvgPool2d([1, 1]));
    for (const m of this.modules()) {
      if (!(m instanceof nn.Conv2d)) continue;
      if (m === finalConv) nn.init.normal_(m.weight, 0.0, 0.01);
      else nn.init.kaimingUniform_(m.weight);
      if (m.bias) nn.init.constant_(m.bias, 0);
    }
    if (weights !== null) loadWeights(this, weights, progress);
  }
  override forward(x: Tensor): Tensor {
    return torch.flatten(this.classifier.call(this.features.call(x) as Tensor) as Tensor, 1);
  }
}

/** SqueezeNet 1.0 */
export const squeezenet1_0 = (options: SqueezeNetOptions = {}): SqueezeNet => new SqueezeNet('1_0', resolveWeights(W.SqueezeNet1_0_Weights, options));
/** SqueezeNet 1.1 */
export const squeezenet1_1 = (options: SqueezeNetOptions = {}): SqueezeNet => new SqueezeNet('1_1', resolveWeights(W.SqueezeNet1_1_Weights, options));
