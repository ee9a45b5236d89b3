// torchvision.models.detection.transform (0.28): GeneralizedRCNNTransform, what R-CNN models do to their
// inputs and outputs: normalize each image, resize it (bilinear, the shorter side to minSize unless the
// longer would pass maxSize; boxes, keypoints and masks with it), pad the batch to a multiple of
// sizeDivisible (an ImageList), and map predicted boxes, masks and keypoints back to the original sizes. The
// same tensor ops as torchvision, so the results agree bit for bit.
import * as torch from '../../../index.js';
import { describe, isOptionsObject } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { pyFloat } from '../../../print.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { ImageList, type ImageSize } from './image_list.js';
import { pasteMasksInImage } from './roi_heads.js';
import { pySize } from '../../../dtype.js';

const { nn } = torch;

/** A detection target or prediction: Python's dict[str, Tensor] ('boxes', 'labels', 'masks', 'keypoints', ...). */
export type DetectionTarget = Record<string, Tensor>;
/**
 * A target as the models take it: an object with 'boxes' and 'labels' (and 'masks', 'keypoints'), an
 * interface type or one with extra keys (COCO's image_id) included; checked at run time.
 */
export type DetectionTargetInput = { readonly boxes?: Tensor; readonly labels?: Tensor; readonly masks?: Tensor; readonly keypoints?: Tensor } | Readonly<Record<string, unknown>>;

/** The models' check of a target list: an array of plain objects; a TypeError names the first bad one. */
export function checkTargetList(owner: string, targets: unknown): asserts targets is readonly DetectionTarget[] {
  if (!Array.isArray(targets)) throw new TypeError(`${owner}: targets should be an array of objects of Tensors, got ${describe(targets)}`);
  const i = targets.findIndex((t) => !isOptionsObject(t));
  if (i >= 0) throw new TypeError(`${owner}: targets[${i}] should be an object of Tensors, got ${describe(targets[i])}`);
}


/** torchvision's wording of a bad target-boxes error, which differs per model. */
export interface BoxMessages { type(boxes: unknown): string; shape(shape: readonly number[]): string }
/** GeneralizedRCNN's and SSD's wording: both messages say what they got. */
export const BOX_MESSAGES: BoxMessages = {
  type: (boxes) => `Expected target boxes to be of type Tensor, got ${describe(boxes)}.`,
  shape: (shape) => `Expected target boxes to be a tensor of shape [N, 4], got ${pySize(shape)}.`,
};

/**
 * The checks every detector's forward starts with: images an array of Tensors, each at least (H, W); in
 * training, targets given, each with boxes a Tensor[N, 4]. Returns each image's original [H, W].
 */
export function checkDetectorInputs(owner: string, training: boolean, images: unknown, targets: unknown, messages: BoxMessages = BOX_MESSAGES): ImageSize[] {
  if (!Array.isArray(images) || !images.every(isTensor)) throw new TypeError(`${owner}: images should be an array of Tensors (C, H, W) or one (N, C, H, W) Tensor, got ${describe(images)}`);
  if (training) {
    if (targets === null || targets === undefined) throw new RangeError('targets should not be none when in training mode');
    checkTargetList(owner, targets);
    for (const target of targets) {
      const boxes = target.boxes as unknown;
      if (!isTensor(boxes)) throw new TypeError(messages.type(boxes));
      if (!(boxes.dim() === 2 && boxes.shape[1] === 4)) throw new RangeError(messages.shape(boxes.shape));
    }
  }
  return (images as Tensor[]).map((img) => {
    if (img.dim() < 2) throw new RangeError(`expecting the last two dimensions of the Tensor to be H and W instead got ${pySize(img.shape.slice(-2))}`);
    const [h, w] = img.shape.slice(-2) as [number, number];
    return [h, w];
  });
}

/** torchvision's check after the transform: a RangeError names the first box without positive width and height. */
export function checkDegenerateBoxes(targets: readonly DetectionTarget[] | null): void {
  targets?.forEach((target, targetIdx) => torch.tidy(() => {
    const boxes = target.boxes!;
    const degenerate = boxes.index(':', '2:').le(boxes.index(':', ':2'));
    if (!degenerate.any().item()) return;
    const bbIdx = torch.where(degenerate.any(1))[0]!.index(0).item();
    const degenBb = (boxes.select(0, bbIdx).tolist() as number[]).map(pyFloat);
    throw new RangeError(`All bounding boxes should have positive height and width. Found invalid box [${degenBb.join(', ')}] for target at index ${targetIdx}.`);
  }));
}

