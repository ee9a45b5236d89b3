// torchvision.transforms: Compose, ToTensor, Normalize, Resize, crops, flips, rotation, ColorJitter.
export { Transform, type TransformLike } from './transform.js';
export { Compose, Lambda } from './compose.js';
export { ToTensor, PILToTensor, ToPILImage } from './to_tensor.js';
export { Normalize } from './normalize.js';
export { Resize, type ResizeOptions } from './resize.js';
export { CenterCrop } from './center_crop.js';
export { RandomCrop, type RandomCropOptions } from './random_crop.js';
export { RandomHorizontalFlip, RandomVerticalFlip } from './flip.js';
export { RandomRotation, type RandomRotationOptions } from './random_rotation.js';
export { ColorJitter, type ColorJitterOptions } from './color_jitter.js';
export { RandomResizedCrop, type RandomResizedCropOptions } from './random_resized_crop.js';
export { InterpolationMode } from './functional.js';
export * as functional from './functional.js';
