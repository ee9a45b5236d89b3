// transforms.ToTensor, PILToTensor and ToPILImage: between vision.Image and tensors.
import { bind, signature } from '../../nn/functional/_signature.js';
import type { Tensor } from '../../tensor.js';
import type { Image, ImageMode } from '../image.js';
import { pilToTensor, toPILImage, toTensor } from './functional.js';
import { Transform } from './transform.js';

const TO_PIL_IMAGE = signature('ToPILImage', { mode: undefined });

/** Image (H, W, C) 8-bit -> float tensor (C, H, W) in [0, 1], as torchvision's ToTensor. */
export class ToTensor extends Transform<Image, Tensor> {
  static readonly sourceModule = import.meta.url;
  protected override workerArgs: unknown[] | null = [];
  forward(pic: Image): Tensor { return toTensor(pic); }
  override toString(): string { return 'ToTensor()'; }
}

/** Image -> uint8 tensor (C, H, W), unscaled, as torchvision's PILToTensor. */
export class PILToTensor extends Transform<Image, Tensor> {
  static readonly sourceModule = import.meta.url;
  protected override workerArgs: unknown[] | null = [];
  forward(pic: Image): Tensor { return pilToTensor(pic); }
  override toString(): string { return 'PILToTensor()'; }
}

/** Tensor (C, H, W) -> Image: floats are multiplied by 255 and cast to uint8, as torchvision's ToPILImage. */
export class ToPILImage extends Transform<Tensor, Image> {
  static readonly sourceModule = import.meta.url;
  readonly mode: ImageMode | undefined;
  constructor(mode?: ImageMode | null | { mode?: ImageMode | null });
  constructor(...args: unknown[]) {
    super();
    this.mode = (bind(TO_PIL_IMAGE, args)[0] ?? undefined) as ImageMode | undefined;
    this.workerArgs = this.mode === undefined ? [] : [this.mode];
  }
  forward(pic: Tensor): Image { return toPILImage(pic, this.mode); }
  override toString(): string { return this.mode ? `ToPILImage(mode=${this.mode})` : 'ToPILImage()'; }
}
