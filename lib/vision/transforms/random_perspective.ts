// transforms.RandomPerspective.
import { getDimensions, perspective, type ImageLike, type InterpolationMode } from './functional.js';
import { rand1, randint1 } from './_random.js';
import { Transform } from './transform.js';

export interface RandomPerspectiveOptions { distortionScale?: number; p?: number; interpolation?: InterpolationMode; fill?: number | readonly number[] }

/** A random perspective distortion of the corners with probability p, drawn as torchvision's RandomPerspective. */
export class RandomPerspective extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly distortionScale: number;
  readonly p: number;
  readonly interpolation: InterpolationMode;
  readonly fill: number | number[];
  constructor(options: RandomPerspectiveOptions = {}) {
    super();
    const { distortionScale = 0.5, p = 0.5, interpolation = 'bilinear', fill = 0 } = options;
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new RangeError(`RandomPerspective: Interpolation mode '${interpolation}' is unsupported (use 'nearest' or 'bilinear')`);
    if (typeof fill !== 'number' && !Array.isArray(fill)) throw new TypeError('RandomPerspective: Fill should be either a sequence or a number.');
    this.distortionScale = distortionScale; this.p = p; this.interpolation = interpolation;
    this.fill = typeof fill === 'number' ? fill : [...fill];
    this.workerArgs = [{ distortionScale, p, interpolation, fill: this.fill }];
  }

  /** torchvision's get_params: the corners and where they go, eight randint draws. */
  static getParams(width: number, height: number, distortionScale: number): [number[][], number[][]] {
    const halfHeight = Math.floor(height / 2), halfWidth = Math.floor(width / 2);
    const dx = Math.trunc(distortionScale * halfWidth), dy = Math.trunc(distortionScale * halfHeight);
    const topleft = [randint1(0, dx + 1), randint1(0, dy + 1)];
    const topright = [randint1(width - dx - 1, width), randint1(0, dy + 1)];
    const botright = [randint1(width - dx - 1, width), randint1(height - dy - 1, height)];
    const botleft = [randint1(0, dx + 1), randint1(height - dy - 1, height)];
    return [[[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], [topleft, topright, botright, botleft]];
  }

  forward<T extends ImageLike>(img: T): T {
    const [channels, height, width] = getDimensions(img);
    const fill = typeof this.fill === 'number' ? new Array<number>(channels).fill(this.fill) : this.fill;
    if (!(rand1() < Math.fround(this.p))) return img; // `torch.rand(1) < self.p` compares in float32
    const [startpoints, endpoints] = RandomPerspective.getParams(width, height, this.distortionScale);
    return perspective(img, startpoints, endpoints, this.interpolation, fill);
  }
  override toString(): string { return `RandomPerspective(p=${this.p})`; }
}
