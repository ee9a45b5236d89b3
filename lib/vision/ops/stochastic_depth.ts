// torchvision.ops.stochastic_depth (Huang et al., 2016): drops whole residual branches at random in training.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { pyFloat } from '../../print.js';

type StochasticDepthMode = 'row' | 'batch';
const STOCHASTIC_DEPTH = signature('stochasticDepth', { p: REQUIRED, mode: REQUIRED, training: true });

/**
 * torchvision's stochastic_depth: zeroes the input per row ('row') or entirely ('batch') with probability p,
 * scaling the rest by 1/(1-p); the input itself when not training. p, mode and training positionally or as options.
 */
export function stochasticDepth(input: Tensor, ...args: PyArgs<[p: number, mode: StochasticDepthMode, training: boolean], { p?: number; mode?: StochasticDepthMode; training?: boolean }>): Tensor;
export function stochasticDepth(input: Tensor, options: { p: number; mode: StochasticDepthMode; training?: boolean }): Tensor;
export function stochasticDepth(input: Tensor, ...args: unknown[]): Tensor {
  const [p, mode, training] = bind(STOCHASTIC_DEPTH, args) as [unknown, unknown, unknown];
  if (typeof p !== 'number') throw new TypeError(`stochasticDepth: p must be a number, got ${describe(p)}`);
  if (p < 0.0 || p > 1.0) throw new RangeError(`drop probability has to be between 0 and 1, but got ${p}`);
  if (mode !== 'row' && mode !== 'batch') throw new RangeError(`mode has to be either 'batch' or 'row', but got ${String(mode)}`);
  if (!training || p === 0.0) return input;
  const survival = 1.0 - p;
  const size = mode === 'row' ? [input.size(0), ...new Array<number>(input.dim() - 1).fill(1)] : new Array<number>(input.dim()).fill(1);
  const noise = torch.empty(size, { dtype: input.dtype, device: input.device }).bernoulli_(survival);
  if (survival > 0.0) noise.div_(survival);
  return input.mul(noise);
}

/** The module form of stochasticDepth (torchvision.ops.StochasticDepth). */
export class StochasticDepth extends torch.nn.Module {
  constructor(readonly p: number, readonly mode: StochasticDepthMode) { super(); }
  override forward(input: Tensor): Tensor { return stochasticDepth(input, this.p, this.mode, this.training); }
  override extraRepr(): string { return `p=${pyFloat(this.p)}, mode=${this.mode}`; } // p is a float in Python's models (p=0.0)
}
