// transforms.Compose and transforms.Lambda.
import { bind, REQUIRED, signature } from '../../nn/functional/_signature.js';
import { applyTransform, checkTransform, formatTransforms, Transform, type TransformLike } from './transform.js';

const COMPOSE = signature('Compose', { transforms: REQUIRED });
const LAMBDA = signature('Lambda', { lambd: REQUIRED });

/** Runs transforms one after another (torchvision's Compose). */
export class Compose extends Transform {
  static readonly sourceModule = import.meta.url;
  readonly transforms: TransformLike[];
  constructor(transforms: readonly TransformLike[] | { transforms: readonly TransformLike[] });
  constructor(...args: unknown[]) {
    super();
    const [transforms] = bind(COMPOSE, args) as [readonly TransformLike[]];
    if (!Array.isArray(transforms)) throw new TypeError('Compose: transforms must be an array');
    transforms.forEach((t, i) => checkTransform(t, 'Compose', `transforms[${i}]`));
    this.transforms = [...transforms];
    this.workerArgs = [this.transforms];
  }
  forward(img: any): any {
    let x = img;
    for (const t of this.transforms) x = applyTransform(t, x, 'Compose');
    return x;
  }
  override toString(): string {
    return formatTransforms('Compose', this.transforms);
  }
}

/** Wraps a user function as a transform (torchvision's Lambda). */
export class Lambda<I = any, O = any> extends Transform<I, O> {
  readonly lambd: (input: I) => O;
  constructor(lambd: ((input: I) => O) | { lambd: (input: I) => O });
  constructor(...args: unknown[]) {
    super();
    const [lambd] = bind(LAMBDA, args) as [(input: I) => O];
    if (typeof lambd !== 'function') throw new TypeError(`Lambda: Argument lambd should be callable, got ${typeof lambd}`);
    this.lambd = lambd;
  }
  forward(input: I): O { return this.lambd(input); }
  override toString(): string { return 'Lambda()'; }
}
