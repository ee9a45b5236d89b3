// torchvision.transforms.v2's classes for images. Where v2 draws and computes as v1 (checked case by
// case against torchvision 0.28's v2 in the fixtures), the v1 class with v2's calling convention;
// where v2's arithmetic differs, the same draws with v2's kernels (v2/functional.ts); where v2's
// draws differ (RandomApply, RandomChoice, RandomOrder) or v2 is new (ToImage, ToDtype, MixUp,
// CutMix), v2's own code.
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';
import { DType, toDType, type DTypeLike } from '../../../dtype.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { Image } from '../../image.js';
import * as v1 from './_v1.js';
import { rand1, randint1, randperm } from '../_random.js';
import { fillPerChannel } from '../_checks.js';
import type { ElasticTransformOptions } from '../elastic_transform.js';
import type { RandomAffineOptions } from '../random_affine.js';
import type { RandomCropOptions } from '../random_crop.js';
import type { RandomPerspectiveOptions } from '../random_perspective.js';
import type { RandomRotationOptions } from '../random_rotation.js';
import type { ResizeOptions } from '../resize.js';
import type { InterpolationArg, PaddingMode } from '../functional.js';
import { fillFor, withPerTypeFill, type FillArg, type FillDict, type FillOption, type OptionsWithFill } from './_fill.js';
import { checkTransform, type TransformLike } from '../transform.js';
import type { ImageLike } from '../functional.js';
import * as F from './functional.js';
import { callTransform, checkNoArguments, checkRandomApplyP, isInstance, markV2BuiltIn, needsTransformList, onImage, querySize, sampleOf, V2BuiltIn, v2Forward, v2Of } from './_transform.js';
import { kindOf, type TVTensorKind } from '../../tv_tensors.js';
import { treeLeaves, withLeaves } from '../../../pytree.js';
import { isTensor } from '../../../tensor.js';
import { warn } from '../../../warnings.js';
import { copied, float, tuple, v2ContainerRepr, v2Repr } from '../_repr.js';

// ---- v1's classes: the same draws and results in v2 ---------------------------------------------

// The geometric transforms with box and mask kernels draw their parameters once per call and apply
// them to every image, video, mask and box leaf of the sample (v2's make_params, then transform).

/** Flips images, masks and boxes left-right with probability p (one draw per sample). */
export class RandomHorizontalFlip extends v2Of(v1.RandomHorizontalFlip, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { p: this.p, transform: (x) => F.horizontalFlip(x) }); }
}
/** Flips images, masks and boxes upside down with probability p (one draw per sample). */
export class RandomVerticalFlip extends v2Of(v1.RandomVerticalFlip, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { p: this.p, transform: (x) => F.verticalFlip(x) }); }
}
/** Crops the center of images, masks and boxes. */
export class CenterCrop extends v2Of(v1.CenterCrop) {
  static override readonly sourceModule = import.meta.url;
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { transform: (x) => F.centerCrop(x, this.size) }); }
}

/** One fill value of the v1 classes: a number, or one per channel. */
type Fill = number | readonly number[];

interface CropParams { needsCrop: boolean; top: number; left: number; height: number; width: number; needsPad: boolean; padding: [number, number, number, number] }

