// torch.nn.grad (also torch.nn.functional.grad): a convolution's gradient with respect to its input or its
// weight, from the output's gradient alone, as torch/nn/grad.py computes them (one convolution_backward).
import { aten } from '../call.js';
import { bindArgs } from '../functional/args.js';
import type { Tensor } from '../tensor.js';

type Spatial = number | number[];
/** stride, padding, dilation (a number or one per spatial dim) and groups, by position after gradOutput or as options. */
export type ConvGradOptions = { stride?: Spatial; padding?: Spatial; dilation?: Spatial; groups?: number };

function convGrad(dims: number, wrt: 'input' | 'weight', input: Tensor | number[], weight: Tensor | number[], gradOutput: Tensor, rest: unknown[]): Tensor {
  const o = bindArgs(`conv${dims}d_${wrt}`, rest, ['stride', 'padding', 'dilation', 'groups']);
  const perDim = (v: unknown, fallback: number): number[] => (Array.isArray(v) ? v : Array(dims).fill(v ?? fallback)) as number[];
  // Python stands an expanded 1-element tensor in for the side it is not asked about: only its shape is read.
  const stand = (sizeOrTensor: Tensor | number[]): Tensor => (Array.isArray(sizeOrTensor) ? gradOutput.newEmpty([1]).expand(sizeOrTensor) : sizeOrTensor);
  const grads = aten('convolution_backward', [gradOutput, stand(input), stand(weight), null, perDim(o.stride, 1), perDim(o.padding, 0), perDim(o.dilation, 1),
    false, [0], o.groups ?? 1, [wrt === 'input', wrt === 'weight', false]]) as (Tensor | null)[];
  return grads[wrt === 'input' ? 0 : 1] as Tensor;
}

/** conv1dInput(inputSize, weight, gradOutput, stride = 1, padding = 0, dilation = 1, groups = 1): the gradient of conv1d with respect to its input. */
export const conv1dInput = (inputSize: number[], weight: Tensor, gradOutput: Tensor, ...rest: (Spatial | ConvGradOptions)[]): Tensor => convGrad(1, 'input', inputSize, weight, gradOutput, rest);
/** conv1dWeight(input, weightSize, gradOutput, stride = 1, padding = 0, dilation = 1, groups = 1): the gradient of conv1d with respect to its weight. */
export const conv1dWeight = (input: Tensor, weightSize: number[], gradOutput: Tensor, ...rest: (Spatial | ConvGradOptions)[]): Tensor => convGrad(1, 'weight', input, weightSize, gradOutput, rest);
/** conv2dInput(inputSize, weight, gradOutput, ...): the gradient of conv2d with respect to its input. */
export const conv2dInput = (inputSize: number[], weight: Tensor, gradOutput: Tensor, ...rest: (Spatial | ConvGradOptions)[]): Tensor => convGrad(2, 'input', inputSize, weight, gradOutput, rest);
/** conv2dWeight(input, weightSize, gradOutput, ...): the gradient of conv2d with respect to its weight. */
export const conv2dWeight = (input: Tensor, weightSize: number[], gradOutput: Tensor, ...rest: (Spatial | ConvGradOptions)[]): Tensor => convGrad(2, 'weight', input, weightSize, gradOutput, rest);
/** conv3dInput(inputSize, weight, gradOutput, ...): the gradient of conv3d with respect to its input. */
export const conv3dInput = (inputSize: number[], weight: Tensor, gradOutput: Tensor, ...rest: (Spatial | ConvGradOptions)[]): Tensor => convGrad(3, 'input', inputSize, weight, gradOutput, rest);
/** conv3dWeight(input, weightSize, gradOutput, ...): the gradient of conv3d with respect to its weight. */
export const conv3dWeight = (input: Tensor, weightSize: number[], gradOutput: Tensor, ...rest: (Spatial | ConvGradOptions)[]): Tensor => convGrad(3, 'weight', input, weightSize, gradOutput, rest);
