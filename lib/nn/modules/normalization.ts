// torch.nn normalization layers (torch/nn/modules/normalization.py, 2.13): LocalResponseNorm,
// CrossMapLRN2d (PyTorch's own autograd Function, forward and backward as torch/nn/modules/_functions.py
// writes them), LayerNorm, GroupNorm and RMSNorm (eps=None: the dtype's machine epsilon, in the ATen op).
import { empty, emptyLike } from '../../creation.js';
import { Function as AutogradFunction, type FunctionCtx } from '../../function.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, numArg, type Call } from '../functional/activation.js';
import { groupNormImpl, layerNormImpl, localResponseNormImpl, rmsNormImpl } from '../functional/normalization.js';
import * as init from '../init.js';
import { declareForward, Module } from '../module.js';
import { ownedParameter, Parameter } from '../parameter.js';
import { factoryOptions, pyBool, pyFloat, pyOptFloat, pyTuple } from './_format.js';
import { registerAffine } from './_normbase.js';

type LrnArgs = Call<[number, number, number, number], { size?: number; alpha?: number; beta?: number; k?: number }>;
function parseLrn(name: string, args: readonly unknown[]): [number, number, number, number] {
  const a = bindArgs(name, args, ['size', 'alpha', 'beta', 'k']);
  const size = numArg(name, 'size', a.size);
  if (!Number.isInteger(size)) throw new TypeError(`${name}: size must be an int, got ${size}`);
  return [size, numArg(name, 'alpha', a.alpha, 1e-4), numArg(name, 'beta', a.beta, 0.75), numArg(name, 'k', a.k, 1)];
}

/** nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0) */
export class LocalResponseNorm extends Module {
  size: number;
  alpha: number;
  beta: number;
  k: number;
  constructor(...args: LrnArgs) {
    super();
    [this.size, this.alpha, this.beta, this.k] = parseLrn('LocalResponseNorm', args);
  }
  override forward(input: Tensor): Tensor {
    checkTensor('LocalResponseNorm', input);
    return localResponseNormImpl(input, this.size, this.alpha, this.beta, this.k);
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}

/** torch.nn._functions.CrossMapLRN2d: the legacy cross-channel LRN with its hand-written backward. */
class CrossMapLRN2dFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, input: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
    if (input.dim() !== 4) throw new RangeError(`CrossMapLRN2d: Expected input to be 4D, got ${input.dim()}D instead.`);
    Object.assign(ctx, { size, alpha, beta, k });
    const channels = input.size(1);
    const inputSquare = input.pow(2);
    const prePad = Math.trunc((size - 1) / 2 + 1);
    const scale = emptyLike(input);
    const scaleFirst = scale.select(1, 0).zero_();
    for (let c = 0; c < Math.min(prePad, channels); c++) scaleFirst.add_(inputSquare.select(1, c));
    for (let c = 1; c < channels; c++) {
      const current = scale.select(1, c).copy_(scale.select(1, c - 1));
      if (c < channels - prePad + 1) current.add_(inputSquare.select(1, c + prePad - 1), { alpha: 1 });
      if (c > prePad) current.add_(inputSquare.select(1, c - prePad), { alpha: -1 });
    }
    scale.mul_(alpha / size).add_(k);
    const output = scale.pow(-beta).mul_(input);
    ctx.saveForBackward(input, output, scale); // Python keeps scale on ctx; saved here so no scope frees it
    return output;
  }

  static override backward(ctx: FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    const [input, output, scale] = ctx.savedTensors as Tensor[];
    const { size, alpha, beta } = ctx as unknown as { size: number; alpha: number; beta: number };
    const [batchSize, channels, height, width] = input!.shape as [number, number, number, number];
    const paddedRatio = empty([channels + size - 1, height, width], { dtype: input!.dtype, device: input!.device }).zero_();
    const cacheRatioValue = (2 * alpha * beta) / size;
    const inversePrePad = Math.trunc(size - (size - 1) / 2);
    const gradInput = scale!.pow(-beta).mul_(gradOutput);
    const center = paddedRatio.narrow(0, inversePrePad, channels);
    for (let n = 0; n < batchSize; n++) {
      center.copy_(gradOutput.select(0, n).mul(output!.select(0, n))).div_(scale!.select(0, n));
      const accumRatio = paddedRatio.narrow(0, 0, size - 1).sum(0);
      for (let c = 0; c < channels; c++) {
        accumRatio.add_(paddedRatio.select(0, c + size - 1));
        gradInput.select(0, n).select(0, c).addcmul_(input!.select(0, n).select(0, c), accumRatio, { value: -cacheRatioValue });
        accumRatio.add_(paddedRatio.select(0, c), { alpha: -1 });
      }
    }
    return [gradInput, null, null, null, null];
  }
}

/** nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1): LRN across the channels of a 4-D input. */
export class CrossMapLRN2d extends Module {
  size: number;
  alpha: number;
  beta: number;
  k: number;
  constructor(...args: LrnArgs) {
    super();
    [this.size, this.alpha, this.beta, this.k] = parseLrn('CrossMapLRN2d', args);
  }
  override forward(input: Tensor): Tensor {
    checkTensor('CrossMapLRN2d', input);
    return CrossMapLRN2dFunction.apply(input, this.size, this.alpha, this.beta, this.k) as Tensor;
  }
  override extraRepr(): string {
    // Python's default k is the int 1 here, printed as such
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${Number.isInteger(this.k) ? String(this.k) : pyFloat(this.k)}`;
  }
}

type Factory = { device?: unknown; dtype?: unknown };
const normalizedShapeArg = (name: string, v: unknown): number[] => {
  const shape = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d))) throw new TypeError(`${name}: normalized_shape must be an int or a list of ints, got ${String(v)}`);
  return [...(shape as number[])];
};

/** nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None) */
export class LayerNorm extends Module {
  normalizedShape: number[];
  eps: number;
  elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  constructor(...args: Call<[number | number[], number, boolean, boolean], { normalizedShape?: number | number[]; eps?: number; elementwiseAffine?: boolean; bias?: boolean } & Factory>) {
    super();
    const a = bindArgs('LayerNorm', args, ['normalizedShape', 'eps', 'elementwiseAffine', 'bias', 'device', 'dtype']);
    this.normalizedShape = normalizedShapeArg('LayerNorm', a.normalizedShape);
    this.eps = numArg('LayerNorm', 'eps', a.eps, 1e-5);
    this.elementwiseAffine = boolArg('LayerNorm', 'elementwiseAffine', a.elementwiseAffine, true);
    const opts = factoryOptions(a);
    registerAffine(this, this.normalizedShape, this.elementwiseAffine, this.elementwiseAffine && boolArg('LayerNorm', 'bias', a.bias, true), opts);
    this.resetParameters();
  }
  resetParameters(): void {
    if (!this.elementwiseAffine) return;
    init.ones_(this.weight!);
    if (this.bias !== null) init.zeros_(this.bias);
  }
  override forward(input: Tensor): Tensor {
    return layerNormImpl(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True) */
export class GroupNorm extends Module {
  numGroups: number;
  numChannels: number;
  eps: number;
  affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  constructor(...args: Call<[number, number, number, boolean], { numGroups?: number; numChannels?: number; eps?: number; affine?: boolean; bias?: boolean } & Factory>) {
    super();
    const a = bindArgs('GroupNorm', args, ['numGroups', 'numChannels', 'eps', 'affine', 'device', 'dtype', 'bias']);
    const numGroups = numArg('GroupNorm', 'numGroups', a.numGroups);
    const numChannels = numArg('GroupNorm', 'numChannels', a.numChannels);
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = numArg('GroupNorm', 'eps', a.eps, 1e-5);
    this.affine = boolArg('GroupNorm', 'affine', a.affine, true);
    const opts = factoryOptions(a);
    registerAffine(this, [numChannels], this.affine, this.affine && boolArg('GroupNorm', 'bias', a.bias, true), opts);
    this.resetParameters();
  }
  resetParameters(): void {
    if (!this.affine) return;
    init.ones_(this.weight!);
    if (this.bias !== null) init.zeros_(this.bias);
  }
  override forward(input: Tensor): Tensor {
    checkTensor('GroupNorm', input);
    return groupNormImpl(input, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None) */
export class RMSNorm extends Module {
  normalizedShape: number[];
  eps: number | null;
  elementwiseAffine: boolean;
  declare weight: Parameter | null;
  constructor(...args: Call<[number | number[], number | null, boolean], { normalizedShape?: number | number[]; eps?: number | null; elementwiseAffine?: boolean } & Factory>) {
    super();
    const a = bindArgs('RMSNorm', args, ['normalizedShape', 'eps', 'elementwiseAffine', 'device', 'dtype']);
    this.normalizedShape = normalizedShapeArg('RMSNorm', a.normalizedShape);
    this.eps = a.eps === undefined || a.eps === null ? null : numArg('RMSNorm', 'eps', a.eps);
    this.elementwiseAffine = boolArg('RMSNorm', 'elementwiseAffine', a.elementwiseAffine, true);
    if (this.elementwiseAffine) this.weight = ownedParameter(empty(this.normalizedShape, factoryOptions(a)));
    else this.registerParameter('weight', null);
    this.resetParameters();
  }
  resetParameters(): void {
    if (this.elementwiseAffine) init.ones_(this.weight!);
  }
  override forward(x: Tensor): Tensor {
    return rmsNormImpl(x, this.normalizedShape, this.weight, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyOptFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

declareForward([LocalResponseNorm, CrossMapLRN2d, LayerNorm, GroupNorm], ['input']);
declareForward([RMSNorm], ['x']);
