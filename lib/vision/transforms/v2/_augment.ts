// torchvision.transforms.v2.functional's jpeg and erase (v2/functional/_augment.py): their tensor
// kernels (plain tensors, tv_tensors Image and Video, batches (..., C, H, W)) and their PIL kernels
// (a vision.Image here). JPEG runs sharp's encoder and decoder: the decoded pixels equal those of
// torchvision's libjpeg-turbo round trip (the same quantisation tables, 4:2:0 chroma and islow DCT;
// only the entropy coding of the bytes in between differs, which the pixels do not see).
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { Image } from '../../image.js';
import { encodeImageSync } from '../../decode.js';
import { decodeJpeg, encodeJpeg } from '../../io.js';
import { erase as eraseTensor, pilToTensor, toPILImage, type ImageLike } from '../functional.js';
import { checkKernelKinds, keepKind } from './_transform.js';

const JPEG_ARGS = signature('jpeg', { quality: REQUIRED });
const ERASE_ARGS = signature('erase', { i: REQUIRED, j: REQUIRED, h: REQUIRED, w: REQUIRED, v: REQUIRED, inplace: false });

/** torchvision.io.encode_jpeg's quality check (the one in Python). */
function checkQuality(quality: unknown): number {
  if (typeof quality !== 'number' || !Number.isInteger(quality)) throw new TypeError(`jpeg: quality must be an integer, got ${describe(quality)}`);
  if (quality < 1 || quality > 100) throw new RangeError('jpeg: Image quality should be a positive number between 1 and 100');
  return quality;
}

/**
 * v2's jpeg_image (and jpeg_video): every (C, H, W) image of a uint8 (..., C, H, W) tensor encoded as a
 * JPEG of `quality` and decoded back, torchvision's checks in its order (quality, dtype, dimensions,
 * channels); an empty batch comes back as a copy.
 */
export function jpegImage(image: Tensor, quality: number): Tensor {
  if (!isTensor(image)) throw new TypeError(`jpeg: expected a tensor, got ${describe(image)}`);
  const shape = image.shape;
  if (shape.length >= 3 && shape.slice(0, -3).includes(0)) return image.clone();  // degenerate: torchvision's image.reshape(shape).clone()
  checkQuality(quality);
  if (image.dtype !== torch.uint8) throw new TypeError('jpeg: Input tensor dtype should be uint8');
  if (shape.length < 3) throw new RangeError('jpeg: Input data should be a 3-dimensional tensor');
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  if (c !== 1 && c !== 3) throw new RangeError(`jpeg: The number of channels should be 1 or 3, got: ${c}`);
  if (h === 0 || w === 0) throw new RangeError(`jpeg: cannot encode an empty image (${h}x${w}) as JPEG`);
  return torch.tidy(() => {
    const flat = image.reshape(-1, c, h, w);
    const decoded = Array.from({ length: flat.size(0) }, (_, i) => decodeJpeg(encodeJpeg(flat.select(0, i), quality)));
    return torch.stack(decoded).view(shape);
  });
}

/** v2's jpeg_video: as jpegImage, over (..., T, C, H, W). */
export const jpegVideo = jpegImage;

/** v2's _jpeg_image_pil: PIL's save as JPEG of `quality` and open again ('L' stays gray, 'RGB' colour). */
export function jpegImagePil(image: Image, quality: number): Image {
  if (!(image instanceof Image)) throw new TypeError(`jpeg: expected a vision.Image, got ${describe(image)}`);
  checkQuality(quality);
  if (image.width === 0 || image.height === 0) throw new RangeError(`jpeg: cannot write an empty image (${image.width}x${image.height}) as JPEG`);
  const bytes = encodeImageSync(image.data, image.width, image.height, image.channels, 'jpeg', { quality });
  return Image.decode(bytes, { mode: image.mode, source: 'jpeg' });
}

/**
 * v2.functional.jpeg(image, quality): JPEG compression and decompression of a uint8 (..., 3 or 1, H, W)
 * tensor (a tv_tensors.Image or Video stays one) or of a vision.Image, as torchvision's kernels.
 */
export function jpeg<T extends ImageLike>(image: T, quality: number): T;
export function jpeg<T extends ImageLike>(image: T, ...args: PyArgsWith<[quality: number], { quality?: number }>): T;
export function jpeg<T extends ImageLike>(image: T, ...args: unknown[]): T {
  const [quality] = bind(JPEG_ARGS, args) as [number];
  checkKernelKinds('jpeg', image, ['Image', 'Video'], true);
  if (image instanceof Image) return jpegImagePil(image, quality) as T;
  return keepKind(image, jpegImage(image as Tensor, quality)) as T;
}

/**
 * v2.functional.erase(inpt, i, j, h, w, v, inplace=false): the (i, j) h x w box of an image (..., C, H, W)
 * or video set to `v` (cast to the image's dtype), a copy unless inplace. A vision.Image is erased through
 * its uint8 tensor (v2's _erase_image_pil) and comes back as a new vision.Image of its mode.
 */
export function erase<T extends ImageLike>(inpt: T, i: number, j: number, h: number, w: number, v: Tensor | number, inplace?: boolean): T;
export function erase<T extends ImageLike>(inpt: T, ...args: PyArgsWith<[i: number, j: number, h: number, w: number, v: Tensor | number, inplace: boolean], { i?: number; j?: number; h?: number; w?: number; v?: Tensor | number; inplace?: boolean }>): T;
export function erase<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [i, j, h, w, v, inplace] = bind(ERASE_ARGS, args) as [number, number, number, number, Tensor | number, boolean];
  checkKernelKinds('erase', inpt, ['Image', 'Video'], true);
  if (inpt instanceof Image) return torch.tidy(() => toPILImage(eraseTensor(pilToTensor(inpt), i, j, h, w, v, inplace), inpt.mode)) as T;
  return keepKind(inpt, torch.tidy(() => eraseTensor(inpt as Tensor, i, j, h, w, v, inplace))) as T;  // the box view goes at once
}

/**
 * v2's erase_image (and erase_video): erase on a tensor (..., C, H, W). Unlike the other per-type kernels,
 * a tv_tensor comes back as its kind, as there (the kernel's clone() keeps the tv_tensor class); no vision.Image.
 */
export function eraseImage(image: Tensor, i: number, j: number, h: number, w: number, v: Tensor | number, inplace?: boolean): Tensor;
export function eraseImage(image: Tensor, ...args: PyArgsWith<[i: number, j: number, h: number, w: number, v: Tensor | number, inplace: boolean], { i?: number; j?: number; h?: number; w?: number; v?: Tensor | number; inplace?: boolean }>): Tensor;
export function eraseImage(image: Tensor, ...args: unknown[]): Tensor {
  if (!isTensor(image)) throw new TypeError(`erase_image: expected a tensor, got ${describe(image)}`);
  const [i, j, h, w, v, inplace] = bind(ERASE_ARGS, args) as [number, number, number, number, Tensor | number, boolean];
  return keepKind(image, torch.tidy(() => eraseTensor(image, i, j, h, w, v, inplace)));
}
/** v2's erase_video: erase_image. */
export const eraseVideo = eraseImage;
