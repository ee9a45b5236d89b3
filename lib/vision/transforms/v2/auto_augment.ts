// transforms.v2's AutoAugment, RandAugment and TrivialAugmentWide: v1's policies and options, with
// v2's draws (a 0-dim randint for the operation, one torch.rand per step and per sign, the sign
// drawn only for operations with magnitudes), v2's magnitude tables (Solarize as a fraction of the
// dtype's range) and v2's kernels.
import * as torch from '../../../index.js';
import { enumMember, v2Repr } from '../_repr.js';
import { Image } from '../../image.js';
import * as v1 from '../auto_augment.js';
import { applyAugmentOp, AUGMIX_MAX_SEVERITY, channelFill, type AugmentOps } from '../auto_augment.js';
import { randint1, rand1 } from '../_random.js';
import { maxValue, type ImageLike } from '../functional.js';
import * as F from './functional.js';
import { firstKindAmong, imageLeafIndexes, sampleOf, v2Of, type V2Call } from './_transform.js';
import { treeLeaves } from '../../../pytree.js';
import type { PyArgs } from '../../../nn/functional/_signature.js';
import type { InterpolationArg } from '../functional.js';
import { fillFor, fillOf, withPerTypeFill, type FillArg, type OptionsWithFill, type PerTypeFill } from './_fill.js';

/**
 * v2's automatic augmentations refuse boxes, masks and keypoints (the first met in the sample, with
 * v2's message) and a sample without an image ("Found no image in the sample."); their fill may be
 * one per type of input (the constructor's argument at `fillIndex`, or the option `fill`).
 */
function augmentable<C extends abstract new (...args: any[]) => v1.Augmenter>(Base: C, fillIndex: number): (abstract new (...args: any[]) => V2Call & PerTypeFill) & C {
  // onImage's own refusal (v2Of's flag) is not asked for: this check, torchvision's, comes first and covers its kinds
  abstract class Augmentable extends v2Of(withPerTypeFill(Base, fillIndex, null)) {
    override call(...inputs: unknown[]): any {
      const leaves = treeLeaves(sampleOf(inputs));
      const unsupported = firstKindAmong(leaves, ['BoundingBoxes', 'Mask', 'KeyPoints']);
      if (unsupported) throw new TypeError(`Inputs of type ${unsupported} are not supported by ${this.constructor.name}()`);
      if (imageLeafIndexes(leaves).length === 0) throw new TypeError(`${this.constructor.name}: Found no image in the sample.`);
      return super.call(...inputs);
    }
  }
  return Augmentable;
}

const V2_OPS: AugmentOps = {
  affine: F.affine, rotate: F.rotate, adjustBrightness: F.adjustBrightness, adjustSaturation: F.adjustSaturation,
  adjustContrast: F.adjustContrast, adjustSharpness: F.adjustSharpness, posterize: F.posterize,
  // v2's threshold: the magnitude (a fraction) times the dtype's largest value (255 for an Image)
  solarize: ((img: ImageLike, fraction: number) => F.solarize(img, (img instanceof Image ? 255.0 : maxValue(img.dtype)) * fraction)) as typeof F.solarize,
  autocontrast: F.autocontrast, equalize: F.equalize, invert: F.invert,
};

/** A v2 augmentation space: name -> (magnitudes for (bins, height, width), or null; signed), in Python's dict order. */
type Space = readonly (readonly [name: string, magnitudes: (bins: number, height: number, width: number) => number[] | null, signed: boolean])[];

type Table = (bins: number, h: number, w: number) => number[];
/** A magnitude table kept for its last (bins, size): the same image size every call rebuilds none (as v1's SpaceMemo). */
function lastKept(table: Table): Table {
  let key = '';
  let kept: number[] = [];
  return (bins, h, w) => {
    const k = `${bins},${h},${w}`;
    if (k !== key) [kept, key] = [table(bins, h, w), k];
    return kept;
  };
}
const lin = (start: number, end: (h: number, w: number) => number): Table =>
  lastKept((bins, h, w) => torch.tidy(() => torch.linspace(start, end(h, w), bins).tolist() as number[]));
