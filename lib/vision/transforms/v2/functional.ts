// torchvision.transforms.v2.functional: v1's functions where v2 computes the same, and v2's own
// tensor kernels where its arithmetic differs (grayscale, contrast, saturation, hue, sharpness,
// autocontrast, Gaussian blur, resize of uint8 images, dtype scaling), ported op for op from
// torchvision 0.28's v2/functional so tensors give v2's results bit for bit. A vision.Image takes
// v1's path, as v2 sends PIL images to the same PIL kernels as v1.
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';
import { isTensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { Image } from '../../image.js';
import * as v1 from '../functional.js';
import { _internal, maxValue, pilToTensor, type ImageLike, type InterpolationArg, type InterpolationMode } from '../functional.js';
import { dispatching, markImage, sizeOf } from './_transform.js';
import { keyPointsCanvasSize } from '../../tv_tensors.js';

export * from '../functional.js';

const { onTensor, checkChannels, checkFactor, gaussianBlurArgs, resizedOutputSize, withV2FillBlend } = _internal;
const F = (): typeof torch.nn.functional => torch.nn.functional;

const TO_DTYPE_ARGS = signature('to_dtype', { dtype: torch.float32, scale: false });
const RGB_TO_GRAYSCALE_ARGS = signature('rgb_to_grayscale', { numOutputChannels: 1 });
const FACTOR_ARGS = (fn: string, name: string) => signature(fn, { [name]: REQUIRED });
const ADJUST_CONTRAST_ARGS = FACTOR_ARGS('adjust_contrast', 'contrastFactor');
const ADJUST_SATURATION_ARGS = FACTOR_ARGS('adjust_saturation', 'saturationFactor');
const ADJUST_HUE_ARGS = FACTOR_ARGS('adjust_hue', 'hueFactor');
const ADJUST_SHARPNESS_ARGS = FACTOR_ARGS('adjust_sharpness', 'sharpnessFactor');
const GAUSSIAN_BLUR_ARGS = signature('gaussian_blur', { kernelSize: REQUIRED, sigma: null });
const RESIZE_ARGS = signature('resize', { size: REQUIRED, interpolation: 'bilinear', maxSize: null, antialias: true });

const FLOAT_DTYPES: readonly torch.dtype[] = [torch.float16, torch.bfloat16, torch.float32, torch.float64];
const ROUNDED_DTYPES: readonly torch.dtype[] = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64];
const VALUE_BITS = new Map<torch.dtype, number>([[torch.uint8, 8], [torch.int8, 7], [torch.int16, 15], [torch.uint16, 16], [torch.int32, 31], [torch.int64, 63]]);

/**
 * v2's to_dtype of an image tensor: a plain cast, or with `scale` the value range mapped as well
 * (ints to floats by 1/max, floats to ints by max + 1 - 1e-3, ints to ints by bit shifts).
 */
export function toDtypeImage(inpt: Tensor, dtype?: torch.dtype, scale?: boolean): Tensor;
export function toDtypeImage(inpt: Tensor, ...args: PyArgsWith<[dtype: torch.dtype, scale: boolean], { dtype?: torch.dtype; scale?: boolean }>): Tensor;
export function toDtypeImage(inpt: Tensor, ...args: unknown[]): Tensor {
  const [dtype, scale] = bind(TO_DTYPE_ARGS, args) as [torch.dtype, boolean];
  if (!isTensor(inpt)) throw new TypeError(`to_dtype: expected a tensor (a vision.Image goes through ToImage first), got ${describe(inpt)}`);
  if (inpt.dtype === dtype) return inpt;
  if (!scale) return inpt.to(dtype);
  const floatOutput = FLOAT_DTYPES.includes(dtype);
  if (inpt.isFloatingPoint()) return v1.convertImageDtype(inpt, dtype);  // the same as v2's from floats
  if (floatOutput) return inpt.to(dtype).mul_(1.0 / maxValue(inpt.dtype));
  const bitsIn = VALUE_BITS.get(inpt.dtype), bitsOut = VALUE_BITS.get(dtype);
  if (bitsIn === undefined || bitsOut === undefined) throw new TypeError(`to_dtype: cannot scale ${String(inpt.dtype)} to ${String(dtype)}`);
  const shift = Math.abs(bitsIn - bitsOut);
  if (bitsIn > bitsOut) return inpt.dtype === torch.uint16 ? inpt.div(2 ** shift).to(dtype) : inpt.bitwiseRightShift(shift).to(dtype);
  return dtype === torch.uint16 ? inpt.to(dtype).mul(2 ** shift) : inpt.to(dtype).bitwiseLeftShift_(shift);
}

