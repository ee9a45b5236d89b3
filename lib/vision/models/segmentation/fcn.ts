// torchvision.models.segmentation.fcn: FCN (Long et al., 2015) on a dilated ResNet-50/101, with
// torchvision's module names, construction order and initialization.
import * as torch from '../../../index.js';
import { IntermediateLayerGetter, disposeUnusedModules } from '../_utils.js';
import { resnet101, resnet50, type ResNet } from '../resnet.js';
import * as W from '../weights_table.js';
import { _SimpleSegmentationModel, buildOnResNet, type AuxSegmentationBuilderOptions } from './_utils.js';

const { nn } = torch;

/**
 * torchvision's FCN: a backbone returning { out, aux? } features, a classifier on 'out' and an optional
 * auxiliary classifier (for the auxiliary loss in training) on 'aux'; forward returns { out, aux? }
 * upsampled to the input's size.
 */
export class FCN extends _SimpleSegmentationModel {}

/** 3x3 convolution to in/4 channels, batch norm, ReLU, dropout 0.1 and a 1x1 convolution to `channels`. */
export class FCNHead extends nn.Sequential {
  constructor(inChannels: number, channels: number) {
    const interChannels = Math.floor(inChannels / 4);
    super(
      new nn.Conv2d(inChannels, interChannels, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(interChannels),
      new nn.ReLU(),
      new nn.Dropout(0.1),
      new nn.Conv2d(interChannels, channels, 1),
    );
  }
}

/** torchvision's _fcn_resnet: layer4 as 'out' (and layer3 as 'aux' with `aux`), the heads built aux first. */
function fcnResnet(backbone: ResNet, numClasses: number, aux: boolean): FCN {
  const returnLayers: Record<string, string> = { layer4: 'out' };
  if (aux) returnLayers.layer3 = 'aux';
  const features = new IntermediateLayerGetter(backbone, returnLayers);
  disposeUnusedModules(backbone, [features]); // avgpool and fc
  const auxClassifier = aux ? new FCNHead(1024, numClasses) : null;
  const classifier = new FCNHead(2048, numClasses);
  return new FCN(features, classifier, auxClassifier);
}


/**
 * FCN with a ResNet-50 backbone (dilated: output stride 8). `weightsBackbone` defaults to
 * ResNet50_Weights.IMAGENET1K_V1, as torchvision (pass null for a random backbone); with `weights`
 * (FCN_ResNet50_Weights) numClasses is 21 and auxLoss true.
 */
export const fcn_resnet50 = (options: AuxSegmentationBuilderOptions = {}): FCN =>
  buildOnResNet('fcn_resnet50', resnet50, W.FCN_ResNet50_Weights, W.ResNet50_Weights, options, fcnResnet);
/** FCN with a ResNet-101 backbone; as fcn_resnet50 with FCN_ResNet101_Weights and ResNet101_Weights. */
export const fcn_resnet101 = (options: AuxSegmentationBuilderOptions = {}): FCN =>
  buildOnResNet('fcn_resnet101', resnet101, W.FCN_ResNet101_Weights, W.ResNet101_Weights, options, fcnResnet);
