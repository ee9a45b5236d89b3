// torchvision's ObjectDetection, ImageClassification and SemanticSegmentation presets (transforms._presets):
// the inference preprocessing that pretrained weights name, as `weights.transforms()` returns it.
import * as torch from '../../index.js';
import { enumMember, strOf } from './_repr.js';
import { readOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { Image } from '../image.js';
import { centerCrop, checkInterpolation, convertImageDtype, normalize, pilToTensor, resize, type ImageLike, type InterpolationArg, type InterpolationMode } from './functional.js';
import { Transform } from './transform.js';

/**
 * torchvision's ObjectDetection: an image (Image, or a uint8 or float Tensor, single (C, H, W) or batched
 * (B, C, H, W)) as a float32 Tensor rescaled to [0, 1] (pil_to_tensor, then convert_image_dtype to float),
 * nothing else: the detection models resize and normalize in their own GeneralizedRCNNTransform.
 */
export class ObjectDetection extends Transform<ImageLike, Tensor> {
  static readonly sourceModule = import.meta.url;
  constructor() {
    super();
    this.workerArgs = [];
  }
  forward(img: ImageLike): Tensor {
    return torch.tidy(() => convertImageDtype(img instanceof Image ? pilToTensor(img) : img, torch.float32));
  }
  override toString(): string {
    return 'ObjectDetection()';
  }
}

export interface ImageClassificationOptions {
  cropSize: number; resizeSize?: number; mean?: readonly number[]; std?: readonly number[];
  interpolation?: InterpolationArg; antialias?: boolean | null;
}

/** Resize the shorter edge to resizeSize, centre-crop cropSize, rescale to [0, 1] floats, normalize. */
export class ImageClassification extends Transform<ImageLike, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly cropSize: [number];
  readonly resizeSize: [number];
  readonly mean: number[];
  readonly std: number[];
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  constructor(options: ImageClassificationOptions) {
    super();
    const fn = 'ImageClassification';
    const o = readOptions(fn, options, ['cropSize', 'resizeSize', 'mean', 'std', 'interpolation', 'antialias']) as Partial<ImageClassificationOptions>;
    if (typeof o.cropSize !== 'number') throw new TypeError(`${fn}: cropSize (a number) is required`);
    this.cropSize = [o.cropSize];
    this.resizeSize = [o.resizeSize ?? 256];
    this.mean = [...(o.mean ?? [0.485, 0.456, 0.406])];
    this.std = [...(o.std ?? [0.229, 0.224, 0.225])];
    this.interpolation = checkInterpolation(o.interpolation ?? 'bilinear', fn);
    this.antialias = o.antialias === undefined ? true : o.antialias;
    this.workerArgs = [{ cropSize: o.cropSize, resizeSize: this.resizeSize[0], mean: this.mean, std: this.std, interpolation: this.interpolation, antialias: this.antialias }];
  }
  forward(img: ImageLike): Tensor {
    return torch.tidy(() => {
      const cropped = centerCrop(resize(img, this.resizeSize, this.interpolation, null, this.antialias), this.cropSize);
      const t = cropped instanceof Image ? pilToTensor(cropped) : cropped;
      return normalize(convertImageDtype(t, torch.float32), this.mean, this.std);
    });
  }
  override toString(): string {
    // torchvision keeps list(mean), list(std) as given (its defaults have no whole numbers, floats or not)
    return `ImageClassification(\n    crop_size=[${this.cropSize[0]}]\n    resize_size=[${this.resizeSize[0]}]\n    mean=${strOf(this.mean)}\n    std=${strOf(this.std)}\n    interpolation=${strOf(enumMember('InterpolationMode', this.interpolation))}\n)`;
  }
}

export interface SemanticSegmentationOptions {
  resizeSize: number | null; mean?: readonly number[]; std?: readonly number[];
  interpolation?: InterpolationArg; antialias?: boolean | null;
}

/** Resize the shorter edge to resizeSize (null: no resize), rescale to [0, 1] floats, normalize. */
export class SemanticSegmentation extends Transform<ImageLike, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly resizeSize: [number] | null;
  readonly mean: number[];
  readonly std: number[];
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean | null;
  constructor(options: SemanticSegmentationOptions) {
    super();
    const fn = 'SemanticSegmentation';
    const o = readOptions(fn, options, ['resizeSize', 'mean', 'std', 'interpolation', 'antialias']) as Partial<SemanticSegmentationOptions>;
    if (o.resizeSize !== null && typeof o.resizeSize !== 'number') throw new TypeError(`${fn}: resizeSize (a number or null) is required`);
    this.resizeSize = o.resizeSize === null ? null : [o.resizeSize];
    this.mean = [...(o.mean ?? [0.485, 0.456, 0.406])];
    this.std = [...(o.std ?? [0.229, 0.224, 0.225])];
    this.interpolation = checkInterpolation(o.interpolation ?? 'bilinear', fn);
    this.antialias = o.antialias === undefined ? true : o.antialias;
    this.workerArgs = [{ resizeSize: o.resizeSize, mean: this.mean, std: this.std, interpolation: this.interpolation, antialias: this.antialias }];
  }
  forward(img: ImageLike): Tensor {
    return torch.tidy(() => {
      const resized = this.resizeSize === null ? img : resize(img, this.resizeSize, this.interpolation, null, this.antialias);
      const t = resized instanceof Image ? pilToTensor(resized) : resized;
      return normalize(convertImageDtype(t, torch.float32), this.mean, this.std);
    });
  }
  override toString(): string {
    const size = this.resizeSize === null ? 'None' : `[${this.resizeSize[0]}]`;
    return `SemanticSegmentation(\n    resize_size=${size}\n    mean=${strOf(this.mean)}\n    std=${strOf(this.std)}\n    interpolation=${strOf(enumMember('InterpolationMode', this.interpolation))}\n)`;
  }
}

