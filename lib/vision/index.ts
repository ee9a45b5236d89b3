// torchnode.vision: torchvision's datasets and transforms, and the image type they pass around.
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
export { Image, type ImageMode } from './image.js';
