// PixelShuffle and PixelUnshuffle, as torch/nn/modules/pixelshuffle.py.
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';

const SHUFFLE = signature('PixelShuffle', { upscaleFactor: REQUIRED });
const UNSHUFFLE = signature('PixelUnshuffle', { downscaleFactor: REQUIRED });

/** `nn.PixelShuffle(upscale_factor)`: (*, C r², H, W) to (*, C, H r, W r). */
export class PixelShuffle extends Module {
  upscaleFactor: number;
  constructor(upscaleFactor: number | { upscaleFactor: number });
  constructor(...args: unknown[]) {
    super();
    [this.upscaleFactor] = bind(SHUFFLE, args) as [number];
  }
  override forward(input: Tensor): Tensor {
    return F.pixelShuffle(input, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** `nn.PixelUnshuffle(downscale_factor)`: (*, C, H r, W r) to (*, C r², H, W). */
export class PixelUnshuffle extends Module {
  downscaleFactor: number;
  constructor(downscaleFactor: number | { downscaleFactor: number });
  constructor(...args: unknown[]) {
    super();
    [this.downscaleFactor] = bind(UNSHUFFLE, args) as [number];
  }
  override forward(input: Tensor): Tensor {
    return F.pixelUnshuffle(input, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

declareForward([PixelShuffle, PixelUnshuffle], ['input']);
