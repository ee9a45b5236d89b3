// torchvision.datasets: MNIST, FashionMNIST, KMNIST, CIFAR10, CIFAR100, FakeData, ImageFolder, DatasetFolder, CocoDetection, CocoCaptions, VOCDetection, VOCSegmentation, wrap_dataset_for_transforms_v2, and utils (downloads).
export { VisionDataset, type VisionDatasetOptions } from './vision_dataset.js';
export { MNIST, FashionMNIST, KMNIST, type MNISTOptions } from './mnist.js';
export { FakeData, type FakeDataOptions } from './fakedata.js';
export { CIFAR10, CIFAR100, type CIFAR10Options } from './cifar.js';
export * as utils from './utils.js';
export {
  DatasetFolder, ImageFolder, IMG_EXTENSIONS, defaultLoader, findClasses, makeDataset, hasFileAllowedExtension, isImageFile,
  type DatasetFolderOptions, type ImageFolderOptions,
} from './folder.js';
export { CocoDetection, CocoCaptions, CocoIndex, type JointTransformOptions, type JointTransformLike } from './coco.js';
export { VOCDetection, VOCSegmentation, DATASET_YEAR_DICT, type VOCOptions, type VOCNode, type VOCValue } from './voc.js';
export { wrapDatasetForTransformsV2, VisionDatasetTVTensorWrapper, VOC_DETECTION_CATEGORIES, type TargetKeys, type WrapOptions } from './tv_tensors_wrapper.js';
