// transforms.RandomApply.
import { rand1 } from './_random.js';
import { applyTransform, checkTransform, Transform, type TransformLike } from './transform.js';

/** Runs all the transforms, in order, with probability p (one torch.rand(1) draw per call, as torchvision). */
export class RandomApply extends Transform {
  static readonly sourceModule = import.meta.url;
  readonly transforms: TransformLike[];
  readonly p: number;
  constructor(transforms: readonly TransformLike[], p = 0.5) {
    super();
    if (!Array.isArray(transforms)) throw new TypeError('RandomApply: transforms must be an array');
    transforms.forEach((t, i) => checkTransform(t, 'RandomApply', `transforms[${i}]`));
    if (typeof p !== 'number') throw new TypeError(`RandomApply: p must be a number, got ${typeof p}`);
    this.transforms = [...transforms];
    this.p = p;
    this.workerArgs = [this.transforms, p];
  }
  forward(img: any): any {
    if (Math.fround(this.p) < rand1()) return img; // `self.p < torch.rand(1)` compares in float32
    let x = img;
    for (const t of this.transforms) x = applyTransform(t, x, 'RandomApply');
    return x;
  }
  override toString(): string {
    return `RandomApply(\n    p=${this.p}\n${this.transforms.map((t) => `    ${String(typeof t === 'function' ? `<function ${t.name || 'anonymous'}>` : t)}`).join('\n')}\n)`;
  }
}
