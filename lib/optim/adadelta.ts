// torch.optim.Adadelta: step sizes from running averages of squared gradients and squared updates.
import type { Tensor } from '../tensor.js';
import { checkFlag, checkImplementation, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast, numberOf } from './_more.js';

export interface AdadeltaOptions {
  lr?: number | Tensor;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  capturable?: boolean;
  maximize?: boolean;
  differentiable?: boolean;
}

const ADADELTA_DEFAULTS = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, capturable: false, foreach: null, differentiable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const ADADELTA_POSITIONAL = ['lr', 'rho', 'eps', 'weightDecay', 'foreach'] as const;

/** torch.optim.Adadelta(params, { lr, rho, eps, weightDecay, foreach, capturable, maximize }). */
export class Adadelta extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null, maximize: false, differentiable: false, capturable: false }, tensorKeys: ['step'], onDevice: (g) => Boolean(g.capturable) };

  constructor(params: ParamsT, ...args: OptimizerArgs<AdadeltaOptions, typeof ADADELTA_POSITIONAL>) {
    super(params, withDefaults('optim.Adadelta', args, { ...ADADELTA_DEFAULTS } as Record<string, unknown>, ADADELTA_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.Adadelta';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid rho value: {}', g.rho, 0, false, isDefaults);
    if (isDefaults && numberOf(g.rho) > 1) throw new RangeError(`${cls}: Invalid rho value: ${String(g.rho)}`);
    checkAtLeast(cls, 'Invalid epsilon value: {}', g.eps, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid weight_decay value: {}', g.weightDecay, 0, false, isDefaults);
    checkFlag(cls, 'maximize', g.maximize);
    checkFlag(cls, 'capturable', g.capturable);
    checkImplementation(cls, g, false, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('adadelta', group, ['step', 'square_avg', 'acc_delta']);
    return loss;
  }
}
