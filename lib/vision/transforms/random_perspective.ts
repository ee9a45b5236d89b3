// transforms.RandomPerspective.
import { bind, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { numberArg } from '../../options.js';
import { checkInterpolation, getDimensions, perspective, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { rand1, randint1 } from './_random.js';
import { checkFillOption, checkProbability, fillPerChannel } from './_checks.js';
import { Transform } from './transform.js';

export interface RandomPerspectiveOptions { distortionScale?: number; p?: number; interpolation?: InterpolationArg; fill?: number | readonly number[] }
const RANDOM_PERSPECTIVE = signature('RandomPerspective', { distortionScale: 0.5, p: 0.5, interpolation: 'bilinear', fill: 0 });

/** A random perspective distortion of the corners with probability p, drawn as torchvision's RandomPerspective. */
export class RandomPerspective extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly distortionScale: number;
  readonly p: number;
  readonly interpolation: InterpolationMode;
  readonly fill: number | number[];
  constructor(...args: PyArgs<[distortionScale: number, p: number, interpolation: InterpolationArg, fill: number | readonly number[]], RandomPerspectiveOptions>);
  constructor(...args: unknown[]) {
    super();
    const fn = RANDOM_PERSPECTIVE.fn;
    const [distortionScale, p, interpolation, fill] = bind(RANDOM_PERSPECTIVE, args);
    this.distortionScale = numberArg(fn, 'distortionScale', distortionScale, 0);
    this.p = checkProbability(fn, p);
    this.interpolation = checkInterpolation(interpolation, fn);
    this.fill = checkFillOption(fn, fill);
    this.workerArgs = [this.distortionScale, this.p, this.interpolation, this.fill];
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
    const fill = fillPerChannel(this.fill, channels);
    if (!(rand1() < Math.fround(this.p))) return img; // `torch.rand(1) < self.p` compares in float32
    const [startpoints, endpoints] = RandomPerspective.getParams(width, height, this.distortionScale);
    return perspective(img, startpoints, endpoints, this.interpolation, fill);
  }
  override toString(): string { return `RandomPerspective(p=${this.p})`; }
}
