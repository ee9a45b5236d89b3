// transforms.RandomRotation.
import { getDimensions, rotate, type ImageLike, type InterpolationMode } from './functional.js';
import { uniform1 } from './_random.js';
import { Transform } from './transform.js';

export interface RandomRotationOptions { interpolation?: InterpolationMode; expand?: boolean; center?: readonly number[] | null; fill?: number | readonly number[] }

/** Rotates by an angle drawn uniformly from `degrees` (one uniform_ draw, as torchvision). */
export class RandomRotation extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly degrees: [number, number];
  readonly interpolation: InterpolationMode;
  readonly expand: boolean;
  readonly center: number[] | null;
  readonly fill: number | number[];
  constructor(degrees: number | readonly number[], options: RandomRotationOptions = {}) {
    super();
    if (typeof degrees === 'number') {
      if (degrees < 0) throw new RangeError('RandomRotation: If degrees is a single number, it must be positive.');
      this.degrees = [-degrees, degrees];
    } else {
      if (!Array.isArray(degrees) || degrees.length !== 2) throw new RangeError('RandomRotation: degrees should be a sequence of length 2.');
      this.degrees = [degrees[0]!, degrees[1]!];
    }
    if (options.center != null && (!Array.isArray(options.center) || options.center.length !== 2)) throw new RangeError('RandomRotation: center should be a sequence of length 2.');
    this.interpolation = options.interpolation ?? 'nearest';
    if (this.interpolation !== 'nearest' && this.interpolation !== 'bilinear') throw new RangeError(`RandomRotation: Interpolation mode '${this.interpolation}' is unsupported (use 'nearest' or 'bilinear')`);
    this.expand = options.expand ?? false;
    this.center = options.center == null ? null : [...options.center];
    this.fill = options.fill === undefined ? 0 : typeof options.fill === 'number' ? options.fill : [...options.fill];
    this.workerArgs = [this.degrees, { interpolation: this.interpolation, expand: this.expand, center: this.center, fill: this.fill }];
  }

  /** torchvision's get_params: the angle in degrees. */
  static getParams(degrees: readonly [number, number]): number {
    return uniform1(degrees[0], degrees[1]);
  }

  forward<T extends ImageLike>(img: T): T {
    const [channels] = getDimensions(img);
    const fill = typeof this.fill === 'number' ? new Array<number>(channels).fill(this.fill) : this.fill;
    const angle = RandomRotation.getParams(this.degrees);
    return rotate(img, angle, this.interpolation, this.expand, this.center, fill);
  }
  override toString(): string { return `RandomRotation(degrees=[${this.degrees.join(', ')}], interpolation=${this.interpolation}, expand=${this.expand}, fill=${JSON.stringify(this.fill)})`; }
}
