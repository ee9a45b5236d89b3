// transforms.ConvertImageDtype.
import { bind, REQUIRED, signature } from '../../nn/functional/_signature.js';
import type { Tensor } from '../../tensor.js';
import { toDType, type DTypeLike, type DType } from '../../dtype.js';
import { convertImageDtype } from './functional.js';
import { Transform } from './transform.js';

const CONVERT_IMAGE_DTYPE = signature('ConvertImageDtype', { dtype: REQUIRED });

/** Converts a tensor image to `dtype`, rescaling the values (torchvision's convert_image_dtype). */
export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly dtype: DType;
  constructor(dtype: DTypeLike | { dtype: DTypeLike });
  constructor(...args: unknown[]) {
    super();
    this.dtype = toDType(bind(CONVERT_IMAGE_DTYPE, args)[0] as DTypeLike, CONVERT_IMAGE_DTYPE.fn);
    this.workerArgs = [this.dtype.name];
  }
  forward(image: Tensor): Tensor { return convertImageDtype(image, this.dtype); }
  override toString(): string { return 'ConvertImageDtype()'; }
}
