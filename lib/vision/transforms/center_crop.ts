// transforms.CenterCrop.
import { bind, REQUIRED, signature } from '../../nn/functional/_signature.js';
import { centerCrop, setupSize, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

const CENTER_CROP = signature('CenterCrop', { size: REQUIRED });

/** Crops the centre (zero-padding when the image is smaller), as torchvision's CenterCrop. */
export class CenterCrop extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  constructor(size: number | readonly number[] | { size: number | readonly number[] });
  constructor(...args: unknown[]) { super(); this.size = setupSize(bind(CENTER_CROP, args)[0] as number, CENTER_CROP.fn); this.workerArgs = [this.size]; }
  forward<T extends ImageLike>(img: T): T { return centerCrop(img, this.size); }
  override toString(): string { return `CenterCrop(size=(${this.size.join(', ')}))`; }
}
