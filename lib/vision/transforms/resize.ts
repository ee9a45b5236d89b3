// transforms.Resize.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { transformRepr } from './_repr.js';
import { checkInterpolation, resize, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { Transform } from './transform.js';

export interface ResizeOptions { interpolation?: InterpolationArg; maxSize?: number | null; antialias?: boolean | null }
const RESIZE = signature('Resize', { size: REQUIRED, interpolation: 'bilinear', maxSize: null, antialias: true });

/** Resize to [h, w], or the shorter edge to `size` (an int) keeping the aspect ratio, as torchvision's Resize. */
export class Resize extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  /** v2's Resize takes size null with an integer maxSize (the longer edge to maxSize); v1's does not. */
  protected static readonly sizeMayBeNull: boolean = false;
  readonly size: number | number[] | null;
  readonly interpolation: InterpolationMode;
  readonly maxSize: number | null;
  readonly antialias: boolean | null;
  constructor(...args: PyArgs<[size: number | readonly number[], interpolation: InterpolationArg, maxSize: number | null, antialias: boolean | null], ResizeOptions>);
  constructor(options: ResizeOptions & { size: number | readonly number[] });
  constructor(...args: unknown[]) {
    super();
    const [size, interpolation, maxSize, antialias] = bind(RESIZE, args) as [number | readonly number[] | null, InterpolationMode, number | null, boolean | null];
    if (size === null && (this.constructor as typeof Resize).sizeMayBeNull) {
      if (typeof maxSize !== 'number' || !Number.isInteger(maxSize)) throw new RangeError(`Resize: max_size must be an integer when size is None, but got ${String(maxSize)} instead.`);
    } else if (typeof size !== 'number' && !Array.isArray(size)) throw new TypeError(`Resize: Size should be int or sequence. Got ${typeof size}`);
    if (Array.isArray(size) && size.length !== 1 && size.length !== 2) throw new RangeError('Resize: If size is a sequence, it should have 1 or 2 values');
    this.size = typeof size === 'number' || size === null ? size : [...size];
    this.interpolation = checkInterpolation(interpolation, RESIZE.fn);
    this.maxSize = maxSize;
    this.antialias = antialias;
    this.workerArgs = [this.size, interpolation, maxSize, antialias];
  }
  forward<T extends ImageLike>(img: T): T { return resize(img, this.size as number | number[], this.interpolation, this.maxSize, this.antialias); }  // null only in v2's
  override toString(): string { return transformRepr('Resize', { size: this.size, interpolation: this.interpolation, max_size: this.maxSize, antialias: this.antialias }); }
}
