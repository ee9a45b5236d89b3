// transforms.FiveCrop and TenCrop: several crops of one image, returned as an array (Python's tuple).
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { fiveCrop, setupSize, tenCrop, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

const FIVE_CROP = signature('FiveCrop', { size: REQUIRED });
const TEN_CROP = signature('TenCrop', { size: REQUIRED, verticalFlip: false });
type Size = number | readonly number[];

/** The four corner crops and the centre crop. */
export class FiveCrop extends Transform<ImageLike, ImageLike[]> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  constructor(size: Size | { size: Size });
  constructor(...args: unknown[]) { super(); this.size = setupSize(bind(FIVE_CROP, args)[0] as Size, FIVE_CROP.fn); this.workerArgs = [this.size]; }
  forward<T extends ImageLike>(img: T): [T, T, T, T, T] { return fiveCrop(img, this.size); }
  override toString(): string { return `FiveCrop(size=(${this.size.join(', ')}))`; }
}

/** FiveCrop of the image and of its horizontal (or, with verticalFlip, vertical) flip. */
export class TenCrop extends Transform<ImageLike, ImageLike[]> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly verticalFlip: boolean;
  constructor(...args: PyArgs<[size: Size, verticalFlip: boolean], { size?: Size; verticalFlip?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    const [size, verticalFlip] = bind(TEN_CROP, args) as [Size, boolean];
    this.size = setupSize(size, TEN_CROP.fn);
    this.verticalFlip = verticalFlip;
    this.workerArgs = [this.size, verticalFlip];
  }
  forward<T extends ImageLike>(img: T): [T, T, T, T, T, T, T, T, T, T] { return tenCrop(img, this.size, this.verticalFlip); }
  override toString(): string { return `TenCrop(size=(${this.size.join(', ')}), vertical_flip=${this.verticalFlip})`; }
}