/** v2's draws: an offset only for a side longer than the crop (v1 draws both unless both fit). */
export class RandomCrop extends v2Of(withPerTypeFill(v1.RandomCrop, 3, 0, true)) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    return v2Repr('RandomCrop', { size: this.reprArgs.size, padding: parsePadPadding(this.padding), pad_if_needed: this.padIfNeeded, fill: this.fillRepr, padding_mode: this.paddingMode });
  }
  constructor(...args: PyArgs<[size: number | readonly number[], padding: number | readonly number[] | null, padIfNeeded: boolean, fill: FillArg<Fill>, paddingMode: PaddingMode], OptionsWithFill<RandomCropOptions, Fill>>);
  constructor(options: OptionsWithFill<RandomCropOptions, Fill> & { size: number | readonly number[] });
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T {
    const [, h, w] = F.getDimensions(img);
    return this.apply(img, this.cropParams(h, w)) as T;
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, { makeParams: (leaves) => this.cropParams(...querySize(leaves)), transform: (x, _, params) => this.apply(x, params) });
  }
  private apply(x: unknown, p: CropParams): unknown {
    const padded = p.needsPad ? F.pad(x as ImageLike, p.padding, fillFor(this.fillDict, x), this.paddingMode) : x;
    if (!p.needsCrop) return padded;
    try {
      return F.crop(padded as ImageLike, p.top, p.left, p.height, p.width);
    } finally {
      if (padded !== x && isTensor(padded)) padded.dispose();  // the padded intermediate: the crop is a new tensor
    }
  }
  private cropParams(h: number, w: number): CropParams {
    const p = parsePadPadding(this.padding);
    let [pl, pr, pt, pb] = p ?? [0, 0, 0, 0];
    let [ph, pw] = [h + pt + pb, w + pl + pr];
    const [ch, cw] = this.size;
    if (this.padIfNeeded && ph < ch) { const d = ch - ph; pt += d; pb += d; ph += 2 * d; }
    if (this.padIfNeeded && pw < cw) { const d = cw - pw; pl += d; pr += d; pw += 2 * d; }
    if (ph < ch || pw < cw) throw new RangeError(`RandomCrop: Required crop size (${ch}, ${cw}) is larger than ${p !== null ? 'padded ' : ''}input image size (${ph}, ${pw}).`);
    const top = ph > ch ? randint1(0, ph - ch + 1) : 0;
    const left = pw > cw ? randint1(0, pw - cw + 1) : 0;
    return { needsCrop: ph > ch || pw > cw, top, left, height: ch, width: cw, needsPad: Boolean(pl || pt || pr || pb), padding: [pl, pt, pr, pb] };
  }
}
/**
 * v2 RandomCrop's padding as torchvision keeps it: `_parse_pad_padding(padding) if padding else None`,
 * [left, right, top, bottom] from n, [n], [lr, tb] or [l, t, r, b]; null for none or 0 (a list of zeros is kept).
 */
function parsePadPadding(p: number | readonly number[] | null): [number, number, number, number] | null {
  if (p === null || p === 0) return null;
  if (typeof p === 'number' || p.length === 1) return Array<number>(4).fill(typeof p === 'number' ? p : p[0]!) as [number, number, number, number];
  return p.length === 2 ? [p[0]!, p[0]!, p[1]!, p[1]!] : [p[0]!, p[2]!, p[1]!, p[3]!];
}

/** Pads images, masks and boxes (boxes: constant padding only, as v2). */
export class Pad extends v2Of(withPerTypeFill(v1.Pad, 1, 0, true)) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('Pad', { padding: this.padding, fill: this.fillRepr, padding_mode: this.paddingMode }); }
  constructor(...args: PyArgs<[padding: number | readonly number[], fill: FillArg<Fill>, paddingMode: PaddingMode], { padding?: number | readonly number[]; fill?: FillOption<Fill>; paddingMode?: PaddingMode }>);
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T { return F.pad(img, this.padding, fillFor(this.fillDict, img), this.paddingMode); }
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { transform: (x) => F.pad(x, this.padding, fillFor(this.fillDict, x), this.paddingMode) }); }
}
/** Whether a transform's fill is one value for every input (v1's forward serves), not a per-type one. */
const oneFill = (t: { readonly fill: unknown; readonly fillDict: FillDict }): boolean => Object.keys(t.fillDict).length === 1 && t.fillDict.others === t.fill;

/** The fill of one leaf (its type's, as _get_fill): images one value per channel (as v1's forward), masks the fill as given (v2: a list must match the mask's channels); boxes and keypoints ignore it. */
function leafFill(fills: FillDict, x: unknown): number | number[] | null {
  const fill = fillFor(fills, x);
  const kind = kindOf(x);
  return fill === null || kind === 'Mask' || kind === 'BoundingBoxes' || kind === 'KeyPoints' ? fill : fillPerChannel(fill, F.getDimensions(x as ImageLike)[0]);
}

