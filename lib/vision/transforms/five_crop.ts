// transforms.FiveCrop and TenCrop: several crops of one image, returned as an array (Python's tuple).
import { fiveCrop, setupSize, tenCrop, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

/** The four corner crops and the centre crop. */
export class FiveCrop extends Transform<ImageLike, ImageLike[]> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  constructor(size: number | readonly number[]) { super(); this.size = setupSize(size, 'FiveCrop'); this.workerArgs = [this.size]; }
  forward<T extends ImageLike>(img: T): [T, T, T, T, T] { return fiveCrop(img, this.size); }
  override toString(): string { return `FiveCrop(size=(${this.size.join(', ')}))`; }
}

/** FiveCrop of the image and of its horizontal (or, with verticalFlip, vertical) flip. */
export class TenCrop extends Transform<ImageLike, ImageLike[]> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  constructor(size: number | readonly number[], readonly verticalFlip = false) {
    super();
    this.size = setupSize(size, 'TenCrop');
    this.workerArgs = [this.size, verticalFlip];
  }
  forward<T extends ImageLike>(img: T): [T, T, T, T, T, T, T, T, T, T] { return tenCrop(img, this.size, this.verticalFlip); }
  override toString(): string { return `TenCrop(size=(${this.size.join(', ')}), vertical_flip=${this.verticalFlip})`; }
}
