// torchvision.models.alexnet (Krizhevsky et al., 2012, in torchvision's one-GPU form), with its module names.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { readOptions } from '../../options.js';
import { loadWeights, resolveWeights, type Weights } from './weights.js';
import * as W from './weights_table.js';

const { nn } = torch;

export interface AlexNetOptions { numClasses?: number; dropout?: number; weights?: Weights | string | null; progress?: boolean; /** The builders only: torchvision's deprecated keyword (warns); the classes refuse it, as there. */ pretrained?: boolean; }

/** Five convolutions with max-pooling, a 6x6 adaptive average pool, and a three-layer classifier (default init). */
export class AlexNet extends torch.nn.Module {
  declare features: torch.nn.Sequential; declare avgpool: torch.nn.AdaptiveAvgPool2d; declare classifier: torch.nn.Sequential;
  constructor(options: AlexNetOptions = {}) {
    super();
    const { numClasses = 1000, dropout = 0.5, weights = null, progress = true } = readOptions('AlexNet', options, ['numClasses', 'dropout', 'weights', 'progress']) as AlexNetOptions;
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, 11, { stride: 4, padding: 2 }), new nn.ReLU(true), new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(64, 192, 5, { padding: 2 }), new nn.ReLU(true), new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(192, 384, 3, { padding: 1 }), new nn.ReLU(true),
      new nn.Conv2d(384, 256, 3, { padding: 1 }), new nn.ReLU(true),
      new nn.Conv2d(256, 256, 3, { padding: 1 }), new nn.ReLU(true), new nn.MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d([6, 6]);
    this.classifier = new nn.Sequential(
      new nn.Dropout(dropout), new nn.Linear(256 * 6 * 6, 4096), new nn.ReLU(true),
      new nn.Dropout(dropout), new nn.Linear(4096, 4096), new nn.ReLU(true),
      new nn.Linear(4096, numClasses),
    );
    if (weights !== null) loadWeights(this, weights, progress);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call(torch.flatten(this.avgpool.call(this.features.call(x) as Tensor), 1)) as Tensor;
  }
}

/** AlexNet */
export const alexnet = (options: AlexNetOptions = {}): AlexNet => new AlexNet(resolveWeights(W.AlexNet_Weights, options));
