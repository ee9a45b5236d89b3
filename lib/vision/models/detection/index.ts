// torchvision.models.detection: the groundwork of its detection models (box coding and matching, anchors,
// the R-CNN input transform, the FPN backbones and the region proposal network). The detectors themselves
// (RoIHeads, FasterRCNN, MaskRCNN, KeypointRCNN, RetinaNet, FCOS, SSD, SSDlite) are not ported yet.
export * as _utils from './_utils.js'; // as torchvision.models.detection._utils
export { ImageList, type ImageSize } from './image_list.js';
export { AnchorGenerator, DefaultBoxGenerator, type DefaultBoxGeneratorOptions } from './anchor_utils.js';
export { GeneralizedRCNNTransform, resizeBoxes, resizeKeypoints, _resizeImageAndMasks, type DetectionTarget, type GeneralizedRCNNTransformOptions } from './transform.js';
export {
  BackboneWithFPN, resnetFpnBackbone, mobilenetBackbone, _resnetFpnExtractor, _mobilenetExtractor, _validateTrainableLayers,
  type ResnetFpnBackboneOptions, type MobilenetBackboneOptions, type ResNetBackboneName, type MobileNetBackboneName,
} from './backbone_utils.js';
export { RPNHead, RegionProposalNetwork, concatBoxPredictionLayers, permuteAndFlatten, type TrainTest, type RpnTarget, type RpnLosses } from './rpn.js';
// the module namespaces, as torchvision.models.detection.anchor_utils, .transform, .backbone_utils, .rpn, .image_list
export * as anchor_utils from './anchor_utils.js';
export * as transform from './transform.js';
export * as backbone_utils from './backbone_utils.js';
export * as rpn from './rpn.js';
export * as image_list from './image_list.js';
