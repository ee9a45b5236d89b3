// torchvision.models.segmentation.deeplabv3: DeepLabV3 (Chen et al., 2017) on a dilated ResNet-50/101
// or MobileNetV3-Large, with torchvision's module names, construction order and initialization.
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';
import { describe, readOptions } from '../../../options.js';
import { IntermediateLayerGetter, disposeUnusedModules } from '../_utils.js';
import { mobilenet_v3_large, mobileNetV3Config, type MobileNetV3 } from '../mobilenet_v3.js';
import { resnet101, resnet50, type ResNet } from '../resnet.js';
import { loadWeights } from '../weights.js';
import * as W from '../weights_table.js';
import { FCNHead } from './fcn.js';
import { _SimpleSegmentationModel, buildOnResNet, mobileNetStageIndices, outChannelsOf, resolveSegmentation, upsample, type AuxSegmentationBuilderOptions } from './_utils.js';

const { nn } = torch;

/**
 * torchvision's DeepLabV3: a backbone returning { out, aux? } features, a DeepLabHead on 'out' and an
 * optional auxiliary FCNHead on 'aux'; forward returns { out, aux? } upsampled to the input's size.
 */
export class DeepLabV3 extends _SimpleSegmentationModel {}

function checkChannels(who: string, ...counts: [string, unknown][]): void {
  for (const [name, n] of counts) {
    if (!(Number.isInteger(n) && (n as number) >= 1)) throw new RangeError(`${who}: ${name} should be a positive integer, got ${typeof n === 'number' ? n : describe(n)}`);
  }
}

