// torchvision.transforms.functional: the image operations behind the transforms, ported from
// torchvision 0.28's tensor path (_functional_tensor.py) op for op, so results are torchvision's for
// the same tensor. A vision.Image takes ports of PIL's own code where torchvision's PIL path calls
// PIL, bit for bit: resizing (Image.resize, _pil_resample.ts), rotations and warps (Image.rotate and
// Image.transform, _pil_geometry.ts), the colour adjustments (adjust*, autocontrast: _pil_enhance.ts)
// and grayscale (convert('L')). Elsewhere it goes through the tensor path (as its uint8 CHW tensor,
// what PILToTensor gives) and comes back as an Image.
import * as torch from '../../index.js';
import type { Tensor } from '../../tensor.js';
import { isTensor } from '../../tensor.js';
import { describe } from '../../options.js';
import { warn } from '../../warnings.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../nn/functional/_signature.js';
import { Image, type ImageMode } from '../image.js';
import { pilResize, type PilFilter } from '../_pil_resample.js';
import { pilAffine, pilFill, pilPerspective, pilRotate, type PilFilter as PilWarpFilter } from '../_pil_geometry.js';
import { cos as glibcCos, sin as glibcSin } from '../../libm.js';
import * as crmath from '../_crmath.js';
import { pilAutocontrast, pilBrightness, pilColor, pilContrast, pilGamma, pilHue, pilSharpness, pilSolarize } from '../_pil_enhance.js';
import { pyRound } from '../../libm.js';

/** An image as transforms take it: a vision.Image or a tensor (..., C, H, W). */
export type ImageLike = Image | Tensor;

/** torchvision's InterpolationMode values. */
export type InterpolationMode = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic' | 'box' | 'hamming' | 'lanczos';
export const InterpolationMode = { NEAREST: 'nearest', NEAREST_EXACT: 'nearest-exact', BILINEAR: 'bilinear', BICUBIC: 'bicubic', BOX: 'box', HAMMING: 'hamming', LANCZOS: 'lanczos' } as const;

const F = () => torch.nn.functional;

// Python's signatures after the image: positionals in torchvision's order, or keywords in a trailing options object.
const TO_PIL_IMAGE_ARGS = signature('toPILImage', { mode: undefined });
const CONVERT_IMAGE_DTYPE_ARGS = signature('convertImageDtype', { dtype: null });
const NORMALIZE_ARGS = signature('normalize', { mean: REQUIRED, std: REQUIRED, inplace: false });
const PAD_ARGS = signature('pad', { padding: REQUIRED, fill: 0, paddingMode: 'constant' });
const CROP_ARGS = signature('crop', { top: REQUIRED, left: REQUIRED, height: REQUIRED, width: REQUIRED });
const CENTER_CROP_ARGS = signature('centerCrop', { outputSize: REQUIRED });
const RESIZE_ARGS = signature('resize', { size: REQUIRED, interpolation: 'bilinear', maxSize: null, antialias: true });
const RESIZED_CROP_ARGS = signature('resizedCrop', { top: REQUIRED, left: REQUIRED, height: REQUIRED, width: REQUIRED, size: REQUIRED, interpolation: 'bilinear', antialias: true });
const ROTATE_ARGS = signature('rotate', { angle: REQUIRED, interpolation: 'nearest', expand: false, center: null, fill: null });
const AFFINE_ARGS = signature('affine', { angle: REQUIRED, translate: REQUIRED, scale: REQUIRED, shear: REQUIRED, interpolation: 'nearest', fill: null, center: null });
const PERSPECTIVE_ARGS = signature('perspective', { startpoints: REQUIRED, endpoints: REQUIRED, interpolation: 'bilinear', fill: null });
const ELASTIC_TRANSFORM_ARGS = signature('elasticTransform', { displacement: REQUIRED, interpolation: 'bilinear', fill: null });
const RGB_TO_GRAYSCALE_ARGS = signature('rgbToGrayscale', { numOutputChannels: 1 });
const TO_GRAYSCALE_ARGS = signature('toGrayscale', { numOutputChannels: 1 });
const ADJUST_BRIGHTNESS_ARGS = signature('adjustBrightness', { brightnessFactor: REQUIRED });
const ADJUST_CONTRAST_ARGS = signature('adjustContrast', { contrastFactor: REQUIRED });
const ADJUST_SATURATION_ARGS = signature('adjustSaturation', { saturationFactor: REQUIRED });
const ADJUST_GAMMA_ARGS = signature('adjustGamma', { gamma: REQUIRED, gain: 1 });
const ADJUST_HUE_ARGS = signature('adjustHue', { hueFactor: REQUIRED });
const POSTERIZE_ARGS = signature('posterize', { bits: REQUIRED });
const SOLARIZE_ARGS = signature('solarize', { threshold: REQUIRED });
const ADJUST_SHARPNESS_ARGS = signature('adjustSharpness', { sharpnessFactor: REQUIRED });
const GAUSSIAN_BLUR_ARGS = signature('gaussianBlur', { kernelSize: REQUIRED, sigma: null });
const ERASE_ARGS = signature('erase', { i: REQUIRED, j: REQUIRED, h: REQUIRED, w: REQUIRED, v: REQUIRED, inplace: false });
const FIVE_CROP_ARGS = signature('fiveCrop', { size: REQUIRED });
const TEN_CROP_ARGS = signature('tenCrop', { size: REQUIRED, verticalFlip: false });

// ---------------------------------------------------------------------------------------------
// Image <-> tensor

function checkImageTensor(img: Tensor, fn: string): void {
  if (img.dim() < 2) throw new TypeError(`${fn}: tensor is not a torch image (expected at least 2 dimensions, got ${img.dim()})`);
}

function checkImageLike(img: unknown, fn: string): asserts img is ImageLike {
  if (!(img instanceof Image) && !isTensor(img)) {
    throw new TypeError(`${fn}: img should be a vision.Image or a Tensor, got ${img === null ? 'null' : typeof img === 'object' ? (img as object).constructor?.name : typeof img}`);
  }
}

/** torchvision's pil_to_tensor: a uint8 (C, H, W) tensor of the image's pixels (a permuted view). */
export function pilToTensor(pic: Image): Tensor {
  if (!(pic instanceof Image)) throw new TypeError(`pilToTensor: pic should be a vision.Image, got ${describe(pic)}`);
  const flat = torch.tensor(pic.data);
  const hwc = flat.view(pic.height, pic.width, pic.channels);
  const chw = hwc.permute(2, 0, 1);
  flat.dispose();
  hwc.dispose();
  return chw;
}

/** A tensor of `values` shaped `shape`; the flat tensor's handle is freed at once (the view keeps the storage). */
function viewOfNew(values: Float32Array | Float64Array, shape: number[]): Tensor {
  const flat = torch.tensor(values);
  const shaped = flat.view(...shape);
  flat.dispose();
  return shaped;
}

/** pixel / 255 for each byte value, rounded once to float32: the same as torch's float32 division. */
const BYTE_TO_FLOAT32 = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * torchvision's to_tensor: float (C, H, W) in [0, 1], pixels / 255 in the default float dtype. Computed
 * in JS (one tensor made): x / 255 in double then rounded to float32 is float32's correctly rounded
 * quotient (double rounding is harmless for division), so it equals torch's `.to(float32).div(255)`.
 */
export function toTensor(pic: Image): Tensor {
  if (!(pic instanceof Image)) throw new TypeError(`toTensor: pic should be a vision.Image, got ${describe(pic)}`);
  const { width: w, height: h, channels: c, data } = pic;
  const n = w * h;
  const double = torch.getDefaultDtype() === torch.float64;
  const out = double ? new Float64Array(n * c) : new Float32Array(n * c);
  if (c === 1) {
    for (let i = 0; i < n; i++) out[i] = double ? data[i]! / 255 : BYTE_TO_FLOAT32[data[i]!]!;
  } else {
    for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) out[k * n + i] = double ? data[i * c + k]! / 255 : BYTE_TO_FLOAT32[data[i * c + k]!]!;
  }
  return viewOfNew(out, [c, h, w]);
}

/** torchvision's to_pil_image for (C, H, W) or (H, W) tensors: floats are scaled by 255 and cast. */
export function toPILImage(pic: Tensor, mode?: ImageMode | null): Image;
export function toPILImage(pic: Tensor, ...args: PyArgsWith<[mode: ImageMode | null], { mode?: ImageMode | null }>): Image;
export function toPILImage(pic: Tensor, ...args: unknown[]): Image {
  const [mode] = bind(TO_PIL_IMAGE_ARGS, args) as [mode: ImageMode | null | undefined];
  if (!isTensor(pic)) throw new TypeError(`toPILImage: pic should be a Tensor, got ${describe(pic)}`);
  if (pic.dim() !== 2 && pic.dim() !== 3) throw new RangeError(`toPILImage: pic should be 2 or 3 dimensional, got ${pic.dim()} dimensions`);
  return torch.tidy(() => {
    let t = pic.dim() === 2 ? pic.unsqueeze(0) : pic;
    const c = t.size(0);
    if (c !== 1 && c !== 3) throw new RangeError(`toPILImage: only 1 or 3 channels are supported, got ${c}`);
    if (t.isFloatingPoint()) t = t.mul(255).to(torch.uint8);
    else if (t.dtype !== torch.uint8) throw new TypeError(`toPILImage: expected a uint8 or floating point tensor, got ${String(t.dtype)}`);
    const data = t.permute(1, 2, 0).contiguous().toTypedArray() as Uint8Array;
    const img = new Image(t.size(2), t.size(1), c === 1 ? 'L' : 'RGB', data);
    if (mode == null || mode === img.mode) return img;
    // torchvision's checks: a mode is the input's, never a conversion
    if (c === 3) throw new RangeError(['YCbCr', 'HSV'].includes(mode) ? `toPILImage: mode ${mode}: vision.Image has modes L and RGB only` : "toPILImage: Only modes ['RGB', 'YCbCr', 'HSV'] are supported for 3D inputs");
    throw new RangeError(`toPILImage: Incorrect mode (${mode}) supplied for input type <class 'numpy.dtype'>. Should be L`);
  });
}

