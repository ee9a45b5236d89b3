// torchvision.ops: the layers torchvision's models are built from.
export { Conv2dNormActivation, MLP, Permute, SqueezeExcitation, makeDivisible, type Conv2dNormActivationOptions, type MLPOptions, type NormLayerFactory, type ActivationFactory } from './misc.js';
export { StochasticDepth, stochasticDepth } from './stochastic_depth.js';
export { batchedNms, boxArea, boxConvert, boxIou, clipBoxesToImage, completeBoxIou, distanceBoxIou, generalizedBoxIou, masksToBoxes, nms, removeSmallBoxes, type AxisAlignedFormat, type BoxFormat } from './boxes.js';
export { completeBoxIouLoss, distanceBoxIouLoss, generalizedBoxIouLoss, sigmoidFocalLoss, type LossReduction } from './losses.js';
export { Conv3dNormActivation, type ConvNormActivationOptions, type ConvNormActivationArgs } from './conv_norm_activation.js';
export { FrozenBatchNorm2d } from './frozen_batch_norm.js';
export { DropBlock2d, DropBlock3d, dropBlock2d, dropBlock3d, type DropBlockOptions } from './drop_block.js';
export { ExtraFPNBlock, FeaturePyramidNetwork, LastLevelMaxPool, LastLevelP6P7, type FeatureMaps, type FeaturePyramidNetworkOptions } from './feature_pyramid_network.js';
export { RoIAlign, roiAlign, type RoiBoxes, type RoiOutputSize } from './roi_align.js';
export { RoIPool, roiPool } from './roi_pool.js';
export { PSRoIAlign, psRoiAlign } from './ps_roi_align.js';
export { PSRoIPool, psRoiPool } from './ps_roi_pool.js';
export { LevelMapper, MultiScaleRoIAlign, initLevelMapper, setupScales, type MultiScaleRoIAlignOptions } from './poolers.js';
export { DeformConv2d, deformConv2d, type DeformConv2dOptions, type DeformConv2dModuleOptions } from './deform_conv.js';
