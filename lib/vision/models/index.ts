// torchvision.models: architectures with torchvision's module names and initialization.
export * from './resnet.js';
