// transforms.RandomChoice and RandomOrder: they draw from Python's `random` module (torch.pyrandom),
// not torch's generator, as torchvision does; seed both (pyrandom.seed and torch.manualSeed) to follow a Python run.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { reprOf } from './_repr.js';
import * as pyrandom from '../../pyrandom.js';
import { applyTransform, checkTransform, formatTransforms, Transform, type TransformLike } from './transform.js';

const RANDOM_CHOICE = signature('RandomChoice', { transforms: REQUIRED, p: null });
const RANDOM_ORDER = signature('RandomOrder', { transforms: REQUIRED });

/** torchvision's RandomTransforms: a sequence of transforms, each checked. */
function checkTransforms(fn: string, transforms: unknown): TransformLike[] {
  if (!Array.isArray(transforms)) throw new TypeError(`${fn}: Argument transforms should be a sequence`);
  transforms.forEach((t, i) => checkTransform(t, fn, `transforms[${i}]`));
  return [...(transforms as TransformLike[])];
}

/** One of the transforms, picked with `random.choices(transforms, weights=p)` (uniformly without p). */
export class RandomChoice extends Transform {
  static readonly sourceModule = import.meta.url;
  readonly transforms: TransformLike[];
  readonly p: number[] | null;
  constructor(...args: PyArgs<[transforms: readonly TransformLike[], p: readonly number[] | null], { transforms?: readonly TransformLike[]; p?: readonly number[] | null }>);
  constructor(...args: unknown[]) {
    super();
    const [transforms, p] = bind(RANDOM_CHOICE, args);
    this.transforms = checkTransforms(RANDOM_CHOICE.fn, transforms);
    if (p !== null && !(Array.isArray(p) && p.every((v) => typeof v === 'number'))) throw new TypeError('RandomChoice: Argument p should be a sequence');
    this.p = p === null ? null : [...(p as number[])];
    this.workerArgs = [this.transforms, this.p];
  }
  forward(img: any): any {
    const [t] = pyrandom.choices(this.transforms, { weights: this.p });
    return applyTransform(t!, img, 'RandomChoice');
  }
  override toString(): string { return `${formatTransforms('RandomChoice', this.transforms)}(p=${reprOf(this.p)})`; }
}

/** All the transforms, in an order shuffled with `random.shuffle` on every call. */
export class RandomOrder extends Transform {
  static readonly sourceModule = import.meta.url;
  readonly transforms: TransformLike[];
  constructor(transforms: readonly TransformLike[] | { transforms: readonly TransformLike[] });
  constructor(...args: unknown[]) {
    super();
    this.transforms = checkTransforms(RANDOM_ORDER.fn, bind(RANDOM_ORDER, args)[0]);
    this.workerArgs = [this.transforms];
  }
  forward(img: any): any {
    const order = this.transforms.map((_, i) => i);
    pyrandom.shuffle(order);
    let x = img;
    for (const i of order) x = applyTransform(this.transforms[i]!, x, 'RandomOrder');
    return x;
  }
  override toString(): string { return formatTransforms('RandomOrder', this.transforms); }
}
