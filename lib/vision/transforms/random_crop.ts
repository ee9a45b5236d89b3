// transforms.RandomCrop.
import { crop, getDimensions, pad, setupSize, type ImageLike, type PaddingMode } from './functional.js';
import { randint1 } from './_random.js';
import { Transform } from './transform.js';

export interface RandomCropOptions { padding?: number | readonly number[] | null; padIfNeeded?: boolean; fill?: number; paddingMode?: PaddingMode }

/** Crops at a random place (optionally after padding), drawing the place as torchvision's RandomCrop. */
export class RandomCrop extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly padding: number | number[] | null;
  readonly padIfNeeded: boolean;
  readonly fill: number;
  readonly paddingMode: PaddingMode;
  constructor(size: number | readonly number[], options: RandomCropOptions = {}) {
    super();
    this.size = setupSize(size, 'RandomCrop');
    this.padding = options.padding == null ? null : typeof options.padding === 'number' ? options.padding : [...options.padding];
    this.padIfNeeded = options.padIfNeeded ?? false;
    this.fill = options.fill ?? 0;
    this.paddingMode = options.paddingMode ?? 'constant';
    this.workerArgs = [this.size, { padding: this.padding, padIfNeeded: this.padIfNeeded, fill: this.fill, paddingMode: this.paddingMode }];
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
  override toString(): string { return `RandomCrop(size=(${this.size.join(', ')}), padding=${JSON.stringify(this.padding)})`; }
}
