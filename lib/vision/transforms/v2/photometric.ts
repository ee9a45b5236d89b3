// torchvision.transforms.v2's GaussianNoise (v2/_misc.py), RGB, RandomChannelPermutation and
// RandomPhotometricDistort (v2/_color.py): torchvision's Transform.forward (v2Forward) with v2's
// make_params draws in its order, and its kernels (v2/_photometric.ts and v2's colour kernels). Each
// kernel runs where torchvision registers one; other leaves (masks, boxes, keypoints, and videos for
// RGB) pass through.
import { isTensor, type Tensor } from '../../../tensor.js';
import { asGiven, float, tuple, v2Repr } from '../_repr.js';
import { describe } from '../../../options.js';
import { bind, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { rand1, randperm, uniform1 } from '../_random.js';
import type { ImageLike } from '../functional.js';
import * as F from './functional.js';
import { gaussianNoise, grayscaleToRgb, permuteChannels } from './_photometric.js';
import { checkNoArguments, keepKind, type LeafKind, queryChw, V2BuiltIn, v2Forward } from './_transform.js';

const GAUSSIAN_NOISE = signature('GaussianNoise', { mean: 0.0, sigma: 0.1, clip: true });
const PHOTOMETRIC_DISTORT = signature('RandomPhotometricDistort', {
  brightness: [0.875, 1.125], contrast: [0.5, 1.5], saturation: [0.5, 1.5], hue: [-0.05, 0.05], p: 0.5,
});

/** Whether a leaf is transformed as an image or a video (tensors, tv_tensors Image and Video, vision.Images). */
const isImageOrVideo = (kind: LeafKind): boolean => kind === 'Image' || kind === 'Video';

/** A number argument, refused with a TypeError otherwise. */
function numberArg(owner: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${owner}: ${name} must be a number, got ${describe(v)}`);
  return v;
}

/**
 * Adds Gaussian noise (mean, sigma; clipped to the value range with clip) to the sample's images and
 * videos: float ones in [0, 1], uint8 ones in [0, 255] with the noise scaled by 255. A vision.Image is
 * refused, as torchvision refuses PIL images.
 */
export class GaussianNoise extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly mean: number;
  readonly sigma: number;
  readonly clip: boolean;
  constructor(...args: PyArgs<[mean: number, sigma: number, clip: boolean], { mean?: number; sigma?: number; clip?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    const [mean, sigma, clip] = bind(GAUSSIAN_NOISE, args);
    this.mean = numberArg('GaussianNoise', 'mean', mean);
    this.sigma = numberArg('GaussianNoise', 'sigma', sigma);
    if (typeof clip !== 'boolean') throw new TypeError(`GaussianNoise: clip must be a boolean, got ${describe(clip)}`);
    this.clip = clip;
    this.workerArgs = [this.mean, this.sigma, this.clip];
  }
  forward(input: unknown): unknown { return this.call(input); }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { transform: (x, kind) => (isImageOrVideo(kind) ? gaussianNoise(x, this.mean, this.sigma, this.clip) : x) });
  }
  override toString(): string { return v2Repr('GaussianNoise', { mean: asGiven(GAUSSIAN_NOISE, 'mean', this.mean), sigma: asGiven(GAUSSIAN_NOISE, 'sigma', this.sigma), clip: this.clip }); }
}

/** Converts the sample's 1-channel images to 3 channels (vision.Images to 'RGB'); videos pass through, as torchvision has no video kernel. */
export class RGB extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  constructor() { super(); checkNoArguments(new.target.name, arguments.length); this.workerArgs = []; }
  forward(input: unknown): unknown { return this.call(input); }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { transform: (x, kind) => (kind === 'Image' ? grayscaleToRgb(x) : x) });
  }
  override toString(): string { return 'RGB()'; }
}

/** Permutes the channels of the sample's images and videos with one `torch.randperm(C)` per sample. */
export class RandomChannelPermutation extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  constructor() { super(); checkNoArguments(new.target.name, arguments.length); this.workerArgs = []; }
  /** v2's make_params: `torch.randperm(num_channels)`, the channels from query_chw. */
  makeParams(leaves: readonly unknown[]): number[] { return randperm(queryChw(leaves)[0]); }
  forward(input: unknown): unknown { return this.call(input); }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      makeParams: (leaves) => this.makeParams(leaves),
      transform: (x, kind, permutation) => (isImageOrVideo(kind) ? permuteChannels(x, permutation) : x),
    });
  }
  override toString(): string { return 'RandomChannelPermutation()'; }
}

/** RandomPhotometricDistort's drawn parameters (v2's make_params): a factor or null for each adjustment. */
export interface PhotometricDistortParams {
  brightnessFactor: number | null;
  contrastFactor: number | null;
  saturationFactor: number | null;
  hueFactor: number | null;
  contrastBefore: boolean;
  channelPermutation: number[] | null;
}

/** A [min, max] range of RandomPhotometricDistort. */
function rangeArg(name: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((e) => typeof e === 'number' && !Number.isNaN(e))) {
    throw new TypeError(`RandomPhotometricDistort: ${name} must be a (min, max) pair of numbers, got ${describe(v)}`);
  }
  return [v[0], v[1]];
}

/**
 * SSD's photometric distortion: each of brightness, contrast, saturation and hue with probability p
 * (a factor drawn uniformly from its range), contrast before or after saturation and hue (one coin),
 * then a random channel permutation with probability p. The draws are v2's, in its order: per
 * adjustment `torch.rand(1) < p` then its factor, the contrast coin, `torch.rand(1) < p` then
 * `torch.randperm(C)`.
 */
export class RandomPhotometricDistort extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly brightness: [number, number];
  readonly contrast: [number, number];
  readonly saturation: [number, number];
  readonly hue: [number, number];
  readonly p: number;
  constructor(...args: PyArgs<[brightness: readonly number[], contrast: readonly number[], saturation: readonly number[], hue: readonly number[], p: number],
    { brightness?: readonly number[]; contrast?: readonly number[]; saturation?: readonly number[]; hue?: readonly number[]; p?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [brightness, contrast, saturation, hue, p] = bind(PHOTOMETRIC_DISTORT, args);
    this.brightness = rangeArg('brightness', brightness);
    this.contrast = rangeArg('contrast', contrast);
    this.saturation = rangeArg('saturation', saturation);
    this.hue = rangeArg('hue', hue);
    this.p = numberArg('RandomPhotometricDistort', 'p', p);
    this.workerArgs = [this.brightness, this.contrast, this.saturation, this.hue, this.p];
  }

  /** v2's make_params on the leaves it transforms (query_chw first: a sample without an image draws nothing). */
  makeParams(leaves: readonly unknown[]): PhotometricDistortParams {
    const channels = queryChw(leaves)[0];
    const p = Math.fround(this.p);  // torch.rand(1) < p compares in float32
    const factor = ([lo, hi]: [number, number]): number | null => (rand1() < p ? uniform1(lo, hi) : null);
    const brightnessFactor = factor(this.brightness);
    const contrastFactor = factor(this.contrast);
    const saturationFactor = factor(this.saturation);
    const hueFactor = factor(this.hue);
    const contrastBefore = rand1() < 0.5;
    const channelPermutation = rand1() < p ? randperm(channels) : null;
    return { brightnessFactor, contrastFactor, saturationFactor, hueFactor, contrastBefore, channelPermutation };
  }

  /** v2's transform of one image or video: the adjustments drawn, in SSD's order. */
  private distort(x: ImageLike, q: PhotometricDistortParams): unknown {
    const steps: ((img: ImageLike) => ImageLike)[] = [];
    if (q.brightnessFactor !== null) steps.push((img) => F.adjustBrightness(img, q.brightnessFactor!));
    if (q.contrastFactor !== null && q.contrastBefore) steps.push((img) => F.adjustContrast(img, q.contrastFactor!));
    if (q.saturationFactor !== null) steps.push((img) => F.adjustSaturation(img, q.saturationFactor!));
    if (q.hueFactor !== null) steps.push((img) => F.adjustHue(img, q.hueFactor!));
    if (q.contrastFactor !== null && !q.contrastBefore) steps.push((img) => F.adjustContrast(img, q.contrastFactor!));
    if (q.channelPermutation !== null) steps.push((img) => permuteChannels(img, q.channelPermutation!));
    let cur: ImageLike = x;
    for (const step of steps) {
      let next: ImageLike;
      try {
        next = step(cur);
      } catch (e) {
        if (cur !== x && isTensor(cur)) (cur as Tensor).dispose();
        throw e;
      }
      if (cur !== x && next !== cur && isTensor(cur)) (cur as Tensor).dispose();  // the previous step's result (never the input)
      cur = next;
    }
    return keepKind(x, cur);
  }

  forward(input: unknown): unknown { return this.call(input); }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      makeParams: (leaves) => this.makeParams(leaves),
      transform: (x, kind, params) => (isImageOrVideo(kind) ? this.distort(x, params) : x),
    });
  }
  override toString(): string {
    // torchvision's ranges are Tuple[float, float] and p a float: printed so (a JS array given reads as Python's tuple here)
    const range = (r: readonly number[]): unknown => float(tuple(r));
    return v2Repr('RandomPhotometricDistort', { brightness: range(this.brightness), contrast: range(this.contrast), hue: range(this.hue), saturation: range(this.saturation), p: float(this.p) });
  }
}
