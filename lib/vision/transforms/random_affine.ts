// transforms.RandomAffine.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { float, transformRepr } from './_repr.js';
import { checkInterpolation, affine, getDimensions, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { uniform1 } from './_random.js';
import { checkFillOption, fillPerChannel } from './_checks.js';
import { Transform } from './transform.js';
import { pyRound } from '../../libm.js';

export interface RandomAffineOptions {
  translate?: readonly number[] | null; scale?: readonly number[] | null; shear?: number | readonly number[] | null;
  interpolation?: InterpolationArg; fill?: number | readonly number[]; center?: readonly number[] | null;
}

const RANDOM_AFFINE = signature('RandomAffine', { degrees: REQUIRED, translate: null, scale: null, shear: null, interpolation: 'nearest', fill: 0, center: null });
type Angle = number | readonly number[];

/** torchvision's _setup_angle: a number x is [-x, x]; a sequence must have one of the allowed lengths. */
function setupAngle(x: number | readonly number[], name: string, sizes: readonly number[]): number[] {
  if (typeof x === 'number') {
    if (x < 0) throw new RangeError(`RandomAffine: If ${name} is a single number, it must be positive.`);
    return [0 - x, x];  // 0 - 0 is 0, not -0 (Python's -0 of an int)
  }
  return checkSequence(x, name, sizes);
}
function checkSequence(x: unknown, name: string, sizes: readonly number[]): number[] {
  const msg = sizes.join(' or ');
  if (!Array.isArray(x)) throw new TypeError(`RandomAffine: ${name} should be a sequence of length ${msg}.`);
  if (!sizes.includes(x.length)) throw new RangeError(`RandomAffine: ${name} should be a sequence of length ${msg}.`);
  return [...(x as number[])];
}

/** A random affine transformation (rotation, translation, scale, shear), drawn as torchvision's RandomAffine draws it. */
export class RandomAffine extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly degrees: number[];
  readonly translate: number[] | null;
  readonly scale: number[] | null;
  readonly shear: number[] | null;
  readonly interpolation: InterpolationMode;
  readonly fill: number | number[];
  readonly center: number[] | null;
  constructor(...args: PyArgs<[degrees: Angle, translate: readonly number[] | null, scale: readonly number[] | null, shear: Angle | null,
    interpolation: InterpolationArg, fill: number | readonly number[], center: readonly number[] | null], RandomAffineOptions>);
  constructor(options: RandomAffineOptions & { degrees: Angle });
  constructor(...args: unknown[]) {
    super();
    const fn = RANDOM_AFFINE.fn;
    const [degrees, translate, scale, shear, interpolation, fill, center] = bind(RANDOM_AFFINE, args);
    this.degrees = setupAngle(degrees as Angle, 'degrees', [2]);
    this.translate = translate === null ? null : checkSequence(translate, 'translate', [2]);
    if (this.translate?.some((t) => !(t >= 0.0 && t <= 1.0))) throw new RangeError('RandomAffine: translation values should be between 0 and 1');
    this.scale = scale === null ? null : checkSequence(scale, 'scale', [2]);
    if (this.scale?.some((s) => !(s > 0))) throw new RangeError('RandomAffine: scale values should be positive');
    this.shear = shear === null ? null : setupAngle(shear as Angle, 'shear', [2, 4]);
    this.interpolation = checkInterpolation(interpolation, fn);
    this.fill = checkFillOption(fn, fill);
    this.center = center === null ? null : checkSequence(center, 'center', [2]);
    this.workerArgs = [this.degrees, this.translate, this.scale, this.shear, this.interpolation, this.fill, this.center];
  }

  /** torchvision's get_params: angle, (tx, ty) in pixels, scale, (shearX, shearY), each a float32 uniform_ draw. */
  static getParams(degrees: readonly number[], translate: readonly number[] | null, scaleRanges: readonly number[] | null,
    shears: readonly number[] | null, imgSize: readonly [number, number]): [number, [number, number], number, [number, number]] {
    const angle = uniform1(degrees[0]!, degrees[1]!);
    let translations: [number, number] = [0, 0];
    if (translate !== null) {
      const maxDx = translate[0]! * imgSize[0], maxDy = translate[1]! * imgSize[1];
      const tx = pyRound(uniform1(-maxDx, maxDx));
      const ty = pyRound(uniform1(-maxDy, maxDy));
      translations = [tx, ty];
    }
    const scale = scaleRanges !== null ? uniform1(scaleRanges[0]!, scaleRanges[1]!) : 1.0;
    let shearX = 0.0, shearY = 0.0;
    if (shears !== null) {
      shearX = uniform1(shears[0]!, shears[1]!);
      if (shears.length === 4) shearY = uniform1(shears[2]!, shears[3]!);
    }
    return [angle, translations, scale, [shearX, shearY]];
  }

  forward<T extends ImageLike>(img: T): T {
    const [channels, height, width] = getDimensions(img);
    const fill = fillPerChannel(this.fill, channels);
    const [angle, translations, scale, shear] = RandomAffine.getParams(this.degrees, this.translate, this.scale, this.shear, [width, height]);
    return affine(img, angle, translations, scale, shear, this.interpolation, fill, this.center);
  }
  override toString(): string {
    // torchvision prints the options that differ from their defaults
    const given = <V>(v: V | null): V | undefined => (v === null ? undefined : v);
    return transformRepr('RandomAffine', {
      degrees: float(this.degrees), translate: given(this.translate), scale: given(this.scale), shear: float(given(this.shear)),
      interpolation: this.interpolation !== 'nearest' ? this.interpolation : undefined, fill: this.fill !== 0 ? this.fill : undefined, center: given(this.center),
    });
  }
}