/** torchvision's to_pil_image under API.md's camelCase name (snake_case words, acronyms included, as v2's toPilImage); toPILImage is kept as an alias. */
export { toPILImage as toPilImage };

/** Runs a tensor operation on an Image (through its uint8 CHW tensor) or on a tensor. */
function onTensor(img: ImageLike, fn: string, op: (t: Tensor) => Tensor): ImageLike {
  checkImageLike(img, fn);
  if (img instanceof Image) return torch.tidy(() => toPILImage(op(pilToTensor(img))));
  checkImageTensor(img, fn);
  return torch.tidy(() => op(img));  // the op's intermediates go at once, not at the next GC
}

function dimensionsOf(img: ImageLike, fn: string): [number, number, number] {
  checkImageLike(img, fn);
  if (img instanceof Image) return [img.channels, img.height, img.width];
  checkImageTensor(img, fn);
  const s = img.shape;
  return [s.length === 2 ? 1 : s[s.length - 3]!, s[s.length - 2]!, s[s.length - 1]!];
}

/** [channels, height, width] of an image (torchvision's get_dimensions). */
export const getDimensions = (img: ImageLike): [number, number, number] => dimensionsOf(img, 'getDimensions');

/** [width, height] of an image (torchvision's get_image_size: width first). */
export function getImageSize(img: ImageLike): [number, number] {
  const [, h, w] = dimensionsOf(img, 'getImageSize');
  return [w, h];
}

/** The number of channels of an image (torchvision's get_image_num_channels). */
export const getImageNumChannels = (img: ImageLike): number => dimensionsOf(img, 'getImageNumChannels')[0];

// ---------------------------------------------------------------------------------------------
// dtype helpers of _functional_tensor.py

/** The largest value of an image dtype: 1 for floats, the integer maximum otherwise (torchvision's _max_value). */
export function maxValue(dtype: torch.dtype): number {
  const table: [torch.dtype, number][] = [[torch.uint8, 255], [torch.int8, 127], [torch.int16, 32767], [torch.uint16, 65535], [torch.int32, 2147483647], [torch.int64, 9223372036854775807]];
  for (const [d, v] of table) if (d === dtype) return v;
  return 1;
}

/** Python's `scalar * int_tensor` promotes to the default float dtype; JS cannot say 1.0, so cast first. */
function asFloat(t: Tensor): Tensor {
  return t.isFloatingPoint() ? t : t.to(torch.float32);
}

const FLOAT_DTYPES: readonly torch.dtype[] = [torch.float16, torch.bfloat16, torch.float32, torch.float64];

/**
 * torchvision's convert_image_dtype: floats in [0, 1] to integers by (max + 1 - 1e-3) and back by
 * max; integer to integer by a power-of-two factor (floor division down, multiplication up).
 */
export function convertImageDtype(image: Tensor, dtype?: torch.dtype): Tensor;
export function convertImageDtype(image: Tensor, ...args: PyArgsWith<[dtype: torch.dtype], { dtype?: torch.dtype }>): Tensor;
export function convertImageDtype(image: Tensor, ...args: unknown[]): Tensor {
  let [dtype] = bind(CONVERT_IMAGE_DTYPE_ARGS, args) as [dtype: torch.dtype];
  dtype ??= torch.float32;
  if (!isTensor(image)) throw new TypeError('convertImageDtype: Input img should be Tensor Image');
  if (image.dtype === dtype) return image;
  const toFloat = FLOAT_DTYPES.includes(dtype);
  if (image.isFloatingPoint()) {
    if (toFloat) return image.to(dtype);
    if ((image.dtype === torch.float32 && (dtype === torch.int32 || dtype === torch.int64)) || (image.dtype === torch.float64 && dtype === torch.int64))
      throw new Error(`The cast from ${String(image.dtype)} to ${String(dtype)} cannot be performed safely.`);
    return image.mul(maxValue(dtype) + 1.0 - 1e-3).to(dtype);
  }
  const inputMax = maxValue(image.dtype);
  if (toFloat) return image.to(dtype).div(inputMax);
  const outputMax = maxValue(dtype);
  // Python's (max + 1) // (max + 1) in doubles: 2 ** 63 and 2 ** 31 are exact there
  if (inputMax > outputMax) return torch.div(image, Math.floor((inputMax + 1) / (outputMax + 1)), { roundingMode: 'floor' }).to(dtype);
  return image.to(dtype).mul(Math.floor((outputMax + 1) / (inputMax + 1)));
}

/** _cast_squeeze_in: NCHW and one of the required float dtypes. */
function castSqueezeIn(img: Tensor, dtype: torch.dtype): { img: Tensor; cast: boolean; squeeze: boolean; outDtype: torch.dtype } {
  const squeeze = img.dim() < 4;
  let t = squeeze ? img.unsqueeze(0) : img;
  const outDtype = t.dtype;
  const accepted = dtype === torch.float32 ? [torch.float32, torch.float64] : [dtype];
  const cast = !accepted.includes(outDtype);
  if (cast) t = t.to(dtype);
  return { img: t, cast, squeeze, outDtype };
}

/** _cast_squeeze_out: back to the input's rank and dtype, rounding before an integer cast. */
function castSqueezeOut(img: Tensor, cast: boolean, squeeze: boolean, outDtype: torch.dtype): Tensor {
  let t = squeeze ? img.squeeze(0) : img;
  if (cast) {
    if (!(outDtype === torch.float16 || outDtype === torch.bfloat16 || outDtype === torch.float32 || outDtype === torch.float64)) t = torch.round(t);
    t = t.to(outDtype);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Normalize, flips, crops, pad

/** torchvision's normalize: (tensor - mean) / std per channel, of a float tensor (..., C, H, W). */
export function normalize(tensor: Tensor, mean: readonly number[] | number, std: readonly number[] | number, inplace?: boolean): Tensor;
export function normalize(tensor: Tensor, ...args: PyArgsWith<[mean: readonly number[] | number, std: readonly number[] | number, inplace: boolean], { mean?: readonly number[] | number; std?: readonly number[] | number; inplace?: boolean }>): Tensor;
export function normalize(tensor: Tensor, ...args: unknown[]): Tensor {
  const [mean, std, inplace] = bind(NORMALIZE_ARGS, args) as [mean: readonly number[] | number, std: readonly number[] | number, inplace: boolean];
  if (!isTensor(tensor)) throw new TypeError(`normalize: img should be a Tensor, got ${describe(tensor)}`);
  if (!tensor.isFloatingPoint()) throw new TypeError(`normalize: Input tensor should be a float tensor. Got ${String(tensor.dtype)}.`);
  if (tensor.dim() < 3) throw new RangeError(`normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${tensor.shape.join(', ')}]`);
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  const dtype = tensor.dtype;
  const single = dtype === torch.float32;
  if (!inplace && tensor.dim() === 3 && (single || dtype === torch.float64) && tensor.device.type === 'cpu' && !tensor.requiresGrad) {
    return normalizeInJs(tensor, means, stds, single);
  }
  return torch.tidy(() => {
    const meanT = torch.tensor(means, { dtype, device: tensor.device });
    const stdT = torch.tensor(stds, { dtype, device: tensor.device });
    if (stdT.eq(0).any().item()) throw new RangeError(`normalize: std evaluated to zero after conversion to ${String(dtype)}, leading to division by zero.`);
    const m = meanT.dim() === 1 ? meanT.view(-1, 1, 1) : meanT;
    const s = stdT.dim() === 1 ? stdT.view(-1, 1, 1) : stdT;
    const t = inplace ? tensor : tensor.clone();
    return t.sub_(m).div_(s);
  });
}

/**
 * normalize of one (C, H, W) image computed in JS with one tensor made: each float32 step rounded with
 * fround, which gives float32's correctly rounded results (what torch's sub_/div_ compute).
 */
function normalizeInJs(tensor: Tensor, means: number[], stds: number[], single: boolean): Tensor {
  const [c, h, w] = tensor.shape as [number, number, number];
  const round = single ? Math.fround : (x: number) => x;
  const fit = (v: number[], name: string) => {
    if (v.length !== 1 && v.length !== c) throw new RangeError(`normalize: ${name} has ${v.length} values, which does not broadcast to ${c} channels`);
    return Array.from({ length: c }, (_, k) => round(v.length === 1 ? v[0]! : v[k]!));
  };
  const m = fit(means, 'mean'), s = fit(stds, 'std');
  if (s.some((x) => x === 0)) throw new RangeError(`normalize: std evaluated to zero after conversion to ${String(tensor.dtype)}, leading to division by zero.`);
  const contiguous = tensor.contiguous();
  const src = contiguous.toTypedArray() as Float32Array | Float64Array;
  if (contiguous !== tensor) contiguous.dispose();
  const out = single ? new Float32Array(src.length) : new Float64Array(src.length);
  const plane = h * w;
  for (let k = 0; k < c; k++) {
    const mk = m[k]!, sk = s[k]!;
    for (let i = k * plane; i < (k + 1) * plane; i++) out[i] = round(round(src[i]! - mk) / sk);
  }
  return viewOfNew(out, [c, h, w]);
}

/** Horizontal flip (mirror left-right). */
export function hflip<T extends ImageLike>(img: T): T {
  checkImageLike(img, 'hflip');
  if (img instanceof Image) {
    const { width: w, height: h, channels: c, data } = img;
    const out = new Uint8Array(data.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = (y * w + x) * c, to = (y * w + (w - 1 - x)) * c;
        for (let k = 0; k < c; k++) out[to + k] = data[from + k]!;
      }
    }
    return new Image(w, h, img.mode, out) as T;
  }
  checkImageTensor(img, 'hflip');
  return img.flip(-1) as T;
}

/** Vertical flip (upside down). */
export function vflip<T extends ImageLike>(img: T): T {
  checkImageLike(img, 'vflip');
  if (img instanceof Image) {
    const { width: w, height: h, channels: c, data } = img;
    const row = w * c;
    const out = new Uint8Array(data.length);
    for (let y = 0; y < h; y++) out.set(data.subarray(y * row, (y + 1) * row), (h - 1 - y) * row);
    return new Image(w, h, img.mode, out) as T;
  }
  checkImageTensor(img, 'vflip');
  return img.flip(-2) as T;
}

/** Padding modes of torchvision's pad. */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** [left, right, top, bottom] from torchvision's 1-, 2- or 4-element padding. */
function parsePadding(padding: number | readonly number[], fn: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : [...padding];
  if (!p.every((v) => Number.isInteger(v))) throw new TypeError(`${fn}: padding must be integers, got ${JSON.stringify(padding)}`);
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[0]!, p[1]!, p[1]!];
  if (p.length === 4) return [p[0]!, p[2]!, p[1]!, p[3]!];
  throw new RangeError(`${fn}: Padding must be an int or a 1, 2, or 4 element tuple, not a ${p.length} element tuple`);
}

