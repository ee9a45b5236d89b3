// torchnode.vision: torchvision's datasets, transforms and models, and the image type they pass around.
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
export * as models from './models/index.js';
export * as ops from './ops/index.js';
export * as utils from './utils.js';
export * as io from './io.js';
export * as tvTensors from './tv_tensors.js';
export { Image, type ImageMode } from './image.js';