/**
 * torchvision's _resize_image_and_masks: `image` (C, H, W) interpolated (bilinear, recompute_scale_factor)
 * by min(selfMinSize / min(H, W), selfMaxSize / max(H, W)), or to fixedSize [width, height]; the target's
 * 'masks' (N, H, W) likewise (nearest, as uint8). The target object is updated in place.
 */
export function _resizeImageAndMasks(image: Tensor, selfMinSize: number, selfMaxSize: number, target: DetectionTarget | null = null,
  fixedSize: readonly [number, number] | null = null): [Tensor, DetectionTarget | null] {
  const imShape = image.shape.slice(-2) as [number, number];
  let size: number[] | null = null;
  let scaleFactor: number | null = null;
  let recomputeScaleFactor: boolean | null = null;
  if (fixedSize !== null) {
    size = [fixedSize[1], fixedSize[0]];
  } else {
    const minSize = Math.min(...imShape);
    const maxSize = Math.max(...imShape);
    scaleFactor = Math.min(selfMinSize / minSize, selfMaxSize / maxSize);
    recomputeScaleFactor = true;
  }
  const resized = torch.tidy(() => nn.functional.interpolate(image.index(null), { size, scaleFactor, mode: 'bilinear', recomputeScaleFactor, alignCorners: false }).select(0, 0));
  if (target === null) return [resized, target];
  if ('masks' in target) {
    const mask = target.masks as unknown;
    if (!isTensor(mask)) throw new TypeError(`GeneralizedRCNNTransform: a target's "masks" should be a Tensor (N, H, W), got ${describe(mask)}`);
    target.masks = torch.tidy(() => nn.functional.interpolate(mask.index(':', null).float(), { size, scaleFactor, recomputeScaleFactor }).index(':', 0).to(torch.uint8));
  }
  return [resized, target];
}

/** The [ratioHeight, ratioWidth] of newSize over originalSize, each a 0-d float32 tensor (as torchvision divides them). */
function ratios(device: torch.Device, originalSize: readonly number[], newSize: readonly number[]): Tensor[] {
  return [0, 1].map((i) => torch.tensor(newSize[i]!, { dtype: torch.float32, device }).div(torch.tensor(originalSize[i]!, { dtype: torch.float32, device })));
}

/** torchvision's resize_keypoints: the x (and y) of keypoints (N, K, 3) scaled from originalSize to newSize ([height, width]). */
export function resizeKeypoints(keypoints: Tensor, originalSize: readonly number[], newSize: readonly number[]): Tensor {
  if (!isTensor(keypoints)) throw new TypeError(`resizeKeypoints: keypoints should be a Tensor, got ${describe(keypoints)}`);
  return torch.tidy(() => {
    const [ratioH, ratioW] = ratios(keypoints.device, originalSize, newSize) as [Tensor, Tensor];
    const resized = keypoints.clone();
    resized.index('...', 0).mul_(ratioW);
    resized.index('...', 1).mul_(ratioH);
    return resized;
  });
}

/** torchvision's resize_boxes: xyxy boxes (N, 4) scaled from originalSize to newSize ([height, width]). */
export function resizeBoxes(boxes: Tensor, originalSize: readonly number[], newSize: readonly number[]): Tensor {
  if (!isTensor(boxes)) throw new TypeError(`resizeBoxes: boxes should be a Tensor, got ${describe(boxes)}`);
  return torch.tidy(() => {
    const [ratioHeight, ratioWidth] = ratios(boxes.device, originalSize, newSize) as [Tensor, Tensor];
    const [xmin, ymin, xmax, ymax] = boxes.unbind(1) as [Tensor, Tensor, Tensor, Tensor];
    return torch.stack([xmin.mul(ratioWidth), ymin.mul(ratioHeight), xmax.mul(ratioWidth), ymax.mul(ratioHeight)], 1);
  });
}

export interface GeneralizedRCNNTransformOptions {
  /** Batched images' height and width are padded up to a multiple of it (32). */
  sizeDivisible?: number;
  /** Resize every image to this [width, height] instead. */
  fixedSize?: readonly [number, number] | null;
  /** Training only: leave the images at their size (torchvision's _skip_resize keyword). */
  _skipResize?: boolean;
}

/**
 * Normalizes, resizes and batches the images (and their targets) of an R-CNN model, and maps its
 * predictions back. `minSize` may be a list: training then picks one per image at random (torch's
 * generator, as torchvision's torch_choice); eval uses the last.
 */
const TRANSFORM_SIGNATURE = signature('GeneralizedRCNNTransform', { minSize: REQUIRED, maxSize: REQUIRED, imageMean: REQUIRED, imageStd: REQUIRED, sizeDivisible: 32, fixedSize: null, _skipResize: false });

