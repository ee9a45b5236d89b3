// torch.nn.utils.fusion: folds an eval-mode BatchNorm into the Conv or Linear before it.
import { type Tensor } from '../../tensor.js';
import * as ops from '../../generated/functions.js';
import { zerosLike, onesLike } from '../../creation.js';
import { readOptions } from '../../options.js';
import { Parameter } from '../parameter.js';
import type { Module } from '../module.js';
import { deepcopyModule } from './_common.js';

/** What fusion reads from a Conv / Linear layer. */
interface WeightBiasModule extends Module {
  weight: Tensor;
  bias: Tensor | null;
}
/** What fusion reads from a BatchNorm layer. */
interface BatchNormLike extends Module {
  running_mean: Tensor | null;
  running_var: Tensor | null;
  eps: number;
  weight: Tensor | null;
  bias: Tensor | null;
  numFeatures: number;
}

/**
 * torch.nn.utils.fuse_conv_bn_weights: the weight and bias of a conv followed by a batch norm with
 * these statistics, as two Parameters. `transpose` for ConvTranspose weights (channels in dim 1).
 */
export function fuseConvBnWeights(
  convW: Tensor,
  convB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor | null,
  bnB: Tensor | null,
  transpose = false,
): [Parameter, Parameter] {
  const convWeightDtype = convW.dtype;
  const convBiasDtype = convB ? convB.dtype : convWeightDtype;
  const b = convB ?? zerosLike(bnRm);
  const w = bnW ?? onesLike(bnRm);
  const bb = bnB ?? zerosLike(bnRm);
  const bnVarRsqrt = ops.rsqrt(bnRv.add(bnEps));
  const ones = new Array<number>(convW.dim() - 2).fill(1);
  const shape = transpose ? [1, -1, ...ones] : [-1, 1, ...ones];
  const fusedW = convW.mul(w.mul(bnVarRsqrt).reshape(shape)).to({ dtype: convWeightDtype });
  const fusedB = b.sub(bnRm).mul(bnVarRsqrt).mul(w).add(bb).to({ dtype: convBiasDtype });
  return [new Parameter(fusedW, convW.requiresGrad), new Parameter(fusedB, b.requiresGrad)];
}

/** torch.nn.utils.fuse_linear_bn_weights: the weight and bias of a linear layer followed by a batch norm. */
export function fuseLinearBnWeights(
  linearW: Tensor,
  linearB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor,
  bnB: Tensor,
): [Parameter, Parameter] {
  const linearWeightDtype = linearW.dtype;
  const linearBiasDtype = linearB ? linearB.dtype : linearWeightDtype;
  const b = linearB ?? zerosLike(bnRm);
  const bnScale = bnW.mul(ops.rsqrt(bnRv.add(bnEps)));
  const fusedW = linearW.mul(bnScale.unsqueeze(-1).to({ dtype: linearWeightDtype }));
  const fusedB = b.sub(bnRm).mul(bnScale).add(bnB).to({ dtype: linearBiasDtype });
  return [new Parameter(fusedW, linearW.requiresGrad), new Parameter(fusedB, b.requiresGrad)];
}

function checkEvalStats(fn: string, layer: Module, bn: BatchNormLike): void {
  if (layer.training || bn.training) throw new Error(`${fn}: Fusion only for eval!`);
  if (!bn.running_mean || !bn.running_var) throw new Error(`${fn}: bn.running_mean and bn.running_var must not be None`);
}

/**
 * torch.nn.utils.fuse_conv_bn_eval: a copy of the eval-mode `conv` with the eval-mode `bn` folded in.
 * `fuseConvBnEval(conv, bn, { transpose })` (or `transpose` positionally).
 */
export function fuseConvBnEval<T extends Module>(conv: T, bn: Module, transpose: boolean | { transpose?: boolean } = false): T {
  const fn = 'fuseConvBnEval';
  const t = typeof transpose === 'object' ? Boolean(readOptions(fn, transpose, ['transpose'] as const).transpose ?? false) : transpose;
  const b = bn as BatchNormLike;
  checkEvalStats(fn, conv, b);
  const fused = deepcopyModule(conv) as unknown as WeightBiasModule;
  const [w, bias] = fuseConvBnWeights(fused.weight, fused.bias, b.running_mean!, b.running_var!, b.eps, b.weight, b.bias, t);
  fused.weight = w;
  fused.bias = bias;
  return fused as unknown as T;
}

/** torch.nn.utils.fuse_linear_bn_eval: a copy of the eval-mode `linear` with the eval-mode `bn` folded in. */
export function fuseLinearBnEval<T extends Module>(linear: T, bn: Module): T {
  const fn = 'fuseLinearBnEval';
  const l = linear as unknown as WeightBiasModule & { outFeatures: number };
  const b = bn as BatchNormLike;
  checkEvalStats(fn, linear, b);
  if (l.outFeatures !== b.numFeatures && b.numFeatures !== 1) {
    throw new Error(
      `${fn}: To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got linear.out_features=${l.outFeatures} and bn.num_features=${b.numFeatures}`,
    );
  }
  const fused = deepcopyModule(linear) as unknown as WeightBiasModule;
  const [w, bias] = fuseLinearBnWeights(fused.weight, fused.bias, b.running_mean!, b.running_var!, b.eps, b.weight!, b.bias!);
  fused.weight = w;
  fused.bias = bias;
  return fused as unknown as T;
}
