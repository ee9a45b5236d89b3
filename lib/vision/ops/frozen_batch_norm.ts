// torchvision.ops.misc.FrozenBatchNorm2d (0.28): BatchNorm2d whose statistics and affine parameters are
// fixed buffers, not Parameters (detection backbones use it): nothing trains, and train() changes nothing.
// It loads a BatchNorm2d's state dict, whose num_batches_tracked it has no use for.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import type { LoadMetadata } from '../../nn/module.js';
import { describe } from '../../options.js';
import { pyFloat } from '../../print.js';
import { isTensor, type Tensor } from '../../tensor.js';

const FROZEN_BN = signature('FrozenBatchNorm2d', { numFeatures: REQUIRED, eps: 1e-5 });

/** BatchNorm2d with fixed batch statistics and affine parameters: y = (x - running_mean) / sqrt(running_var + eps) * weight + bias. */
export class FrozenBatchNorm2d extends torch.nn.Module {
  declare weight: Tensor; declare bias: Tensor; declare running_mean: Tensor; declare running_var: Tensor;
  eps: number;
  constructor(numFeatures: number, ...args: PyArgs<[eps: number], { eps?: number }>) {
    super();
    const [n, eps] = bind(FROZEN_BN, [numFeatures, ...args]);
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`FrozenBatchNorm2d: numFeatures must be an int, got ${typeof n === 'number' ? n : describe(n)}`);
    if (n < 0) throw new RangeError(`FrozenBatchNorm2d: numFeatures must not be negative, got ${n}`);
    if (typeof eps !== 'number') throw new TypeError(`FrozenBatchNorm2d: eps must be a number, got ${describe(eps)}`);
    this.eps = eps;
    this.registerBuffer('weight', torch.ones(n));
    this.registerBuffer('bias', torch.zeros(n));
    this.registerBuffer('running_mean', torch.zeros(n));
    this.registerBuffer('running_var', torch.ones(n));
  }

  // A BatchNorm2d state dict loads as it is: its num_batches_tracked is dropped, not reported as unexpected.
  protected override _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    delete stateDict[`${prefix}num_batches_tracked`];
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }

  override forward(x: Tensor): Tensor {
    if (!isTensor(x)) throw new TypeError(`FrozenBatchNorm2d: expected a Tensor input, got ${describe(x)}`);
    // torchvision's order of operations (scale and shift per channel first), so results agree bit for bit
    return torch.tidy(() => {
      const w = this.weight.reshape(1, -1, 1, 1);
      const b = this.bias.reshape(1, -1, 1, 1);
      const rv = this.running_var.reshape(1, -1, 1, 1);
      const rm = this.running_mean.reshape(1, -1, 1, 1);
      const scale = w.mul(rv.add(this.eps).rsqrt());
      const bias = b.sub(rm.mul(scale));
      return x.mul(scale).add(bias);
    });
  }

  override extraRepr(): string {
    return `${this.weight.shape[0]}, eps=${pyFloat(this.eps)}`;
  }
}