/** Rotates images, masks and boxes by one angle drawn per sample (boxes: their enclosing boxes, on the expanded canvas with expand). */
export class RandomRotation extends v2Of(withPerTypeFill(v1.RandomRotation, 4, 0)) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    return v2Repr('RandomRotation', { degrees: float(this.degrees), interpolation: this.interpolation, expand: this.expand, fill: this.fillRepr, center: this.center });
  }
  constructor(...args: PyArgs<[degrees: number | readonly number[], interpolation: InterpolationArg, expand: boolean, center: readonly number[] | null, fill: FillArg<Fill>], OptionsWithFill<RandomRotationOptions, Fill>>);
  constructor(options: OptionsWithFill<RandomRotationOptions, Fill> & { degrees: number | readonly number[] });
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T {
    return F.rotate(img, v1.RandomRotation.getParams(this.degrees), this.interpolation, this.expand, this.center, leafFill(this.fillDict, img));  // v2's rotate: its fast paths
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      makeParams: () => v1.RandomRotation.getParams(this.degrees),
      transform: (x, _, angle) => F.rotate(x, angle, this.interpolation, this.expand, this.center, leafFill(this.fillDict, x)),
    });
  }
}
/** One random affine map (angle, translation, scale, shear) per sample, applied to its images, masks and boxes. */
export class RandomAffine extends v2Of(withPerTypeFill(v1.RandomAffine, 5, 0)) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    return v2Repr('RandomAffine', {
      degrees: float(this.degrees), translate: this.translate, scale: this.scale, shear: float(this.shear), interpolation: this.interpolation, fill: this.fillRepr, center: this.center,
    });
  }
  constructor(...args: PyArgs<[degrees: number | readonly number[], translate: readonly number[] | null, scale: readonly number[] | null, shear: number | readonly number[] | null,
    interpolation: InterpolationArg, fill: FillArg<Fill>, center: readonly number[] | null], OptionsWithFill<RandomAffineOptions, Fill>>);
  constructor(options: OptionsWithFill<RandomAffineOptions, Fill> & { degrees: number | readonly number[] });
  constructor(...args: unknown[]) { super(...(args as [])); }
  /** v1's forward with v2's fill blend; with a per-type fill, the image's (v2's call: the same draws). */
  override forward<T extends ImageLike>(img: T): T { return oneFill(this) ? F.withV2FillBlend(() => super.forward(img)) as T : this.call(img) as T; }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      makeParams: (leaves) => {
        const [h, w] = querySize(leaves);
        return v1.RandomAffine.getParams(this.degrees, this.translate, this.scale, this.shear, [w, h]);
      },
      transform: (x, _, [angle, translate, scale, shear]) => F.affine(x, angle, translate, scale, shear, this.interpolation, leafFill(this.fillDict, x), this.center),
    });
  }
}
/** One random perspective (four corners moved) per sample, with probability p, applied to its images, masks and boxes. */
export class RandomPerspective extends v2Of(withPerTypeFill(v1.RandomPerspective, 3, 0), { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    return v2Repr('RandomPerspective', { p: this.p, distortion_scale: this.distortionScale, interpolation: this.interpolation, fill: this.fillRepr });
  }
  constructor(...args: PyArgs<[distortionScale: number, p: number, interpolation: InterpolationArg, fill: FillArg<Fill>], OptionsWithFill<RandomPerspectiveOptions, Fill>>);
  constructor(...args: unknown[]) {
    super(...(args as []));
    // v2 checks the range (v1 does not)
    if (!(this.distortionScale >= 0 && this.distortionScale <= 1)) throw new RangeError('RandomPerspective: Argument distortion_scale value should be between 0 and 1');
  }
  /** v1's forward with v2's fill blend; with a per-type fill, the image's (v2's call: the same draws). */
  override forward<T extends ImageLike>(img: T): T { return oneFill(this) ? F.withV2FillBlend(() => super.forward(img)) as T : this.call(img) as T; }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      p: this.p,
      makeParams: (leaves) => {
        const [h, w] = querySize(leaves);
        return v1.RandomPerspective.getParams(w, h, this.distortionScale);
      },
      transform: (x, _, [start, end]) => F.perspective(x, start, end, this.interpolation, leafFill(this.fillDict, x)),
    });
  }
}
/** One random displacement field per sample, applied to its images, masks (nearest) and boxes (approximately, as torchvision). */
export class ElasticTransform extends v2Of(withPerTypeFill(v1.ElasticTransform, 3, 0)) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    return v2Repr('ElasticTransform', { alpha: float(this.alpha), sigma: float(this.sigma), interpolation: this.interpolation, fill: this.fillRepr });
  }
  constructor(...args: PyArgs<[alpha: number | readonly number[], sigma: number | readonly number[], interpolation: InterpolationArg, fill: FillArg<Fill>], OptionsWithFill<ElasticTransformOptions, Fill>>);
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T {
    const [, h, w] = F.getDimensions(img);
    return torch.tidy(() => F.elastic(img, v1.ElasticTransform.getParams(this.alpha, this.sigma, [h, w], F.gaussianBlur), this.interpolation, fillFor(this.fillDict, img))) as T;
  }
  override call(...inputs: unknown[]): any {
    const drawn: { displacement: Tensor | null } = { displacement: null };
    try {
      return v2Forward(inputs, {
        makeParams: (leaves) => (drawn.displacement = v1.ElasticTransform.getParams(this.alpha, this.sigma, querySize(leaves), F.gaussianBlur)),
        transform: (x, _, displacement) => F.elastic(x, displacement, this.interpolation, fillFor(this.fillDict, x)),
      });
    } finally {
      drawn.displacement?.dispose();
    }
  }
}
export class FiveCrop extends v2Of(v1.FiveCrop, { refuseBoxesAndMasks: true }) { static override readonly sourceModule = import.meta.url; }
export class TenCrop extends v2Of(v1.TenCrop, { refuseBoxesAndMasks: true }) { static override readonly sourceModule = import.meta.url; }
export class Normalize extends v2Of(v1.Normalize) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('Normalize', { mean: this.mean, std: this.std, inplace: this.inplace }); }
  override forward(tensor: Tensor): Tensor { return F.normalize(tensor, this.mean, this.std, this.inplace); }  // v2's kernel and its std check
}
export { RandomErasing } from './augment.js';  // v2's own draws and PIL kernel (augment.ts)
export class RandomInvert extends v2Of(v1.RandomInvert, { randomApply: true }) { static override readonly sourceModule = import.meta.url; }
export class RandomPosterize extends v2Of(v1.RandomPosterize, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('RandomPosterize', { p: this.p, bits: this.bits }); }
  override forward<T extends ImageLike>(img: T): T { return rand1() >= Math.fround(this.p) ? img : F.posterize(img, this.bits); }
}
export class RandomSolarize extends v2Of(v1.RandomSolarize, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('RandomSolarize', { p: this.p, threshold: this.threshold }); }
}
export class RandomEqualize extends v2Of(v1.RandomEqualize, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override forward<T extends ImageLike>(img: T): T { return rand1() >= Math.fround(this.p) ? img : F.equalize(img); }
}
export class LinearTransformation extends v2Of(v1.LinearTransformation) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return 'LinearTransformation()'; }  // v2's repr leaves tensors out
}
/** A vision.Image to its uint8 tensor; a tensor passes through (v2 transforms only PIL images here). */
export class PILToTensor extends v2Of(v1.PILToTensor) {
  static override readonly sourceModule = import.meta.url;
  override forward(img: any): any { return img instanceof Image ? super.forward(img) : img; }
}
/** v2's deprecated ToTensor: a vision.Image to a float tensor in [0, 1] (v1's to_tensor); a tensor passes through. */
export class ToTensor extends v2Of(v1.ToTensor) {
  static override readonly sourceModule = import.meta.url;
  constructor() {
    super();
    warn('The transform `ToTensor()` is deprecated and will be removed in a future release. Instead, please use `v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])`.Output is equivalent up to float precision.');
  }
  override forward(img: any): any { return img instanceof Image ? super.forward(img) : img; }
}
/** A tensor to a vision.Image; a vision.Image passes through, as in v2. */
export class ToPILImage extends v2Of(v1.ToPILImage) {
  static override readonly sourceModule = import.meta.url;
  override forward(img: any): any { return img instanceof Image ? img : super.forward(img); }
}

