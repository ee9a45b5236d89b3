// transforms.RandomHorizontalFlip and RandomVerticalFlip. `torch.rand(1) < p` compares in float32, hence fround(p).
import { hflip, vflip, type ImageLike } from './functional.js';
import { rand1 } from './_random.js';
import { Transform } from './transform.js';

/** Mirrors left-right with probability p (one torch.rand(1) draw per call, as torchvision). */
export class RandomHorizontalFlip extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  constructor(readonly p = 0.5) { super(); this.workerArgs = [p]; }
  forward<T extends ImageLike>(img: T): T { return rand1() < Math.fround(this.p) ? hflip(img) : img; }
  override toString(): string { return `RandomHorizontalFlip(p=${this.p})`; }
}

/** Flips upside down with probability p (one torch.rand(1) draw per call, as torchvision). */
export class RandomVerticalFlip extends Transform<ImageLike, ImageLike> {
  static readonly sourceModule = import.meta.url;
  constructor(readonly p = 0.5) { super(); this.workerArgs = [p]; }
  forward<T extends ImageLike>(img: T): T { return rand1() < Math.fround(this.p) ? vflip(img) : img; }
  override toString(): string { return `RandomVerticalFlip(p=${this.p})`; }
}
