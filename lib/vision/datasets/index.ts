// torchvision.datasets: MNIST, FashionMNIST, KMNIST, CIFAR10, CIFAR100, FakeData, ImageFolder, DatasetFolder, and utils (downloads).
export { VisionDataset, type VisionDatasetOptions } from './vision_dataset.js';
export { MNIST, FashionMNIST, KMNIST, type MNISTOptions } from './mnist.js';
export { FakeData, type FakeDataOptions } from './fakedata.js';
export { CIFAR10, CIFAR100, type CIFAR10Options } from './cifar.js';
export * as utils from './utils.js';
export {
  DatasetFolder, ImageFolder, IMG_EXTENSIONS, defaultLoader, findClasses, makeDataset, hasFileAllowedExtension, isImageFile,
  type DatasetFolderOptions, type ImageFolderOptions,
} from './folder.js';
