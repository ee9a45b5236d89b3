// Flatten and Unflatten, as torch/nn/modules/flatten.py.
import type { Tensor } from '../../tensor.js';
import { bind, REQUIRED, signature, type PyArgs } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';
import { pyStr } from './_format.js';

const FLATTEN = signature('Flatten', { startDim: 1, endDim: -1 });
const UNFLATTEN = signature('Unflatten', { dim: REQUIRED, unflattenedSize: REQUIRED });

/** `nn.Flatten(start_dim=1, end_dim=-1)`: flattens a contiguous range of dimensions. */
export class Flatten extends Module {
  startDim: number;
  endDim: number;
  constructor(...args: PyArgs<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>);
  constructor(...args: unknown[]) {
    super();
    [this.startDim, this.endDim] = bind(FLATTEN, args) as [number, number];
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** `nn.Unflatten(dim, unflattened_size)`: expands one dimension into the given sizes. */
export class Unflatten extends Module {
  dim: number;
  unflattenedSize: number[];
  constructor(dim: number, unflattenedSize: readonly number[]);
  constructor(...args: unknown[]) {
    super();
    const [dim, size] = bind(UNFLATTEN, args) as [number, unknown];
    if (!Array.isArray(size)) throw new TypeError(`Unflatten: unflattened_size must be a tuple of ints, but found type ${size === null ? 'NoneType' : typeof size}`);
    size.forEach((e, i) => {
      if (!Number.isInteger(e)) throw new TypeError(`Unflatten: unflattened_size must be tuple of ints, but found element of type ${typeof e === 'number' ? 'float' : typeof e} at pos ${i}`);
    });
    this.dim = dim;
    this.unflattenedSize = size as number[];
  }
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyStr(this.unflattenedSize)}`;
  }
}

declareForward([Flatten, Unflatten], ['input']);
