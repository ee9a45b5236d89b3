// transforms.AutoAugment, RandAugment, TrivialAugmentWide and AugMix: random operations from an augmentation
// space (each with its magnitudes in bins), applied as torchvision's _apply_op applies it, drawn as it draws.
import * as torch from '../../index.js';
import { enumMember, floatIfDefault, transformRepr } from './_repr.js';
import { bind, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { numberArg } from '../../options.js';
import { Image } from '../image.js';
import { atan } from '../_crmath.js';  // math.atan: glibc's, which a correctly rounded atan matches nearly always
import {
  adjustBrightness, adjustContrast, adjustSaturation, adjustSharpness, affine, autocontrast, checkInterpolation, equalize, getDimensions, invert,
  pilToTensor, posterize, rotate, solarize, toPILImage, type ImageLike, type InterpolationArg, type InterpolationMode,
} from './functional.js';
import { randint1 } from './_random.js';
import { checkFillOption, fillPerChannel } from './_checks.js';
import { Transform } from './transform.js';

/** One operation of a space: its magnitudes by bin (null: it takes none) and whether a random sign applies. */
interface SpaceEntry { magnitudes: number[] | null; signed: boolean }
type Space = [name: string, entry: SpaceEntry][];

const linspace = (start: number, end: number, bins: number): number[] => torch.tidy(() => torch.linspace(start, end, bins).tolist() as number[]);
// `top - (arange(bins) / ((bins - 1) / steps)).round().int()`: the posterize bits, float32 division as in torchvision.
const posterizeBits = (top: number, steps: number, bins: number): number[] =>
  torch.tidy(() => torch.rsub(torch.arange(bins).div((bins - 1) / steps).round().to(torch.int32), top).tolist() as number[]);

/** The image operations an augmentation step calls: v1's functional, or transforms.v2's kernels. */
export interface AugmentOps {
  affine: typeof affine; rotate: typeof rotate; adjustBrightness: typeof adjustBrightness; adjustSaturation: typeof adjustSaturation;
  adjustContrast: typeof adjustContrast; adjustSharpness: typeof adjustSharpness; posterize: typeof posterize; solarize: typeof solarize;
  autocontrast: typeof autocontrast; equalize: typeof equalize; invert: typeof invert;
}
const V1_OPS: AugmentOps = { affine, rotate, adjustBrightness, adjustSaturation, adjustContrast, adjustSharpness, posterize, solarize, autocontrast, equalize, invert };

/** torchvision's _apply_op: the operation by name with its (signed) magnitude, through `ops` (v1's functional by default). */
export function applyAugmentOp<T extends ImageLike>(img: T, name: string, magnitude: number, interpolation: InterpolationArg, fill: number[] | null, ops: AugmentOps = V1_OPS): T {
  const degrees = (radians: number): number => radians * (180.0 / Math.PI); // Python's math.degrees
  switch (name) {
    case 'ShearX': return ops.affine(img, 0.0, [0, 0], 1.0, [degrees(atan(magnitude)), 0.0], interpolation, fill, [0, 0]);
    case 'ShearY': return ops.affine(img, 0.0, [0, 0], 1.0, [0.0, degrees(atan(magnitude))], interpolation, fill, [0, 0]);
    case 'TranslateX': return ops.affine(img, 0.0, [Math.trunc(magnitude), 0], 1.0, [0.0, 0.0], interpolation, fill);
    case 'TranslateY': return ops.affine(img, 0.0, [0, Math.trunc(magnitude)], 1.0, [0.0, 0.0], interpolation, fill);
    case 'Rotate': return ops.rotate(img, magnitude, interpolation, false, null, fill);
    case 'Brightness': return ops.adjustBrightness(img, 1.0 + magnitude);
    case 'Color': return ops.adjustSaturation(img, 1.0 + magnitude);
    case 'Contrast': return ops.adjustContrast(img, 1.0 + magnitude);
    case 'Sharpness': return ops.adjustSharpness(img, 1.0 + magnitude);
    case 'Posterize': return ops.posterize(img, Math.trunc(magnitude));
    case 'Solarize': return ops.solarize(img, magnitude);
    case 'AutoContrast': return ops.autocontrast(img);
    case 'Equalize': return ops.equalize(img);
    case 'Invert': return ops.invert(img);
    case 'Identity': return img;
    default: throw new RangeError(`The provided operator ${name} is not recognized.`);
  }
}

/** The fill per channel for tensors (a number repeats), as the transforms' forward prepares it. */
export function channelFill(img: ImageLike, fill: number | number[] | null): number[] | null {
  return fill === null ? null : fillPerChannel(fill, getDimensions(img)[0]);
}

type Fill = number | readonly number[] | null;
/** The options every augmenter checks alike: an integer number of bins, a warp interpolation (bicubic and nearest-exact for vision.Images: PIL), an optional fill. */
export function checkBins(fn: string, bins: unknown): number {
  if (!Number.isInteger(bins) || (bins as number) < 2) throw new RangeError(`${fn}: num_magnitude_bins must be an integer of at least 2, got ${String(bins)}`);
  return bins as number;
}

/** What the augmenters share: the operations' interpolation and fill, and the space kept per image size. */
export abstract class Augmenter extends Transform<ImageLike, ImageLike> {
  protected readonly spaces = new SpaceMemo();
  readonly interpolation: InterpolationMode;
  readonly fill: number | number[] | null;
  constructor(fn: string, interpolation: unknown, fill: unknown) {
    super();
    this.interpolation = checkInterpolation(interpolation, fn);
    this.fill = fill === null ? null : checkFillOption(fn, fill);
  }
}

/** The space shared by RandAugment and TrivialAugmentWide: the same 14 operations in torchvision's order. */
function augmentationSpace(bins: number, shear: number, translate: [number, number], rotateMax: number, colorMax: number, posterizeSteps: number): Space {
  const signed = (magnitudes: number[]): SpaceEntry => ({ magnitudes, signed: true });
  const none: SpaceEntry = { magnitudes: null, signed: false };
  return [
    ['Identity', none],
    ['ShearX', signed(linspace(0.0, shear, bins))],
    ['ShearY', signed(linspace(0.0, shear, bins))],
    ['TranslateX', signed(linspace(0.0, translate[0], bins))],
    ['TranslateY', signed(linspace(0.0, translate[1], bins))],
    ['Rotate', signed(linspace(0.0, rotateMax, bins))],
    ['Brightness', signed(linspace(0.0, colorMax, bins))],
    ['Color', signed(linspace(0.0, colorMax, bins))],
    ['Contrast', signed(linspace(0.0, colorMax, bins))],
    ['Sharpness', signed(linspace(0.0, colorMax, bins))],
    ['Posterize', { magnitudes: posterizeBits(8, posterizeSteps, bins), signed: false }],
    ['Solarize', { magnitudes: linspace(255.0, 0.0, bins), signed: false }],
    ['AutoContrast', none],
    ['Equalize', none],
  ];
}

/** The last space built, reused while its key (the image size) stays the same: each takes a dozen linspace calls. */
class SpaceMemo {
  #key: string | null = null;
  #space: Space = [];
  get(key: string, build: () => Space): Space {
    if (key !== this.#key) {
      this.#space = build();
      this.#key = key;
    }
    return this.#space;
  }
}

/** One operation drawn as torchvision draws it: its index, then its bin (`bin`, for operations with magnitudes), then a sign where signed. */
function drawOp(space: Space, bin: (bins: number) => number): [name: string, magnitude: number] {
  const [name, { magnitudes, signed }] = space[randint1(0, space.length)]!;
  let magnitude = magnitudes === null ? 0.0 : magnitudes[bin(magnitudes.length)]!;
  if (signed && randint1(0, 2)) magnitude *= -1.0;
  return [name, magnitude];
}

export interface RandAugmentOptions { numOps?: number; magnitude?: number; numMagnitudeBins?: number; interpolation?: InterpolationArg; fill?: Fill }
const RAND_AUGMENT = signature('RandAugment', { numOps: 2, magnitude: 9, numMagnitudeBins: 31, interpolation: 'nearest', fill: null });

/** RandAugment (Cubuk et al., 2019): numOps random operations at one fixed magnitude bin, as torchvision's RandAugment. */
export class RandAugment extends Augmenter {
  static readonly sourceModule = import.meta.url;
  readonly numOps: number;
  readonly magnitude: number;
  readonly numMagnitudeBins: number;
  constructor(...args: PyArgs<[numOps: number, magnitude: number, numMagnitudeBins: number, interpolation: InterpolationArg, fill: Fill], RandAugmentOptions>);
  constructor(...args: unknown[]) {
    const [numOps, magnitude, bins, interpolation, fill] = bind(RAND_AUGMENT, args) as [number, number, unknown, unknown, unknown];
    super(RAND_AUGMENT.fn, interpolation, fill);
    this.numMagnitudeBins = checkBins(RAND_AUGMENT.fn, bins);
    if (!Number.isInteger(numOps) || numOps < 0) throw new RangeError(`RandAugment: num_ops must be a non-negative integer, got ${numOps}`);
    if (!Number.isInteger(magnitude) || magnitude < 0 || magnitude >= this.numMagnitudeBins)
      throw new RangeError(`RandAugment: magnitude must be an integer bin in [0, ${this.numMagnitudeBins - 1}], got ${magnitude}`);
    this.numOps = numOps; this.magnitude = magnitude;
    this.workerArgs = [numOps, magnitude, this.numMagnitudeBins, this.interpolation, this.fill];
  }
  forward<T extends ImageLike>(img: T): T {
    const fill = channelFill(img, this.fill);
    const [, height, width] = getDimensions(img);
    const space = this.spaces.get(`${height}x${width}`, () => augmentationSpace(this.numMagnitudeBins, 0.3, [150.0 / 331.0 * width, 150.0 / 331.0 * height], 30.0, 0.9, 4));
    let x = img;
    for (let i = 0; i < this.numOps; i++) {
      const [name, magnitude] = drawOp(space, () => this.magnitude);
      x = applyAugmentOp(x, name, magnitude, this.interpolation, fill);
    }
    return x;
  }
  override toString(): string {
    return transformRepr('RandAugment', { num_ops: this.numOps, magnitude: this.magnitude, num_magnitude_bins: this.numMagnitudeBins, interpolation: enumMember('InterpolationMode', this.interpolation), fill: this.fill });
  }
}

/** The datasets AutoAugment's policies were learned on (torchvision's AutoAugmentPolicy). */
export type AutoAugmentPolicy = 'imagenet' | 'cifar10' | 'svhn';
export const AutoAugmentPolicy = { IMAGENET: 'imagenet', CIFAR10: 'cifar10', SVHN: 'svhn' } as const;

/** One step of a sub-policy: the operation, its probability, its magnitude bin (null: it takes none). */
export type PolicyStep = readonly [name: string, p: number, bin: number | null];
export type SubPolicy = readonly [PolicyStep, PolicyStep];

/** The 25 sub-policies per dataset from Cubuk et al. (2019), in torchvision's order. */
export const POLICIES: Record<AutoAugmentPolicy, readonly SubPolicy[]> = {
  imagenet: [
    [['Posterize', 0.4, 8], ['Rotate', 0.6, 9]], [['Solarize', 0.6, 5], ['AutoContrast', 0.6, null]],
    [['Equalize', 0.8, null], ['Equalize', 0.6, null]], [['Posterize', 0.6, 7], ['Posterize', 0.6, 6]],
    [['Equalize', 0.4, null], ['Solarize', 0.2, 4]], [['Equalize', 0.4, null], ['Rotate', 0.8, 8]],
    [['Solarize', 0.6, 3], ['Equalize', 0.6, null]], [['Posterize', 0.8, 5], ['Equalize', 1.0, null]],
    [['Rotate', 0.2, 3], ['Solarize', 0.6, 8]], [['Equalize', 0.6, null], ['Posterize', 0.4, 6]],
    [['Rotate', 0.8, 8], ['Color', 0.4, 0]], [['Rotate', 0.4, 9], ['Equalize', 0.6, null]],
    [['Equalize', 0.0, null], ['Equalize', 0.8, null]], [['Invert', 0.6, null], ['Equalize', 1.0, null]],
    [['Color', 0.6, 4], ['Contrast', 1.0, 8]], [['Rotate', 0.8, 8], ['Color', 1.0, 2]],
    [['Color', 0.8, 8], ['Solarize', 0.8, 7]], [['Sharpness', 0.4, 7], ['Invert', 0.6, null]],
    [['ShearX', 0.6, 5], ['Equalize', 1.0, null]], [['Color', 0.4, 0], ['Equalize', 0.6, null]],
    [['Equalize', 0.4, null], ['Solarize', 0.2, 4]], [['Solarize', 0.6, 5], ['AutoContrast', 0.6, null]],
    [['Invert', 0.6, null], ['Equalize', 1.0, null]], [['Color', 0.6, 4], ['Contrast', 1.0, 8]],
    [['Equalize', 0.8, null], ['Equalize', 0.6, null]],
  ],
  cifar10: [
    [['Invert', 0.1, null], ['Contrast', 0.2, 6]], [['Rotate', 0.7, 2], ['TranslateX', 0.3, 9]],
    [['Sharpness', 0.8, 1], ['Sharpness', 0.9, 3]], [['ShearY', 0.5, 8], ['TranslateY', 0.7, 9]],
    [['AutoContrast', 0.5, null], ['Equalize', 0.9, null]], [['ShearY', 0.2, 7], ['Posterize', 0.3, 7]],
    [['Color', 0.4, 3], ['Brightness', 0.6, 7]], [['Sharpness', 0.3, 9], ['Brightness', 0.7, 9]],
    [['Equalize', 0.6, null], ['Equalize', 0.5, null]], [['Contrast', 0.6, 7], ['Sharpness', 0.6, 5]],
    [['Color', 0.7, 7], ['TranslateX', 0.5, 8]], [['Equalize', 0.3, null], ['AutoContrast', 0.4, null]],
    [['TranslateY', 0.4, 3], ['Sharpness', 0.2, 6]], [['Brightness', 0.9, 6], ['Color', 0.2, 8]],
    [['Solarize', 0.5, 2], ['Invert', 0.0, null]], [['Equalize', 0.2, null], ['AutoContrast', 0.6, null]],
    [['Equalize', 0.2, null], ['Equalize', 0.6, null]], [['Color', 0.9, 9], ['Equalize', 0.6, null]],
    [['AutoContrast', 0.8, null], ['Solarize', 0.2, 8]], [['Brightness', 0.1, 3], ['Color', 0.7, 0]],
    [['Solarize', 0.4, 5], ['AutoContrast', 0.9, null]], [['TranslateY', 0.9, 9], ['TranslateY', 0.7, 9]],
    [['AutoContrast', 0.9, null], ['Solarize', 0.8, 3]], [['Equalize', 0.8, null], ['Invert', 0.1, null]],
    [['TranslateY', 0.7, 9], ['AutoContrast', 0.9, null]],
  ],
  svhn: [
    [['ShearX', 0.9, 4], ['Invert', 0.2, null]], [['ShearY', 0.9, 8], ['Invert', 0.7, null]],
    [['Equalize', 0.6, null], ['Solarize', 0.6, 6]], [['Invert', 0.9, null], ['Equalize', 0.6, null]],
    [['Equalize', 0.6, null], ['Rotate', 0.9, 3]], [['ShearX', 0.9, 4], ['AutoContrast', 0.8, null]],
    [['ShearY', 0.9, 8], ['Invert', 0.4, null]], [['ShearY', 0.9, 5], ['Solarize', 0.2, 6]],
    [['Invert', 0.9, null], ['AutoContrast', 0.8, null]], [['Equalize', 0.6, null], ['Rotate', 0.9, 3]],
    [['ShearX', 0.9, 4], ['Solarize', 0.3, 3]], [['ShearY', 0.8, 8], ['Invert', 0.7, null]],
    [['Equalize', 0.9, null], ['TranslateY', 0.6, 6]], [['Invert', 0.9, null], ['Equalize', 0.6, null]],
    [['Contrast', 0.3, 3], ['Rotate', 0.8, 4]], [['Invert', 0.8, null], ['TranslateY', 0.0, 2]],
    [['ShearY', 0.7, 6], ['Solarize', 0.4, 8]], [['Invert', 0.6, null], ['Rotate', 0.8, 4]],
    [['ShearY', 0.3, 7], ['TranslateX', 0.9, 3]], [['ShearX', 0.1, 6], ['Invert', 0.6, null]],
    [['Solarize', 0.7, 2], ['TranslateY', 0.6, 7]], [['ShearY', 0.8, 4], ['Invert', 0.8, null]],
    [['ShearX', 0.7, 9], ['TranslateY', 0.8, 3]], [['ShearY', 0.8, 5], ['AutoContrast', 0.7, null]],
    [['ShearX', 0.7, 2], ['Invert', 0.1, null]],
  ],
};

export interface AutoAugmentOptions { policy?: AutoAugmentPolicy; interpolation?: InterpolationArg; fill?: Fill }
const AUTO_AUGMENT = signature('AutoAugment', { policy: 'imagenet', interpolation: 'nearest', fill: null });

/**
 * AutoAugment (Cubuk et al., 2019): one of the policy's 25 sub-policies at random, each of its two
 * steps applied with its probability, drawn as torchvision draws them (randint, rand(2), randint(2, (2,))).
 */
export class AutoAugment extends Augmenter {
  static readonly sourceModule = import.meta.url;
  readonly policy: AutoAugmentPolicy;
  readonly policies: readonly SubPolicy[];
  constructor(...args: PyArgs<[policy: AutoAugmentPolicy, interpolation: InterpolationArg, fill: Fill], AutoAugmentOptions>);
  constructor(...args: unknown[]) {
    const [policy, interpolation, fill] = bind(AUTO_AUGMENT, args);
    super(AUTO_AUGMENT.fn, interpolation, fill);
    if (typeof policy !== 'string' || !Object.hasOwn(POLICIES, policy)) throw new RangeError(`AutoAugment: The provided policy ${String(policy)} is not recognized (use 'imagenet', 'cifar10' or 'svhn').`);
    this.policy = policy as AutoAugmentPolicy;
    this.policies = POLICIES[this.policy];
    this.workerArgs = [this.policy, this.interpolation, this.fill];
  }

  /** torchvision's get_params: the sub-policy, a probability per step (float32) and a sign per step. */
  static getParams(transformNum: number): [policyId: number, probs: number[], signs: number[]] {
    const policyId = randint1(0, transformNum);
    return torch.tidy(() => [policyId, torch.rand([2]).tolist() as number[], torch.randint(0, 2, [2]).tolist() as number[]]);
  }

  forward<T extends ImageLike>(img: T): T {
    const fill = channelFill(img, this.fill);
    const [, height, width] = getDimensions(img);
    const [policyId, probs, signs] = AutoAugment.getParams(this.policies.length);
    const space = this.spaces.get(`${height}x${width}`, () => autoAugmentSpace(height, width));
    let x = img;
    this.policies[policyId]!.forEach(([name, p, bin], i) => {
      if (!(probs[i]! <= Math.fround(p))) return; // `probs[i] <= p` compares in float32
      const { magnitudes, signed } = space.find(([n]) => n === name)![1];
      let magnitude = bin === null || magnitudes === null ? 0.0 : magnitudes[bin]!;
      if (signed && signs[i] === 0) magnitude *= -1.0;
      x = applyAugmentOp(x, name, magnitude, this.interpolation, fill);
    });
    return x;
  }
  override toString(): string { return transformRepr('AutoAugment', { policy: enumMember('AutoAugmentPolicy', this.policy), fill: this.fill }); }
}

/** AutoAugment's space: RandAugment's at 10 bins, with Invert. */
function autoAugmentSpace(height: number, width: number): Space {
  return [...augmentationSpace(10, 0.3, [150.0 / 331.0 * width, 150.0 / 331.0 * height], 30.0, 0.9, 4), ['Invert', { magnitudes: null, signed: false }]];
}

export interface TrivialAugmentWideOptions { numMagnitudeBins?: number; interpolation?: InterpolationArg; fill?: Fill }
const TRIVIAL_AUGMENT_WIDE = signature('TrivialAugmentWide', { numMagnitudeBins: 31, interpolation: 'nearest', fill: null });

/** TrivialAugment Wide (Müller and Hutter, 2021): one random operation at a random magnitude bin, as torchvision's TrivialAugmentWide. */
export class TrivialAugmentWide extends Augmenter {
  static readonly sourceModule = import.meta.url;
  readonly numMagnitudeBins: number;
  constructor(...args: PyArgs<[numMagnitudeBins: number, interpolation: InterpolationArg, fill: Fill], TrivialAugmentWideOptions>);
  constructor(...args: unknown[]) {
    const [bins, interpolation, fill] = bind(TRIVIAL_AUGMENT_WIDE, args);
    super(TRIVIAL_AUGMENT_WIDE.fn, interpolation, fill);
    this.numMagnitudeBins = checkBins(TRIVIAL_AUGMENT_WIDE.fn, bins);
    this.workerArgs = [this.numMagnitudeBins, this.interpolation, this.fill];
  }
  forward<T extends ImageLike>(img: T): T {
    const fill = channelFill(img, this.fill);
    const space = this.spaces.get('', () => augmentationSpace(this.numMagnitudeBins, 0.99, [32.0, 32.0], 135.0, 0.99, 6));
    const [name, magnitude] = drawOp(space, (bins) => randint1(0, bins));
    return applyAugmentOp(img, name, magnitude, this.interpolation, fill);
  }
  override toString(): string {
    return transformRepr('TrivialAugmentWide', { num_magnitude_bins: this.numMagnitudeBins, interpolation: enumMember('InterpolationMode', this.interpolation), fill: this.fill });
  }
}

/** AugMix's space: no Identity; the colour operations only with allOps. */
function augMixSpace(bins: number, height: number, width: number, allOps: boolean): Space {
  const signed = (magnitudes: number[]): SpaceEntry => ({ magnitudes, signed: true });
  const none: SpaceEntry = { magnitudes: null, signed: false };
  const space: Space = [
    ['ShearX', signed(linspace(0.0, 0.3, bins))],
    ['ShearY', signed(linspace(0.0, 0.3, bins))],
    ['TranslateX', signed(linspace(0.0, width / 3.0, bins))],
    ['TranslateY', signed(linspace(0.0, height / 3.0, bins))],
    ['Rotate', signed(linspace(0.0, 30.0, bins))],
    ['Posterize', { magnitudes: posterizeBits(4, 4, bins), signed: false }],
    ['Solarize', { magnitudes: linspace(255.0, 0.0, bins), signed: false }],
    ['AutoContrast', none],
    ['Equalize', none],
  ];
  if (allOps) for (const name of ['Brightness', 'Color', 'Contrast', 'Sharpness']) space.push([name, signed(linspace(0.0, 0.9, bins))]);
  return space;
}

export interface AugMixOptions {
  severity?: number; mixtureWidth?: number; chainDepth?: number; alpha?: number; allOps?: boolean;
  interpolation?: InterpolationArg; fill?: Fill;
}
const AUG_MIX = signature('AugMix', { severity: 3, mixtureWidth: 3, chainDepth: -1, alpha: 1.0, allOps: true, interpolation: 'bilinear', fill: null });

export const AUGMIX_MAX_SEVERITY = 10;

/**
 * AugMix (Hendrycks et al., 2020): mixtureWidth chains of 1-3 (or chainDepth) random operations,
 * mixed with Dirichlet weights and blended with the image by a Beta(alpha, alpha) weight, drawn as
 * torchvision's AugMix draws them (torch._sample_dirichlet, then the chains' randint draws).
 */
export class AugMix extends Augmenter {
  static readonly sourceModule = import.meta.url;
  readonly severity: number;
  readonly mixtureWidth: number;
  readonly chainDepth: number;
  readonly alpha: number;
  readonly allOps: boolean;
  readonly #alphaRepr: unknown;
  constructor(...args: PyArgs<[severity: number, mixtureWidth: number, chainDepth: number, alpha: number, allOps: boolean, interpolation: InterpolationArg, fill: Fill], AugMixOptions>);
  constructor(...args: unknown[]) {
    const [severity, mixtureWidth, chainDepth, alphaArg, allOps, interpolation, fill] = bind(AUG_MIX, args) as [number, number, number, unknown, boolean, unknown, unknown];
    super(AUG_MIX.fn, interpolation, fill);
    const alpha = numberArg(AUG_MIX.fn, 'alpha', alphaArg, 1.0);
    if (!(severity >= 1 && severity <= AUGMIX_MAX_SEVERITY) || !Number.isInteger(severity))
      throw new RangeError(`AugMix: The severity must be between [1, ${AUGMIX_MAX_SEVERITY}]. Got ${severity} instead.`);
    if (!Number.isInteger(mixtureWidth) || mixtureWidth < 1) throw new RangeError(`AugMix: mixture_width must be a positive integer, got ${mixtureWidth}`);
    if (!Number.isInteger(chainDepth)) throw new RangeError(`AugMix: chain_depth must be an integer (non-positive: 1 to 3 at random), got ${chainDepth}`);
    if (!(alpha > 0)) throw new RangeError(`AugMix: alpha must be positive, got ${alpha}`);
    this.severity = severity; this.mixtureWidth = mixtureWidth; this.chainDepth = chainDepth; this.alpha = alpha; this.allOps = Boolean(allOps);
    this.#alphaRepr = floatIfDefault(AUG_MIX, 'alpha', alphaArg, alpha);  // torchvision keeps alpha as given, its default 1.0
    this.workerArgs = [severity, mixtureWidth, chainDepth, alpha, this.allOps, this.interpolation, this.fill];
  }

  /** @internal alpha as the repr shows it: a float where left at its default. */
  get alphaRepr(): unknown { return this.#alphaRepr; }

  /** The fill of the chains' operations (transforms.v2's AugMix: its per-type fill's for plain tensors, which the chains run on). */
  protected chainFill(): number | number[] | null { return this.fill; }

  /** The kernels the chains' operations run (transforms.v2's AugMix passes v2's). */
  protected readonly augmentOps: AugmentOps = V1_OPS;

  /** One operation of a chain: drawn from the space (randint), its severity bin (randint), its sign (randint). */
  protected augmentStep(height: number, width: number): [name: string, magnitude: number] {
    const space = this.spaces.get(`${height}x${width}`, () => augMixSpace(AUGMIX_MAX_SEVERITY, height, width, this.allOps));
    return drawOp(space, () => randint1(0, this.severity));
  }

  forward<T extends ImageLike>(origImg: T): T {
    const [, height, width] = getDimensions(origImg);
    // An Image's fill is used as given (Python skips the per-channel list for PIL images); one number broadcasts.
    const given = this.chainFill();
    const fill = origImg instanceof Image ? (typeof given === 'number' ? [given] : given) : channelFill(origImg, given);
    return torch.tidy(() => {
      const img = origImg instanceof Image ? pilToTensor(origImg) : (origImg as torch.Tensor);
      const origDims = img.shape;
      const batch = img.view(...new Array<number>(Math.max(4 - img.dim(), 0)).fill(1), ...origDims);
      const n = batch.size(0);
      const batchDims = [n, ...new Array<number>(batch.dim() - 1).fill(1)];
      const dirichlet = (k: number): torch.Tensor =>
        torch.ops.aten._sample_dirichlet(torch.tensor(new Array<number>(k).fill(this.alpha), { dtype: torch.getDefaultDtype(), device: batch.device }).expand(n, -1)) as torch.Tensor;
      const m = dirichlet(2);
      const combinedWeights = dirichlet(this.mixtureWidth).mul(m.index(':', 1).view(n, -1));
      const mix = m.index(':', 0).view(...batchDims).mul(batch);
      for (let i = 0; i < this.mixtureWidth; i++) {
        let aug = batch;
        const depth = this.chainDepth > 0 ? this.chainDepth : randint1(1, 4);
        for (let d = 0; d < depth; d++) {
          const [name, magnitude] = this.augmentStep(height, width);
          aug = applyAugmentOp(aug, name, magnitude, this.interpolation, fill, this.augmentOps);
        }
        mix.add_(combinedWeights.index(':', i).view(...batchDims).mul(aug));
      }
      const out = mix.view(...origDims).to(img.dtype);
      return (origImg instanceof Image ? toPILImage(out) : out) as T;
    }) as T;
  }
  override toString(): string {
    return transformRepr('AugMix', {
      severity: this.severity, mixture_width: this.mixtureWidth, chain_depth: this.chainDepth, alpha: this.alphaRepr, all_ops: this.allOps,
      interpolation: enumMember('InterpolationMode', this.interpolation), fill: this.fill,
    });
  }
}
