// transforms.ConvertImageDtype.
import type { Tensor } from '../../tensor.js';
import { toDType, type DTypeLike, type DType } from '../../dtype.js';
import { convertImageDtype } from './functional.js';
import { Transform } from './transform.js';

/** Converts a tensor image to `dtype`, rescaling the values (torchvision's convert_image_dtype). */
export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly dtype: DType;
  constructor(dtype: DTypeLike) {
    super();
    this.dtype = toDType(dtype, 'ConvertImageDtype');
    this.workerArgs = [this.dtype.name];
  }
  forward(image: Tensor): Tensor { return convertImageDtype(image, this.dtype); }
  override toString(): string { return 'ConvertImageDtype()'; }
}
