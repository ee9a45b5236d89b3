// torchvision.models.detection: the groundwork of its detection models (box coding and matching, anchors,
// the R-CNN input transform, the FPN backbones and the region proposal network) and Faster R-CNN
// (RoIHeads' box branch, GeneralizedRCNN, FasterRCNN and its builders, with torchvision's COCO weights enums),
// Mask R-CNN and Keypoint R-CNN (RoIHeads' mask and keypoint branches, MaskRCNN, KeypointRCNN and their
// builders), and the one-stage RetinaNet, FCOS, SSD and SSDlite (their heads, feature extractors and builders).
export * as _utils from './_utils.js'; // as torchvision.models.detection._utils
export { ImageList, type ImageSize } from './image_list.js';
export { AnchorGenerator, DefaultBoxGenerator, type DefaultBoxGeneratorOptions } from './anchor_utils.js';
export { GeneralizedRCNNTransform, resizeBoxes, resizeKeypoints, _resizeImageAndMasks, type DetectionTarget, type GeneralizedRCNNTransformOptions } from './transform.js';
export {
  BackboneWithFPN, resnetFpnBackbone, mobilenetBackbone, _resnetFpnExtractor, _mobilenetExtractor, _validateTrainableLayers,
  type ResnetFpnBackboneOptions, type MobilenetBackboneOptions, type ResNetBackboneName, type MobileNetBackboneName,
} from './backbone_utils.js';
export { RPNHead, RegionProposalNetwork, concatBoxPredictionLayers, permuteAndFlatten, type TrainTest, type RpnTarget, type RpnLosses } from './rpn.js';
export {
  RoIHeads, fastrcnnLoss, maskrcnnLoss, maskrcnnInference, projectMasksOnBoxes, pasteMasksInImage, pasteMaskInImage, expandBoxes, expandMasks,
  keypointsToHeatmap, heatmapsToKeypoints, keypointrcnnLoss, keypointrcnnInference,
  type RoIHeadsOptions, type RoIHeadsLosses,
} from './roi_heads.js';
export { GeneralizedRCNN, type RCNNLosses } from './generalized_rcnn.js';
export {
  FasterRCNN, TwoMLPHead, FastRCNNConvFCHead, FastRCNNPredictor, _defaultAnchorgen,
  fasterrcnn_resnet50_fpn, fasterrcnn_resnet50_fpn_v2, fasterrcnn_mobilenet_v3_large_fpn, fasterrcnn_mobilenet_v3_large_320_fpn,
  type FasterRCNNOptions, type FasterRCNNBuilderOptions,
} from './faster_rcnn.js';
export {
  MaskRCNN, MaskRCNNHeads, MaskRCNNPredictor, maskrcnn_resnet50_fpn, maskrcnn_resnet50_fpn_v2, type MaskRCNNOptions, type MaskRCNNBuilderOptions,
} from './mask_rcnn.js';
export {
  KeypointRCNN, KeypointRCNNHeads, KeypointRCNNPredictor, keypointrcnn_resnet50_fpn, type KeypointRCNNOptions, type KeypointRCNNBuilderOptions,
} from './keypoint_rcnn.js';
export {
  RetinaNet, RetinaNetHead, RetinaNetClassificationHead, RetinaNetRegressionHead, retinanet_resnet50_fpn, retinanet_resnet50_fpn_v2,
  type RetinaNetOptions, type RetinaNetBuilderOptions, type DetectorLosses,
} from './retinanet.js';
export { FCOS, FCOSHead, FCOSClassificationHead, FCOSRegressionHead, fcos_resnet50_fpn, type FCOSOptions, type FCOSBuilderOptions } from './fcos.js';
export {
  SSD, SSDHead, SSDScoringHead, SSDClassificationHead, SSDRegressionHead, SSDFeatureExtractorVGG, ssd300_vgg16,
  type SSDOptions, type SSDBuilderOptions,
} from './ssd.js';
export {
  SSDLiteHead, SSDLiteClassificationHead, SSDLiteRegressionHead, SSDLiteFeatureExtractorMobileNet, ssdlite320_mobilenet_v3_large,
  type SSDLiteBuilderOptions,
} from './ssdlite.js';
// the weights enums, also under models.detection as in torchvision
export {
  FasterRCNN_ResNet50_FPN_Weights, FasterRCNN_ResNet50_FPN_V2_Weights, FasterRCNN_MobileNet_V3_Large_FPN_Weights,
  FasterRCNN_MobileNet_V3_Large_320_FPN_Weights, MaskRCNN_ResNet50_FPN_Weights, MaskRCNN_ResNet50_FPN_V2_Weights,
  KeypointRCNN_ResNet50_FPN_Weights, RetinaNet_ResNet50_FPN_Weights, RetinaNet_ResNet50_FPN_V2_Weights, FCOS_ResNet50_FPN_Weights,
  SSD300_VGG16_Weights, SSDLite320_MobileNet_V3_Large_Weights,
  COCO_CATEGORIES, COCO_PERSON_CATEGORIES,
} from '../weights_table.js';
// the module namespaces, as torchvision.models.detection.anchor_utils, .transform, .backbone_utils, .rpn, .image_list
export * as anchor_utils from './anchor_utils.js';
export * as transform from './transform.js';
export * as backbone_utils from './backbone_utils.js';
export * as rpn from './rpn.js';
export * as image_list from './image_list.js';
export * as roi_heads from './roi_heads.js';
export * as generalized_rcnn from './generalized_rcnn.js';
export * as faster_rcnn from './faster_rcnn.js';
export * as mask_rcnn from './mask_rcnn.js';
export * as keypoint_rcnn from './keypoint_rcnn.js';
export * as retinanet from './retinanet.js';
export * as fcos from './fcos.js';
export * as ssd from './ssd.js';
export * as ssdlite from './ssdlite.js';