/**
 * v2's to_image: a vision.Image as its uint8 (C, H, W) tensor; a tensor as a view of itself ((H, W)
 * gains a channel). The result is marked as an image (tv_tensors.Image): later transforms pick it
 * over other tensors of the sample.
 */
export function toImage(inpt: ImageLike): Tensor {
  if (inpt instanceof Image) return markImage(pilToTensor(inpt));
  if (!isTensor(inpt)) throw new TypeError(`to_image: expected a vision.Image or a tensor, got ${describe(inpt)}`);
  if (inpt.dim() < 2) throw new RangeError(`to_image: Tensor must be 2D or higher, got ${inpt.dim()}D tensor.`);
  return markImage(inpt.dim() === 2 ? inpt.unsqueeze(0) : inpt.viewAs(inpt));
}

/** v2's get_size: [height, width] of an image, video or mask, or the canvas size of boxes and keypoints. */
export const getSize = (inpt: unknown): [number, number] => sizeOf(inpt);
/** v2's get_size_keypoints: the canvas size of keypoints. */
export const getSizeKeypoints = (keypoints: Tensor): [number, number] => keyPointsCanvasSize(keypoints, 'get_size_keypoints');

// v2's rotate, affine, perspective and elastic dispatch on tv_tensors (images, masks, boxes, keypoints).
export { rotate, affine, rotateImage, affineImage, rotateMask, affineMask, rotateBoundingBoxes, affineBoundingBoxes, rotateKeypoints, affineKeypoints } from './_affine.js';
export { perspective, perspectiveImage, perspectiveMask, perspectiveBoundingBoxes, perspectiveKeypoints, perspectiveCoefficients } from './_perspective.js';
export { elastic, elasticTransform, elasticImage, elasticMask, elasticBoundingBoxes, elasticKeypoints } from './_elastic.js';
export { withV2FillBlend };

// v2's functionals that dispatch on tv_tensors (images, masks, boxes, keypoints) and the box, keypoint and mask kernels.
export {
  horizontalFlip, verticalFlip, hflip, vflip, resize, crop, pad, centerCrop, resizedCrop, toDtype,
  convertBoundingBoxFormat, clampBoundingBoxes, horizontalFlipBoundingBoxes, verticalFlipBoundingBoxes, resizeBoundingBoxes,
  padBoundingBoxes, cropBoundingBoxes, centerCropBoundingBoxes, resizedCropBoundingBoxes, horizontalFlipMask, verticalFlipMask,
  resizeMask, cropMask, padMask, centerCropMask, resizedCropMask,
  horizontalFlipKeypoints, verticalFlipKeypoints, resizeKeypoints, padKeypoints, cropKeypoints, centerCropKeypoints, resizedCropKeypoints,
  clampKeypoints, sanitizeKeypoints,
} from './_geometry.js';
export { sanitizeBoundingBoxes, sanitizeBoundingBoxesMask } from './_geometry.js';

/** v2's _blend: image1 * ratio + image2 * (1 - ratio), clamped, in image1's dtype. */
function blend(image1: Tensor, image2: Tensor, ratio: number): Tensor {
  // Python's int_tensor.mul(1.0) is in the default float dtype; a JS 1.0 is an integer scalar: cast first (the same product).
  const out = (image1.isFloatingPoint() ? image1 : image1.to(torch.getDefaultDtype())).mul(ratio).add_(image2, { alpha: 1.0 - ratio }).clamp_(0, maxValue(image1.dtype));
  return image1.isFloatingPoint() ? out : out.to(image1.dtype);
}

function grayscaleImage(image: Tensor, numOutputChannels: 1 | 3, preserveDtype: boolean): Tensor {
  if (image.size(-3) === 1) return numOutputChannels === 1 ? image.clone() : image.repeat([...image.shape.slice(0, -3).map(() => 1), 3, 1, 1]);
  const [r, g, b] = image.unbind(-3) as [Tensor, Tensor, Tensor];
  let l = r.mul(0.2989).add_(g, { alpha: 0.587 }).add_(b, { alpha: 0.114 }).unsqueeze(-3);
  if (preserveDtype) l = l.to(image.dtype);
  return numOutputChannels === 3 ? l.expand(...image.shape) : l;
}

