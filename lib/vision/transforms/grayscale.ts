// transforms.Grayscale and RandomGrayscale.
import { bind, signature } from '../../nn/functional/_signature.js';
import { getDimensions, rgbToGrayscale, type ImageLike } from './functional.js';
import { checkProbability } from './_checks.js';
import { rand1 } from './_random.js';
import { Transform } from './transform.js';

const GRAYSCALE = signature('Grayscale', { numOutputChannels: 1 });
const RANDOM_GRAYSCALE = signature('RandomGrayscale', { p: 0.1 });

/** Converts to grayscale with 1 or 3 output channels (PIL's convert('L') for Images, as torchvision for PIL). */
export class Grayscale extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly numOutputChannels: 1 | 3;
  constructor(numOutputChannels?: 1 | 3 | { numOutputChannels?: 1 | 3 });
  constructor(...args: unknown[]) {
    super();
    const [numOutputChannels] = bind(GRAYSCALE, args);
    if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('Grayscale: num_output_channels should be either 1 or 3');
    this.numOutputChannels = numOutputChannels;
    this.workerArgs = [numOutputChannels];
  }
  forward<T extends ImageLike>(img: T): T { return rgbToGrayscale(img, this.numOutputChannels); }
  override toString(): string { return `Grayscale(num_output_channels=${this.numOutputChannels})`; }
}

/** With probability p, grayscale keeping the channel count (one torch.rand(1) draw per call, as torchvision). */
export class RandomGrayscale extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly p: number;
  constructor(p?: number | { p?: number });
  constructor(...args: unknown[]) { super(); this.p = checkProbability(RANDOM_GRAYSCALE.fn, bind(RANDOM_GRAYSCALE, args)[0]); this.workerArgs = [this.p]; }
  forward<T extends ImageLike>(img: T): T {
    const [channels] = getDimensions(img);
    return rand1() < Math.fround(this.p) ? rgbToGrayscale(img, channels === 3 ? 3 : 1) : img;
  }
  override toString(): string { return `RandomGrayscale(p=${this.p})`; }
}
