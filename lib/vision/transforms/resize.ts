// transforms.Resize.
import { resize, type ImageLike, type InterpolationMode } from './functional.js';
import { Transform } from './transform.js';

export interface ResizeOptions { interpolation?: InterpolationMode; maxSize?: number | null; antialias?: boolean | null }

/** Resize to [h, w], or the shorter edge to `size` (an int) keeping the aspect ratio, as torchvision's Resize. */
export class Resize extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: number | number[];
  readonly interpolation: InterpolationMode;
  readonly maxSize: number | null;
  readonly antialias: boolean | null;
  constructor(size: number | readonly number[], options: ResizeOptions = {}) {
    super();
    if (typeof size !== 'number' && !Array.isArray(size)) throw new TypeError(`Resize: Size should be int or sequence. Got ${typeof size}`);
    if (Array.isArray(size) && size.length !== 1 && size.length !== 2) throw new RangeError('Resize: If size is a sequence, it should have 1 or 2 values');
    this.size = typeof size === 'number' ? size : [...size];
    this.interpolation = options.interpolation ?? 'bilinear';
    this.maxSize = options.maxSize ?? null;
    this.antialias = options.antialias === undefined ? true : options.antialias;
    this.workerArgs = [this.size, { interpolation: this.interpolation, maxSize: this.maxSize, antialias: this.antialias }];
  }
  forward<T extends ImageLike>(img: T): T { return resize(img, this.size, this.interpolation, this.maxSize, this.antialias); }
  override toString(): string { return `Resize(size=${JSON.stringify(this.size)}, interpolation=${this.interpolation}, max_size=${this.maxSize}, antialias=${this.antialias})`; }
}