// ---- v1's draws, v2's kernels ---------------------------------------------------------------------

/** Resizes images (v2's kernels), masks (nearest) and boxes. */
export class Resize extends v2Of(v1.Resize) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    // v2 keeps a number as [size]
    return v2Repr('Resize', { size: typeof this.size === 'number' ? [this.size] : this.size, interpolation: this.interpolation, max_size: this.maxSize, antialias: this.antialias });
  }
  protected static override readonly sizeMayBeNull = true;
  constructor(...args: PyArgs<[size: number | readonly number[] | null, interpolation: InterpolationArg, maxSize: number | null, antialias: boolean | null], ResizeOptions>);
  constructor(options: ResizeOptions & { size: number | readonly number[] | null });
  constructor(...args: unknown[]) { super(...(args as [number])); }  // v1's constructor binds and checks them
  override forward<T extends ImageLike>(img: T): T { return F.resize(img, this.size, this.interpolation, this.maxSize, this.antialias); }
  override call(...inputs: unknown[]): any { return v2Forward(inputs, { transform: (x) => this.forward(x) }); }
}

/** A random crop resized to `size`, the same for the images, masks and boxes of a sample. */
export class RandomResizedCrop extends v2Of(v1.RandomResizedCrop) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    const { size, scale, ratio } = this.reprArgs;
    return v2Repr('RandomResizedCrop', { size, scale, ratio, interpolation: this.interpolation, antialias: this.antialias });
  }
  override forward<T extends ImageLike>(img: T): T {
    const [i, j, h, w] = v1.RandomResizedCrop.getParams(img, this.scale, this.ratio);
    return F.resizedCrop(img, i, j, h, w, this.size, this.interpolation, this.antialias);
  }
  override call(...inputs: unknown[]): any {
    return v2Forward(inputs, {
      makeParams: (leaves) => v1.RandomResizedCrop.paramsForSize(...querySize(leaves), this.scale, this.ratio),
      transform: (x, _, [i, j, h, w]) => F.resizedCrop(x, i, j, h, w, this.size, this.interpolation, this.antialias),
    });
  }
}

