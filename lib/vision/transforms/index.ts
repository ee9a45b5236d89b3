// torchvision.transforms: Compose, ToTensor, Normalize, Resize, crops, pads, flips, rotation and affine maps,
// colour jitter and colour operations, blur, erasing, dtype conversion.
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
export { Grayscale, RandomGrayscale } from './grayscale.js';
export { RandomResizedCrop, type RandomResizedCropOptions } from './random_resized_crop.js';
export { Pad } from './pad.js';
export { RandomApply } from './random_apply.js';
export { ConvertImageDtype } from './convert_image_dtype.js';
export { GaussianBlur } from './gaussian_blur.js';
export { RandomAffine, type RandomAffineOptions } from './random_affine.js';
export { RandomErasing, type RandomErasingOptions } from './random_erasing.js';
export { RandomPerspective, type RandomPerspectiveOptions } from './random_perspective.js';
export { ElasticTransform, type ElasticTransformOptions } from './elastic_transform.js';
export { FiveCrop, TenCrop } from './five_crop.js';
export { LinearTransformation } from './linear_transformation.js';
export { applyAugmentOp, AugMix, AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide, type AugMixOptions, type AutoAugmentOptions, type RandAugmentOptions, type TrivialAugmentWideOptions } from './auto_augment.js';
export { RandomInvert, RandomPosterize, RandomSolarize, RandomAdjustSharpness, RandomAutocontrast, RandomEqualize } from './random_color.js';
export { ImageClassification, type ImageClassificationOptions } from './presets.js';
export { InterpolationMode } from './functional.js';
export * as functional from './functional.js';
