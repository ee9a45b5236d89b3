// torchnode.vision: torchvision's datasets and transforms.
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
