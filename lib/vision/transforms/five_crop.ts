// transforms.FiveCrop and TenCrop: several crops of one image, returned as an array (Python's tuple).
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { copied, sizeAsGiven, transformRepr } from './_repr.js';
import { fiveCrop, setupSize, tenCrop, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

const FIVE_CROP = signature('FiveCrop', { size: REQUIRED });
const TEN_CROP = signature('TenCrop', { size: REQUIRED, verticalFlip: false });
type Size = number | readonly number[];

/** The four corner crops and the centre crop. */
export class FiveCrop extends Transform<ImageLike, ImageLike[]> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly #sizeRepr: unknown;
  constructor(size: Size | { size: Size });
  constructor(...args: unknown[]) {
    super();
    const [size] = bind(FIVE_CROP, args);
    [this.size, this.workerArgs] = [setupSize(size as Size, FIVE_CROP.fn), [copied(size)]];  // size as given to a worker: its repr the same
    this.#sizeRepr = sizeAsGiven(size, this.size);
  }
  forward<T extends ImageLike>(img: T): [T, T, T, T, T] { return fiveCrop(img, this.size); }
  override toString(): string { return transformRepr('FiveCrop', { size: this.#sizeRepr }); }
}

/** FiveCrop of the image and of its horizontal (or, with verticalFlip, vertical) flip. */
export class TenCrop extends Transform<ImageLike, ImageLike[]> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly verticalFlip: boolean;
  readonly #sizeRepr: unknown;
  constructor(...args: PyArgs<[size: Size, verticalFlip: boolean], { size?: Size; verticalFlip?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    const [size, verticalFlip] = bind(TEN_CROP, args) as [Size, boolean];
    this.size = setupSize(size, TEN_CROP.fn);
    this.#sizeRepr = sizeAsGiven(size, this.size);
    this.verticalFlip = verticalFlip;
    this.workerArgs = [copied(size), verticalFlip];  // as given, so that a worker's rebuild prints the same repr
  }
  forward<T extends ImageLike>(img: T): [T, T, T, T, T, T, T, T, T, T] { return tenCrop(img, this.size, this.verticalFlip); }
  override toString(): string { return transformRepr('TenCrop', { size: this.#sizeRepr, vertical_flip: this.verticalFlip }); }
}