const constant = (v: number) => (): number => v;
// `(top - (torch.arange(bins) / ((bins - 1) / steps))).round().int()`: the posterize bits (top 8; AugMix's 4).
const posterizeBits = (steps: number, top = 8): Table =>
  lastKept((bins) => torch.tidy(() => torch.rsub(torch.arange(bins).div((bins - 1) / steps), top).round().to(torch.int32).tolist() as number[]));
const NONE = (): null => null;

function space(shear: number, translate: (h: number, w: number) => [number, number], rotateMax: number, colorMax: number, posterizeSteps: number, identity: boolean, invert: boolean): Space {
  return [
    ...(identity ? [['Identity', NONE, false] as const] : []),
    ['ShearX', lin(0.0, constant(shear)), true], ['ShearY', lin(0.0, constant(shear)), true],
    ['TranslateX', lin(0.0, (h, w) => translate(h, w)[0]), true], ['TranslateY', lin(0.0, (h, w) => translate(h, w)[1]), true],
    ['Rotate', lin(0.0, constant(rotateMax)), true],
    ['Brightness', lin(0.0, constant(colorMax)), true], ['Color', lin(0.0, constant(colorMax)), true],
    ['Contrast', lin(0.0, constant(colorMax)), true], ['Sharpness', lin(0.0, constant(colorMax)), true],
    ['Posterize', posterizeBits(posterizeSteps), false], ['Solarize', lin(1.0, constant(0.0)), false],
    ['AutoContrast', NONE, false], ['Equalize', NONE, false],
    ...(invert ? [['Invert', NONE, false] as const] : []),
  ];
}
const IMAGENET_TRANSLATE = (h: number, w: number): [number, number] => [150.0 / 331.0 * w, 150.0 / 331.0 * h];
const AUTO_AUGMENT_SPACE = space(0.3, IMAGENET_TRANSLATE, 30.0, 0.9, 4, false, true);
const RAND_AUGMENT_SPACE = space(0.3, IMAGENET_TRANSLATE, 30.0, 0.9, 4, true, false);
const TRIVIAL_AUGMENT_SPACE = space(0.99, () => [32.0, 32.0], 135.0, 0.99, 6, true, false);
// AugMix: the geometric and tone operations, then (allOps) the colour ones.
const AUGMIX_PARTIAL_SPACE: Space = [
  ['ShearX', lin(0.0, constant(0.3)), true], ['ShearY', lin(0.0, constant(0.3)), true],
  ['TranslateX', lin(0.0, (_h, w) => w / 3.0), true], ['TranslateY', lin(0.0, (h) => h / 3.0), true],
  ['Rotate', lin(0.0, constant(30.0)), true], ['Posterize', posterizeBits(4, 4), false], ['Solarize', lin(1.0, constant(0.0)), false],
  ['AutoContrast', NONE, false], ['Equalize', NONE, false],
];
const AUGMIX_SPACE: Space = [...AUGMIX_PARTIAL_SPACE,
  ['Brightness', lin(0.0, constant(0.9)), true], ['Color', lin(0.0, constant(0.9)), true],
  ['Contrast', lin(0.0, constant(0.9)), true], ['Sharpness', lin(0.0, constant(0.9)), true]];

/** The magnitude of `entry` at bin `bin(bins)` (drawn only where there are magnitudes), negated if signed and `torch.rand(()) <= 0.5`. */
function magnitudeOf([, magnitudes, signed]: Space[number], bins: number, h: number, w: number, bin: () => number): number {
  const table = magnitudes(bins, h, w);
  if (table === null) return 0.0;
  let magnitude = table[bin()]!;
  if (signed && rand1() <= 0.5) magnitude *= -1;
  return magnitude;
}

const sizeOf = (img: ImageLike): [number, number] => { const [, h, w] = F.getDimensions(img); return [h, w]; };
const drawEntry = (s: Space): Space[number] => s[randint1(0, s.length)]!;

