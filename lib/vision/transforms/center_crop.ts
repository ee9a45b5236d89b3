// transforms.CenterCrop.
import { centerCrop, setupSize, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

/** Crops the centre (zero-padding when the image is smaller), as torchvision's CenterCrop. */
export class CenterCrop extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  constructor(size: number | readonly number[]) { super(); this.size = setupSize(size, 'CenterCrop'); this.workerArgs = [this.size]; }
  forward<T extends ImageLike>(img: T): T { return centerCrop(img, this.size); }
  override toString(): string { return `CenterCrop(size=(${this.size.join(', ')}))`; }
}