/** torchvision's pad: padding is left/top/right/bottom as torchvision spells it (1, 2 or 4 numbers). */
export function pad<T extends ImageLike>(img: T, padding: number | readonly number[], fill?: number | readonly number[], paddingMode?: PaddingMode): T;
export function pad<T extends ImageLike>(img: T, ...args: PyArgsWith<[padding: number | readonly number[], fill: number | readonly number[], paddingMode: PaddingMode], { padding?: number | readonly number[]; fill?: number | readonly number[]; paddingMode?: PaddingMode }>): T;
export function pad<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [padding, fillGiven, paddingMode] = bind(PAD_ARGS, args) as [padding: number | readonly number[], fill: number | readonly number[], paddingMode: PaddingMode];
  const p = parsePadding(padding, 'pad');
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(paddingMode)) {
    throw new RangeError('pad: Padding mode should be either constant, edge, reflect or symmetric');
  }
  if (Array.isArray(fillGiven) && !(img instanceof Image)) throw new TypeError('pad: Got inappropriate fill arg (a tensor takes a number; a vision.Image a number per channel)');
  if (paddingMode === 'symmetric') return onTensor(img, 'pad', (t) => padSymmetric(t, p)) as T;
  // an Image's fill as _parse_fill and PIL make it: one per channel, int(fill), then held by a byte (300 is 255, -1 is 0)
  const byte = (v: number): number => (Number.isFinite(v) ? Math.min(255, Math.max(0, Math.trunc(v))) : v);
  if (img instanceof Image && Array.isArray(fillGiven)) {
    const perChannel = fillGiven.length === 1 ? new Array<number>(img.channels).fill(fillGiven[0]!) : fillGiven;
    if (perChannel.length !== img.channels) throw new RangeError(`pad: The number of elements in 'fill' does not match the number of channels of the image (${perChannel.length} != ${img.channels})`);
    if (paddingMode === 'constant') return padImage(img, p.map((v) => Math.max(v, 0)), perChannel.map(byte), p) as T;
  }
  let fill = Array.isArray(fillGiven) ? 0 : (fillGiven as number);  // other modes do not read it
  if (img instanceof Image) fill = byte(fill);
  if (img instanceof Image && paddingMode === 'constant' && p.every((v) => v >= 0) && Number.isInteger(fill) && fill >= 0 && fill <= 255) return padImage(img, p, [fill], p) as T;
  return onTensor(img, 'pad', (t) => {
    const squeeze = t.dim() < 4;
    let x = squeeze ? t.unsqueeze(0) : t;
    const outDtype = x.dtype;
    const cast = paddingMode !== 'constant' && outDtype !== torch.float32 && outDtype !== torch.float64;
    if (cast) x = x.to(torch.float32);
    x = paddingMode === 'constant' ? F().pad(x, p, 'constant', fill) : F().pad(x, p, paddingMode === 'edge' ? 'replicate' : 'reflect');
    if (squeeze) x = x.squeeze(0);
    return cast ? x.to(outDtype) : x;
  }) as T;
}

/**
 * torchvision's _pad_symmetric: negative padding crops first; the edge rows and columns repeat, read
 * through index tensors (so a padding wider than the image fails as torchvision's indexing does).
 */
function padSymmetric(img: Tensor, padding: number[]): Tensor {
  let x = img;
  if (padding.some((v) => v < 0)) {
    const [cl, cr, ct, cb] = padding.map((v) => -Math.min(v, 0)) as [number, number, number, number];
    x = x.index('...', `${ct}:${x.size(-2) - cb}`, `${cl}:${x.size(-1) - cr}`);
    padding = padding.map((v) => Math.max(v, 0));
  }
  const [left, right, top, bottom] = padding as [number, number, number, number];
  const indices = (n: number, before: number, after: number): Tensor => torch.tensor([
    ...Array.from({ length: before }, (_, i) => before - 1 - i), ...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: after }, (_, i) => -(i + 1)),
  ], { dtype: torch.int64, device: x.device });
  const xs = indices(x.size(-1), left, right), ys = indices(x.size(-2), top, bottom);
  if (x.dim() === 3) return x.index(':', ys.unsqueeze(1), xs.unsqueeze(0));
  if (x.dim() === 4) return x.index(':', ':', ys.unsqueeze(1), xs.unsqueeze(0));
  throw new Error('pad: Symmetric padding of N-D tensors are not supported yet');
}

/** Constant padding of an Image in JS (no tensor round trip), for fills 0..255 (others take the tensor path). */
// PIL's ImageOps.expand: the image framed by `fill` (one value, or one per channel); negative sides then crop, as PIL's paste does.
function padImage(img: Image, [left, right, top, bottom]: number[], fill: readonly number[], signed: readonly number[]): Image {
  const { width: w, height: h, channels: c, data } = img;
  const ow = w + left! + right!, oh = h + top! + bottom!;
  const out = new Uint8Array(ow * oh * c);
  if (fill.length === 1) { if (fill[0] !== 0) out.fill(fill[0]!); } else for (let i = 0; i < ow * oh; i++) out.set(fill, i * c);
  for (let y = 0; y < h; y++) out.set(data.subarray(y * w * c, (y + 1) * w * c), ((y + top!) * ow + left!) * c);
  const framed = new Image(ow, oh, img.mode, out);
  if (signed.every((v) => v >= 0)) return framed;
  const [cl, cr, ct, cb] = signed.map((v) => -Math.min(v, 0)) as [number, number, number, number];
  return crop(framed, ct, cl, oh - ct - cb, ow - cl - cr);
}

/** torchvision's crop: rows top..top+height, columns left..left+width, zero-padded where outside. */
export function crop<T extends ImageLike>(img: T, top: number, left: number, height: number, width: number): T;
export function crop<T extends ImageLike>(img: T, ...args: PyArgsWith<[top: number, left: number, height: number, width: number], { top?: number; left?: number; height?: number; width?: number }>): T;
export function crop<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [top, left, height, width] = bind(CROP_ARGS, args) as [top: number, left: number, height: number, width: number];
  checkImageLike(img, 'crop');
  for (const [name, v] of [['top', top], ['left', left], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v)) throw new TypeError(`crop: ${name} must be an integer, got ${v}`);
  }
  const [, h, w] = getDimensions(img);
  const right = left + width, bottom = top + height;
  if (left < 0 || top < 0 || right > w || bottom > h) {
    const padding = [Math.max(-left + Math.min(0, right), 0), Math.max(-top + Math.min(0, bottom), 0),
      Math.max(right - Math.max(w, left), 0), Math.max(bottom - Math.max(h, top), 0)];
    const inside = crop(img, Math.max(top, 0), Math.max(left, 0), Math.max(0, Math.min(bottom, h) - Math.max(top, 0)), Math.max(0, Math.min(right, w) - Math.max(left, 0)));
    return pad(inside, padding, 0);
  }
  if (img instanceof Image) {
    const c = img.channels;
    const out = new Uint8Array(width * height * c);
    for (let y = 0; y < height; y++) {
      const from = ((top + y) * w + left) * c;
      out.set(img.data.subarray(from, from + width * c), y * width * c);
    }
    return new Image(width, height, img.mode, out) as T;
  }
  return (img as Tensor).index('...', `${top}:${bottom}`, `${left}:${right}`) as T;
}

/** (h, w) from torchvision's size argument: a number or 1 or 2 numbers. */
export function setupSize(size: number | readonly number[], fn: string, errorMsg = 'Please provide only two dimensions (h, w) for size.'): [number, number] {
  if (typeof size === 'number') return [Math.trunc(size), Math.trunc(size)];
  if (Array.isArray(size) && size.length === 1) return [size[0]!, size[0]!];
  if (!Array.isArray(size) || size.length !== 2) throw new RangeError(`${fn}: ${errorMsg}`);
  return [size[0]!, size[1]!];
}

/** torchvision's center_crop (zero-padded when the crop is larger than the image). */
export function centerCrop<T extends ImageLike>(img: T, outputSize: number | readonly number[]): T;
export function centerCrop<T extends ImageLike>(img: T, ...args: PyArgsWith<[outputSize: number | readonly number[]], { outputSize?: number | readonly number[] }>): T;
export function centerCrop<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [outputSize] = bind(CENTER_CROP_ARGS, args) as [outputSize: number | readonly number[]];
  const [ch, cw] = setupSize(outputSize, 'centerCrop');
  let [, h, w] = getDimensions(img);
  let image: ImageLike = img;
  if (cw > w || ch > h) {
    const padding = [cw > w ? Math.floor((cw - w) / 2) : 0, ch > h ? Math.floor((ch - h) / 2) : 0,
      cw > w ? Math.floor((cw - w + 1) / 2) : 0, ch > h ? Math.floor((ch - h + 1) / 2) : 0];
    image = pad(image, padding, 0);
    [, h, w] = getDimensions(image);
    if (cw === w && ch === h) return image as T;
  }
  return crop(image, pyRound((h - ch) / 2.0), pyRound((w - cw) / 2.0), ch, cw) as T;
}

// ---------------------------------------------------------------------------------------------
// Resize

/** torchvision's _compute_resized_output_size: [h, w] for `size` (int or [int]: the shorter edge). */
export function resizedOutputSize(h: number, w: number, size: readonly number[], maxSize: number | null): [number, number] {
  if (size.length === 1) {
    const [short, long] = w <= h ? [w, h] : [h, w];
    const requested = size[0]!;
    let newShort = requested, newLong = Math.trunc(requested * long / short);
    if (maxSize !== null) {
      if (maxSize <= requested) throw new RangeError(`resize: max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = [${requested}]`);
      if (newLong > maxSize) { newShort = Math.trunc(maxSize * newShort / newLong); newLong = maxSize; }
    }
    return w <= h ? [newLong, newShort] : [newShort, newLong];
  }
  return [size[0]!, size[1]!];
}

