// transforms.Normalize.
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import type { Tensor } from '../../tensor.js';
import { normalize } from './functional.js';
import { Transform } from './transform.js';

const NORMALIZE = signature('Normalize', { mean: REQUIRED, std: REQUIRED, inplace: false });
type Stats = readonly number[] | number;

/** (x - mean) / std per channel of a float tensor image, as torchvision's Normalize. */
export class Normalize extends Transform<Tensor, Tensor> {
  static readonly sourceModule = import.meta.url;
  readonly mean: number[];
  readonly std: number[];
  readonly inplace: boolean;
  constructor(...args: PyArgs<[mean: Stats, std: Stats, inplace: boolean], { mean?: Stats; std?: Stats; inplace?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    const [mean, std, inplace] = bind(NORMALIZE, args) as [Stats, Stats, boolean];
    this.mean = typeof mean === 'number' ? [mean] : [...mean];
    this.std = typeof std === 'number' ? [std] : [...std];
    this.inplace = inplace;
    this.workerArgs = [this.mean, this.std, inplace];
  }
  forward(tensor: Tensor): Tensor { return normalize(tensor, this.mean, this.std, this.inplace); }
  override toString(): string { return `Normalize(mean=[${this.mean.join(', ')}], std=[${this.std.join(', ')}])`; }
}