export class GeneralizedRCNNTransform extends nn.Module {
  minSize: number[];
  maxSize: number;
  imageMean: number[];
  imageStd: number[];
  sizeDivisible: number;
  fixedSize: [number, number] | null;
  _skipResize: boolean;

  constructor(minSize: number | readonly number[], maxSize: number, imageMean: readonly number[], imageStd: readonly number[],
    ...args: PyArgs<[sizeDivisible: number, fixedSize: readonly [number, number] | null], GeneralizedRCNNTransformOptions>);
  constructor(...args: unknown[]) {
    super();
    const [minSize, maxSize, imageMean, imageStd, sizeDivisible, fixedSize, _skipResize] = bind(TRANSFORM_SIGNATURE, args) as
      [number | readonly number[], number, readonly number[], readonly number[], number, readonly [number, number] | null, boolean];
    const sizes = Array.isArray(minSize) ? [...(minSize as number[])] : [minSize as number];
    if (sizes.length === 0 || !sizes.every((s) => typeof s === 'number')) throw new TypeError(`GeneralizedRCNNTransform: minSize should be a number or a non-empty array of numbers, got ${describe(minSize)}`);
    if (typeof maxSize !== 'number') throw new TypeError(`GeneralizedRCNNTransform: maxSize should be a number, got ${describe(maxSize)}`);
    if (!Array.isArray(imageMean) || !Array.isArray(imageStd)) throw new TypeError('GeneralizedRCNNTransform: imageMean and imageStd should be arrays of numbers');
    if (!Number.isInteger(sizeDivisible) || sizeDivisible < 1) throw new RangeError(`GeneralizedRCNNTransform: sizeDivisible should be a positive int, got ${String(sizeDivisible)}`);
    this.minSize = sizes;
    this.maxSize = maxSize;
    this.imageMean = [...imageMean];
    this.imageStd = [...imageStd];
    this.sizeDivisible = sizeDivisible;
    this.fixedSize = fixedSize === null ? null : [fixedSize[0], fixedSize[1]];
    this._skipResize = _skipResize;
  }

  /**
   * The images (each (C, H, W), floating point in [0, 1]) normalized, resized and batched, and copies of
   * the targets with their boxes (keypoints, masks) resized; the caller's target objects are not changed.
   */
  override forward(images: readonly Tensor[] | Tensor, targetsIn: readonly DetectionTargetInput[] | null = null): [ImageList, DetectionTarget[] | null] {
    if (isTensor(images)) {
      // Python iterates a batched (N, C, H, W) tensor as its images; the views go once the batch is made
      const list = images.unbind(0);
      try {
        return this.forward(list, targetsIn);
      } finally {
        for (const t of list) t.dispose();
      }
    }
    const targets = targetsIn as readonly DetectionTarget[] | null;
    if (!Array.isArray(images) || !images.every(isTensor)) throw new TypeError(`GeneralizedRCNNTransform: images should be an array of Tensors, got ${describe(images)}`);
    if (targets !== null && (!Array.isArray(targets) || targets.length < images.length))
      throw new TypeError(`GeneralizedRCNNTransform: targets should be null or an array of one object of Tensors per image, got ${describe(targets)}`);
    if (targets !== null) checkTargetList('GeneralizedRCNNTransform', targets);
    for (const image of images)
      if (image.dim() !== 3) throw new RangeError(`images is expected to be a list of 3d tensors of shape [C, H, W], got ${pySize(image.shape)}`);
    const copies = targets === null ? null : targets.map((t) => ({ ...t }));
    return torch.tidy(() => {
      const out: Tensor[] = [];
      for (let i = 0; i < images.length; i++) {
        const [image, target] = this.resize(this.normalize(images[i]!), copies === null ? null : copies[i]!);
        out.push(image);
        if (copies !== null && target !== null) copies[i] = target;
      }
      const imageSizes = out.map((img) => img.shape.slice(-2) as ImageSize);
      const batched = this.batchImages(out, this.sizeDivisible);
      return [new ImageList(batched, imageSizes), copies] as [ImageList, DetectionTarget[] | null];
    });
  }

  /** (image - mean) / std per channel; TypeError for an image that is not floating point. */
  normalize(image: Tensor): Tensor {
    if (!image.isFloatingPoint())
      throw new TypeError(`Expected input images to be of floating type (in range [0, 1]), but found type torch.${image.dtype.name} instead`);
    const { dtype, device } = image;
    return torch.tidy(() => {
      const mean = torch.tensor(this.imageMean, { dtype, device });
      const std = torch.tensor(this.imageStd, { dtype, device });
      return image.sub(mean.index(':', null, null)).div(std.index(':', null, null));
    });
  }