// box, hamming and lanczos are PIL's filters: a vision.Image resizes with them; a tensor's resize
// refuses box and hamming as F.interpolate does, and lanczos without antialias (v1 passes none).
const INTERPOLATIONS: readonly string[] = ['nearest', 'nearest-exact', 'bilinear', 'bicubic', 'box', 'hamming', 'lanczos'];

/**
 * An interpolation mode as torchvision takes it: an InterpolationMode or the corresponding Pillow integer
 * constant (0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming: _interpolation_modes_from_int).
 */
export type InterpolationArg = InterpolationMode | number;

/** torchvision's _interpolation_modes_from_int: Pillow's resampling constants. */
const MODES_FROM_INT: ReadonlyMap<number, InterpolationMode> = new Map([[0, 'nearest'], [2, 'bilinear'], [3, 'bicubic'], [4, 'box'], [5, 'hamming'], [1, 'lanczos']]);

/**
 * A Pillow integer constant as its InterpolationMode (torchvision's _interpolation_modes_from_int,
 * which raises KeyError for other integers); anything else as given.
 */
export function interpolationFromInt(mode: unknown, fn: string): unknown {
  if (typeof mode !== 'number') return mode;
  const m = MODES_FROM_INT.get(mode);
  if (m === undefined) throw new RangeError(`${fn}: KeyError: ${mode} (interpolation as an integer must be a Pillow constant: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming)`);
  return m;
}

/** The interpolation mode (a Pillow integer constant as its mode), checked against those `fn` supports (all seven by default). */
export function checkInterpolation(mode: unknown, fn: string, allowed: readonly string[] = INTERPOLATIONS): InterpolationMode {
  mode = interpolationFromInt(mode, fn);
  if (typeof mode !== 'string' || !allowed.includes(mode)) throw new RangeError(`${fn}: Interpolation mode '${String(mode)}' is unsupported (use ${allowed.map((m) => `'${m}'`).join(', ')})`);
  return mode as InterpolationMode;
}

/**
 * torchvision's resize: a tensor through F.interpolate (antialiased for bilinear/bicubic by default), a
 * vision.Image as PIL resizes it (img.resize((w, h), resample): antialias does not apply).
 */
export function resize<T extends ImageLike>(img: T, size: number | readonly number[], interpolation?: InterpolationArg, maxSize?: number | null, antialias?: boolean | null): T;
export function resize<T extends ImageLike>(img: T, ...args: PyArgsWith<[size: number | readonly number[], interpolation: InterpolationArg, maxSize: number | null, antialias: boolean | null], { size?: number | readonly number[]; interpolation?: InterpolationArg; maxSize?: number | null; antialias?: boolean | null }>): T;
export function resize<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [size, mode, maxSize, antialias] = bind(RESIZE_ARGS, args) as [size: number | readonly number[], interpolation: InterpolationArg, maxSize: number | null, antialias: boolean | null];
  const interpolation = checkInterpolation(mode, 'resize');
  const sizeList = typeof size === 'number' ? [size] : [...size];
  if (sizeList.length !== 1 && sizeList.length !== 2) throw new RangeError(`resize: Size must be an int or a 1 or 2 element tuple/list, not a ${sizeList.length} element tuple/list`);
  if (!sizeList.every((s) => Number.isInteger(s) && s > 0)) throw new RangeError(`resize: size must be positive integers, got ${JSON.stringify(size)}`);
  if (maxSize !== null && sizeList.length !== 1) throw new RangeError('resize: max_size should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.');
  const [, h, w] = getDimensions(img);
  const out = resizedOutputSize(h, w, sizeList, maxSize);
  if (out[0] === h && out[1] === w) return img;
  if (img instanceof Image) return resizeImagePil(img, out, interpolation) as T;
  const aa = (antialias ?? false) && (interpolation === 'bilinear' || interpolation === 'bicubic');
  return onTensor(img, 'resize', (t) => {
    const { img: x, cast, squeeze, outDtype } = castSqueezeIn(t, torch.float32);
    const alignCorners = interpolation === 'bilinear' || interpolation === 'bicubic' ? false : null;
    let y = F().interpolate(x, { size: out, mode: interpolation as torch.nn.functional.InterpolateMode, alignCorners, antialias: aa });  // box, hamming: its error
    if (interpolation === 'bicubic' && outDtype === torch.uint8) y = y.clamp(0, 255);
    return castSqueezeOut(y, cast, squeeze, outDtype);
  }) as T;
}

/** PIL's Image.resize to [h, w] with torchvision's filter for `interpolation` (nearest-exact is PIL's NEAREST). */
function resizeImagePil(img: Image, [h, w]: readonly number[], interpolation: InterpolationMode): Image {
  const filter: PilFilter = interpolation === 'nearest-exact' ? 'nearest' : interpolation;
  return new Image(w!, h!, img.mode, pilResize(img, w!, h!, filter));
}

/** torchvision's resized_crop: crop, then resize to `size`. */
export function resizedCrop<T extends ImageLike>(img: T, top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation?: InterpolationArg, antialias?: boolean | null): T;
export function resizedCrop<T extends ImageLike>(img: T, ...args: PyArgsWith<[top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation: InterpolationArg, antialias: boolean | null], { top?: number; left?: number; height?: number; width?: number; size?: number | readonly number[]; interpolation?: InterpolationArg; antialias?: boolean | null }>): T;
export function resizedCrop<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [top, left, height, width, size, interpolation, antialias] = bind(RESIZED_CROP_ARGS, args) as [top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation: InterpolationArg, antialias: boolean | null];
  return resize(crop(img, top, left, height, width), size, interpolation, null, antialias);
}

// ---------------------------------------------------------------------------------------------
// Rotation (affine grid + grid_sample, as torchvision's tensor path)

/**
 * torchvision's _get_inverse_affine_matrix, in double precision as Python's math module. With `glibc`,
 * cos and sin are glibc's (Python's; V8's differ in the last bit for some angles), as the PIL path
 * needs: its doubles reach the pixels unrounded; tan is then correctly rounded, as glibc's nearly
 * always is (V8's differs in the last bit for about 4 % of shears, this for about 0.3 %).
 */
export function inverseAffineMatrix(center: [number, number], angle: number, translate: [number, number], scale: number, shear: [number, number], glibc = false): number[] {
  const radians = (deg: number) => deg * (Math.PI / 180);
  const cos = glibc ? glibcCos : Math.cos, sin = glibc ? glibcSin : Math.sin, tan = glibc ? crmath.tan : Math.tan;
  const rot = radians(angle), sx = radians(shear[0]), sy = radians(shear[1]);
  const [cx, cy] = center, [tx, ty] = translate;
  const a = cos(rot - sy) / cos(sy);
  const b = -cos(rot - sy) * tan(sx) / cos(sy) - sin(rot);
  const c = sin(rot - sy) / cos(sy);
  const d = -sin(rot - sy) * tan(sx) / cos(sy) + cos(rot);
  const m = [d, -b, 0.0, -c, a, 0.0].map((x) => x / scale);
  m[2] = m[2]! + (m[0]! * (-cx - tx) + m[1]! * (-cy - ty));
  m[5] = m[5]! + (m[3]! * (-cx - tx) + m[4]! * (-cy - ty));
  m[2] = m[2]! + cx;
  m[5] = m[5]! + cy;
  return m;
}

/** torchvision's _compute_affine_output_size (for expand=true). */
function affineOutputSize(matrix: number[], w: number, h: number): [number, number] {
  return torch.tidy(() => {
    const pts = torch.tensor([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], { dtype: torch.float32 });
    const theta = torch.tensor(matrix, { dtype: torch.float32 }).view(2, 3);
    const newPts = torch.matmul(pts, theta.t());
    const shift = torch.tensor([w * 0.5, h * 0.5], { dtype: torch.float32 });
    const minVals = newPts.min(0).values.add(shift), maxVals = newPts.max(0).values.add(shift);
    const tol = 1e-4;
    const cmax = torch.ceil(maxVals.div(tol).trunc_().mul(tol));
    const cmin = torch.floor(minVals.div(tol).trunc_().mul(tol));
    const size = cmax.sub(cmin).tolist() as number[];
    return [Math.trunc(size[0]!), Math.trunc(size[1]!)] as [number, number];
  });
}

/** torchvision's _gen_affine_grid: output pixel centres mapped by theta, normalised by the input size. */
function genAffineGrid(theta: Tensor, w: number, h: number, ow: number, oh: number): Tensor {
  const d = 0.5;
  const device = theta.device;
  const xs = torch.linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, ow, { device }).view(1, ow).expand(oh, ow);
  const ys = torch.linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, oh, { device }).view(oh, 1).expand(oh, ow);
  const baseGrid = torch.stack([xs, ys, torch.onesLike(xs)], -1).to(theta.dtype).view(1, oh * ow, 3);
  const rescaledTheta = theta.transpose(1, 2).div(torch.tensor([0.5 * w, 0.5 * h], { dtype: theta.dtype, device }));
  return baseGrid.bmm(rescaledTheta).view(1, oh, ow, 2);
}

// transforms.v2's grid-transform arithmetic: a bilinear fill blended as (img - fill) * mask + fill (v1:
// img * mask + (1 - mask) * fill; equal in exact arithmetic, not in float32), and the elastic grid in the
// image's float dtype. transforms.v2 sets it around its calls; per thread, synchronous.
let v2FillBlend = false;

/** Runs `fn` with v2's fill blend (transforms.v2's rotate, affine, perspective and elastic). */
function withV2FillBlend<R>(fn: () => R): R {
  const outer = v2FillBlend;
  v2FillBlend = true;
  try {
    return fn();
  } finally {
    v2FillBlend = outer;
  }
}