const V2_ADJUSTMENTS = [F.adjustBrightness, F.adjustContrast, F.adjustSaturation, F.adjustHue] as const;

export class ColorJitter extends v2Of(v1.ColorJitter) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string {
    const range = (r: readonly number[] | null): unknown => (r === null ? null : float(tuple(r)));
    return v2Repr('ColorJitter', { brightness: range(this.brightness), contrast: range(this.contrast), saturation: range(this.saturation), hue: range(this.hue) });
  }
  override forward<T extends ImageLike>(img: T): T {
    const [order, ...factors] = v1.ColorJitter.getParams(this.brightness, this.contrast, this.saturation, this.hue);
    return order.reduce<ImageLike>((x, k) => (factors[k] == null ? x : V2_ADJUSTMENTS[k]!(x, factors[k]!)), img) as T;
  }
}

export class Grayscale extends v2Of(v1.Grayscale) {
  static override readonly sourceModule = import.meta.url;
  override forward<T extends ImageLike>(img: T): T { return F.rgbToGrayscale(img, this.numOutputChannels); }
}

export class RandomGrayscale extends v2Of(v1.RandomGrayscale, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override forward<T extends ImageLike>(img: T): T {
    if (rand1() >= Math.fround(this.p)) return img;
    return F.rgbToGrayscale(img, F.getDimensions(img)[0] === 3 ? 3 : 1);
  }
}

export class GaussianBlur extends v2Of(v1.GaussianBlur) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('GaussianBlur', { kernel_size: this.reprArgs.kernel_size, sigma: float(this.sigma) }); }
  override forward<T extends ImageLike>(img: T): T {
    const sigma = v1.GaussianBlur.getParams(this.sigma[0], this.sigma[1]);
    return F.gaussianBlur(img, this.kernelSize, [sigma, sigma]);
  }
}

export class RandomAdjustSharpness extends v2Of(v1.RandomAdjustSharpness, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('RandomAdjustSharpness', { p: this.p, sharpness_factor: this.sharpnessFactor }); }
  override forward<T extends ImageLike>(img: T): T { return rand1() >= Math.fround(this.p) ? img : F.adjustSharpness(img, this.sharpnessFactor); }
}

export class RandomAutocontrast extends v2Of(v1.RandomAutocontrast, { randomApply: true }) {
  static override readonly sourceModule = import.meta.url;
  override forward<T extends ImageLike>(img: T): T { return rand1() >= Math.fround(this.p) ? img : F.autocontrast(img); }
}

// ---- v2's own ---------------------------------------------------------------------------------------

const TO_DTYPE = signature('ToDtype', { dtype: REQUIRED, scale: false });
const CONVERT_IMAGE_DTYPE = signature('ConvertImageDtype', { dtype: torch.float32 });
const RANDOM_CHOICE = signature('RandomChoice', { transforms: REQUIRED, p: null });

/** The sample's image as a tensor: a vision.Image to uint8 (C, H, W); a tensor kept ((H, W) gains a channel). */
export class ToImage extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  constructor() { super(); checkNoArguments(new.target.name, arguments.length); this.workerArgs = []; }
  forward(img: ImageLike): Tensor { return F.toImage(img); }
  override call(...inputs: unknown[]): any { return onImage('ToImage', inputs, (img) => F.toImage(img)); }
  override toString(): string { return 'ToImage()'; }
}

