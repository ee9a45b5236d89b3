// torchvision.models: architectures with torchvision's module names and initialization.
export * from './resnet.js';
export * from './vgg.js';
export * from './alexnet.js';
export * from './mobilenet_v2.js';
export * from './mobilenet_v3.js';
export * from './densenet.js';
export * from './efficientnet.js';
export * from './vision_transformer.js';
export * from './convnext.js';
export * from './shufflenet_v2.js';
export * from './squeezenet.js';
export * from './mnasnet.js';
export * from './regnet.js';
export * from './googlenet.js';
export * from './inception.js';
export * from './swin_transformer.js';
export * from './maxvit.js';
export * as segmentation from './segmentation/index.js';
export * as detection from './detection/index.js'; // torchvision.models.detection: the groundwork, Faster R-CNN, Mask R-CNN and Keypoint R-CNN
export * as _utils from './_utils.js'; // _utils.IntermediateLayerGetter, as torchvision.models._utils
export { Weights, type AnyWeightsEnum, type WeightsEnum, type WeightsMeta, type WeightsOptions, type GetStateDictOptions } from './weights.js';
export * from './weights_table.js';
export { listModels, getModel, getModelBuilder, getModelWeights, getWeight, type ListModelsOptions } from './registry.js';
