// v2.functional's per-type kernel names (torchvision's adjust_brightness_image, crop_video,
// get_size_bounding_boxes, ...). Each *Image kernel is the dispatching functional on a plain tensor:
// the same computation (no second copy), with torchvision's kernel contract on top: a tensor only (a
// vision.Image, v2's PIL image, is refused, as torchvision's _image kernels take no PIL image), a
// tv_tensor given is treated as a plain image tensor and the result is a plain tensor (the _image
// kernels see no tv_tensor metadata). The *Video kernels are the image ones, as in torchvision.
// Also the kernel table behind Transform.callKernel (torchvision's _KERNEL_REGISTRY, as kinds).
import type { Tensor } from '../../../tensor.js';
import { isTensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { warn } from '../../../warnings.js';
import { Image } from '../../image.js';
import { boxesMeta, isPureTensor, kindOf } from '../../tv_tensors.js';
import * as F from './functional.js';
import { checkKernelKinds, setKernelLookup, sizeOf, type KernelArgs } from './_transform.js';

export { isPureTensor };


/**
 * `op` on `inpt` as a plain tensor: a tv_tensor is aliased without its mark (the alias disposed after),
 * and where `op` returns its input unchanged, the input itself comes back (torchvision returns the same object).
 */
function onPlainTensor<R>(inpt: unknown, name: string, op: (t: Tensor) => R): R {
  if (!isTensor(inpt)) {
    throw new TypeError(`${name}: expected a tensor, got ${inpt instanceof Image ? 'a vision.Image (the per-type kernels take tensors; the functional without the suffix takes a vision.Image)' : describe(inpt)}`);
  }
  if (kindOf(inpt) === null) return op(inpt);
  const plain = inpt.viewAs(inpt);
  let out: R | undefined;
  try {
    out = op(plain);
    return (out as unknown) === plain ? (inpt as unknown as R) : out;
  } finally {
    if ((out as unknown) !== plain) plain.dispose();
  }
}

/** A torchvision per-type image kernel from a dispatching functional of v2.functional (looked up when called). */
function imageKernel<Fn extends (x: any, ...args: any[]) => any, R = Tensor>(name: string, functional: () => Fn): (image: Tensor, ...args: KernelArgs<Fn>) => R {
  return (image, ...args) => onPlainTensor(image, name, (t) => functional()(t, ...(args as unknown[])) as R);
}

export const adjustBrightnessImage = imageKernel('adjust_brightness_image', () => F.adjustBrightness);
export const adjustBrightnessVideo = adjustBrightnessImage;
export const adjustContrastImage = imageKernel('adjust_contrast_image', () => F.adjustContrast);
export const adjustContrastVideo = adjustContrastImage;
export const adjustGammaImage = imageKernel('adjust_gamma_image', () => F.adjustGamma);
export const adjustGammaVideo = adjustGammaImage;
export const adjustHueImage = imageKernel('adjust_hue_image', () => F.adjustHue);
export const adjustHueVideo = adjustHueImage;
export const adjustSaturationImage = imageKernel('adjust_saturation_image', () => F.adjustSaturation);
export const adjustSaturationVideo = adjustSaturationImage;
export const adjustSharpnessImage = imageKernel('adjust_sharpness_image', () => F.adjustSharpness);
export const adjustSharpnessVideo = adjustSharpnessImage;
export const autocontrastImage = imageKernel('autocontrast_image', () => F.autocontrast);
export const autocontrastVideo = autocontrastImage;
export const equalizeImage = imageKernel('equalize_image', () => F.equalize);
export const equalizeVideo = equalizeImage;
export const invertImage = imageKernel('invert_image', () => F.invert);
export const invertVideo = invertImage;
export const posterizeImage = imageKernel('posterize_image', () => F.posterize);
export const posterizeVideo = posterizeImage;
export const solarizeImage = imageKernel('solarize_image', () => F.solarize);
export const solarizeVideo = solarizeImage;
export const gaussianBlurImage = imageKernel('gaussian_blur_image', () => F.gaussianBlur);
export const gaussianBlurVideo = gaussianBlurImage;
export const normalizeImage = imageKernel('normalize_image', () => F.normalize);
export const normalizeVideo = normalizeImage;
export const rgbToGrayscaleImage = imageKernel('rgb_to_grayscale_image', () => F.rgbToGrayscale);

export const horizontalFlipImage = imageKernel('horizontal_flip_image', () => F.horizontalFlip);
export const horizontalFlipVideo = horizontalFlipImage;
export const verticalFlipImage = imageKernel('vertical_flip_image', () => F.verticalFlip);
export const verticalFlipVideo = verticalFlipImage;
export const cropImage = imageKernel('crop_image', () => F.crop);
export const cropVideo = cropImage;
export const centerCropImage = imageKernel('center_crop_image', () => F.centerCrop);
export const centerCropVideo = centerCropImage;
export const padImage = imageKernel('pad_image', () => F.pad);
export const padVideo = padImage;
export const resizedCropImage = imageKernel('resized_crop_image', () => F.resizedCrop);
export const resizedCropVideo = resizedCropImage;
export const fiveCropImage = imageKernel<typeof F.fiveCrop, [Tensor, Tensor, Tensor, Tensor, Tensor]>('five_crop_image', () => F.fiveCrop);
export const fiveCropVideo = fiveCropImage;
export const tenCropImage = imageKernel<typeof F.tenCrop, [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]>('ten_crop_image', () => F.tenCrop);
export const tenCropVideo = tenCropImage;
// the videos of the image kernels v2.functional already has (resizeImage, rotateImage, ...: these take a vision.Image too)
export const resizeVideo = imageKernel('resize_video', () => F.resize);
export const rotateVideo = imageKernel('rotate_video', () => F.rotate);
export const affineVideo = imageKernel('affine_video', () => F.affine);
export const perspectiveVideo = imageKernel('perspective_video', () => F.perspective);
export const elasticVideo = imageKernel('elastic_video', () => F.elastic);
export const toDtypeVideo = imageKernel('to_dtype_video', () => F.toDtypeImage);

/** v2's get_dimensions_image: [C, H, W] of a tensor (an (H, W) tensor has one channel). */
export const getDimensionsImage = (image: Tensor): [number, number, number] => onPlainTensor(image, 'get_dimensions_image', (t) => F.getDimensions(t));
export const getDimensionsVideo = getDimensionsImage;
/** v2's get_num_channels_image: C of a tensor. */
export const getNumChannelsImage = (image: Tensor): number => getDimensionsImage(image)[0];
export const getNumChannelsVideo = getNumChannelsImage;
/** v2's get_num_channels: the channels of an image or video (a tensor or a vision.Image). */
export function getNumChannels(inpt: Tensor | Image): number {
  checkKernelKinds('get_num_channels', inpt, ['Image', 'Video'], true);
  return inpt instanceof Image ? inpt.channels : getNumChannelsImage(inpt);
}
/** v2's get_image_num_channels: get_num_channels under its old name. */
export const getImageNumChannels = getNumChannels;
/** v2's get_image_size (deprecated there): [width, height] of an image. */
export function getImageSize(inpt: Tensor | Image): [number, number] {
  warn('The function `get_image_size(...)` is deprecated and will be removed in a future release. Instead, please use `get_size(...)` which returns `[h, w]` instead of `[w, h]`.');
  const [, h, w] = F.getDimensions(inpt);
  return [w, h];
}
/** v2's get_size_image: [H, W] of a tensor. */
export const getSizeImage = (image: Tensor): [number, number] => onPlainTensor(image, 'get_size_image', (t) => sizeOf(t));
export const getSizeVideo = getSizeImage;
export const getSizeMask = getSizeImage;
/** v2's get_size_bounding_boxes: the canvas size of boxes. */
export const getSizeBoundingBoxes = (boxes: Tensor): [number, number] => boxesMeta(boxes, 'get_size_bounding_boxes').canvasSize;

/** v2's to_pil_image and pil_to_tensor: v1's toPILImage and pilToTensor. */
export { toPILImage as toPilImage, pilToTensor } from '../functional.js';

// ---- the kernel table of Transform.callKernel (torchvision's _KERNEL_REGISTRY) ------------------------

/** What a leaf is to the kernel table: a plain tensor, a vision.Image (PIL), a tv_tensor kind; null: no kernel. */
type KernelKey = 'Tensor' | 'PIL' | 'Image' | 'Video' | 'Mask' | 'BoundingBoxes' | 'KeyPoints';

const ALL: readonly KernelKey[] = ['Tensor', 'PIL', 'Image', 'Video', 'Mask', 'BoundingBoxes', 'KeyPoints'];
const IMAGES: readonly KernelKey[] = ['Tensor', 'PIL', 'Image', 'Video'];
/** The functionals by v2.functional name, and the leaves they have a kernel for (torchvision 0.28's registry). */
const REGISTRY: [readonly string[], readonly KernelKey[]][] = [
  [['horizontalFlip', 'hflip', 'verticalFlip', 'vflip', 'resize', 'affine', 'rotate', 'pad', 'crop', 'perspective', 'elastic', 'elasticTransform', 'centerCrop', 'resizedCrop', 'getSize'], ALL],
  [['toDtype'], ['Tensor', 'Image', 'Video', 'Mask', 'BoundingBoxes', 'KeyPoints']],
  [['getDimensions', 'getNumChannels', 'getImageNumChannels', 'erase', 'jpeg', 'gaussianBlur', 'gaussianNoise', 'adjustBrightness', 'adjustSaturation', 'adjustContrast',
    'adjustSharpness', 'adjustHue', 'adjustGamma', 'posterize', 'solarize', 'autocontrast', 'equalize', 'invert', 'permuteChannels', 'fiveCrop', 'tenCrop'], IMAGES],
  [['normalize'], ['Tensor', 'Image', 'Video']],
  [['rgbToGrayscale', 'toGrayscale', 'grayscaleToRgb'], ['Tensor', 'PIL', 'Image']],
  [['getNumFrames', 'uniformTemporalSubsample'], ['Tensor', 'Video']],
];

let table: Map<Function, readonly KernelKey[]> | null = null;

function kernelKey(inpt: unknown): KernelKey | null {
  if (inpt instanceof Image) return 'PIL';
  if (isPureTensor(inpt)) return 'Tensor';
  return kindOf(inpt);
}

setKernelLookup((functional, inpt) => {
  if (table === null) {  // built on first use: v2.functional is complete by then
    table = new Map();
    const ns = F as unknown as Record<string, unknown>;
    for (const [names, keys] of REGISTRY) for (const n of names) if (typeof ns[n] === 'function') table.set(ns[n] as Function, keys);
  }
  const keys = table.get(functional);
  if (keys === undefined) throw new TypeError(`callKernel: ${functional.name || 'the function'} is not one of v2.functional's dispatching functionals (no kernel registered for it)`);
  const key = kernelKey(inpt);
  return key !== null && keys.includes(key);
});