/** torchvision's _apply_grid_transform: grid_sample with zeros padding, then the fill colour. */
function applyGridTransform(img: Tensor, grid: Tensor, mode: 'nearest' | 'bilinear', fill: number[] | null): Tensor {
  const { img: x0, cast, squeeze, outDtype } = castSqueezeIn(img, grid.dtype);
  let x = x0;
  const g = x.size(0) > 1 ? grid.expand(x.size(0), grid.size(1), grid.size(2), grid.size(3)) : grid;
  if (fill !== null) x = torch.cat([x, torch.ones([x.size(0), 1, x.size(2), x.size(3)], { dtype: x.dtype, device: x.device })], 1);
  x = F().gridSample(x, g, { mode, paddingMode: 'zeros', alignCorners: false });
  if (fill !== null) {
    const c = x.size(1) - 1;
    let mask = x.index(':', '-1:', ':', ':');
    x = x.index(':', ':-1', ':', ':');
    mask = mask.expandAs(x);
    const fillImg = torch.tensor(fill, { dtype: x.dtype, device: x.device }).view(1, fill.length, 1, 1).expandAs(x);
    if (fill.length !== 1 && fill.length !== c) throw new RangeError(`rotate: The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${c})`);
    if (mode === 'nearest') x = torch.where(mask.lt(0.5), fillImg, x);
    else x = v2FillBlend ? x.sub(fillImg).mul(mask).add(fillImg) : x.mul(mask).add(torch.rsub(mask, 1.0).mul(fillImg));
  }
  return castSqueezeOut(x, cast, squeeze, outDtype);
}

/** torchvision's rotate: counter-clockwise by `angle` degrees about the centre (or `center`). */
export function rotate<T extends ImageLike>(img: T, angle: number, interpolation?: InterpolationArg, expand?: boolean, center?: readonly number[] | null, fill?: number | readonly number[] | null): T;
export function rotate<T extends ImageLike>(img: T, ...args: PyArgsWith<[angle: number, interpolation: InterpolationArg, expand: boolean, center: readonly number[] | null, fill: number | readonly number[] | null], { angle?: number; interpolation?: InterpolationArg; expand?: boolean; center?: readonly number[] | null; fill?: number | readonly number[] | null }>): T;
export function rotate<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [angle, interpolation, expand, center, fill] = bind(ROTATE_ARGS, args) as [angle: number, interpolation: InterpolationArg, expand: boolean, center: readonly number[] | null, fill: number | readonly number[] | null];
  if (typeof angle !== 'number') throw new TypeError('rotate: Argument angle should be int or float');
  if (center !== null && (!Array.isArray(center) || center.length !== 2)) throw new TypeError('rotate: Argument center should be a sequence of 2 numbers');
  if (img instanceof Image) return pilRotate(img, angle, pilWarpFilter(interpolation, 'rotate'), !!expand, center, pilFill('rotate', img, fill)) as T;
  const mode = checkInterpolation(interpolation, 'rotate', ['nearest', 'bilinear']);
  const [, h, w] = getDimensions(img);
  let centerF: [number, number] = [0.0, 0.0];
  if (center !== null) centerF = [1.0 * (center[0]! - w * 0.5), 1.0 * (center[1]! - h * 0.5)];
  const matrix = inverseAffineMatrix(centerF, -angle, [0.0, 0.0], 1.0, [0.0, 0.0]);
  const fillList = checkFill('rotate', img, fill);
  return onTensor(img, 'rotate', (t) => {
    const [ow, oh] = expand ? affineOutputSize(matrix, w, h) : [w, h];
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    const theta = torch.tensor(matrix, { dtype, device: t.device }).reshape(1, 2, 3);
    return applyGridTransform(t, genAffineGrid(theta, w, h, ow, oh), mode as 'nearest' | 'bilinear', fillList);
  }) as T;
}

/**
 * torchvision's affine (tensor path): rotation by `angle` degrees, translation in pixels, scale and
 * shear (degrees; one number shears x only) about the centre (or `center`), on the input's grid.
 */
export function affine<T extends ImageLike>(img: T, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation?: InterpolationArg, fill?: number | readonly number[] | null, center?: readonly number[] | null): T;
export function affine<T extends ImageLike>(img: T, ...args: PyArgsWith<[angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation: InterpolationArg, fill: number | readonly number[] | null, center: readonly number[] | null], { angle?: number; translate?: readonly number[]; scale?: number; shear?: number | readonly number[]; interpolation?: InterpolationArg; fill?: number | readonly number[] | null; center?: readonly number[] | null }>): T;
export function affine<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [angle, translate, scale, shear, interpolation, fill, center] = bind(AFFINE_ARGS, args) as [angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation: InterpolationArg, fill: number | readonly number[] | null, center: readonly number[] | null];
  const fn = 'affine';
  if (typeof angle !== 'number') throw new TypeError(`${fn}: Argument angle should be int or float`);
  if (!Array.isArray(translate)) throw new TypeError(`${fn}: Argument translate should be a sequence`);
  if (translate.length !== 2) throw new RangeError(`${fn}: Argument translate should be a sequence of length 2`);
  if (typeof scale !== 'number' || !(scale > 0.0)) throw new RangeError(`${fn}: Argument scale should be positive`);
  if (typeof shear !== 'number' && !Array.isArray(shear)) throw new TypeError(`${fn}: Shear should be either a single value or a sequence of two values`);
  let shearXY = typeof shear === 'number' ? [shear, 0.0] : [...shear];
  if (shearXY.length === 1) shearXY = [shearXY[0]!, shearXY[0]!];
  if (shearXY.length !== 2) throw new RangeError(`${fn}: Shear should be a sequence containing two values. Got [${shearXY.join(', ')}]`);
  if (center !== null && !Array.isArray(center)) throw new TypeError(`${fn}: Argument center should be a sequence`);
  if (img instanceof Image) {
    const c: [number, number] = center === null ? [img.width * 0.5, img.height * 0.5] : [center[0]!, center[1]!];
    const m = inverseAffineMatrix(c, angle, [translate[0]!, translate[1]!], scale, shearXY as [number, number], true);
    return pilAffineImage(img, m, interpolation, fill) as T;
  }
  const mode = checkInterpolation(interpolation, fn, ['nearest', 'bilinear']);
  const [, h, w] = getDimensions(img);
  const centerF: [number, number] = center === null ? [0.0, 0.0] : [1.0 * (center[0]! - w * 0.5), 1.0 * (center[1]! - h * 0.5)];
  const matrix = inverseAffineMatrix(centerF, angle, [1.0 * translate[0]!, 1.0 * translate[1]!], scale, shearXY as [number, number]);
  const fillList = checkFill(fn, img, fill);
  return onTensor(img, fn, (t) => {
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    const theta = torch.tensor(matrix, { dtype, device: t.device }).reshape(1, 2, 3);
    return applyGridTransform(t, genAffineGrid(theta, w, h, w, h), mode as 'nearest' | 'bilinear', fillList);
  }) as T;
}

/**
 * torchvision's _get_perspective_coeffs: the 8 coefficients taking endpoints to startpoints, by least
 * squares in float64, rounded to float32. Python builds each row as a tensor first: float32 when a
 * corner is fractional, which rounds the row; integer corners stay exact.
 */
function perspectiveCoefficients(startpoints: readonly (readonly number[])[], endpoints: readonly (readonly number[])[]): number[] {
  if (startpoints.length !== 4 || endpoints.length !== 4)
    throw new RangeError(`perspective: Please provide exactly four corners, got ${startpoints.length} startpoints and ${endpoints.length} endpoints.`);
  const asRow = (row: number[]): number[] => (row.every(Number.isInteger) ? row : row.map(Math.fround));
  const rows = endpoints.flatMap(([ex, ey], i) => {
    const [sx, sy] = startpoints[i]!;
    return [asRow([ex!, ey!, 1, 0, 0, 0, -sx! * ex!, -sx! * ey!]), asRow([0, 0, 0, ex!, ey!, 1, -sy! * ex!, -sy! * ey!])];
  });
  return torch.tidy(() => {
    const b = torch.tensor(startpoints.map((p) => [...p]), { dtype: torch.float64 }).view(8);
    return torch.linalg.lstsq(torch.tensor(rows, { dtype: torch.float64 }), b, { driver: 'gels' }).solution.to(torch.float32).tolist() as number[];
  });
}

/**
 * torchvision's _perspective_grid: output pixel centres through the projective map, normalised to [-1, 1].
 * v1 spaces the pixel centres in the default dtype, v2 in the grid's (`centresDtype`).
 */
function perspectiveGrid(c: readonly number[], ow: number, oh: number, dtype: torch.dtype, device: torch.Device, centresDtype: torch.dtype | null = null): Tensor {
  const theta1 = torch.tensor([[[c[0]!, c[1]!, c[2]!], [c[3]!, c[4]!, c[5]!]]], { dtype, device });
  const theta2 = torch.tensor([[[c[6]!, c[7]!, 1.0], [c[6]!, c[7]!, 1.0]]], { dtype, device });
  const d = 0.5;
  const centres = centresDtype === null ? { device } : { device, dtype: centresDtype };
  const baseGrid = torch.empty([1, oh, ow, 3], { dtype, device });
  baseGrid.index('...', 0).copy_(torch.linspace(d, ow + d - 1.0, ow, centres));
  baseGrid.index('...', 1).copy_(torch.linspace(d, oh + d - 1.0, oh, centres).unsqueeze(-1));
  baseGrid.index('...', 2).fill_(1);
  const rescaledTheta1 = theta1.transpose(1, 2).div(torch.tensor([0.5 * ow, 0.5 * oh], { dtype, device }));
  const grid1 = baseGrid.view(1, oh * ow, 3).bmm(rescaledTheta1);
  const grid2 = baseGrid.view(1, oh * ow, 3).bmm(theta2.transpose(1, 2));
  return grid1.div(grid2).sub(1.0).view(1, oh, ow, 2);
}

/** torchvision's perspective: the projective map taking `startpoints` (4 corners [x, y]) to `endpoints`. */
export function perspective<T extends ImageLike>(img: T, startpoints: readonly (readonly number[])[], endpoints: readonly (readonly number[])[], interpolation?: InterpolationArg, fill?: number | readonly number[] | null): T;
export function perspective<T extends ImageLike>(img: T, ...args: PyArgsWith<[startpoints: readonly (readonly number[])[], endpoints: readonly (readonly number[])[], interpolation: InterpolationArg, fill: number | readonly number[] | null], { startpoints?: readonly (readonly number[])[]; endpoints?: readonly (readonly number[])[]; interpolation?: InterpolationArg; fill?: number | readonly number[] | null }>): T;
export function perspective<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [startpoints, endpoints, interpolation, fill] = bind(PERSPECTIVE_ARGS, args) as [startpoints: readonly (readonly number[])[], endpoints: readonly (readonly number[])[], interpolation: InterpolationArg, fill: number | readonly number[] | null];
  return perspectiveByCoefficients(img, perspectiveCoefficients(startpoints, endpoints), interpolation, fill);
}