/** The sample's tv_tensors (images, videos, masks, boxes) as plain tensors: their mark dropped (views of the same data). */
export class ToPureTensor extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  constructor() { super(); checkNoArguments(new.target.name, arguments.length); this.workerArgs = []; }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    const sample = sampleOf(inputs);
    return withLeaves(sample, treeLeaves(sample).map((leaf) => (isTensor(leaf) && kindOf(leaf) !== null ? leaf.viewAs(leaf) : leaf)));
  }
  override toString(): string { return 'ToPureTensor()'; }
}

/** Returns the sample as it is. */
export class Identity extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  constructor() { super(); checkNoArguments(new.target.name, arguments.length); this.workerArgs = []; }
  forward(x: unknown): unknown { return x; }
  override call(...inputs: unknown[]): any { return sampleOf(inputs); }
  override toString(): string { return 'Identity()'; }
}

/** The keys of ToDtype's per-type mapping: a tv_tensors class or its name, torch.Tensor ('Tensor': plain tensors), or 'others'. */
export type ToDtypeKey = TVTensorKind | 'Tensor' | 'others' | { readonly kind: TVTensorKind } | typeof torch.Tensor;
const TO_DTYPE_KEYS: readonly string[] = ['Image', 'Video', 'Mask', 'BoundingBoxes', 'KeyPoints', 'Tensor', 'others'];

function toDtypeKey(k: unknown): string {
  if (k === torch.Tensor) return 'Tensor';
  if (typeof k === 'function' && typeof (k as { kind?: unknown }).kind === 'string') return (k as unknown as { kind: string }).kind;
  if (typeof k === 'string' && TO_DTYPE_KEYS.includes(k)) return k;
  throw new TypeError(`ToDtype: the keys of a per-type dtype mapping are tv_tensors classes (Image, Video, Mask, BoundingBoxes, KeyPoints), torch.Tensor or 'others', got ${describe(k)}`);
}

/**
 * Converts the sample's image (and video) tensors to `dtype`, with `scale` mapping the value range too
 * (v2's to_dtype); or, with a Map from tv_tensors classes (torch.Tensor for plain tensors, 'others' for
 * the rest) to dtypes or null (or the Map's entries), each kind to its own dtype: `new Map([[tvTensors.Image, torch.float32],
 * [tvTensors.Mask, torch.int64], ['others', null]])` (Python's dict of types).
 */
export class ToDtype extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly dtype: torch.dtype | ReadonlyMap<string, torch.dtype | null>;
  readonly scale: boolean;
  constructor(...args: PyArgs<[dtype: DTypeLike | ReadonlyMap<ToDtypeKey, DTypeLike | null> | readonly (readonly [ToDtypeKey, DTypeLike | null])[], scale: boolean], { dtype?: DTypeLike | ReadonlyMap<ToDtypeKey, DTypeLike | null> | readonly (readonly [ToDtypeKey, DTypeLike | null])[]; scale?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    const [dtype, scale] = bind(TO_DTYPE, args) as [unknown, unknown];
    if (dtype instanceof Map || (Array.isArray(dtype) && dtype.every((e) => Array.isArray(e) && e.length === 2))) {  // a Map or its entries
      const entries = dtype instanceof Map ? [...dtype.entries()] : (dtype as [unknown, unknown][]);
      this.dtype = new Map(entries.map(([k, d]) => [toDtypeKey(k), d === null ? null : toDType(d as DTypeLike, 'ToDtype')]));
      this.workerArgs = [[...this.dtype.entries()].map(([k, d]) => [k, d === null ? null : d.name]), Boolean(scale)];
    } else {
      if (dtype !== null && typeof dtype === 'object' && !(dtype instanceof DType)) throw new TypeError(`ToDtype: dtype must be a torch dtype or a Map from tv_tensors classes to dtypes (Python's dict of types), got ${describe(dtype)}`);
      this.dtype = toDType(dtype as DTypeLike, 'ToDtype');
      this.workerArgs = [this.dtype.name, Boolean(scale)];
    }
    this.scale = Boolean(scale);
  }
  forward(img: Tensor): Tensor {
    if (img instanceof Image) return img;  // v2 passes PIL images through unchanged (neither a pure tensor nor an Image or Video)
    if (!(this.dtype instanceof DType)) return this.call(img);
    return F.toDtype(img, this.dtype, this.scale);
  }
  override call(...inputs: unknown[]): any {
    const map = this.dtype;
    if (map instanceof DType) {  // images, videos and the plain tensor taken as the image; masks, boxes and keypoints pass through
      return v2Forward(inputs, { transform: (x, kind) => (kind === 'Image' || kind === 'Video' ? this.forward(x) : x) });
    }
    return v2Forward(inputs, {
      accepts: isTensor,
      transform: (x: Tensor) => {
        const key = kindOf(x) ?? 'Tensor';
        const dtype = map.has(key) ? map.get(key)! : map.has('others') ? map.get('others')! : undefined;
        if (dtype === undefined) {
          throw new RangeError(`ToDtype: No dtype was specified for type ${key === 'Tensor' ? 'torch.Tensor' : `tv_tensors.${key}`}. If you only need to convert the dtype of images or videos, you can just pass e.g. dtype=torch.float32. If you're passing a Map as dtype, you can use 'others' as a catch-all key to pass-through the rest of the inputs.`);
        }
        return dtype === null ? x : F.toDtype(x, dtype, this.scale);
      },
    });
  }
  override toString(): string {
    return v2Repr('ToDtype', { scale: this.scale });  // v2's repr leaves the dtype (a torch.dtype or a dict) out
  }
}