/** v2's rgb_to_grayscale (tensor: 0.2989 R + 0.587 G + 0.114 B accumulated in place; an Image: v1's PIL path). */
function rgbToGrayscaleKernel<T extends ImageLike>(img: T, numOutputChannels?: 1 | 3): T;
function rgbToGrayscaleKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[numOutputChannels: 1 | 3], { numOutputChannels?: 1 | 3 }>): T;
function rgbToGrayscaleKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [n] = bind(RGB_TO_GRAYSCALE_ARGS, args) as [1 | 3];
  if (img instanceof Image) return v1.rgbToGrayscale(img, n) as T;
  if (n !== 1 && n !== 3) throw new RangeError('rgb_to_grayscale: num_output_channels should be either 1 or 3');
  return onTensor(img, 'rgb_to_grayscale', (t) => { checkChannels(t, 'rgb_to_grayscale'); return grayscaleImage(t, n, true); }) as T;
}

/** v2's adjust_contrast: blend with the mean of the (floored, for integers) grayscale image. */
function adjustContrastKernel<T extends ImageLike>(img: T, contrastFactor: number): T;
function adjustContrastKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[contrastFactor: number], { contrastFactor?: number }>): T;
function adjustContrastKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [factor] = bind(ADJUST_CONTRAST_ARGS, args) as [number];
  if (img instanceof Image) return v1.adjustContrast(img, factor) as T;
  checkFactor(factor, 'adjust_contrast', 'contrast_factor');
  return onTensor(img, 'adjust_contrast', (t) => {
    const fp = t.isFloatingPoint();
    let gray: Tensor;
    if (checkChannels(t, 'adjust_contrast') === 3) {
      gray = grayscaleImage(t, 1, false);
      if (!fp) gray = gray.floor_();
    } else {
      gray = fp ? t : t.to(torch.float32);
    }
    return blend(t, torch.mean(gray, [-3, -2, -1], true), factor);
  }) as T;
}

/** v2's adjust_saturation: blend with the (floored, for integers) grayscale image. */
function adjustSaturationKernel<T extends ImageLike>(img: T, saturationFactor: number): T;
function adjustSaturationKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[saturationFactor: number], { saturationFactor?: number }>): T;
function adjustSaturationKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [factor] = bind(ADJUST_SATURATION_ARGS, args) as [number];
  if (img instanceof Image) return v1.adjustSaturation(img, factor) as T;
  checkFactor(factor, 'adjust_saturation', 'saturation_factor');
  return onTensor(img, 'adjust_saturation', (t) => {
    if (checkChannels(t, 'adjust_saturation') === 1) return t;
    let gray = grayscaleImage(t, 1, false);
    if (!t.isFloatingPoint()) gray = gray.floor_();
    return blend(t, gray, factor);
  }) as T;
}

function rgbToHsv(image: Tensor): Tensor {
  const [r, g] = image.unbind(-3) as [Tensor, Tensor, Tensor];
  const [minc, maxc] = torch.aminmax(image, { dim: -3 }) as [Tensor, Tensor];
  const eqc = maxc.eq(minc);
  const range = maxc.sub(minc);
  const ones = torch.onesLike(maxc);
  const s = range.div(torch.where(eqc, ones, maxc));
  const divisor = torch.where(eqc, ones, range).unsqueeze_(-3);
  const [rc, gc, bc] = maxc.unsqueeze(-3).sub(image).div(divisor).unbind(-3) as [Tensor, Tensor, Tensor];
  const maxNeR = maxc.ne(r);
  const maxEqG = maxc.eq(g);
  const hg = rc.add(2.0).sub_(bc).mul_(maxEqG.logicalAnd(maxNeR));
  const hr = bc.sub(gc).mul_(maxNeR.logicalNot());
  const hb = gc.add(4.0).sub_(rc).mul_(maxNeR.logicalAnd(maxEqG.logicalNot()));
  const h = hr.add_(hg).add_(hb).mul_(1.0 / 6.0).add_(1.0).fmod_(1.0);
  return torch.stack([h, s, maxc], -3);
}

const HSV_SELECT: number[][] = [[0, 2, 1, 1, 3, 0], [3, 0, 0, 2, 1, 1], [1, 1, 3, 0, 0, 2]];

function hsvToRgb(img: Tensor): Tensor {
  const [h, s, v] = img.unbind(-3) as [Tensor, Tensor, Tensor];
  const h6 = h.mul(6);
  const i = torch.floor(h6);
  const f = h6.sub_(i);
  const ii = i.to(torch.int32).remainder_(6);
  const sxf = s.mul(f);
  const oneMinusS = torch.rsub(s, 1.0);
  const q = torch.rsub(sxf, 1.0).mul_(v).clamp_(0.0, 1.0);
  const tt = sxf.add_(oneMinusS).mul_(v).clamp_(0.0, 1.0);
  const p = oneMinusS.mul_(v).clamp_(0.0, 1.0);
  const vpqt = torch.stack([v, p, q, tt], -3);
  let select = torch.tensor(HSV_SELECT, { dtype: torch.int64, device: img.device }).index(':', ii);
  if (select.dim() > 3) select = select.moveaxis(0, -3);
  return vpqt.gather(-3, select);
}