/** perspective's image kernel from the map's 8 coefficients (v2's perspective_image takes them in place of the corners). */
function perspectiveByCoefficients<T extends ImageLike>(img: T, coeffs: readonly number[], interpolation: InterpolationArg, fill: number | readonly number[] | null): T {
  if (img instanceof Image) return pilPerspective(img, [img.width, img.height], coeffs, pilWarpFilter(interpolation, 'perspective'), pilFill('perspective', img, fill)) as T;
  const mode = checkInterpolation(interpolation, 'perspective', ['nearest', 'bilinear']);
  const fillList = checkFill('perspective', img, fill);
  return onTensor(img, 'perspective', (t) => {
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    return applyGridTransform(t, perspectiveGrid(coeffs, t.size(-1), t.size(-2), dtype, t.device), mode as 'nearest' | 'bilinear', fillList);
  }) as T;
}

/** torchvision's pil_modes_mapping for PIL's transforms: nearest (and nearest-exact), bilinear, bicubic. */
function pilWarpFilter(interpolation: InterpolationArg, fn: string): PilWarpFilter {
  // torchvision's pil_modes_mapping takes every mode; Image.transform refuses box, hamming and lanczos (not a rotate's shortcuts)
  const mode = checkInterpolation(interpolation, fn, ['nearest', 'nearest-exact', 'bilinear', 'bicubic', 'box', 'hamming', 'lanczos']);
  return mode === 'nearest-exact' ? 'nearest' : mode as PilWarpFilter;
}

/** _functional_pil.affine: Image.transform(img.size, Image.AFFINE, matrix, resample, fillcolor) with torchvision's fill. */
function pilAffineImage(img: Image, matrix: readonly number[], interpolation: InterpolationArg, fill: number | readonly number[] | null): Image {
  return pilAffine(img, [img.width, img.height], matrix, pilWarpFilter(interpolation, 'affine'), pilFill('affine', img, fill));
}

/** A fill as a list, checked against the image's channels as _assert_grid_transform_inputs does. */
function checkFill(fn: string, img: ImageLike, fill: number | readonly number[] | null): number[] | null {
  const fillList = fill === null ? null : typeof fill === 'number' ? [fill] : [...fill];
  const [channels] = getDimensions(img);
  if (fillList !== null && fillList.length > 1 && fillList.length !== channels)
    throw new RangeError(`${fn}: The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fillList.length} != ${channels})`);
  return fillList;
}

/**
 * torchvision's elastic_transform: samples the image at an identity grid plus `displacement`
 * (1 x H x W x 2, in grid units), in float32 as torchvision does.
 */
export function elasticTransform<T extends ImageLike>(img: T, displacement: Tensor, interpolation?: InterpolationArg, fill?: number | readonly number[] | null): T;
export function elasticTransform<T extends ImageLike>(img: T, ...args: PyArgsWith<[displacement: Tensor, interpolation: InterpolationArg, fill: number | readonly number[] | null], { displacement?: Tensor; interpolation?: InterpolationArg; fill?: number | readonly number[] | null }>): T;
export function elasticTransform<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [displacement, given, fill] = bind(ELASTIC_TRANSFORM_ARGS, args) as [displacement: Tensor, interpolation: InterpolationArg, fill: number | readonly number[] | null];
  // backward compatibility with integer values, with v1's elastic_transform's warning (its only functional that warns)
  if (typeof given === 'number') warn('Argument interpolation should be of type InterpolationMode instead of int. Please, use InterpolationMode enum.');
  const interpolation = interpolationFromInt(given, 'elasticTransform');
  if (!isTensor(displacement)) throw new TypeError('elasticTransform: Argument displacement should be a Tensor');
  checkInterpolation(interpolation, 'elasticTransform', ['nearest', 'bilinear']);
  const [, h, w] = getDimensions(img);
  const want = [1, h, w, 2];
  if (displacement.dim() !== 4 || displacement.shape.some((s, i) => s !== want[i]))
    throw new RangeError(`elasticTransform: Argument displacement shape should be [${want.join(', ')}], but given [${displacement.shape.join(', ')}]`);
  const fillList = checkFill('elasticTransform', img, fill);
  return onTensor(img, 'elasticTransform', (t) => {
    // v2 builds the grid in a float image's own dtype (float32 for integers and CPU float16); v1 always in float32
    const gridDtype = v2FillBlend && t.isFloatingPoint() && !(t.dtype === torch.float16 && t.device.type === 'cpu') ? t.dtype : torch.float32;
    const [gy, gx] = torch.meshgrid([h, w].map((s) => torch.linspace((-s + 1) / s, (s - 1) / s, s, { dtype: gridDtype })), { indexing: 'ij' }) as [Tensor, Tensor];
    const grid = torch.stack([gx, gy], -1).unsqueeze(0).to(t.device).add(v2FillBlend ? displacement.to(t.device, gridDtype) : displacement.to(t.device));
    const other = t.isFloatingPoint() && t.dtype !== grid.dtype; // _cast_squeeze_in(img, [grid.dtype]) casts other floats too
    const out = applyGridTransform(other ? t.to(grid.dtype) : t, grid, interpolation as 'nearest' | 'bilinear', fillList);
    return other ? out.to(t.dtype) : out;
  }) as T;
}

// ---------------------------------------------------------------------------------------------
// Colour

function checkChannels(t: Tensor, fn: string): number {
  const c = t.dim() === 2 ? 1 : t.size(-3);
  if (c !== 1 && c !== 3) throw new TypeError(`${fn}: Input image tensor permitted channel values are [1, 3], but found ${c}`);
  return c;
}

/** _blend: ratio * img1 + (1 - ratio) * img2, clamped to the dtype's range, in img1's dtype. */
function blend(img1: Tensor, img2: Tensor, ratio: number): Tensor {
  const bound = maxValue(img1.dtype);
  return asFloat(img1).mul(ratio).add(asFloat(img2).mul(1.0 - ratio)).clamp(0, bound).to(img1.dtype);
}

function grayOf(t: Tensor): Tensor {
  if (t.size(-3) !== 3) return t.clone();
  const [r, g, b] = t.unbind(-3) as [Tensor, Tensor, Tensor];
  return asFloat(r).mul(0.2989).add(asFloat(g).mul(0.587)).add(asFloat(b).mul(0.114)).to(t.dtype).unsqueeze(-3);
}

/**
 * torchvision's rgb_to_grayscale. A tensor takes the tensor path (0.2989 R + 0.587 G + 0.114 B, cast
 * back to the dtype, i.e. truncated); an Image takes the PIL path (`convert('L')`, PIL's rounded luma),
 * which PIL does exactly, so Images give what torchvision gives for PIL images here.
 */
export function rgbToGrayscale<T extends ImageLike>(img: T, numOutputChannels?: 1 | 3): T;
export function rgbToGrayscale<T extends ImageLike>(img: T, ...args: PyArgsWith<[numOutputChannels: 1 | 3], { numOutputChannels?: 1 | 3 }>): T;
export function rgbToGrayscale<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [numOutputChannels] = bind(RGB_TO_GRAYSCALE_ARGS, args) as [numOutputChannels: 1 | 3];
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('rgbToGrayscale: num_output_channels should be either 1 or 3');
  checkImageLike(img, 'rgbToGrayscale');
  if (img instanceof Image) {
    const gray = img.convert('L');
    return (numOutputChannels === 3 ? gray.convert('RGB') : gray) as T;
  }
  return onTensor(img, 'rgbToGrayscale', (t) => {
    if (t.dim() < 3) throw new TypeError(`rgbToGrayscale: Input image tensor should have at least 3 dimensions, but found ${t.dim()}`);
    checkChannels(t, 'rgbToGrayscale');
    const l = grayOf(t);
    return numOutputChannels === 3 ? l.expand(...t.shape) : l;
  }) as T;
}

/** torchvision's to_grayscale: a vision.Image in grayscale (mode L, or RGB with r = g = b); tensors are refused, as there. */
export function toGrayscale(img: Image, numOutputChannels?: 1 | 3): Image;
export function toGrayscale(img: Image, ...args: PyArgsWith<[numOutputChannels: 1 | 3], { numOutputChannels?: 1 | 3 }>): Image;
export function toGrayscale(img: Image, ...args: unknown[]): Image {
  const [numOutputChannels] = bind(TO_GRAYSCALE_ARGS, args) as [numOutputChannels: 1 | 3];
  if (!(img instanceof Image)) throw new TypeError('toGrayscale: Input should be PIL Image (a vision.Image; rgbToGrayscale takes tensors)');
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('toGrayscale: num_output_channels should be either 1 or 3');
  return rgbToGrayscale(img, numOutputChannels);
}

function checkFactor(value: number, fn: string, name: string): void {
  if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`${fn}: ${name} (${value}) is not non-negative.`);
}

/**
 * torchvision's adjust_brightness: blend with black. An Image takes the PIL path
 * (ImageEnhance.Brightness, any finite factor, as Pillow computes it).
 */
export function adjustBrightness<T extends ImageLike>(img: T, brightnessFactor: number): T;
export function adjustBrightness<T extends ImageLike>(img: T, ...args: PyArgsWith<[brightnessFactor: number], { brightnessFactor?: number }>): T;
export function adjustBrightness<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [brightnessFactor] = bind(ADJUST_BRIGHTNESS_ARGS, args) as [brightnessFactor: number];
  if (img instanceof Image) return pilBrightness(img, brightnessFactor) as T;
  checkFactor(brightnessFactor, 'adjustBrightness', 'brightness_factor');
  return onTensor(img, 'adjustBrightness', (t) => { checkChannels(t, 'adjustBrightness'); return blend(t, torch.zerosLike(t), brightnessFactor); }) as T;
}

