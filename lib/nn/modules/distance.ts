// PairwiseDistance and CosineSimilarity, as torch/nn/modules/distance.py.
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, signature, type PyArgs } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';

const PAIRWISE = signature('PairwiseDistance', { p: 2.0, eps: 1e-6, keepdim: false });
const COSINE = signature('CosineSimilarity', { dim: 1, eps: 1e-8 });

/** `nn.PairwiseDistance(p=2.0, eps=1e-6, keepdim=False)`: ‖x1 − x2 + eps‖_p over the last dimension. */
export class PairwiseDistance extends Module {
  norm: number;
  eps: number;
  keepdim: boolean;
  constructor(...args: PyArgs<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    [this.norm, this.eps, this.keepdim] = bind(PAIRWISE, args) as [number, number, boolean];
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}

/** `nn.CosineSimilarity(dim=1, eps=1e-8)`. */
export class CosineSimilarity extends Module {
  dim: number;
  eps: number;
  constructor(...args: PyArgs<[dim: number, eps: number], { dim?: number; eps?: number }>);
  constructor(...args: unknown[]) {
    super();
    [this.dim, this.eps] = bind(COSINE, args) as [number, number];
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

declareForward([PairwiseDistance, CosineSimilarity], ['x1', 'x2']);