/** v2's adjust_hue: through HSV in float32 (v2's own RGB/HSV conversions), scaled back to the dtype. */
function adjustHueKernel<T extends ImageLike>(img: T, hueFactor: number): T;
function adjustHueKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[hueFactor: number], { hueFactor?: number }>): T;
function adjustHueKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [factor] = bind(ADJUST_HUE_ARGS, args) as [number];
  if (img instanceof Image) return v1.adjustHue(img, factor) as T;
  if (typeof factor !== 'number' || !(factor >= -0.5 && factor <= 0.5)) throw new RangeError(`adjust_hue: hue_factor (${factor}) is not in [-0.5, 0.5].`);
  return onTensor(img, 'adjust_hue', (t) => {
    if (checkChannels(t, 'adjust_hue') === 1 || t.numel() === 0) return t;
    const [h, s, v] = rgbToHsv(toDtypeImage(t, torch.float32, true)).unbind(-3) as [Tensor, Tensor, Tensor];
    h.add_(factor).remainder_(1.0);
    return toDtypeImage(hsvToRgb(torch.stack([h, s, v], -3)), t.dtype, true);
  }) as T;
}

/** v2's adjust_sharpness: the 3x3 smoothing blended into the interior in place (x + (1 - r) * (blur - x)). */
function adjustSharpnessKernel<T extends ImageLike>(img: T, sharpnessFactor: number): T;
function adjustSharpnessKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[sharpnessFactor: number], { sharpnessFactor?: number }>): T;
function adjustSharpnessKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [factor] = bind(ADJUST_SHARPNESS_ARGS, args) as [number];
  if (img instanceof Image) return v1.adjustSharpness(img, factor) as T;
  return onTensor(img, 'adjust_sharpness', (t) => {
    const c = checkChannels(t, 'adjust_sharpness');
    checkFactor(factor, 'adjust_sharpness', 'sharpness_factor');
    const [h, w] = [t.size(-2), t.size(-1)];
    if (t.numel() === 0 || h <= 2 || w <= 2) return t;
    const fp = t.isFloatingPoint();
    const kernelDtype = fp ? t.dtype : torch.float32;
    const [a, b] = [1.0 / 13.0, 5.0 / 13.0];
    const kernel = torch.tensor([[a, a, a], [a, b, a], [a, a, a]], { dtype: kernelDtype, device: t.device }).expand(c, 1, 3, 3);
    const shape = t.shape;
    let image = t.dim() > 4 ? t.reshape(-1, c, h, w) : t;
    let output = image.to(kernelDtype, { copy: true });
    let blurred = F().conv2d(output.dim() === 3 ? output.unsqueeze(0) : output, kernel, null, 1, 0, 1, c);
    if (output.dim() === 3) blurred = blurred.squeeze(0);
    if (!fp) blurred = blurred.round_();
    const view = output.index('...', '1:-1', '1:-1');
    view.add_(blurred.sub_(view), { alpha: 1.0 - factor });
    output = output.clamp_(0, maxValue(t.dtype));
    if (!fp) output = output.to(t.dtype);
    image = output;
    return t.dim() > 4 ? image.reshape(shape) : image;
  }) as T;
}

/** v2's autocontrast: per channel (x - min) / ((max - min) / bound), flat channels unchanged. */
function autocontrastKernel<T extends ImageLike>(img: T): T {
  if (img instanceof Image) return v1.autocontrast(img);
  return onTensor(img, 'autocontrast', (t) => {
    checkChannels(t, 'autocontrast');
    if (t.numel() === 0) return t;
    const bound = maxValue(t.dtype);
    const fp = t.isFloatingPoint();
    const floatImage = fp ? t : t.to(torch.float32);
    const minimum = floatImage.amin([-2, -1], true);
    const maximum = floatImage.amax([-2, -1], true);
    const eq = maximum.eq(minimum);
    const invScale = maximum.sub_(minimum).mul_(1.0 / bound);
    minimum.indexPut_([eq], torch.tensor(0.0, { dtype: minimum.dtype }));
    invScale.indexPut_([eq], torch.tensor(1.0, { dtype: invScale.dtype }));
    const diff = fp ? floatImage.sub(minimum) : floatImage.sub_(minimum);
    return diff.div_(invScale).clamp_(0, bound).to(t.dtype);
  }) as T;
}

