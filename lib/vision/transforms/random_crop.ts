// transforms.RandomCrop.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { copied, sizeAsGiven, transformRepr, tuple } from './_repr.js';
import { crop, getDimensions, pad, setupSize, type ImageLike, type PaddingMode } from './functional.js';
import { randint1 } from './_random.js';
import { Transform } from './transform.js';

type Padding = number | readonly number[] | null;
export interface RandomCropOptions { padding?: Padding; padIfNeeded?: boolean; fill?: number | readonly number[]; paddingMode?: PaddingMode }
const RANDOM_CROP = signature('RandomCrop', { size: REQUIRED, padding: null, padIfNeeded: false, fill: 0, paddingMode: 'constant' });

/** Crops at a random place (optionally after padding), drawing the place as torchvision's RandomCrop. */
export class RandomCrop extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly padding: number | number[] | null;
  readonly padIfNeeded: boolean;
  readonly fill: number | number[];
  readonly paddingMode: PaddingMode;
  readonly #sizeRepr: unknown;
  constructor(...args: PyArgs<[size: number | readonly number[], padding: Padding, padIfNeeded: boolean, fill: number | readonly number[], paddingMode: PaddingMode], RandomCropOptions>);
  constructor(options: RandomCropOptions & { size: number | readonly number[] });
  constructor(...args: unknown[]) {
    super();
    const [size, padding, padIfNeeded, fill, paddingMode] = bind(RANDOM_CROP, args) as [number | readonly number[], Padding, boolean, number | readonly number[], PaddingMode];
    this.size = setupSize(size, RANDOM_CROP.fn);
    this.#sizeRepr = sizeAsGiven(size, this.size);
    if (padding !== null && typeof padding !== 'number' && !(Array.isArray(padding) && [1, 2, 4].includes(padding.length)))
      throw new TypeError('RandomCrop: padding must be a number or a sequence of 1, 2 or 4 numbers');
    if (typeof fill !== 'number' && !(Array.isArray(fill) && fill.every((v) => typeof v === 'number'))) throw new TypeError('RandomCrop: fill must be a number, or one per channel');
    if (!['constant', 'edge', 'reflect', 'symmetric'].includes(paddingMode)) throw new RangeError('RandomCrop: Padding mode should be either constant, edge, reflect or symmetric');
    this.padding = padding === null || typeof padding === 'number' ? padding : [...padding];
    this.padIfNeeded = Boolean(padIfNeeded);
    this.fill = typeof fill === 'number' ? fill : [...fill];
    this.paddingMode = paddingMode;
    this.workerArgs = [copied(size), this.padding, this.padIfNeeded, this.fill, this.paddingMode];  // size as given, for the repr
  }

  /** torchvision's get_params: [top, left, height, width], two randint draws unless the size already fits. */
  static getParams(img: ImageLike, outputSize: readonly [number, number]): [number, number, number, number] {
    const [, h, w] = getDimensions(img);
    const [th, tw] = outputSize;
    if (h < th || w < tw) throw new RangeError(`RandomCrop: Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    if (w === tw && h === th) return [0, 0, h, w];
    const i = randint1(0, h - th + 1);
    const j = randint1(0, w - tw + 1);
    return [i, j, th, tw];
  }

  forward<T extends ImageLike>(img: T): T {
    let x: ImageLike = img;
    if (this.padding !== null) x = pad(x, this.padding, this.fill, this.paddingMode);
    const [, height, width] = getDimensions(x);
    if (this.padIfNeeded && width < this.size[1]) x = pad(x, [this.size[1] - width, 0], this.fill, this.paddingMode);
    if (this.padIfNeeded && height < this.size[0]) x = pad(x, [0, this.size[0] - height], this.fill, this.paddingMode);
    const [i, j, h, w] = RandomCrop.getParams(x, this.size);
    return crop(x, i, j, h, w) as T;
  }
  /** @internal size as torchvision's _setup_size keeps it (v2's repr shows it so; v1's as a tuple). */
  get reprArgs(): { readonly size: unknown } { return { size: this.#sizeRepr }; }
  override toString(): string { return transformRepr('RandomCrop', { size: tuple(this.size), padding: this.padding }); }
}
