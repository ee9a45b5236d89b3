// torchvision.models.segmentation: FCN, DeepLabV3 and LR-ASPP on torchvision's backbones.
export * from './fcn.js';
export * from './deeplabv3.js';
export * from './lraspp.js';
export { _SimpleSegmentationModel, type SegmentationOutput, type SegmentationBuilderOptions, type AuxSegmentationBuilderOptions } from './_utils.js';
// the weights enums, also under models.segmentation as in torchvision
export {
  DeepLabV3_MobileNet_V3_Large_Weights, DeepLabV3_ResNet101_Weights, DeepLabV3_ResNet50_Weights, FCN_ResNet101_Weights, FCN_ResNet50_Weights,
  LRASPP_MobileNet_V3_Large_Weights, VOC_CATEGORIES,
} from '../weights_table.js';