/** v2's gaussian_blur: a kernel from a softmax over the scaled grid, reflect padding, one conv2d. */
function gaussianBlurKernel<T extends ImageLike>(img: T, kernelSize: number | readonly number[], sigma?: number | readonly number[] | null): T;
function gaussianBlurKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[kernelSize: number | readonly number[], sigma: number | readonly number[] | null], { kernelSize?: number | readonly number[]; sigma?: number | readonly number[] | null }>): T;
function gaussianBlurKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [kernelSize, sigma] = bind(GAUSSIAN_BLUR_ARGS, args) as [number | readonly number[], number | readonly number[] | null];
  if (img instanceof Image) return v1.gaussianBlur(img, kernelSize, sigma) as T;
  const [ks, sg] = gaussianBlurArgs(kernelSize, sigma, 'gaussian_blur');
  return onTensor(img, 'gaussian_blur', (t) => {
    if (t.numel() === 0) return t;
    const fp = t.isFloatingPoint();
    const dtype = fp ? t.dtype : torch.float32;
    const kernel1d = (k: number, s: number): Tensor => {
      const lim = (k - 1) / (2.0 * Math.sqrt(2.0));
      return torch.softmax(torch.linspace(-lim, lim, k, { dtype, device: t.device }).div(s).pow(2).neg(), 0);
    };
    const kernel2d = kernel1d(ks[1]!, sg[1]!).unsqueeze(-1).mul(kernel1d(ks[0]!, sg[0]!));
    const shape = t.shape;
    const c = t.size(-3);
    let x = t.dim() === 3 ? t.unsqueeze(0) : t.dim() > 4 ? t.reshape(-1, ...shape.slice(-3)) : t;
    if (!fp) x = x.to(torch.float32);
    x = F().pad(x, [Math.floor(ks[0]! / 2), Math.floor(ks[0]! / 2), Math.floor(ks[1]! / 2), Math.floor(ks[1]! / 2)], 'reflect');
    let out = F().conv2d(x, kernel2d.expand(c, 1, kernel2d.size(0), kernel2d.size(1)), null, 1, 0, 1, c);
    out = t.dim() === 3 ? out.squeeze(0) : t.dim() > 4 ? out.reshape(shape) : out;
    return fp ? out : out.round_().to(t.dtype);
  }) as T;
}

/** v2's _compute_resized_output_size: [h, w] for `size` (null: the longer side to maxSize). */
export function resizedOutputSizeV2(h: number, w: number, size: number | readonly number[] | null, maxSize: number | null): [number, number] {
  if (size === null) {
    if (maxSize === null) throw new RangeError('resize: size can only be None if max_size is also provided.');
    if (!Number.isInteger(maxSize)) throw new TypeError(`resize: max_size must be an integer when size is None, but got ${maxSize} instead.`);
    const [short, long] = w <= h ? [w, h] : [h, w];
    const newShort = Math.trunc(maxSize * short / long);
    return w <= h ? [maxSize, newShort] : [newShort, maxSize];
  }
  const sizeList = typeof size === 'number' ? [size] : [...size];
  if (sizeList.length !== 1 && sizeList.length !== 2) throw new RangeError(`resize: Size must be an int or a 1 or 2 element tuple/list, not a ${sizeList.length} element tuple/list`);
  if (maxSize !== null && sizeList.length !== 1) throw new RangeError('resize: max_size should only be passed if size is None or specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.');
  return resizedOutputSize(h, w, sizeList, maxSize);
}

/** Whether v2 resizes uint8 images without a float round trip: libtorch's uint8 kernels (bilinear on AVX2/AVX512, bicubic, lanczos). */
function nativeUint8Resize(interpolation: InterpolationMode): boolean {
  if (interpolation === 'bilinear') return ['AVX2', 'AVX512'].includes(torch.backends.cpu.getCpuCapability()) || ['arm64', 'aarch64'].includes(process.arch);
  return interpolation === 'bicubic' || interpolation === 'lanczos';
}