/** v2's ConvertImageDtype: ToDtype(dtype, scale=True). */
export class ConvertImageDtype extends ToDtype {
  static override readonly sourceModule = import.meta.url;
  constructor(dtype?: DTypeLike | { dtype?: DTypeLike });
  constructor(...args: unknown[]) {
    const [dtype] = bind(CONVERT_IMAGE_DTYPE, args);
    super(dtype as DTypeLike, true);
    this.workerArgs = [(this.dtype as torch.dtype).name];
  }
  override toString(): string { return 'ConvertImageDtype()'; }  // v2's repr leaves dtypes out
}

/**
 * v2's Lambda(lambd, ...types): `lambd` applied to each leaf of the sample that is an instance of one
 * of `types` (every leaf by default; Number, String and Boolean match primitives), with v2's rule for
 * plain tensors (only the first, and none when the sample holds an image).
 */
export class Lambda extends V2BuiltIn {
  readonly lambd: (leaf: any) => unknown;
  readonly types: readonly Function[];
  constructor(lambd: ((leaf: any) => unknown) | { lambd: (leaf: any) => unknown; types?: readonly Function[] }, ...types: Function[]) {
    super();
    if (lambd !== null && typeof lambd === 'object') {  // Python's Lambda(lambd=f): the keyword form
      const { lambd: fn, types: kw, ...rest } = lambd as { lambd: (leaf: any) => unknown; types?: readonly Function[] };
      const unknown = Object.keys(rest);
      if (unknown.length > 0) throw new TypeError(`Lambda: unexpected option '${unknown[0]}'; expected { lambd, types }`);
      lambd = fn;
      types = [...(kw ?? []), ...types];
    }
    if (typeof lambd !== 'function') throw new TypeError(`Lambda: Argument lambd should be callable, got ${typeof lambd}`);
    if (!types.every((t) => typeof t === 'function')) throw new TypeError('Lambda: types must be classes (constructors)');
    this.lambd = lambd;
    this.types = types;
  }
  private matches(leaf: unknown): boolean {
    if (this.types.length === 0) return true;
    return this.types.some((t) => isInstance(leaf, t));
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    const sample = sampleOf(inputs);
    const leaves = treeLeaves(sample);
    const needs = needsTransformList(leaves, () => true);  // every leaf is offered (v2's object), plain tensors by v2's rule
    return withLeaves(sample, leaves.map((leaf, i) => (needs[i] && this.matches(leaf) ? this.lambd(leaf) : leaf)));
  }
  override toString(): string { return `Lambda(${this.lambd.name || '<lambda>'}, types=[${this.types.map((t) => t.name).join(', ')}])`; }
}

/** v2's containers refuse an empty list, as v1's did not. */
function checkNonEmpty(fn: string, transforms: readonly TransformLike[]): void {
  if (transforms.length === 0) throw new RangeError(`${fn}: Pass at least one transform`);
}

/** Runs `transforms` in order on the sample, as v2 containers do: several parts stay several parts. */
function runAll(transforms: readonly TransformLike[], inputs: unknown[], owner: string): unknown {
  let parts = inputs;
  let out: unknown = sampleOf(inputs);
  for (const t of transforms) {
    out = callTransform(t, parts, owner);
    if (inputs.length > 1 && !Array.isArray(out)) {
      throw new TypeError(`${owner}: a transform returned ${describe(out)} for a sample of ${inputs.length} parts (a v1 transform in a v2 pipeline takes the image alone)`);
    }
    parts = inputs.length > 1 ? [...(out as unknown[])] : [out];
  }
  return out;
}

