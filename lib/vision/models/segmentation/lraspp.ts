// torchvision.models.segmentation.lraspp: Lite R-ASPP (Howard et al., 2019) on a dilated
// MobileNetV3-Large, with torchvision's module names, construction order and initialization.
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';
import { describe, readOptions } from '../../../options.js';
import { IntermediateLayerGetter, disposeUnusedModules } from '../_utils.js';
import { mobilenet_v3_large, mobileNetV3Config, type MobileNetV3 } from '../mobilenet_v3.js';
import { loadWeights } from '../weights.js';
import * as W from '../weights_table.js';
import { feature, mobileNetStageIndices, outChannelsOf, resolveSegmentation, upsample, type SegmentationBuilderOptions } from './_utils.js';

const { nn } = torch;
type Module = torch.nn.Module;

/**
 * The head: the high-level features through a 1x1 convolution, batch norm and ReLU (`cbr`), gated by
 * their pooled sigmoid (`scale`), upsampled to the low-level features' size, classified, and added to
 * the low-level features' own 1x1 classifier.
 */
export class LRASPPHead extends nn.Module {
  declare cbr: torch.nn.Sequential; declare scale: torch.nn.Sequential;
  declare low_classifier: torch.nn.Conv2d; declare high_classifier: torch.nn.Conv2d;
  constructor(lowChannels: number, highChannels: number, numClasses: number, interChannels: number) {
    super();
    this.cbr = new nn.Sequential(new nn.Conv2d(highChannels, interChannels, 1, { bias: false }), new nn.BatchNorm2d(interChannels), new nn.ReLU(true));
    this.scale = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Conv2d(highChannels, interChannels, 1, { bias: false }), new nn.Sigmoid());
    this.low_classifier = new nn.Conv2d(lowChannels, numClasses, 1);
    this.high_classifier = new nn.Conv2d(interChannels, numClasses, 1);
  }
  /** The logits at the low-level features' resolution, from the backbone's { low, high }. */
  override forward(input: Record<string, Tensor> | ReadonlyMap<string, Tensor>): Tensor {
    const low = feature(input, 'low', 'LRASPPHead');
    const high = feature(input, 'high', 'LRASPPHead');
    let x = this.cbr.call(high) as Tensor;
    const s = this.scale.call(high) as Tensor;
    x = upsample(x.mul(s), low.shape.slice(-2));
    return this.low_classifier.call(low).add(this.high_classifier.call(x));
  }
}

export interface LRASPPOptions { interChannels?: number }

/**
 * torchvision's LRASPP: a backbone returning { low, high } features (of lowChannels and highChannels
 * channels) and an LRASPPHead; forward returns { out }, upsampled to the input's size.
 */
export class LRASPP extends nn.Module {
  declare backbone: Module; declare classifier: LRASPPHead;
  constructor(backbone: Module, lowChannels: number, highChannels: number, numClasses: number, options: LRASPPOptions | number = {}) {
    if (typeof options === 'number') options = { interChannels: options }; // Python's positional inter_channels
    super();
    const { interChannels = 128 } = readOptions('LRASPP', options, ['interChannels']) as LRASPPOptions;
    if (!(backbone instanceof nn.Module)) throw new TypeError(`LRASPP: backbone should be a Module, got ${describe(backbone)}`);
    this.backbone = backbone;
    this.classifier = new LRASPPHead(lowChannels, highChannels, numClasses, interChannels);
  }
  override forward(input: Tensor): { out: Tensor } {
    if (!torch.isTensor(input)) throw new TypeError(`LRASPP: the input must be an image batch Tensor (N, C, H, W), got ${describe(input)}`);
    const features = this.backbone.call(input) as Record<string, Tensor> | ReadonlyMap<string, Tensor>;
    return { out: upsample(this.classifier.call(features), input.shape.slice(-2)) };
  }
}

/** torchvision's _lraspp_mobilenetv3: C2 (output stride 8) as 'low', C5 (stride 16) as 'high'. */
function lrasppMobileNetV3(model: MobileNetV3, strides: readonly number[], numClasses: number): LRASPP {
  const backbone = model.features;
  const stageIndices = mobileNetStageIndices(backbone, strides);
  const lowPos = stageIndices[stageIndices.length - 4]!; // C2, output stride 8
  const highPos = stageIndices[stageIndices.length - 1]!; // C5, output stride 16
  const lowChannels = outChannelsOf(backbone.at(lowPos), 'lraspp_mobilenet_v3_large');
  const highChannels = outChannelsOf(backbone.at(highPos), 'lraspp_mobilenet_v3_large');
  const features = new IntermediateLayerGetter(backbone, { [String(lowPos)]: 'low', [String(highPos)]: 'high' });
  disposeUnusedModules(model, [features]); // avgpool and classifier
  return new LRASPP(features, lowChannels, highChannels, numClasses);
}

/** lraspp_mobilenet_v3_large's options: no auxiliary classifier (auxLoss: true throws, as torchvision). */
export interface LRASPPBuilderOptions extends SegmentationBuilderOptions { auxLoss?: boolean | null }

/**
 * Lite R-ASPP with a MobileNetV3-Large backbone (its last stage dilated). `weightsBackbone` defaults to
 * MobileNet_V3_Large_Weights.IMAGENET1K_V1, as torchvision (pass null for a random backbone); with
 * `weights` (LRASPP_MobileNet_V3_Large_Weights) numClasses is 21.
 */
export function lraspp_mobilenet_v3_large(options: LRASPPBuilderOptions = {}): LRASPP {
  const { auxLoss, ...rest } = readOptions('lraspp_mobilenet_v3_large', options, ['weights', 'progress', 'numClasses', 'weightsBackbone', 'auxLoss']) as LRASPPBuilderOptions;
  if (auxLoss) throw new Error('This model does not use auxiliary loss'); // Python's NotImplementedError
  const o = resolveSegmentation('lraspp_mobilenet_v3_large', W.LRASPP_MobileNet_V3_Large_Weights, W.MobileNet_V3_Large_Weights, rest, false);
  const backbone = mobilenet_v3_large({ weights: o.weightsBackbone, progress: o.progress, dilated: true });
  const strides = mobileNetV3Config('mobilenet_v3_large', 1.0, false, true)[0].map((c) => c.stride);
  const model = lrasppMobileNetV3(backbone, strides, o.numClasses);
  if (o.weights !== null) loadWeights(model, o.weights, o.progress);
  return model;
}