/**
 * torchvision's adjust_contrast: blend with the mean gray level. An Image takes the PIL path
 * (ImageEnhance.Contrast: the luma's mean rounded to an integer).
 */
export function adjustContrast<T extends ImageLike>(img: T, contrastFactor: number): T;
export function adjustContrast<T extends ImageLike>(img: T, ...args: PyArgsWith<[contrastFactor: number], { contrastFactor?: number }>): T;
export function adjustContrast<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [contrastFactor] = bind(ADJUST_CONTRAST_ARGS, args) as [contrastFactor: number];
  if (img instanceof Image) return pilContrast(img, contrastFactor) as T;
  checkFactor(contrastFactor, 'adjustContrast', 'contrast_factor');
  return onTensor(img, 'adjustContrast', (t) => {
    const c = checkChannels(t, 'adjustContrast');
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    const gray = c === 3 ? grayOf(t) : t;
    const mean = torch.mean(gray.to(dtype), [-3, -2, -1], true);
    return blend(t, mean, contrastFactor);
  }) as T;
}

/**
 * torchvision's adjust_saturation: blend with the grayscale image. An Image takes the PIL path
 * (ImageEnhance.Color: a blend with convert('L')).
 */
export function adjustSaturation<T extends ImageLike>(img: T, saturationFactor: number): T;
export function adjustSaturation<T extends ImageLike>(img: T, ...args: PyArgsWith<[saturationFactor: number], { saturationFactor?: number }>): T;
export function adjustSaturation<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [saturationFactor] = bind(ADJUST_SATURATION_ARGS, args) as [saturationFactor: number];
  if (img instanceof Image) return pilColor(img, saturationFactor) as T;
  checkFactor(saturationFactor, 'adjustSaturation', 'saturation_factor');
  return onTensor(img, 'adjustSaturation', (t) => (checkChannels(t, 'adjustSaturation') === 1 ? t : blend(t, grayOf(t), saturationFactor))) as T;
}

function rgb2hsv(img: Tensor): Tensor {
  const [r, g, b] = img.unbind(-3) as [Tensor, Tensor, Tensor];
  const maxc = torch.amax(img, -3), minc = torch.amin(img, -3);
  const eqc = maxc.eq(minc);
  const cr = maxc.sub(minc);
  const ones = torch.onesLike(maxc);
  const s = cr.div(torch.where(eqc, ones, maxc));
  const crDivisor = torch.where(eqc, ones, cr);
  const rc = maxc.sub(r).div(crDivisor), gc = maxc.sub(g).div(crDivisor), bc = maxc.sub(b).div(crDivisor);
  const hr = maxc.eq(r).mul(bc.sub(gc));
  const hg = maxc.eq(g).logicalAnd(maxc.ne(r)).mul(rc.add(2.0).sub(bc));
  const hb = maxc.ne(g).logicalAnd(maxc.ne(r)).mul(gc.add(4.0).sub(rc));
  const h = torch.fmod(hr.add(hg).add(hb).div(6.0).add(1.0), 1.0);
  return torch.stack([h, s, maxc], -3);
}

function hsv2rgb(img: Tensor): Tensor {
  const [h, s, v] = img.unbind(-3) as [Tensor, Tensor, Tensor];
  const h6 = h.mul(6.0);
  const iF = torch.floor(h6);
  const f = h6.sub(iF);
  const i = torch.remainder(iF.to(torch.int32), 6);
  const p = torch.clamp(v.mul(torch.rsub(s, 1.0)), 0.0, 1.0);
  const q = torch.clamp(v.mul(torch.rsub(s.mul(f), 1.0)), 0.0, 1.0);
  const t = torch.clamp(v.mul(torch.rsub(s.mul(torch.rsub(f, 1.0)), 1.0)), 0.0, 1.0);
  const mask = i.unsqueeze(-3).eq(torch.arange(6, { device: i.device }).view(-1, 1, 1));
  const a1 = torch.stack([v, q, p, p, t, v], -3);
  const a2 = torch.stack([t, v, v, q, p, p], -3);
  const a3 = torch.stack([p, p, t, v, v, q], -3);
  const a4 = torch.stack([a1, a2, a3], -4);
  return torch.einsum('...ijk, ...xijk -> ...xjk', mask.to(img.dtype), a4);
}

/**
 * torchvision's adjust_gamma: gain * img ** gamma on [0, 1] floats (integer images converted there and
 * back). An Image takes the PIL path: the table int(255.999 * gain * (v / 255) ** gamma) through Image.point.
 */
export function adjustGamma<T extends ImageLike>(img: T, gamma: number, gain?: number): T;
export function adjustGamma<T extends ImageLike>(img: T, ...args: PyArgsWith<[gamma: number, gain: number], { gamma?: number; gain?: number }>): T;
export function adjustGamma<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [gamma, gain] = bind(ADJUST_GAMMA_ARGS, args) as [gamma: number, gain: number];
  if (typeof gamma !== 'number' || !(gamma >= 0)) throw new RangeError('adjustGamma: Gamma should be a non-negative real number');
  if (typeof gain !== 'number') throw new TypeError(`adjustGamma: gain must be a number, got ${describe(gain)}`);
  if (img instanceof Image) return pilGamma(img, gamma, gain) as T;
  return onTensor(img, 'adjustGamma', (t) => {
    checkChannels(t, 'adjustGamma');
    return torch.tidy(() => convertImageDtype((t.isFloatingPoint() ? t : convertImageDtype(t, torch.float32)).pow(gamma).mul(gain).clamp(0, 1), t.dtype));
  }) as T;
}

/**
 * torchvision's adjust_hue: shift the hue in HSV space by hueFactor (in [-0.5, 0.5]). An Image takes the
 * PIL path: PIL's 8-bit HSV, the hue band shifted by uint8(int(hueFactor * 255)) with wrap-around.
 */
