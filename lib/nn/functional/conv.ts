// nn.functional convolutions and sliding blocks: conv1d/2d/3d, conv_transpose1d/2d/3d, conv_tbc,
// unfold (im2col) and fold (col2im), each one ATen call as torch/nn/functional.py makes it.
import { aten } from '../../call.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature, type PyArgs, type Size } from './_signature.js';

/** The keyword arguments of F.conv1d/2d/3d. */
export interface ConvOptions { weight?: Tensor; bias?: Tensor | null; stride?: Size; padding?: Size | 'same' | 'valid'; dilation?: Size; groups?: number }
/** The keyword arguments of F.conv_transpose1d/2d/3d. */
export interface ConvTransposeOptions { weight?: Tensor; bias?: Tensor | null; stride?: Size; padding?: Size; outputPadding?: Size; groups?: number; dilation?: Size }
type ConvFn = (input: Tensor, ...args: PyArgs<[weight: Tensor, bias: Tensor | null, stride: Size, padding: Size | 'same' | 'valid', dilation: Size, groups: number], ConvOptions>) => Tensor;
type ConvTransposeFn = (input: Tensor, ...args: PyArgs<[weight: Tensor, bias: Tensor | null, stride: Size, padding: Size, outputPadding: Size, groups: number, dilation: Size], ConvTransposeOptions>) => Tensor;

const convParams = { input: REQUIRED, weight: REQUIRED, bias: null, stride: 1, padding: 0, dilation: 1, groups: 1 };
const convTransposeParams = { input: REQUIRED, weight: REQUIRED, bias: null, stride: 1, padding: 0, outputPadding: 0, groups: 1, dilation: 1 };

// One factory per table row instead of six near-identical functions.
const conv = (name: string): ConvFn =>
  pythonFunction(signature(name, convParams), (input, weight, bias, stride, padding, dilation, groups) =>
    aten(name, [input, weight, bias, stride, padding, dilation, groups]) as Tensor);
const convTranspose = (name: string, jsName: string): ConvTransposeFn =>
  pythonFunction(signature(jsName, convTransposeParams), (input, weight, bias, stride, padding, outputPadding, groups, dilation) =>
    aten(name, [input, weight, bias, stride, padding, outputPadding, groups, dilation]) as Tensor);

/** `F.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`; padding may be 'same' or 'valid'. */
export const conv1d: ConvFn = conv('conv1d');
/** `F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`; padding may be 'same' or 'valid'. */
export const conv2d: ConvFn = conv('conv2d');
/** `F.conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`; padding may be 'same' or 'valid'. */
export const conv3d: ConvFn = conv('conv3d');
/** `F.conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)`. */
export const convTranspose1d: ConvTransposeFn = convTranspose('conv_transpose1d', 'convTranspose1d');
/** `F.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)`. */
export const convTranspose2d: ConvTransposeFn = convTranspose('conv_transpose2d', 'convTranspose2d');
/** `F.conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)`. */
export const convTranspose3d: ConvTransposeFn = convTranspose('conv_transpose3d', 'convTranspose3d');

/** `F.conv_tbc(input, weight, bias, pad=0)`: 1-D convolution over (time, batch, channels) input. */
export const convTbc: (input: Tensor, weight: Tensor, bias: Tensor, ...args: PyArgs<[pad: number], { pad?: number }>) => Tensor = pythonFunction(
  signature('convTbc', { input: REQUIRED, weight: REQUIRED, bias: REQUIRED, pad: 0 }),
  (input, weight, bias, pad) => aten('conv_tbc', [input, weight, bias, pad]) as Tensor,
);

/** `F.unfold(input, kernel_size, dilation=1, padding=0, stride=1)`: sliding local blocks as columns (im2col). */
export const unfold: (input: Tensor, ...args: PyArgs<[kernelSize: Size, dilation: Size, padding: Size, stride: Size], { kernelSize?: Size; dilation?: Size; padding?: Size; stride?: Size }>) => Tensor = pythonFunction(
  signature('unfold', { input: REQUIRED, kernelSize: REQUIRED, dilation: 1, padding: 0, stride: 1 }),
  (input, kernelSize, dilation, padding, stride) => aten('im2col', [input, kernelSize, dilation, padding, stride]) as Tensor,
);

/** `F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1)`: sums columns back into an image (col2im). */
export const fold: (input: Tensor, ...args: PyArgs<[outputSize: Size, kernelSize: Size, dilation: Size, padding: Size, stride: Size], { outputSize?: Size; kernelSize?: Size; dilation?: Size; padding?: Size; stride?: Size }>) => Tensor = pythonFunction(
  signature('fold', { input: REQUIRED, outputSize: REQUIRED, kernelSize: REQUIRED, dilation: 1, padding: 0, stride: 1 }),
  (input, outputSize, kernelSize, dilation, padding, stride) =>
    aten('col2im', [input, outputSize, kernelSize, dilation, padding, stride]) as Tensor,
);
