// transforms.RandomRotation.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { float, transformRepr } from './_repr.js';
import { checkInterpolation, getDimensions, rotate, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { uniform1 } from './_random.js';
import { checkFillOption, fillPerChannel } from './_checks.js';
import { Transform } from './transform.js';

export interface RandomRotationOptions { interpolation?: InterpolationArg; expand?: boolean; center?: readonly number[] | null; fill?: number | readonly number[] }
const RANDOM_ROTATION = signature('RandomRotation', { degrees: REQUIRED, interpolation: 'nearest', expand: false, center: null, fill: 0 });

/** Rotates by an angle drawn uniformly from `degrees` (one uniform_ draw, as torchvision). */
export class RandomRotation extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly degrees: [number, number];
  readonly interpolation: InterpolationMode;
  readonly expand: boolean;
  readonly center: number[] | null;
  readonly fill: number | number[];
  constructor(...args: PyArgs<[degrees: number | readonly number[], interpolation: InterpolationArg, expand: boolean, center: readonly number[] | null, fill: number | readonly number[]], RandomRotationOptions>);
  constructor(options: RandomRotationOptions & { degrees: number | readonly number[] });
  constructor(...args: unknown[]) {
    super();
    const fn = RANDOM_ROTATION.fn;
    const [degrees, interpolation, expand, center, fill] = bind(RANDOM_ROTATION, args);
    if (typeof degrees === 'number') {
      if (degrees < 0) throw new RangeError('RandomRotation: If degrees is a single number, it must be positive.');
      this.degrees = [0 - degrees, degrees];  // 0 - 0 is 0, not -0 (Python's -0 of an int)
    } else {
      if (!Array.isArray(degrees) || degrees.length !== 2) throw new RangeError('RandomRotation: degrees should be a sequence of length 2.');
      this.degrees = [degrees[0]!, degrees[1]!];
    }
    if (center !== null && (!Array.isArray(center) || center.length !== 2)) throw new RangeError('RandomRotation: center should be a sequence of length 2.');
    this.interpolation = checkInterpolation(interpolation, fn);
    this.expand = Boolean(expand);
    this.center = center === null ? null : [...(center as number[])];
    this.fill = checkFillOption(fn, fill);
    this.workerArgs = [this.degrees, this.interpolation, this.expand, this.center, this.fill];
  }

  /** torchvision's get_params: the angle in degrees. */
  static getParams(degrees: readonly [number, number]): number {
    return uniform1(degrees[0], degrees[1]);
  }

  forward<T extends ImageLike>(img: T): T {
    const [channels] = getDimensions(img);
    const fill = fillPerChannel(this.fill, channels);
    const angle = RandomRotation.getParams(this.degrees);
    return rotate(img, angle, this.interpolation, this.expand, this.center, fill);
  }
  override toString(): string {
    return transformRepr('RandomRotation', { degrees: float(this.degrees), interpolation: this.interpolation, expand: this.expand, center: this.center ?? undefined, fill: this.fill });
  }
}
