// torch.optim.RMSprop: gradients scaled by a running RMS, optionally centered and with momentum.
import type { Tensor } from '../tensor.js';
import { checkFlag, checkImplementation, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast } from './_more.js';

export interface RMSpropOptions {
  lr?: number | Tensor;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  capturable?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

const RMSPROP_DEFAULTS = { lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0, capturable: false, foreach: null, maximize: false, differentiable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const RMSPROP_POSITIONAL = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'capturable', 'foreach', 'maximize', 'differentiable'] as const;

/** torch.optim.RMSprop(params, { lr, alpha, eps, weightDecay, momentum, centered, capturable, foreach, maximize }). */
export class RMSprop extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { momentum: 0, centered: false, foreach: null, maximize: false, differentiable: false, capturable: false }, tensorKeys: ['step'], onDevice: (g) => Boolean(g.capturable) };

  constructor(params: ParamsT, ...args: OptimizerArgs<RMSpropOptions, typeof RMSPROP_POSITIONAL>) {
    super(params, withDefaults('optim.RMSprop', args, { ...RMSPROP_DEFAULTS } as Record<string, unknown>, RMSPROP_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.RMSprop';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid epsilon value: {}', g.eps, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid momentum value: {}', g.momentum, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid weight_decay value: {}', g.weightDecay, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid alpha value: {}', g.alpha, 0, false, isDefaults);
    for (const flag of ['centered', 'capturable', 'maximize']) checkFlag(cls, flag, g[flag]);
    checkImplementation(cls, g, false, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('rmsprop', group, ['step', 'square_avg', 'momentum_buffer', 'grad_avg']);
    return loss;
  }
}