/** Runs transforms one after another on the whole sample (v2's Compose). */
export class Compose extends v1.Compose {
  static override readonly sourceModule = import.meta.url;
  constructor(transforms: readonly TransformLike[] | { transforms: readonly TransformLike[] });
  constructor(...args: unknown[]) { super(...(args as [readonly TransformLike[]])); checkNonEmpty('Compose', this.transforms); }
  override forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any { return runAll(this.transforms, inputs, 'Compose'); }
  override toString(): string { return v2ContainerRepr('Compose', this.transforms); }
}

/** All the transforms with probability p: one `torch.rand(1) >= p` draw to skip them (v2's comparison). */
export class RandomApply extends v1.RandomApply {
  static override readonly sourceModule = import.meta.url;
  constructor(...args: PyArgs<[transforms: readonly TransformLike[], p: number], { transforms?: readonly TransformLike[]; p?: number }>);
  constructor(...args: unknown[]) { super(...(args as [readonly TransformLike[]])); checkNonEmpty('RandomApply', this.transforms); checkRandomApplyP(this.p); }
  override forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    if (rand1() >= Math.fround(this.p)) return sampleOf(inputs);
    return runAll(this.transforms, inputs, 'RandomApply');
  }
  override toString(): string { return v2ContainerRepr('RandomApply', this.transforms); }  // v2's repr leaves p out
}

/** One of the transforms, drawn with `torch.multinomial(torch.tensor(p), 1)` (v2's draw; p normalised). */
export class RandomChoice extends V2BuiltIn {
  static readonly sourceModule = import.meta.url;
  readonly transforms: TransformLike[];
  readonly p: number[];
  constructor(...args: PyArgs<[transforms: readonly TransformLike[], p: readonly number[] | null], { transforms?: readonly TransformLike[]; p?: readonly number[] | null }>);
  constructor(...args: unknown[]) {
    super();
    const [transforms, p] = bind(RANDOM_CHOICE, args);
    if (!Array.isArray(transforms)) throw new TypeError('RandomChoice: Argument transforms should be a sequence of callables');
    transforms.forEach((t, i) => checkTransform(t, 'RandomChoice', `transforms[${i}]`));
    this.transforms = [...transforms] as TransformLike[];
    checkNonEmpty('RandomChoice', this.transforms);
    const weights = p === null ? this.transforms.map(() => 1) : p;
    if (!Array.isArray(weights) || !weights.every((w) => typeof w === 'number' && w >= 0)) throw new TypeError(`RandomChoice: p must be a list of non-negative numbers or null, got ${describe(p)}`);
    if (weights.length !== this.transforms.length) throw new RangeError(`RandomChoice: Length of p doesn't match the number of transforms: ${weights.length} != ${this.transforms.length}`);
    const total = weights.reduce((a, b) => a + b, 0);
    this.p = weights.map((w) => w / total);
    this.workerArgs = [this.transforms, copied(p)];
  }
  forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    const idx = torch.tidy(() => torch.multinomial(torch.tensor(this.p, { dtype: torch.float32 }), 1).item());
    return callTransform(this.transforms[idx]!, inputs, 'RandomChoice');
  }
  override toString(): string { return v2Repr('RandomChoice', { transforms: this.transforms, p: float(this.p) }); }  // torchvision's p: prob / total, floats
}

/** The transforms in a `torch.randperm` order (v2's draw; v1 shuffles with Python's random). */
export class RandomOrder extends v1.RandomOrder {
  static override readonly sourceModule = import.meta.url;
  constructor(transforms: readonly TransformLike[] | { transforms: readonly TransformLike[] });
  constructor(...args: unknown[]) { super(...(args as [readonly TransformLike[]])); checkNonEmpty('RandomOrder', this.transforms); }
  override forward(x: unknown): unknown { return this.call(x); }
  override call(...inputs: unknown[]): any {
    return runAll(randperm(this.transforms.length).map((i) => this.transforms[i]!), inputs, 'RandomOrder');
  }
  override toString(): string { return v2Repr('RandomOrder', { transforms: this.transforms }); }
}

// v2's containers built on v1's (the rest build on V2BuiltIn or v2Of, branded there)
for (const cls of [Compose, RandomApply, RandomOrder]) markV2BuiltIn(cls);