/** v2's resize: interpolate in the image's own dtype where v2 does (uint8 nearest, and the native uint8 kernels), else via float32. */
export function resizeImage<T extends ImageLike>(img: T, size: number | readonly number[] | null, interpolation?: InterpolationArg, maxSize?: number | null, antialias?: boolean | null): T;
export function resizeImage<T extends ImageLike>(img: T, ...args: PyArgsWith<[size: number | readonly number[] | null, interpolation: InterpolationArg, maxSize: number | null, antialias: boolean | null], { size?: number | readonly number[] | null; interpolation?: InterpolationArg; maxSize?: number | null; antialias?: boolean | null }>): T;
export function resizeImage<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [size, given, maxSize, antialias] = bind(RESIZE_ARGS, args) as [number | readonly number[] | null, InterpolationArg, number | null, boolean | null];
  const interpolation = v1.checkInterpolation(given, 'resize');
  if (!(img instanceof Image) && !isTensor(img)) throw new TypeError(`resize: expected a vision.Image or a tensor, got ${describe(img)}`);
  if (img instanceof Image) return v1.resize(img, resizedOutputSizeV2(img.height, img.width, size, maxSize), interpolation, null, antialias) as T;  // v2's sizes (size=None too), then PIL's resize
  const smooth = interpolation === 'bilinear' || interpolation === 'bicubic' || interpolation === 'lanczos';
  if (interpolation === 'lanczos' && !(antialias ?? false)) throw new RangeError('resize: InterpolationMode.LANCZOS requires antialias=True');
  const aa = smooth ? (antialias ?? false) : false;
  const [c, h, w] = [img.size(-3), img.size(-2), img.size(-1)];
  const [oh, ow] = resizedOutputSizeV2(h, w, size, maxSize);
  if (oh === h && ow === w) return img;
  if (img.numel() === 0) return img.reshape(...img.shape.slice(0, -3), c, oh, ow) as T;  // as v2: an Error unless the output is empty too
  const dtype = img.dtype;
  const acceptable = [torch.float32, torch.float64];
  if (interpolation === 'nearest' || interpolation === 'nearest-exact' || (img.device.type === 'cpu' && nativeUint8Resize(interpolation))) acceptable.push(torch.uint8);
  return torch.tidy(() => {
    let x = img.reshape(-1, c, h, w);
    const cast = !acceptable.includes(dtype);
    if (cast) x = x.to(torch.float32);
    x = F().interpolate(x, { size: [oh, ow], mode: interpolation as torch.nn.functional.InterpolateMode, alignCorners: smooth ? false : null, antialias: aa });
    if (cast) {
      if ((interpolation === 'bicubic' || interpolation === 'lanczos') && dtype === torch.uint8) x = x.clamp_(0, 255);
      if (ROUNDED_DTYPES.includes(dtype)) x = x.round_();  // v2 truncates uint16
      x = x.to(dtype);
    }
    return x.reshape(...img.shape.slice(0, -3), c, oh, ow);
  }) as T;
}

const POSTERIZE_ARGS = signature('posterize', { bits: REQUIRED });

/** v2's posterize: floats to 2^bits levels (floor, then back to [0, 1)), integers by masking the low bits. */
function posterizeKernel<T extends ImageLike>(img: T, bits: number): T;
function posterizeKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[bits: number], { bits?: number }>): T;
function posterizeKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [bits] = bind(POSTERIZE_ARGS, args) as [number];
  if (img instanceof Image) return v1.posterize(img, bits) as T;
  if (!Number.isInteger(bits) || bits < 0 || bits > 8) throw new TypeError(`posterize: bits must be a positive integer in the range [0, 8], got ${String(bits)} instead.`);
  return onTensor(img, 'posterize', (t) => {
    if (t.isFloatingPoint()) {
      const levels = 1 << bits;
      return t.mul(levels).floor_().clamp_(0, levels - 1).mul_(1.0 / levels);
    }
    const valueBits = VALUE_BITS.get(t.dtype);
    if (valueBits === undefined) throw new TypeError(`posterize: unsupported dtype ${String(t.dtype)}`);
    if (bits >= valueBits) return t;
    const mask = ((1n << BigInt(bits)) - 1n) << BigInt(valueBits - bits);  // a BigInt: int64's mask needs more than JS's 32-bit shifts
    return t.bitwiseAnd(Number.isSafeInteger(Number(mask)) ? Number(mask) : mask);
  }) as T;
}

/** v2's equalize: any dtype (through uint8 and back), one histogram per channel from scatter_add, v2's lookup table. */
function equalizeKernel<T extends ImageLike>(img: T): T {
  if (img instanceof Image) return v1.equalize(img);
  return onTensor(img, 'equalize', (t) => {
    if (t.numel() === 0) return t;
    const image = toDtypeImage(t, torch.uint8, true);
    const batchShape = image.shape.slice(0, -2);
    const flat = image.flatten(-2).to(torch.int64);
    const hist = torch.zeros([...batchShape, 256], { dtype: torch.int32, device: t.device }).scatterAdd_(-1, flat, torch.ones([1], { dtype: torch.int32, device: t.device }).expandAs(flat));
    let cum = hist.cumsum(-1);
    const index = cum.argmax(-1).unsqueeze_(-1);
    const step = torch.rsub(hist.gather(-1, index), flat.size(-1)).div_(255, { roundingMode: 'floor' });
    const valid = step.ne(0).unsqueeze_(-1);
    cum = cum.index('...', ':-1');
    cum.add_(torch.div(step, 2, { roundingMode: 'floor' })).div_(step.clamp_({ min: 1 }), { roundingMode: 'floor' }).clamp_(0, 255);
    const lut = torch.cat([torch.zeros([...batchShape, 1], { dtype: torch.uint8, device: t.device }), cum.to(torch.uint8)], -1);
    const equalized = lut.gather(-1, flat).viewAs(image);
    return toDtypeImage(torch.where(valid, equalized, image), t.dtype, true);
  }) as T;
}

