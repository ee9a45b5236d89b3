// Fold and Unfold (col2im / im2col as layers), as torch/nn/modules/fold.py.
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';
import { pyStr } from './_format.js';

type Size = number | number[];
/** Options of Fold and Unfold. */
export interface FoldOptions { outputSize?: Size; kernelSize?: Size; dilation?: Size; padding?: Size; stride?: Size }
const FOLD = signature('Fold', { outputSize: REQUIRED, kernelSize: REQUIRED, dilation: 1, padding: 0, stride: 1 });
const UNFOLD = signature('Unfold', { kernelSize: REQUIRED, dilation: 1, padding: 0, stride: 1 });

/** `nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)`: sums sliding blocks into an image. */
export class Fold extends Module {
  outputSize: Size;
  kernelSize: Size;
  dilation: Size;
  padding: Size;
  stride: Size;
  constructor(outputSize: Size, kernelSize: Size, ...args: PyArgs<[dilation: Size, padding: Size, stride: Size], FoldOptions>);
  constructor(...args: unknown[]) {
    super();
    [this.outputSize, this.kernelSize, this.dilation, this.padding, this.stride] = bind(FOLD, args) as Size[];
  }
  override forward(input: Tensor): Tensor {
    return F.fold(input, this.outputSize, this.kernelSize, this.dilation, this.padding, this.stride);
  }
  override extraRepr(): string {
    return `output_size=${pyStr(this.outputSize)}, kernel_size=${pyStr(this.kernelSize)}, dilation=${pyStr(this.dilation)}, padding=${pyStr(this.padding)}, stride=${pyStr(this.stride)}`;
  }
}

/** `nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)`: extracts sliding blocks as columns. */
export class Unfold extends Module {
  kernelSize: Size;
  dilation: Size;
  padding: Size;
  stride: Size;
  constructor(kernelSize: Size, ...args: PyArgs<[dilation: Size, padding: Size, stride: Size], FoldOptions>);
  constructor(...args: unknown[]) {
    super();
    [this.kernelSize, this.dilation, this.padding, this.stride] = bind(UNFOLD, args) as Size[];
  }
  override forward(input: Tensor): Tensor {
    return F.unfold(input, this.kernelSize, this.dilation, this.padding, this.stride);
  }
  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, dilation=${pyStr(this.dilation)}, padding=${pyStr(this.padding)}, stride=${pyStr(this.stride)}`;
  }
}

declareForward([Fold, Unfold], ['input']);
