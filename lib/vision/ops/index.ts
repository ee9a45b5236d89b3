// torchvision.ops: the layers torchvision's models are built from.
export { Conv2dNormActivation, MLP, Permute, SqueezeExcitation, makeDivisible, type Conv2dNormActivationOptions, type MLPOptions, type NormLayerFactory, type ActivationFactory } from './misc.js';
export { StochasticDepth, stochasticDepth } from './stochastic_depth.js';
export { batchedNms, boxArea, boxConvert, boxIou, clipBoxesToImage, completeBoxIou, distanceBoxIou, generalizedBoxIou, masksToBoxes, nms, removeSmallBoxes, type AxisAlignedFormat, type BoxFormat } from './boxes.js';
export { completeBoxIouLoss, distanceBoxIouLoss, generalizedBoxIouLoss, sigmoidFocalLoss, type LossReduction } from './losses.js';
