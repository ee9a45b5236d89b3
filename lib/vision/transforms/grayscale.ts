// transforms.Grayscale and RandomGrayscale.
import { getDimensions, rgbToGrayscale, type ImageLike } from './functional.js';
import { rand1 } from './_random.js';
import { Transform } from './transform.js';

/** Converts to grayscale with 1 or 3 output channels (PIL's convert('L') for Images, as torchvision for PIL). */
export class Grayscale extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  constructor(readonly numOutputChannels: 1 | 3 = 1) {
    super();
    if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('Grayscale: num_output_channels should be either 1 or 3');
    this.workerArgs = [numOutputChannels];
  }
  forward<T extends ImageLike>(img: T): T { return rgbToGrayscale(img, this.numOutputChannels); }
  override toString(): string { return `Grayscale(num_output_channels=${this.numOutputChannels})`; }
}

/** With probability p, grayscale keeping the channel count (one torch.rand(1) draw per call, as torchvision). */
export class RandomGrayscale extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  constructor(readonly p = 0.1) { super(); this.workerArgs = [p]; }
  forward<T extends ImageLike>(img: T): T {
    const [channels] = getDimensions(img);
    return rand1() < Math.fround(this.p) ? rgbToGrayscale(img, channels === 3 ? 3 : 1) : img;
  }
  override toString(): string { return `RandomGrayscale(p=${this.p})`; }
}