  /** torchvision's torch_choice: an element of `k` picked by torch.empty(1).uniform_(0, k.length). */
  torchChoice(k: readonly number[]): number {
    const index = torch.tidy(() => Math.trunc(torch.empty(1).uniform_(0.0, k.length).item()));
    return k[index]!;
  }

  /** The image resized (training: to a random minSize, unless _skipResize; eval: the last), and its target's boxes, keypoints and masks. */
  resize(image: Tensor, target: DetectionTarget | null = null): [Tensor, DetectionTarget | null] {
    const [h, w] = image.shape.slice(-2) as [number, number];
    let size: number;
    if (this.training) {
      if (this._skipResize) return [image, target];
      size = this.torchChoice(this.minSize);
    } else {
      size = this.minSize[this.minSize.length - 1]!;
    }
    const [resized, t] = _resizeImageAndMasks(image, size, this.maxSize, target, this.fixedSize);
    if (t === null) return [resized, t];
    if (!isTensor(t.boxes)) throw new TypeError('GeneralizedRCNNTransform: a target should hold its "boxes" Tensor');
    const newSize = resized.shape.slice(-2);
    t.boxes = resizeBoxes(t.boxes, [h, w], newSize);
    if ('keypoints' in t) t.keypoints = resizeKeypoints(t.keypoints!, [h, w], newSize);
    return [resized, t];
  }

  /** The largest size along each axis. */
  maxByAxis(theList: readonly (readonly number[])[]): number[] {
    const maxes = [...theList[0]!];
    for (const sublist of theList.slice(1)) sublist.forEach((item, index) => { maxes[index] = Math.max(maxes[index]!, item); });
    return maxes;
  }

  /** The images zero-padded (bottom and right) into one (N, C, H, W) tensor, H and W rounded up to multiples of sizeDivisible. */
  batchImages(images: readonly Tensor[], sizeDivisible = 32): Tensor {
    if (!Array.isArray(images) || images.length === 0 || !images.every(isTensor)) throw new TypeError(`batchImages: images should be a non-empty array of Tensors, got ${describe(images)}`);
    const maxSize = this.maxByAxis(images.map((img) => img.shape));
    const stride = sizeDivisible;
    maxSize[1] = Math.ceil(maxSize[1]! / stride) * stride;
    maxSize[2] = Math.ceil(maxSize[2]! / stride) * stride;
    return torch.tidy(() => {
      const batched = images[0]!.newFull([images.length, ...maxSize], 0);
      images.forEach((img, i) => {
        batched.select(0, i).index(`:${img.shape[0]}`, `:${img.shape[1]}`, `:${img.shape[2]}`).copy_(img);
      });
      return batched;
    });
  }

  /**
   * Eval mode: each prediction's boxes (and keypoints) resized from its image's network size back to its
   * original size, and its masks (n, 1, M, M) pasted into the original image at the resized boxes
   * (roi_heads.pasteMasksInImage: (n, 1, H, W)), in place; training: `result` as it is.
   */
  postprocess(result: DetectionTarget[], imageShapes: readonly (readonly number[])[], originalImageSizes: readonly (readonly number[])[]): DetectionTarget[] {
    if (this.training) return result;
    const count = Math.min(result.length, imageShapes.length, originalImageSizes.length);
    for (let i = 0; i < count; i++) {
      const pred = result[i]!;
      const imS = imageShapes[i]!;
      const oImS = originalImageSizes[i]!;
      const boxes = resizeBoxes(pred.boxes!, imS, oImS);
      pred.boxes = boxes;
      if ('masks' in pred) pred.masks = pasteMasksInImage(pred.masks!, boxes, oImS.slice(0, 2));
      if ('keypoints' in pred) pred.keypoints = resizeKeypoints(pred.keypoints!, imS, oImS);
    }
    return result;
  }

  /** Python's repr (torchvision's own __repr__). */
  override toString(): string {
    const minSize = this.minSize.length === 1 ? `(${this.minSize[0]},)` : `(${this.minSize.join(', ')})`;
    const list = (v: number[]): string => `[${v.map(pyFloat).join(', ')}]`;
    return `${this.constructor.name}(\n    Normalize(mean=${list(this.imageMean)}, std=${list(this.imageStd)})\n`
      + `    Resize(min_size=${minSize}, max_size=${this.maxSize}, mode='bilinear')\n)`;
  }
}
