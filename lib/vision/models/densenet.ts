// torchvision.models.densenet: DenseNet-121/161/169/201 (Huang et al., 2017), with torchvision's
// module names, construction order and initialization, and the key renaming its pretrained files need.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { checkpoint } from '../../utils/checkpoint.js';
import { loadWeights, resolveWeights, type AnyWeightsEnum, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;
const F = () => torch.nn.functional;

/** BN-ReLU-1x1 conv (to bnSize x growth) and BN-ReLU-3x3 conv (to growth) on the concatenation of all earlier outputs. */
class _DenseLayer extends nn.Module {
  declare norm1: torch.nn.BatchNorm2d; declare relu1: torch.nn.ReLU; declare conv1: torch.nn.Conv2d;
  declare norm2: torch.nn.BatchNorm2d; declare relu2: torch.nn.ReLU; declare conv2: torch.nn.Conv2d;
  readonly dropRate: number;
  readonly memoryEfficient: boolean;
  constructor(numInputFeatures: number, growthRate: number, bnSize: number, dropRate: number, memoryEfficient: boolean) {
    super();
    this.norm1 = new nn.BatchNorm2d(numInputFeatures);
    this.relu1 = new nn.ReLU(true);
    this.conv1 = new nn.Conv2d(numInputFeatures, bnSize * growthRate, 1, { stride: 1, bias: false });
    this.norm2 = new nn.BatchNorm2d(bnSize * growthRate);
    this.relu2 = new nn.ReLU(true);
    this.conv2 = new nn.Conv2d(bnSize * growthRate, growthRate, 3, { stride: 1, padding: 1, bias: false });
    this.dropRate = dropRate;
    this.memoryEfficient = memoryEfficient;
  }
  #bottleneck(inputs: Tensor[]): Tensor {
    return this.conv1.call(this.relu1.call(this.norm1.call(torch.cat(inputs, 1)) as Tensor));
  }
  override forward(input: Tensor | Tensor[]): Tensor {
    const prev = Array.isArray(input) ? input : [input];
    // memoryEfficient: the concatenation and bottleneck are recomputed in backward instead of kept
    const bottleneck = this.memoryEfficient && prev.some((t) => t.requiresGrad)
      ? checkpoint((...inputs: Tensor[]) => this.#bottleneck(inputs), ...prev, { useReentrant: false })
      : this.#bottleneck(prev);
    const out = this.conv2.call(this.relu2.call(this.norm2.call(bottleneck) as Tensor));
    return this.dropRate > 0 ? F().dropout(out, { p: this.dropRate, training: this.training }) : out;
  }
}

/** numLayers dense layers; each sees every earlier output, and the block returns them all concatenated. */
class _DenseBlock extends nn.ModuleDict {
  constructor(numLayers: number, numInputFeatures: number, bnSize: number, growthRate: number, dropRate: number, memoryEfficient: boolean) {
    super();
    for (let i = 0; i < numLayers; i++)
      this.addModule(`denselayer${i + 1}`, new _DenseLayer(numInputFeatures + i * growthRate, growthRate, bnSize, dropRate, memoryEfficient));
  }
  override forward(initFeatures: Tensor): Tensor {
    const features = [initFeatures];
    for (const [, layer] of this.items()) features.push(layer.call(features) as Tensor);
    return torch.cat(features, 1);
  }
}

/** BN-ReLU-1x1 conv and 2x2 average pooling between dense blocks. */
class _Transition extends nn.Sequential {
  constructor(numInputFeatures: number, numOutputFeatures: number) {
    const norm = new nn.BatchNorm2d(numInputFeatures);
    const relu = new nn.ReLU(true);
    const conv = new nn.Conv2d(numInputFeatures, numOutputFeatures, 1, { stride: 1, bias: false });
    const pool = new nn.AvgPool2d(2, { stride: 2 });
    super({ norm, relu, conv, pool });
  }
}

export interface DenseNetOptions {
  growthRate?: number; blockConfig?: readonly number[]; numInitFeatures?: number; bnSize?: number; dropRate?: number;
  numClasses?: number; memoryEfficient?: boolean;
  /** A DenseNet*_Weights entry or a state-dict file (torchvision's old key names are renamed on load, as torchvision does). */
  weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean;
}

// torchvision's pretrained files name a dense layer's parts `norm.1` where the modules are `norm1`.
const OLD_DENSE_KEY = /^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$/;

/** torchvision's DenseNet: stem, dense blocks with transitions, a final norm, ReLU, global average pool and a linear classifier. */
export class DenseNet extends nn.Module {
  declare features: torch.nn.Sequential; declare classifier: torch.nn.Linear;
  constructor(options: DenseNetOptions = {}) {
    super();
    const o = readOptions('DenseNet', options, ['growthRate', 'blockConfig', 'numInitFeatures', 'bnSize', 'dropRate', 'numClasses', 'memoryEfficient', 'weights', 'progress']) as DenseNetOptions;
    const { growthRate = 32, blockConfig = [6, 12, 24, 16], numInitFeatures = 64, bnSize = 4, dropRate = 0, numClasses = 1000, memoryEfficient = false } = o;
    this.features = new nn.Sequential({
      conv0: new nn.Conv2d(3, numInitFeatures, 7, { stride: 2, padding: 3, bias: false }),
      norm0: new nn.BatchNorm2d(numInitFeatures),
      relu0: new nn.ReLU(true),
      pool0: new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
    });
    let numFeatures = numInitFeatures;
    blockConfig.forEach((numLayers, i) => {
      this.features.addModule(`denseblock${i + 1}`, new _DenseBlock(numLayers, numFeatures, bnSize, growthRate, dropRate, memoryEfficient));
      numFeatures += numLayers * growthRate;
      if (i !== blockConfig.length - 1) {
        this.features.addModule(`transition${i + 1}`, new _Transition(numFeatures, Math.floor(numFeatures / 2)));
        numFeatures = Math.floor(numFeatures / 2);
      }
    });
    this.features.addModule('norm5', new nn.BatchNorm2d(numFeatures));
    this.classifier = new nn.Linear(numFeatures, numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaimingNormal_(m.weight);
      else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      } else if (m instanceof nn.Linear) nn.init.constant_(m.bias!, 0);
    }
    if (o.weights != null) loadWeights(this, o.weights, o.progress ?? true, (key) => key.replace(OLD_DENSE_KEY, '$1$2'));
  }
  override forward(x: Tensor): Tensor {
    const out = F().adaptiveAvgPool2d(F().relu(this.features.call(x) as Tensor, true), [1, 1]);
    return this.classifier.call(torch.flatten(out, 1));
  }
}

const densenet = (growthRate: number, blockConfig: readonly number[], numInitFeatures: number, weights: AnyWeightsEnum) =>
  (options: Omit<DenseNetOptions, 'growthRate' | 'blockConfig' | 'numInitFeatures'> = {}): DenseNet => new DenseNet({ ...resolveWeights(weights, options), growthRate, blockConfig, numInitFeatures });
/** DenseNet-121 */
export const densenet121 = densenet(32, [6, 12, 24, 16], 64, W.DenseNet121_Weights);
/** DenseNet-161. */
export const densenet161 = densenet(48, [6, 12, 36, 24], 96, W.DenseNet161_Weights);
/** DenseNet-169. */
export const densenet169 = densenet(32, [6, 12, 32, 32], 64, W.DenseNet169_Weights);
/** DenseNet-201. */
export const densenet201 = densenet(32, [6, 12, 48, 32], 64, W.DenseNet201_Weights);
