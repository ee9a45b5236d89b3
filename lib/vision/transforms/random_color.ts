// transforms.RandomInvert, RandomPosterize, RandomSolarize, RandomAdjustSharpness, RandomAutocontrast,
// RandomEqualize: one colour operation applied with probability p. Each draws `torch.rand(1).item() < p`
// (a double comparison, unlike the flips' float32 one).
import { adjustSharpness, autocontrast, equalize, invert, posterize, solarize, type ImageLike } from './functional.js';
import { rand1 } from './_random.js';
import { Transform } from './transform.js';

/** The shared part: one draw, then `apply` or the image as it is. */
abstract class RandomColorOp extends Transform<ImageLike, ImageLike> {
  constructor(readonly p: number) { super(); }
  protected abstract apply<T extends ImageLike>(img: T): T;
  forward<T extends ImageLike>(img: T): T { return rand1() < this.p ? this.apply(img) : img; }
}

/** Inverts the colours with probability p. */
export class RandomInvert extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(p = 0.5) { super(p); this.workerArgs = [p]; }
  protected apply<T extends ImageLike>(img: T): T { return invert(img); }
  override toString(): string { return `RandomInvert(p=${this.p})`; }
}

/** Keeps `bits` bits per channel with probability p. */
export class RandomPosterize extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(readonly bits: number, p = 0.5) { super(p); this.workerArgs = [bits, p]; }
  protected apply<T extends ImageLike>(img: T): T { return posterize(img, this.bits); }
  override toString(): string { return `RandomPosterize(bits=${this.bits},p=${this.p})`; }
}

/** Inverts the values at or above `threshold` with probability p. */
export class RandomSolarize extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(readonly threshold: number, p = 0.5) { super(p); this.workerArgs = [threshold, p]; }
  protected apply<T extends ImageLike>(img: T): T { return solarize(img, this.threshold); }
  override toString(): string { return `RandomSolarize(threshold=${this.threshold},p=${this.p})`; }
}

/** Adjusts the sharpness by `sharpnessFactor` with probability p. */
export class RandomAdjustSharpness extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(readonly sharpnessFactor: number, p = 0.5) { super(p); this.workerArgs = [sharpnessFactor, p]; }
  protected apply<T extends ImageLike>(img: T): T { return adjustSharpness(img, this.sharpnessFactor); }
  override toString(): string { return `RandomAdjustSharpness(sharpness_factor=${this.sharpnessFactor},p=${this.p})`; }
}

/** Maximizes the contrast of each channel with probability p. */
export class RandomAutocontrast extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(p = 0.5) { super(p); this.workerArgs = [p]; }
  protected apply<T extends ImageLike>(img: T): T { return autocontrast(img); }
  override toString(): string { return `RandomAutocontrast(p=${this.p})`; }
}

/** Equalizes the histogram of each channel with probability p. */
export class RandomEqualize extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(p = 0.5) { super(p); this.workerArgs = [p]; }
  protected apply<T extends ImageLike>(img: T): T { return equalize(img); }
  override toString(): string { return `RandomEqualize(p=${this.p})`; }
}
