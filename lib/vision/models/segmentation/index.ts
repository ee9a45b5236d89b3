// torchvision.models.segmentation: FCN, DeepLabV3 and LR-ASPP on torchvision's backbones.
export * from './fcn.js';
export * from './deeplabv3.js';
export * from './lraspp.js';
export { _SimpleSegmentationModel, type SegmentationOutput, type SegmentationBuilderOptions, type AuxSegmentationBuilderOptions } from './_utils.js';