const SOLARIZE_ARGS = signature('solarize', { threshold: REQUIRED });

/** v2's invert: 1 - x for floats, bitwise not for uint8, an xor with the value bits for signed integers; any number of channels. */
function invertKernel<T extends ImageLike>(img: T): T {
  if (img instanceof Image) return v1.invert(img);
  if (!isTensor(img)) throw new TypeError(`invert: expected a vision.Image or a tensor, got ${describe(img)}`);
  if (img.isFloatingPoint()) return torch.rsub(img, 1.0) as T;
  if (img.dtype === torch.uint8) return img.bitwiseNot() as T;
  const bits = VALUE_BITS.get(img.dtype);
  if (bits === undefined) throw new TypeError(`invert: unsupported dtype ${String(img.dtype)}`);
  const mask = (1n << BigInt(bits)) - 1n;
  return img.bitwiseXor(Number.isSafeInteger(Number(mask)) ? Number(mask) : mask) as T;
}

const ADJUST_GAMMA_ARGS = signature('adjust_gamma', { gamma: REQUIRED, gain: 1 });

/**
 * v2's adjust_gamma_image: img ** gamma on [0, 1] (integers scaled there and back), times gain and
 * clamped to [0, 1] only when gain != 1 (v1 always clamps). A vision.Image takes v1's PIL path.
 */
function adjustGammaKernel<T extends ImageLike>(img: T, gamma: number, gain?: number): T;
function adjustGammaKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[gamma: number, gain: number], { gamma?: number; gain?: number }>): T;
function adjustGammaKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [gamma, gain] = bind(ADJUST_GAMMA_ARGS, args) as [number, number];
  if (img instanceof Image) return v1.adjustGamma(img, gamma, gain);
  if (!isTensor(img)) throw new TypeError(`adjust_gamma: expected a vision.Image or a tensor, got ${describe(img)}`);
  if (typeof gamma !== 'number' || gamma < 0) throw new RangeError('adjust_gamma: Gamma should be a non-negative real number');
  if (typeof gain !== 'number') throw new TypeError(`adjust_gamma: gain must be a number, got ${describe(gain)}`);
  return torch.tidy(() => {
    let output = img.isFloatingPoint() ? img.pow(gamma) : toDtypeImage(img, torch.float32, true).pow_(gamma);
    // the clamp is needed only when multiplying: only a gain != 1 takes the output beyond [0, 1]
    if (gain !== 1.0) output = output.mul_(gain).clamp_(0.0, 1.0);
    return toDtypeImage(output, img.dtype, true);
  }) as T;
}

const NORMALIZE_ARGS = signature('normalize', { mean: REQUIRED, std: REQUIRED, inplace: false });

/**
 * v2's normalize_image: (x - mean) / std per channel. Only a std of zeros as given is refused (not one
 * that rounds to zero in the image's dtype, which v1 refuses: v2 divides, giving inf).
 */
function normalizeKernel(img: Tensor, mean: readonly number[] | number, std: readonly number[] | number, inplace?: boolean): Tensor;
function normalizeKernel(img: Tensor, ...args: PyArgsWith<[mean: readonly number[] | number, std: readonly number[] | number, inplace: boolean], { mean?: readonly number[] | number; std?: readonly number[] | number; inplace?: boolean }>): Tensor;
function normalizeKernel(img: Tensor, ...args: unknown[]): Tensor {
  const [mean, std, inplace] = bind(NORMALIZE_ARGS, args) as [readonly number[] | number, readonly number[] | number, boolean];
  if (!isTensor(img)) throw new TypeError(`normalize: img should be a Tensor, got ${describe(img)}`);
  if (!img.isFloatingPoint()) throw new TypeError(`normalize: Input tensor should be a float tensor. Got ${String(img.dtype)}.`);
  if (img.dim() < 3) throw new RangeError(`normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got torch.Size([${img.shape.join(', ')}]).`);
  const divzero = Array.isArray(std) ? !std.every((s) => s !== 0) : std === 0;
  if (divzero) throw new RangeError('normalize: std evaluated to zero, leading to division by zero.');
  return torch.tidy(() => {
    const dtype = img.dtype, device = img.device;
    let m = torch.tensor(mean as number[] | number, { dtype, device });
    let s = torch.tensor(std as number[] | number, { dtype, device });
    if (m.dim() === 1) m = m.view(-1, 1, 1);
    if (s.dim() === 1) s = s.view(-1, 1, 1);
    return (inplace ? img.sub_(m) : img.sub(m)).div_(s);
  });
}

