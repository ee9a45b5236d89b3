// torchvision.transforms.v2.functional's gaussian_noise (v2/functional/_misc.py), grayscale_to_rgb and
// permute_channels (v2/functional/_color.py): their tensor kernels (plain tensors, tv_tensors Image and
// Video where torchvision registers one, batches (..., C, H, W)) and their PIL kernels (a vision.Image
// here), ported op for op so the results (and the torch RNG after gaussian_noise) are torchvision's.
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, signature, REQUIRED, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { Image } from '../../image.js';
import { pilToTensor, toPILImage, type ImageLike } from '../functional.js';
import { checkKernelKinds, keepKind } from './_transform.js';

const GAUSSIAN_NOISE_ARGS = signature('gaussian_noise', { mean: 0.0, sigma: 0.1, clip: true });
const PERMUTE_CHANNELS_ARGS = signature('permute_channels', { permutation: REQUIRED });

/**
 * v2's gaussian_noise_image: `mean + randn_like(image) * sigma` added to a float image (clamped to
 * [0, 1] with clip); a uint8 image gets the noise scaled by 255 and truncated to int16, the sum clamped
 * to [0, 255] (with clip) and cast back to uint8. Other dtypes are refused.
 */
export function gaussianNoiseImage(image: Tensor, mean?: number, sigma?: number, clip?: boolean): Tensor;
export function gaussianNoiseImage(image: Tensor, ...args: PyArgsWith<[mean: number, sigma: number, clip: boolean], { mean?: number; sigma?: number; clip?: boolean }>): Tensor;
export function gaussianNoiseImage(image: Tensor, ...args: unknown[]): Tensor {
  const [mean, sigma, clip] = bind(GAUSSIAN_NOISE_ARGS, args) as [number, number, boolean];
  if (!isTensor(image)) throw new TypeError(`gaussian_noise: expected a tensor, got ${describe(image)}`);
  if (typeof mean !== 'number' || typeof sigma !== 'number') throw new TypeError(`gaussian_noise: mean and sigma must be numbers, got ${describe(mean)} and ${describe(sigma)}`);
  if (sigma < 0) throw new RangeError(`gaussian_noise: sigma shouldn't be negative. Got ${sigma}`);
  if (image.isFloatingPoint()) {
    return torch.tidy(() => {
      const out = image.add(torch.randnLike(image).mul(sigma).add(mean));
      return clip ? torch.clamp(out, 0, 1) : out;
    });
  }
  if (image.dtype === torch.uint8) {
    return torch.tidy(() => {
      const noise = torch.randnLike(image, { dtype: torch.float32 }).mul(sigma * 255).add(mean * 255).to(torch.int16);
      const out = image.add(noise);
      return (clip ? torch.clamp(out, 0, 255) : out).to(torch.uint8);
    });
  }
  throw new TypeError(`gaussian_noise: Input tensor is expected to be in uint8 or float dtype, got dtype=${String(image.dtype)}`);
}

/** v2's gaussian_noise_video: gaussianNoiseImage over (..., T, C, H, W). */
export const gaussianNoiseVideo = gaussianNoiseImage;

/**
 * v2.functional.gaussian_noise(inpt, mean=0, sigma=0.1, clip=true): a tensor, tv_tensors.Image or Video
 * (kept as one) with Gaussian noise added, as gaussianNoiseImage. A vision.Image is refused (v2 has no
 * PIL kernel for it).
 */
export function gaussianNoise<T extends Tensor>(inpt: T, mean?: number, sigma?: number, clip?: boolean): T;
export function gaussianNoise<T extends Tensor>(inpt: T, ...args: PyArgsWith<[mean: number, sigma: number, clip: boolean], { mean?: number; sigma?: number; clip?: boolean }>): T;
export function gaussianNoise<T extends Tensor>(inpt: T, ...args: unknown[]): T {
  const [mean, sigma, clip] = bind(GAUSSIAN_NOISE_ARGS, args) as [number, number, boolean];
  if ((inpt as unknown) instanceof Image) throw new TypeError('gaussian_noise: Gaussian Noise is not implemented for PIL images.');
  checkKernelKinds('gaussian_noise', inpt, ['Image', 'Video'], false);
  return keepKind(inpt, gaussianNoiseImage(inpt, mean, sigma, clip)) as T;
}

/**
 * v2's grayscale_to_rgb_image: an image of 3 or more channels as it is (the same tensor); a 1-channel
 * one repeated to 3 channels, in its dtype.
 */
