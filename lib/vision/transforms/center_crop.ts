// transforms.CenterCrop.
import { bind, REQUIRED, signature } from '../../nn/functional/_signature.js';
import { copied, sizeAsGiven, transformRepr } from './_repr.js';
import { centerCrop, setupSize, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

const CENTER_CROP = signature('CenterCrop', { size: REQUIRED });

/** Crops the centre (zero-padding when the image is smaller), as torchvision's CenterCrop. */
export class CenterCrop extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly size: [number, number];
  readonly #sizeRepr: unknown;
  constructor(size: number | readonly number[] | { size: number | readonly number[] });
  constructor(...args: unknown[]) {
    super();
    const [size] = bind(CENTER_CROP, args);
    [this.size, this.workerArgs] = [setupSize(size as number, CENTER_CROP.fn), [copied(size)]];  // size as given to a worker: its repr the same
    this.#sizeRepr = sizeAsGiven(size, this.size);
  }
  forward<T extends ImageLike>(img: T): T { return centerCrop(img, this.size); }
  override toString(): string { return transformRepr('CenterCrop', { size: this.#sizeRepr }); }
}