export function adjustHue<T extends ImageLike>(img: T, hueFactor: number): T;
export function adjustHue<T extends ImageLike>(img: T, ...args: PyArgsWith<[hueFactor: number], { hueFactor?: number }>): T;
export function adjustHue<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [hueFactor] = bind(ADJUST_HUE_ARGS, args) as [hueFactor: number];
  if (typeof hueFactor !== 'number' || !(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new RangeError(`adjustHue: hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  if (img instanceof Image) return pilHue(img, hueFactor) as T;
  return onTensor(img, 'adjustHue', (t) => {
    if (checkChannels(t, 'adjustHue') === 1) return t;
    const origDtype = t.dtype;
    const hsv = rgb2hsv(convertImageDtype(t, torch.float32));
    const [h, s, v] = hsv.unbind(-3) as [Tensor, Tensor, Tensor];
    const shifted = torch.remainder(h.add(hueFactor), 1.0);
    return convertImageDtype(hsv2rgb(torch.stack([shifted, s, v], -3)), origDtype);
  }) as T;
}

/** At least `min` dimensions and 1 or 3 channels (the checks of invert, posterize, solarize, autocontrast). */
function checkColorImage(t: Tensor, fn: string): void {
  if (t.dim() < 3) throw new TypeError(`${fn}: Input image tensor should have at least 3 dimensions, but found ${t.dim()}`);
  checkChannels(t, fn);
}

/** torchvision's invert: max - img (255 - x for uint8, 1 - x for floats). */
export function invert<T extends ImageLike>(img: T): T {
  return onTensor(img, 'invert', (t) => { checkColorImage(t, 'invert'); return torch.rsub(t, maxValue(t.dtype)); }) as T;
}

/** torchvision's posterize: keeps the `bits` high bits of each uint8 channel value. */
export function posterize<T extends ImageLike>(img: T, bits: number): T;
export function posterize<T extends ImageLike>(img: T, ...args: PyArgsWith<[bits: number], { bits?: number }>): T;
export function posterize<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [bits] = bind(POSTERIZE_ARGS, args) as [bits: number];
  if (!Number.isInteger(bits) || bits < 0 || bits > 8) throw new RangeError(`posterize: The number if bits should be between 0 and 8. Got ${bits}`);
  return onTensor(img, 'posterize', (t) => {
    checkColorImage(t, 'posterize');
    if (t.dtype !== torch.uint8) throw new TypeError(`posterize: Only torch.uint8 image tensors are supported, but found ${String(t.dtype)}`);
    return t.bitwiseAnd(-(2 ** (8 - bits))); // ~(2 ** (8 - bits) - 1), as torchvision spells it
  }) as T;
}

/** torchvision's solarize: inverts the values at or above `threshold`. */
export function solarize<T extends ImageLike>(img: T, threshold: number): T;
export function solarize<T extends ImageLike>(img: T, ...args: PyArgsWith<[threshold: number], { threshold?: number }>): T;
export function solarize<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [threshold] = bind(SOLARIZE_ARGS, args) as [threshold: number];
  // an Image takes ImageOps.solarize's table, as torchvision's PIL path (any threshold: below 0 inverts every level, above 255 none)
  if (img instanceof Image) return pilSolarize(img, threshold) as T;
  return onTensor(img, 'solarize', (t) => {
    checkColorImage(t, 'solarize');
    if (threshold > maxValue(t.dtype)) throw new TypeError('solarize: Threshold should be less than bound of img.');
    return torch.where(t.ge(threshold), torch.rsub(t, maxValue(t.dtype)), t);
  }) as T;
}

/**
 * torchvision's adjust_sharpness: blends with a 3x3 smoothed image (edges kept); 0 blurs, 1 is the image,
 * 2 sharpens. An Image takes the PIL path (ImageEnhance.Sharpness: ImageFilter.SMOOTH in float).
 */
export function adjustSharpness<T extends ImageLike>(img: T, sharpnessFactor: number): T;
export function adjustSharpness<T extends ImageLike>(img: T, ...args: PyArgsWith<[sharpnessFactor: number], { sharpnessFactor?: number }>): T;
export function adjustSharpness<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [sharpnessFactor] = bind(ADJUST_SHARPNESS_ARGS, args) as [sharpnessFactor: number];
  if (img instanceof Image) return pilSharpness(img, sharpnessFactor) as T;
  checkFactor(sharpnessFactor, 'adjustSharpness', 'sharpness_factor');
  return onTensor(img, 'adjustSharpness', (t) => {
    checkChannels(t, 'adjustSharpness');
    if (t.size(-1) <= 2 || t.size(-2) <= 2) return t;
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    const kernel = torch.ones([3, 3], { dtype, device: t.device });
    kernel.index(1, 1).fill_(5.0);
    kernel.div_(kernel.sum());
    const c = t.size(-3);
    const { img: x, cast, squeeze, outDtype } = castSqueezeIn(t, dtype);
    const smoothed = castSqueezeOut(F().conv2d(x, kernel.expand(c, 1, 3, 3), null, 1, 0, 1, c), cast, squeeze, outDtype);
    const degenerate = t.clone();
    degenerate.index('...', '1:-1', '1:-1').copy_(smoothed);
    return blend(t, degenerate, sharpnessFactor);
  }) as T;
}

/**
 * torchvision's autocontrast: stretches each channel so its minimum is 0 and its maximum the dtype's
 * bound. An Image takes the PIL path (ImageOps.autocontrast: a truncating lookup table per band).
 */
export function autocontrast<T extends ImageLike>(img: T): T {
  if (img instanceof Image) return pilAutocontrast(img) as T;
  return onTensor(img, 'autocontrast', (t) => {
    checkColorImage(t, 'autocontrast');
    const bound = maxValue(t.dtype);
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    let minimum = t.amin([-2, -1], true).to(dtype);
    const maximum = t.amax([-2, -1], true).to(dtype);
    let scale = maximum.sub(minimum).reciprocal().mul(bound); // Python's bound / tensor
    const flat = torch.isfinite(scale).logicalNot();
    minimum = torch.where(flat, torch.zerosLike(minimum), minimum);
    scale = torch.where(flat, torch.onesLike(scale), scale);
    return t.sub(minimum).mul(scale).clamp(0, bound).to(t.dtype);
  }) as T;
}

/** torchvision's _scale_channel: one channel's histogram equalization lookup. */
function equalizeChannel(chan: Tensor): Tensor {
  const hist = torch.bincount(chan.reshape(-1), { minlength: 256 });
  const nonzero = hist.index(hist.ne(0));
  const step = torch.div(nonzero.index(':-1').sum(), 255, { roundingMode: 'floor' });
  if (step.item() === 0) return chan;
  let lut = torch.div(torch.cumsum(hist, 0).add(torch.div(step, 2, { roundingMode: 'floor' })), step, { roundingMode: 'floor' });
  lut = F().pad(lut, [1, 0]).index(':-1').clamp(0, 255);
  return lut.index(chan.to(torch.int64)).to(torch.uint8);
}

/** torchvision's equalize: per-channel histogram equalization of uint8 images (C, H, W) or (N, C, H, W). */
export function equalize<T extends ImageLike>(img: T): T {
  return onTensor(img, 'equalize', (t) => {
    if (t.dim() < 3 || t.dim() > 4) throw new TypeError(`equalize: Input image tensor should have 3 or 4 dimensions, but found ${t.dim()}`);
    if (t.dtype !== torch.uint8) throw new TypeError(`equalize: Only torch.uint8 image tensors are supported, but found ${String(t.dtype)}`);
    checkChannels(t, 'equalize');
    const single = (x: Tensor): Tensor => torch.stack(x.unbind(0).map(equalizeChannel));
    return t.dim() === 3 ? single(t) : torch.stack(t.unbind(0).map(single));
  }) as T;
}

/** gaussian_blur's kernel sizes and sigmas, checked: [[kx, ky], [sx, sy]]. */
function gaussianBlurArgs(kernelSize: number | readonly number[], sigma: number | readonly number[] | null, fn: string): [number[], number[]] {
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : Array.isArray(kernelSize) ? [...kernelSize] : null;
  if (ks === null) throw new TypeError(`${fn}: kernel_size should be int or a sequence of integers. Got ${describe(kernelSize)}`);
  if (ks.length !== 2) throw new RangeError(`${fn}: If kernel_size is a sequence its length should be 2. Got ${ks.length}`);
  if (ks.some((k) => !Number.isInteger(k) || k % 2 === 0 || k < 0)) throw new RangeError(`${fn}: kernel_size should have odd and positive integers. Got [${ks.join(', ')}]`);
  let sg: number[];
  if (sigma === null) sg = ks.map((k) => k * 0.15 + 0.35);
  else if (typeof sigma === 'number') sg = [sigma, sigma];
  else if (Array.isArray(sigma)) sg = sigma.length === 1 ? [sigma[0]!, sigma[0]!] : [...sigma];
  else throw new TypeError(`${fn}: sigma should be either float or sequence of floats. Got ${describe(sigma)}`);
  if (sg.length !== 2) throw new RangeError(`${fn}: If sigma is a sequence, its length should be 2. Got ${sg.length}`);
  if (sg.some((v) => !(v > 0.0))) throw new RangeError(`${fn}: sigma should have positive values. Got [${sg.join(', ')}]`);
  return [ks, sg];
}

/** torchvision's gaussian_blur: a separable Gaussian kernel (odd sizes [kx, ky]), reflect-padded. */
export function gaussianBlur<T extends ImageLike>(img: T, kernelSize: number | readonly number[], sigma?: number | readonly number[] | null): T;
export function gaussianBlur<T extends ImageLike>(img: T, ...args: PyArgsWith<[kernelSize: number | readonly number[], sigma: number | readonly number[] | null], { kernelSize?: number | readonly number[]; sigma?: number | readonly number[] | null }>): T;
export function gaussianBlur<T extends ImageLike>(img: T, ...args: unknown[]): T {
  const [kernelSize, sigma] = bind(GAUSSIAN_BLUR_ARGS, args) as [kernelSize: number | readonly number[], sigma: number | readonly number[] | null];
  const fn = 'gaussianBlur';
  const [ks, sg] = gaussianBlurArgs(kernelSize, sigma, fn);
  return onTensor(img, fn, (t) => {
    const dtype = t.isFloatingPoint() ? t.dtype : torch.float32;
    const kernel1d = (k: number, s: number): Tensor => {
      const half = (k - 1) * 0.5;
      const pdf = torch.exp(torch.linspace(-half, half, k, { dtype, device: t.device }).div(s).pow(2).mul(-0.5));
      return pdf.div(pdf.sum());
    };
    const kernel = torch.mm(kernel1d(ks[1]!, sg[1]!).unsqueeze(1), kernel1d(ks[0]!, sg[0]!).unsqueeze(0));
    const c = t.size(-3);
    const { img: x, cast, squeeze, outDtype } = castSqueezeIn(t, dtype);
    const padded = F().pad(x, [ks[0]! >> 1, ks[0]! >> 1, ks[1]! >> 1, ks[1]! >> 1], 'reflect');
    return castSqueezeOut(F().conv2d(padded, kernel.expand(c, 1, ks[1]!, ks[0]!), null, 1, 0, 1, c), cast, squeeze, outDtype);
  }) as T;
}

/** torchvision's erase: the (i, j) h x w box of a tensor image set to `v` (a copy unless inplace). */
export function erase(img: Tensor, i: number, j: number, h: number, w: number, v: Tensor | number, inplace?: boolean): Tensor;
export function erase(img: Tensor, ...args: PyArgsWith<[i: number, j: number, h: number, w: number, v: Tensor | number, inplace: boolean], { i?: number; j?: number; h?: number; w?: number; v?: Tensor | number; inplace?: boolean }>): Tensor;
export function erase(img: Tensor, ...args: unknown[]): Tensor {
  const [i, j, h, w, v, inplace] = bind(ERASE_ARGS, args) as [i: number, j: number, h: number, w: number, v: Tensor | number, inplace: boolean];
  if (!isTensor(img)) throw new TypeError(`erase: img should be Tensor Image. Got ${describe(img)}`);
  checkImageTensor(img, 'erase');
  const out = inplace ? img : img.clone();
  const box = out.index('...', `${i}:${i + h}`, `${j}:${j + w}`);
  if (isTensor(v)) box.copy_(v);
  else box.fill_(v);
  return out;
}

/** torchvision's five_crop: the four corners and the centre, each `size` (h, w). */
export function fiveCrop<T extends ImageLike>(img: T, size: number | readonly number[]): [T, T, T, T, T];
export function fiveCrop<T extends ImageLike>(img: T, ...args: PyArgsWith<[size: number | readonly number[]], { size?: number | readonly number[] }>): [T, T, T, T, T];
export function fiveCrop<T extends ImageLike>(img: T, ...args: unknown[]): [T, T, T, T, T] {
  const [size] = bind(FIVE_CROP_ARGS, args) as [size: number | readonly number[]];
  const [ch, cw] = setupSize(size, 'fiveCrop');
  const [, h, w] = getDimensions(img);
  if (cw > w || ch > h) throw new RangeError(`fiveCrop: Requested crop size (${ch}, ${cw}) is bigger than input size (${h}, ${w})`);
  return [crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw), crop(img, h - ch, w - cw, ch, cw), centerCrop(img, [ch, cw])];
}

/** torchvision's ten_crop: fiveCrop of the image and of its horizontal (or vertical) flip. */
export function tenCrop<T extends ImageLike>(img: T, size: number | readonly number[], verticalFlip?: boolean): [T, T, T, T, T, T, T, T, T, T];
export function tenCrop<T extends ImageLike>(img: T, ...args: PyArgsWith<[size: number | readonly number[], verticalFlip: boolean], { size?: number | readonly number[]; verticalFlip?: boolean }>): [T, T, T, T, T, T, T, T, T, T];
export function tenCrop<T extends ImageLike>(img: T, ...args: unknown[]): [T, T, T, T, T, T, T, T, T, T] {
  const [size, verticalFlip] = bind(TEN_CROP_ARGS, args) as [size: number | readonly number[], verticalFlip: boolean];
  const first = fiveCrop(img, size);
  return [...first, ...fiveCrop(verticalFlip ? vflip(img) : hflip(img), size)] as [T, T, T, T, T, T, T, T, T, T];
}

/** Helpers that transforms.v2.functional shares; not API. */
export const _internal = { onTensor, checkChannels, checkFactor, gaussianBlurArgs, resizedOutputSize, withV2FillBlend, perspectiveCoefficients, perspectiveGrid, perspectiveByCoefficients, pilAffineImage } as const;