export function grayscaleToRgbImage(image: Tensor): Tensor {
  if (!isTensor(image)) throw new TypeError(`grayscale_to_rgb: expected a tensor, got ${describe(image)}`);
  if (image.dim() < 3) throw new RangeError(`grayscale_to_rgb: expected a tensor of shape (..., C, H, W), got ${image.dim()} dimension(s)`);
  const c = image.size(-3);
  if (c >= 3) return image;
  if (c !== 1) throw new RangeError(`grayscale_to_rgb: not enough values to unpack (expected 3, got ${c})`);
  return image.repeat(image.shape.map((_, i) => (i === image.dim() - 3 ? 3 : 1)));
}

/**
 * v2.functional.grayscale_to_rgb(inpt): a tensor or tv_tensors.Image (kept as one) of 1 channel as 3;
 * a vision.Image converted to 'RGB' (PIL's convert, a new image). Videos are refused, as torchvision
 * registers no video kernel.
 */
export function grayscaleToRgb<T extends ImageLike>(inpt: T): T {
  checkKernelKinds('grayscale_to_rgb', inpt, ['Image'], true);
  if (inpt instanceof Image) return inpt.convert('RGB') as T;
  return keepKind(inpt, grayscaleToRgbImage(inpt as Tensor)) as T;
}

/** The permutation as a list of integers (a list, or a 1-D integer tensor such as torch.randperm's). */
function permutationList(permutation: unknown): number[] {
  if (isTensor(permutation)) {
    if (permutation.dim() !== 1 || permutation.isFloatingPoint()) throw new TypeError(`permute_channels: permutation must be a list of integers or a 1-D integer tensor, got a ${permutation.dim()}-D ${String(permutation.dtype)} tensor`);
    return permutation.tolist() as number[];
  }
  if (!Array.isArray(permutation) || !permutation.every((p) => Number.isInteger(p))) throw new TypeError(`permute_channels: permutation must be a list of integers, got ${describe(permutation)}`);
  return permutation as number[];
}

/**
 * v2's permute_channels_image: output channel i is input channel permutation[i], over (..., C, H, W);
 * an empty tensor comes back as it is.
 */
export function permuteChannelsImage(image: Tensor, permutation: readonly number[] | Tensor): Tensor;
export function permuteChannelsImage(image: Tensor, ...args: PyArgsWith<[permutation: readonly number[] | Tensor], { permutation?: readonly number[] | Tensor }>): Tensor;
export function permuteChannelsImage(image: Tensor, ...args: unknown[]): Tensor {
  const [permutation] = bind(PERMUTE_CHANNELS_ARGS, args);
  if (!isTensor(image)) throw new TypeError(`permute_channels: expected a tensor, got ${describe(image)}`);
  const perm = permutationList(permutation);
  const shape = image.shape;
  if (shape.length < 3) throw new RangeError(`permute_channels: expected a tensor of shape (..., C, H, W), got ${shape.length} dimension(s)`);
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  if (perm.length !== c) throw new RangeError(`permute_channels: Length of permutation does not match number of channels: ${perm.length} != ${c}`);
  if (image.numel() === 0) return image;
  if (!perm.every((p) => p >= -c && p < c)) throw new RangeError(`permute_channels: index out of range in permutation [${perm.join(', ')}] for ${c} channels`);
  const index = perm.map((p) => (p < 0 ? p + c : p));  // Python's list index: negative entries count from the end
  return torch.tidy(() => image.reshape(-1, c, h, w).indexSelect(1, torch.tensor(index, { dtype: torch.int64 })).reshape(shape));
}

/** v2's permute_channels_video: permuteChannelsImage over (..., T, C, H, W). */
export const permuteChannelsVideo = permuteChannelsImage;

/**
 * v2.functional.permute_channels(inpt, permutation): the channels of a tensor, tv_tensors.Image or Video
 * (kept as one) reordered, output channel i being input channel permutation[i]; a vision.Image through
 * its uint8 tensor, a new vision.Image.
 */
export function permuteChannels<T extends ImageLike>(inpt: T, permutation: readonly number[] | Tensor): T;
export function permuteChannels<T extends ImageLike>(inpt: T, ...args: PyArgsWith<[permutation: readonly number[] | Tensor], { permutation?: readonly number[] | Tensor }>): T;
export function permuteChannels<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [permutation] = bind(PERMUTE_CHANNELS_ARGS, args) as [readonly number[] | Tensor];
  checkKernelKinds('permute_channels', inpt, ['Image', 'Video'], true);
  if (inpt instanceof Image) return torch.tidy(() => toPILImage(permuteChannelsImage(pilToTensor(inpt), permutation))) as T;
  return keepKind(inpt, permuteChannelsImage(inpt as Tensor, permutation)) as T;
}
