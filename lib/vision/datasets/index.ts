// torchvision.datasets: MNIST, FashionMNIST, CIFAR10, ImageFolder, DatasetFolder.
export { VisionDataset, type VisionDatasetOptions } from './vision_dataset.js';
export { MNIST, FashionMNIST, type MNISTOptions } from './mnist.js';
export { CIFAR10, type CIFAR10Options } from './cifar.js';
export {
  DatasetFolder, ImageFolder, IMG_EXTENSIONS, defaultLoader, findClasses, makeDataset, hasFileAllowedExtension, isImageFile,
  type DatasetFolderOptions, type ImageFolderOptions,
} from './folder.js';