/** A 3x3 convolution dilated by `dilation` (padding the same), batch norm and ReLU. */
export class ASPPConv extends nn.Sequential {
  constructor(inChannels: number, outChannels: number, dilation: number) {
    checkChannels('ASPPConv', ['dilation', dilation]);
    super(
      new nn.Conv2d(inChannels, outChannels, 3, { padding: dilation, dilation, bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
    );
  }
}

/** Image-level features: global average pooling, 1x1 convolution, batch norm and ReLU, upsampled back to the input's size. */
export class ASPPPooling extends nn.Sequential {
  constructor(inChannels: number, outChannels: number) {
    super(
      new nn.AdaptiveAvgPool2d(1),
      new nn.Conv2d(inChannels, outChannels, 1, { bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
    );
  }
  override forward(x: Tensor): Tensor {
    const size = x.shape.slice(-2);
    for (const mod of this) x = mod.call(x) as Tensor;
    return upsample(x, size);
  }
}

export interface ASPPOptions { outChannels?: number }

/**
 * Atrous spatial pyramid pooling: a 1x1 branch, one ASPPConv per rate and ASPPPooling (`convs`),
 * concatenated and projected to outChannels (1x1 convolution, batch norm, ReLU, dropout 0.5).
 */
export class ASPP extends nn.Module {
  declare convs: torch.nn.ModuleList; declare project: torch.nn.Sequential;
  constructor(inChannels: number, atrousRates: Iterable<number>, options: ASPPOptions | number = {}) {
    if (typeof options === 'number') options = { outChannels: options }; // Python's positional out_channels
    super();
    const { outChannels = 256 } = readOptions('ASPP', options, ['outChannels']) as ASPPOptions;
    checkChannels('ASPP', ['inChannels', inChannels], ['outChannels', outChannels]);
    if (atrousRates === null || typeof (atrousRates as Iterable<number>)?.[Symbol.iterator] !== 'function')
      throw new TypeError(`ASPP: atrousRates should be a sequence of dilations, got ${describe(atrousRates)}`);
    const modules: torch.nn.Module[] = [new nn.Sequential(new nn.Conv2d(inChannels, outChannels, 1, { bias: false }), new nn.BatchNorm2d(outChannels), new nn.ReLU())];
    for (const rate of [...atrousRates]) modules.push(new ASPPConv(inChannels, outChannels, rate));
    modules.push(new ASPPPooling(inChannels, outChannels));
    this.convs = new nn.ModuleList(modules);
    this.project = new nn.Sequential(
      new nn.Conv2d(modules.length * outChannels, outChannels, 1, { bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
      new nn.Dropout(0.5),
    );
  }
  override forward(x: Tensor): Tensor {
    const res: Tensor[] = [];
    for (const conv of this.convs) res.push(conv.call(x) as Tensor);
    return this.project.call(torch.cat(res, 1)) as Tensor;
  }
}

export interface DeepLabHeadOptions { atrousRates?: Iterable<number> }

/** ASPP (rates 12, 24, 36 by default), a 3x3 convolution, batch norm, ReLU and a 1x1 convolution to numClasses. */
export class DeepLabHead extends nn.Sequential {
  constructor(inChannels: number, numClasses: number, options: DeepLabHeadOptions | Iterable<number> = {}) {
    if (Symbol.iterator in Object(options)) options = { atrousRates: options as Iterable<number> }; // Python's positional atrous_rates
    const { atrousRates = [12, 24, 36] } = readOptions('DeepLabHead', options, ['atrousRates']) as DeepLabHeadOptions;
    super(
      new ASPP(inChannels, atrousRates),
      new nn.Conv2d(256, 256, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(256),
      new nn.ReLU(),
      new nn.Conv2d(256, numClasses, 1),
    );
  }
}

/** torchvision's _deeplabv3_resnet: layer4 as 'out' (and layer3 as 'aux' with `aux`), the heads built aux first. */
function deeplabv3Resnet(backbone: ResNet, numClasses: number, aux: boolean): DeepLabV3 {
  const returnLayers: Record<string, string> = { layer4: 'out' };
  if (aux) returnLayers.layer3 = 'aux';
  const features = new IntermediateLayerGetter(backbone, returnLayers);
  disposeUnusedModules(backbone, [features]); // avgpool and fc
  const auxClassifier = aux ? new FCNHead(1024, numClasses) : null;
  const classifier = new DeepLabHead(2048, numClasses);
  return new DeepLabV3(features, classifier, auxClassifier);
}

/** torchvision's _deeplabv3_mobilenetv3: C5 (output stride 16) as 'out', C2 (stride 8) as 'aux' with `aux`. */
function deeplabv3MobileNetV3(model: MobileNetV3, strides: readonly number[], numClasses: number, aux: boolean): DeepLabV3 {
  const backbone = model.features;
  const stageIndices = mobileNetStageIndices(backbone, strides);
  const outPos = stageIndices[stageIndices.length - 1]!; // C5, output stride 16
  const outInplanes = outChannelsOf(backbone.at(outPos), 'deeplabv3_mobilenet_v3_large');
  const auxPos = stageIndices[stageIndices.length - 4]!; // C2, output stride 8
  const auxInplanes = outChannelsOf(backbone.at(auxPos), 'deeplabv3_mobilenet_v3_large');
  const returnLayers: Record<string, string> = { [String(outPos)]: 'out' };
  if (aux) returnLayers[String(auxPos)] = 'aux';
  const features = new IntermediateLayerGetter(backbone, returnLayers);
  disposeUnusedModules(model, [features]); // avgpool and classifier
  const auxClassifier = aux ? new FCNHead(auxInplanes, numClasses) : null;
  const classifier = new DeepLabHead(outInplanes, numClasses);
  return new DeepLabV3(features, classifier, auxClassifier);
}


/**
 * DeepLabV3 with a ResNet-50 backbone (dilated: output stride 8). `weightsBackbone` defaults to
 * ResNet50_Weights.IMAGENET1K_V1, as torchvision (pass null for a random backbone); with `weights`
 * (DeepLabV3_ResNet50_Weights) numClasses is 21 and auxLoss true.
 */
export const deeplabv3_resnet50 = (options: AuxSegmentationBuilderOptions = {}): DeepLabV3 =>
  buildOnResNet('deeplabv3_resnet50', resnet50, W.DeepLabV3_ResNet50_Weights, W.ResNet50_Weights, options, deeplabv3Resnet);
/** DeepLabV3 with a ResNet-101 backbone; as deeplabv3_resnet50 with DeepLabV3_ResNet101_Weights and ResNet101_Weights. */
export const deeplabv3_resnet101 = (options: AuxSegmentationBuilderOptions = {}): DeepLabV3 =>
  buildOnResNet('deeplabv3_resnet101', resnet101, W.DeepLabV3_ResNet101_Weights, W.ResNet101_Weights, options, deeplabv3Resnet);

/**
 * DeepLabV3 with a MobileNetV3-Large backbone (its last stage dilated). `weightsBackbone` defaults to
 * MobileNet_V3_Large_Weights.IMAGENET1K_V1, as torchvision (pass null for a random backbone); with
 * `weights` (DeepLabV3_MobileNet_V3_Large_Weights) numClasses is 21 and auxLoss true.
 */
export function deeplabv3_mobilenet_v3_large(options: AuxSegmentationBuilderOptions = {}): DeepLabV3 {
  const o = resolveSegmentation('deeplabv3_mobilenet_v3_large', W.DeepLabV3_MobileNet_V3_Large_Weights, W.MobileNet_V3_Large_Weights, options, true);
  const backbone = mobilenet_v3_large({ weights: o.weightsBackbone, progress: o.progress, dilated: true });
  const strides = mobileNetV3Config('mobilenet_v3_large', 1.0, false, true)[0].map((c) => c.stride);
  const model = deeplabv3MobileNetV3(backbone, strides, o.numClasses, o.auxLoss);
  if (o.weights !== null) loadWeights(model, o.weights, o.progress);
  return model;
}
