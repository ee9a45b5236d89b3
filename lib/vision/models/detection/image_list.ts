// torchvision.models.detection.image_list (0.28): ImageList, a batch of (padded) images as one tensor
// with the size of each image before padding.
import { describe } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import type { DeviceLike } from '../../../device.js';

/** An image's [height, width] (Python's tuple[int, int]). */
export type ImageSize = [number, number];

/** Images of possibly different sizes padded into one Tensor (N, C, H, W), with each image's own [height, width]. */
export class ImageList {
  tensors: Tensor;
  imageSizes: ImageSize[];
  constructor(tensors: Tensor, imageSizes: readonly (readonly number[])[]) {
    if (!isTensor(tensors)) throw new TypeError(`ImageList: tensors should be a Tensor, got ${describe(tensors)}`);
    if (!Array.isArray(imageSizes) || !imageSizes.every((s) => Array.isArray(s) && s.length === 2 && s.every((v) => Number.isInteger(v))))
      throw new TypeError(`ImageList: imageSizes should be an array of [height, width] pairs of ints, got ${Array.isArray(imageSizes) ? JSON.stringify(imageSizes) : describe(imageSizes)}`);
    this.tensors = tensors;
    this.imageSizes = imageSizes.map(([h, w]) => [h, w]);
  }

  /** The ImageList with its tensor on `device` (the sizes are shared, as in torchvision). */
  to(device: DeviceLike): ImageList {
    return new ImageList(this.tensors.to(device), this.imageSizes);
  }
}