/** v2's solarize: values at or above the threshold inverted; any number of channels. */
function solarizeKernel<T extends ImageLike>(img: T, threshold: number): T;
function solarizeKernel<T extends ImageLike>(img: T, ...args: PyArgsWith<[threshold: number], { threshold?: number }>): T;
function solarizeKernel<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [threshold] = bind(SOLARIZE_ARGS, args) as [number];
  if (img instanceof Image) return v1.solarize(img, threshold) as T;
  if (!isTensor(img)) throw new TypeError(`solarize: expected a vision.Image or a tensor, got ${describe(img)}`);
  if (threshold > maxValue(img.dtype)) throw new TypeError(`solarize: Threshold should be less or equal the maximum value of the dtype, but got ${threshold}`);
  return torch.tidy(() => torch.where(img.ge(threshold), invertKernel(img), img)) as T;
}

// v2's dispatching functionals over the kernels above and v1's: a tv_tensor of a kind without a kernel
// is refused, an Image or Video comes back as one (torchvision's registry: _kernels.ts)
const IMAGE_VIDEO = ['Image', 'Video'] as const;
export const rgbToGrayscale = dispatching('rgbToGrayscale', ['Image'], true, rgbToGrayscaleKernel);
export const toGrayscale = rgbToGrayscale;
export const adjustBrightness = dispatching('adjustBrightness', IMAGE_VIDEO, true, v1.adjustBrightness);
export const adjustContrast = dispatching('adjustContrast', IMAGE_VIDEO, true, adjustContrastKernel);
export const adjustSaturation = dispatching('adjustSaturation', IMAGE_VIDEO, true, adjustSaturationKernel);
export const adjustHue = dispatching('adjustHue', IMAGE_VIDEO, true, adjustHueKernel);
export const adjustSharpness = dispatching('adjustSharpness', IMAGE_VIDEO, true, adjustSharpnessKernel);
export const adjustGamma = dispatching('adjustGamma', IMAGE_VIDEO, true, adjustGammaKernel);
export const autocontrast = dispatching('autocontrast', IMAGE_VIDEO, true, autocontrastKernel);
export const gaussianBlur = dispatching('gaussianBlur', IMAGE_VIDEO, true, gaussianBlurKernel);
export const posterize = dispatching('posterize', IMAGE_VIDEO, true, posterizeKernel);
export const equalize = dispatching('equalize', IMAGE_VIDEO, true, equalizeKernel);
export const invert = dispatching('invert', IMAGE_VIDEO, true, invertKernel);
export const solarize = dispatching('solarize', IMAGE_VIDEO, true, solarizeKernel);
export const normalize = dispatching('normalize', IMAGE_VIDEO, false, normalizeKernel);
export const fiveCrop = dispatching('fiveCrop', IMAGE_VIDEO, true, v1.fiveCrop);
export const tenCrop = dispatching('tenCrop', IMAGE_VIDEO, true, v1.tenCrop);
export const getDimensions = dispatching('getDimensions', IMAGE_VIDEO, true, v1.getDimensions);

// v2's jpeg and erase (their PIL kernels included): v2/_augment.ts
export { erase, eraseImage, eraseVideo, jpeg, jpegImage, jpegImagePil, jpegVideo } from './_augment.js';
export {
  gaussianNoise, gaussianNoiseImage, gaussianNoiseVideo, grayscaleToRgb, grayscaleToRgbImage, permuteChannels, permuteChannelsImage, permuteChannelsVideo,
} from './_photometric.js';
export { getNumFrames, getNumFramesVideo, uniformTemporalSubsample, uniformTemporalSubsampleVideo } from './_temporal.js';
// torchvision's per-type kernel names (adjustBrightnessImage, cropVideo, getSizeBoundingBoxes, ...), isPureTensor, toPilImage: v2/_kernels.ts
export * from './_kernels.js';
// v2's own versions (a deprecation warning, tv_tensors) over v1's of the same name from the star export above
export { getImageNumChannels, getImageSize } from './_kernels.js';
