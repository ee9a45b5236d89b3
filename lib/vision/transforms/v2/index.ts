// torchvision.transforms.v2: the classes (one call takes the whole sample, `t.call(img, label)`,
// `t.call({ image, boxes, masks, labels })` with tv_tensors), MixUp and CutMix, the bounding-box
// transforms, and v2's functional.
export {
  CenterCrop, ColorJitter, Compose, ConvertImageDtype, ElasticTransform, FiveCrop, GaussianBlur, Grayscale, Identity, Lambda,
  LinearTransformation, Normalize, Pad, PILToTensor, RandomAdjustSharpness, RandomAffine, RandomApply, RandomAutocontrast,
  RandomChoice, RandomCrop, RandomEqualize, RandomErasing, RandomGrayscale, RandomHorizontalFlip, RandomInvert, RandomOrder,
  RandomPerspective, RandomPosterize, RandomResizedCrop, RandomRotation, RandomSolarize, RandomVerticalFlip, Resize, TenCrop,
  ToDtype, ToImage, ToPILImage, ToPureTensor, ToTensor,
} from './transforms.js';
export { CutMix, MixUp, type MixOptions } from './mixing.js';
export { ClampBoundingBoxes, ClampKeyPoints, ConvertBoundingBoxFormat, RandomIoUCrop, SanitizeBoundingBoxes, SanitizeKeyPoints } from './box_transforms.js';
export { SetClampingMode } from './box_transforms.js';
export { RandomResize, RandomShortestSize, RandomZoomOut, ScaleJitter } from './random_size.js';
export { AugMix, AutoAugment, RandAugment, TrivialAugmentWide } from './auto_augment.js';
export { AutoAugmentPolicy } from '../auto_augment.js';
export type { FillDict, FillKey, FillMapKey, FillOption, FillValue } from './_fill.js';
export { InterpolationMode, type InterpolationArg } from '../functional.js';
export * as functional from './functional.js';
export { JPEG } from './augment.js';
export { GaussianNoise, RandomChannelPermutation, RandomPhotometricDistort, RGB, type PhotometricDistortParams } from './photometric.js';
export { UniformTemporalSubsample } from './temporal.js';
// the extension API: the base class of your own v2 transforms and torchvision's helpers for them
export { Transform, checkType, hasAny, hasAll, getBoundingBoxes, getKeypoints, queryChw, querySize, type TypeOrCheck } from './_transform.js';
