// transforms.RandomResizedCrop.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { asGiven, copied, floatIfDefault, givenOrDefault, sizeAsGiven, transformRepr, tuple } from './_repr.js';
import * as torch from '../../index.js';
import { checkInterpolation, getDimensions, resizedCrop, setupSize, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { randint1, uniform1 } from './_random.js';
import { Transform } from './transform.js';
import { pyRound } from '../../libm.js';

export interface RandomResizedCropOptions { scale?: readonly [number, number]; ratio?: readonly [number, number]; interpolation?: InterpolationArg; antialias?: boolean | null }
const RANDOM_RESIZED_CROP = signature('RandomResizedCrop', { size: REQUIRED, scale: [0.08, 1.0], ratio: [3.0 / 4.0, 4.0 / 3.0], interpolation: 'bilinear', antialias: true });

/** Crops a random area and aspect ratio, then resizes to `size`, drawing as torchvision's RandomResizedCrop. */
export class RandomResizedCrop extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  readonly #repr: Record<string, unknown>;
  readonly #given: { size: unknown; scale: unknown; ratio: unknown };
  constructor(...args: PyArgs<[size: number | readonly number[], scale: readonly [number, number], ratio: readonly [number, number], interpolation: InterpolationArg, antialias: boolean | null], RandomResizedCropOptions>);
  constructor(options: RandomResizedCropOptions & { size: number | readonly number[] });
  constructor(...args: unknown[]) {
    super();
    const [size, scale, ratio, interpolation, antialias] = bind(RANDOM_RESIZED_CROP, args) as [number | readonly number[], number[], number[], InterpolationMode, boolean | null];
    this.size = setupSize(size, RANDOM_RESIZED_CROP.fn);
    if (!Array.isArray(scale) || scale.length !== 2) throw new TypeError('RandomResizedCrop: Scale should be a sequence of 2 numbers');
    if (!Array.isArray(ratio) || ratio.length !== 2) throw new TypeError('RandomResizedCrop: Ratio should be a sequence of 2 numbers');
    this.scale = [scale[0]!, scale[1]!];
    this.ratio = [ratio[0]!, ratio[1]!];
    this.interpolation = checkInterpolation(interpolation, RANDOM_RESIZED_CROP.fn);
    this.antialias = antialias;
    // as given (the defaults as such), so that a worker's rebuild prints the same repr
    this.workerArgs = [copied(size), givenOrDefault(RANDOM_RESIZED_CROP, 'scale', scale), givenOrDefault(RANDOM_RESIZED_CROP, 'ratio', ratio), this.interpolation, this.antialias];
    // torchvision prints scale and ratio rounded to 4 digits, as tuples (of floats for the defaults)
    const round4 = (v: readonly number[]): unknown => tuple(v.map((x) => Math.round(x * 1e4) / 1e4));
    this.#given = { size: sizeAsGiven(size, this.size), scale: asGiven(RANDOM_RESIZED_CROP, 'scale', scale), ratio: asGiven(RANDOM_RESIZED_CROP, 'ratio', ratio) };
    this.#repr = {
      size: sizeAsGiven(size, this.size), scale: floatIfDefault(RANDOM_RESIZED_CROP, 'scale', scale, round4(this.scale)),
      ratio: floatIfDefault(RANDOM_RESIZED_CROP, 'ratio', ratio, round4(this.ratio)), interpolation: this.interpolation, antialias: this.antialias,
    };
  }

  /** torchvision's get_params: up to 10 tries of (area, log-ratio) draws, then a centre-crop fallback. */
  static getParams(img: ImageLike, scale: readonly [number, number], ratio: readonly [number, number]): [number, number, number, number] {
    const [, height, width] = getDimensions(img);
    return RandomResizedCrop.paramsForSize(height, width, scale, ratio);
  }

  /** get_params for an image of height x width (v2's make_params from the sample's size). */
  static paramsForSize(height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number]): [number, number, number, number] {
    const area = height * width;
    // torch.log(torch.tensor(ratio)) is float32, as in Python.
    const logRatio = torch.tidy(() => torch.log(torch.tensor([ratio[0], ratio[1]], { dtype: torch.float32 })).tolist() as number[]);
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * uniform1(scale[0], scale[1]);
      const aspectRatio = torch.tidy(() => torch.exp(torch.empty(1).uniform_(logRatio[0]!, logRatio[1]!)).item());
      const w = pyRound(Math.sqrt(targetArea * aspectRatio));
      const h = pyRound(Math.sqrt(targetArea / aspectRatio));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const i = randint1(0, height - h + 1);
        const j = randint1(0, width - w + 1);
        return [i, j, h, w];
      }
    }
    const inRatio = width / height;
    let w: number, h: number;
    if (inRatio < Math.min(ratio[0], ratio[1])) {
      w = width; h = pyRound(w / Math.min(ratio[0], ratio[1]));
    } else if (inRatio > Math.max(ratio[0], ratio[1])) {
      h = height; w = pyRound(h * Math.max(ratio[0], ratio[1]));
    } else {
      w = width; h = height;
    }
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  forward<T extends ImageLike>(img: T): T {
    const [i, j, h, w] = RandomResizedCrop.getParams(img, this.scale, this.ratio);
    return resizedCrop(img, i, j, h, w, this.size, this.interpolation, this.antialias);
  }
  /** @internal size, scale and ratio as torchvision keeps them (for v2's repr). */
  get reprArgs(): { readonly size: unknown; readonly scale: unknown; readonly ratio: unknown } { return this.#given; }
  override toString(): string {
    return transformRepr('RandomResizedCrop', this.#repr);
  }
}
