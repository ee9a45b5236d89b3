// transforms.RandomHorizontalFlip and RandomVerticalFlip. `torch.rand(1) < p` compares in float32, hence fround(p).
import { hflip, vflip, type ImageLike } from './functional.js';
import { rand1 } from './_random.js';
import { bind, signature } from '../../nn/functional/_signature.js';
import { checkProbability } from './_checks.js';
import { Transform } from './transform.js';

const HFLIP = signature('RandomHorizontalFlip', { p: 0.5 });
const VFLIP = signature('RandomVerticalFlip', { p: 0.5 });

/** Mirrors left-right with probability p (one torch.rand(1) draw per call, as torchvision). */
export class RandomHorizontalFlip extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly p: number;
  constructor(p?: number | { p?: number });
  constructor(...args: unknown[]) { super(); this.p = checkProbability(HFLIP.fn, bind(HFLIP, args)[0]); this.workerArgs = [this.p]; }
  forward<T extends ImageLike>(img: T): T { return rand1() < Math.fround(this.p) ? hflip(img) : img; }
  override toString(): string { return `RandomHorizontalFlip(p=${this.p})`; }
}

/** Flips upside down with probability p (one torch.rand(1) draw per call, as torchvision). */
export class RandomVerticalFlip extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  readonly p: number;
  constructor(p?: number | { p?: number });
  constructor(...args: unknown[]) { super(); this.p = checkProbability(VFLIP.fn, bind(VFLIP, args)[0]); this.workerArgs = [this.p]; }
  forward<T extends ImageLike>(img: T): T { return rand1() < Math.fround(this.p) ? vflip(img) : img; }
  override toString(): string { return `RandomVerticalFlip(p=${this.p})`; }
}
