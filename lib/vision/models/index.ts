// torchvision.models: architectures with torchvision's module names and initialization.
export * from './resnet.js';
export * from './vgg.js';
export * from './alexnet.js';
