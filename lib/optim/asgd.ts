// torch.optim.ASGD: averaged SGD; state `ax` holds the running average of the parameter.
import type { Tensor } from '../tensor.js';
import { checkFlag, checkImplementation, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast } from './_more.js';
import { describe } from '../options.js';

export interface ASGDOptions {
  lr?: number | Tensor;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  capturable?: boolean;
}

const ASGD_DEFAULTS = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, foreach: null, maximize: false, differentiable: false, capturable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const ASGD_POSITIONAL = ['lr', 'lambd', 'alpha', 't0', 'weightDecay', 'foreach', 'maximize', 'differentiable', 'capturable'] as const;

/** torch.optim.ASGD(params, { lr, lambd, alpha, t0, weightDecay, foreach, maximize, capturable }); state: step, eta, mu, ax. */
export class ASGD extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step or eta or mu becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null, maximize: false, differentiable: false, capturable: false }, tensorKeys: ['step', 'eta', 'mu'], onDevice: () => true };

  constructor(params: ParamsT, ...args: OptimizerArgs<ASGDOptions, typeof ASGD_POSITIONAL>) {
    super(params, withDefaults('optim.ASGD', args, { ...ASGD_DEFAULTS } as Record<string, unknown>, ASGD_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.ASGD';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid weight_decay value: {}', g.weightDecay, 0, false, isDefaults);
    for (const key of ['lambd', 'alpha', 't0']) if (typeof g[key] !== 'number') throw new TypeError(`${cls}: ${key} must be a number, got ${describe(g[key])}`);
    for (const flag of ['capturable', 'maximize']) checkFlag(cls, flag, g[flag]);
    checkImplementation(cls, g, false, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('asgd', group, ['step', 'eta', 'mu', 'ax']);
    return loss;
  }
}
