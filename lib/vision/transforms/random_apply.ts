// transforms.RandomApply.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { checkProbability } from './_checks.js';
import { rand1 } from './_random.js';
import { applyTransform, checkTransform, formatTransforms, Transform, type TransformLike } from './transform.js';

const RANDOM_APPLY = signature('RandomApply', { transforms: REQUIRED, p: 0.5 });

/** Runs all the transforms, in order, with probability p (one torch.rand(1) draw per call, as torchvision). */
export class RandomApply extends Transform {
  static readonly sourceModule = import.meta.url;
  readonly transforms: TransformLike[];
  readonly p: number;
  constructor(...args: PyArgs<[transforms: readonly TransformLike[], p: number], { transforms?: readonly TransformLike[]; p?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [transforms, p] = bind(RANDOM_APPLY, args) as [readonly TransformLike[], unknown];
    if (!Array.isArray(transforms)) throw new TypeError('RandomApply: transforms must be an array');
    transforms.forEach((t, i) => checkTransform(t, 'RandomApply', `transforms[${i}]`));
    this.transforms = [...transforms];
    this.p = checkProbability(RANDOM_APPLY.fn, p);
    this.workerArgs = [this.transforms, this.p];
  }
  forward(img: any): any {
    if (Math.fround(this.p) < rand1()) return img; // `self.p < torch.rand(1)` compares in float32
    let x = img;
    for (const t of this.transforms) x = applyTransform(t, x, 'RandomApply');
    return x;
  }
  override toString(): string {
    return formatTransforms('RandomApply', this.transforms, [`p=${this.p}`]);
  }
}