export class AutoAugment extends augmentable(v1.AutoAugment, 2) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('AutoAugment', { interpolation: this.interpolation, fill: this.fillRepr, policy: enumMember('AutoAugmentPolicy', this.policy) }); }
  constructor(...args: PyArgs<[policy: v1.AutoAugmentPolicy, interpolation: InterpolationArg, fill: FillArg], OptionsWithFill<v1.AutoAugmentOptions>>);
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T {
    const fill = channelFill(img, fillFor(this.fillDict, img));
    const [h, w] = sizeOf(img);
    const policy = this.policies[randint1(0, this.policies.length)]!;
    return torch.tidy(() => {  // the steps' intermediates go at once
      let x: ImageLike = img;
      for (const [name, p, bin] of policy) {
        if (!(rand1() <= Math.fround(p))) continue;
        const magnitude = magnitudeOf(AUTO_AUGMENT_SPACE.find(([n]) => n === name)!, 10, h, w, () => bin!);
        x = applyAugmentOp(x, name, magnitude, this.interpolation, fill, V2_OPS);
      }
      return x;
    }) as T;
  }
}

export class RandAugment extends augmentable(v1.RandAugment, 4) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('RandAugment', { interpolation: this.interpolation, fill: this.fillRepr, num_ops: this.numOps, magnitude: this.magnitude, num_magnitude_bins: this.numMagnitudeBins }); }
  constructor(...args: PyArgs<[numOps: number, magnitude: number, numMagnitudeBins: number, interpolation: InterpolationArg, fill: FillArg], OptionsWithFill<v1.RandAugmentOptions>>);
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T {
    const fill = channelFill(img, fillFor(this.fillDict, img));
    const [h, w] = sizeOf(img);
    return torch.tidy(() => {  // the ops' intermediates go at once
      let x: ImageLike = img;
      for (let i = 0; i < this.numOps; i++) {
        const entry = drawEntry(RAND_AUGMENT_SPACE);
        x = applyAugmentOp(x, entry[0], magnitudeOf(entry, this.numMagnitudeBins, h, w, () => this.magnitude), this.interpolation, fill, V2_OPS);
      }
      return x;
    }) as T;
  }
}

export class TrivialAugmentWide extends augmentable(v1.TrivialAugmentWide, 2) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('TrivialAugmentWide', { interpolation: this.interpolation, fill: this.fillRepr, num_magnitude_bins: this.numMagnitudeBins }); }
  constructor(...args: PyArgs<[numMagnitudeBins: number, interpolation: InterpolationArg, fill: FillArg], OptionsWithFill<v1.TrivialAugmentWideOptions>>);
  constructor(...args: unknown[]) { super(...(args as [])); }
  override forward<T extends ImageLike>(img: T): T {
    const [h, w] = sizeOf(img);
    const entry = drawEntry(TRIVIAL_AUGMENT_SPACE);
    const magnitude = magnitudeOf(entry, this.numMagnitudeBins, h, w, () => randint1(0, this.numMagnitudeBins));
    return applyAugmentOp(img, entry[0], magnitude, this.interpolation, channelFill(img, fillFor(this.fillDict, img)), V2_OPS);
  }
}

export class AugMix extends augmentable(v1.AugMix, 6) {
  static override readonly sourceModule = import.meta.url;
  override toString(): string { return v2Repr('AugMix', { interpolation: this.interpolation, fill: this.fillRepr, severity: this.severity, mixture_width: this.mixtureWidth, chain_depth: this.chainDepth, alpha: this.alphaRepr, all_ops: this.allOps }); }
  constructor(...args: PyArgs<[severity: number, mixtureWidth: number, chainDepth: number, alpha: number, allOps: boolean, interpolation: InterpolationArg, fill: FillArg], OptionsWithFill<v1.AugMixOptions>>);
  constructor(...args: unknown[]) { super(...(args as [])); }
  protected override readonly augmentOps: AugmentOps = V2_OPS;
  /** The chains run on the image as a plain tensor (Python's reshape unwraps a tv_tensor): its type's fill is torch.Tensor's. */
  protected override chainFill(): number | number[] | null { return fillOf(this.fillDict, 'Tensor'); }
  protected override augmentStep(height: number, width: number): [name: string, magnitude: number] {
    const entry = drawEntry(this.allOps ? AUGMIX_SPACE : AUGMIX_PARTIAL_SPACE);
    return [entry[0], magnitudeOf(entry, AUGMIX_MAX_SEVERITY, height, width, () => randint1(0, this.severity))];
  }
}
