// transforms.RandomInvert, RandomPosterize, RandomSolarize, RandomAdjustSharpness, RandomAutocontrast,
// RandomEqualize: one colour operation applied with probability p. Each draws `torch.rand(1).item() < p`
// (a double comparison, unlike the flips' float32 one).
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { numberArg } from '../../options.js';
import { adjustSharpness, autocontrast, equalize, invert, posterize, solarize, type ImageLike } from './functional.js';
import { checkProbability } from './_checks.js';
import { rand1 } from './_random.js';
import { Transform } from './transform.js';

const INVERT = signature('RandomInvert', { p: 0.5 });
const POSTERIZE = signature('RandomPosterize', { bits: REQUIRED, p: 0.5 });
const SOLARIZE = signature('RandomSolarize', { threshold: REQUIRED, p: 0.5 });
const SHARPNESS = signature('RandomAdjustSharpness', { sharpnessFactor: REQUIRED, p: 0.5 });
const AUTOCONTRAST = signature('RandomAutocontrast', { p: 0.5 });
const EQUALIZE = signature('RandomEqualize', { p: 0.5 });

/** The constructor arguments of an operation with one parameter and p. */
type WithFactorArgs<K extends string> = PyArgs<[factor: number, p: number], { [k in K]?: number } & { p?: number }>;

/** The shared part: one draw, then `apply` or the image as it is. */
abstract class RandomColorOp extends Transform<ImageLike, ImageLike> {
  readonly p: number;
  constructor(fn: string, p: unknown) { super(); this.p = checkProbability(fn, p); }
  protected abstract apply<T extends ImageLike>(img: T): T;
  forward<T extends ImageLike>(img: T): T { return rand1() < this.p ? this.apply(img) : img; }
}

/** The operation's parameter (TypeError unless a number) and p, bound. */
function factorAndP(sig: typeof POSTERIZE, args: unknown[]): [number, unknown] {
  const [factor, p] = bind(sig, args);
  return [numberArg(sig.fn, sig.names[0]!, factor, 0), p];
}

/** Inverts the colours with probability p. */
export class RandomInvert extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(p?: number | { p?: number });
  constructor(...args: unknown[]) { super(INVERT.fn, bind(INVERT, args)[0]); this.workerArgs = [this.p]; }
  protected apply<T extends ImageLike>(img: T): T { return invert(img); }
  override toString(): string { return `RandomInvert(p=${this.p})`; }
}

/** Keeps `bits` bits per channel with probability p. */
export class RandomPosterize extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  readonly bits: number;
  constructor(...args: WithFactorArgs<'bits'>);
  constructor(...args: unknown[]) {
    const [bits, p] = factorAndP(POSTERIZE, args);
    super(POSTERIZE.fn, p);
    this.bits = bits;
    this.workerArgs = [bits, this.p];
  }
  protected apply<T extends ImageLike>(img: T): T { return posterize(img, this.bits); }
  override toString(): string { return `RandomPosterize(bits=${this.bits},p=${this.p})`; }
}

/** Inverts the values at or above `threshold` with probability p. */
export class RandomSolarize extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  readonly threshold: number;
  constructor(...args: WithFactorArgs<'threshold'>);
  constructor(...args: unknown[]) {
    const [threshold, p] = factorAndP(SOLARIZE, args);
    super(SOLARIZE.fn, p);
    this.threshold = threshold;
    this.workerArgs = [threshold, this.p];
  }
  protected apply<T extends ImageLike>(img: T): T { return solarize(img, this.threshold); }
  override toString(): string { return `RandomSolarize(threshold=${this.threshold},p=${this.p})`; }
}

/** Adjusts the sharpness by `sharpnessFactor` with probability p. */
export class RandomAdjustSharpness extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  readonly sharpnessFactor: number;
  constructor(...args: WithFactorArgs<'sharpnessFactor'>);
  constructor(...args: unknown[]) {
    const [sharpnessFactor, p] = factorAndP(SHARPNESS, args);
    super(SHARPNESS.fn, p);
    this.sharpnessFactor = sharpnessFactor;
    this.workerArgs = [sharpnessFactor, this.p];
  }
  protected apply<T extends ImageLike>(img: T): T { return adjustSharpness(img, this.sharpnessFactor); }
  override toString(): string { return `RandomAdjustSharpness(sharpness_factor=${this.sharpnessFactor},p=${this.p})`; }
}

/** Maximizes the contrast of each channel with probability p. */
export class RandomAutocontrast extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(p?: number | { p?: number });
  constructor(...args: unknown[]) { super(AUTOCONTRAST.fn, bind(AUTOCONTRAST, args)[0]); this.workerArgs = [this.p]; }
  protected apply<T extends ImageLike>(img: T): T { return autocontrast(img); }
  override toString(): string { return `RandomAutocontrast(p=${this.p})`; }
}

/** Equalizes the histogram of each channel with probability p. */
export class RandomEqualize extends RandomColorOp {
  static readonly sourceModule = import.meta.url;
  constructor(p?: number | { p?: number });
  constructor(...args: unknown[]) { super(EQUALIZE.fn, bind(EQUALIZE, args)[0]); this.workerArgs = [this.p]; }
  protected apply<T extends ImageLike>(img: T): T { return equalize(img); }
  override toString(): string { return `RandomEqualize(p=${this.p})`; }
}
