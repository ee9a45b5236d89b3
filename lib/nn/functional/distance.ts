// nn.functional distances: pairwise_distance, pdist and cosine_similarity (each one ATen op).
import { aten } from '../../call.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature, type PyArgs } from './_signature.js';

/** `F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False)`. */
export const pairwiseDistance: (x1: Tensor, ...args: PyArgs<[x2: Tensor, p: number, eps: number, keepdim: boolean], { x2?: Tensor; p?: number; eps?: number; keepdim?: boolean }>) => Tensor = pythonFunction(
  signature('pairwiseDistance', { x1: REQUIRED, x2: REQUIRED, p: 2.0, eps: 1e-6, keepdim: false }),
  (x1, x2, p, eps, keepdim) => aten('pairwise_distance', [x1, x2, p, eps, keepdim]) as Tensor,
);

/** `F.pdist(input, p=2)`: the condensed distance matrix between the rows of `input`. */
export const pdist: (input: Tensor, ...args: PyArgs<[p: number], { p?: number }>) => Tensor = pythonFunction(
  signature('pdist', { input: REQUIRED, p: 2 }),
  (input, p) => aten('pdist', [input, p]) as Tensor,
);

/** `F.cosine_similarity(x1, x2, dim=1, eps=1e-8)`. */
export const cosineSimilarity: (x1: Tensor, ...args: PyArgs<[x2: Tensor, dim: number, eps: number], { x2?: Tensor; dim?: number; eps?: number }>) => Tensor = pythonFunction(
  signature('cosineSimilarity', { x1: REQUIRED, x2: REQUIRED, dim: 1, eps: 1e-8 }),
  (x1, x2, dim, eps) => aten('cosine_similarity', [x1, x2, dim, eps]) as Tensor,
);
