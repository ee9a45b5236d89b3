// torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov and weight decay.
import type { Tensor } from '../tensor.js';
import { checkFlag, checkImplementation, checkNonNegative, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';

export interface SGDOptions {
  lr?: number | Tensor;
  momentum?: number;
  dampening?: number;
  weightDecay?: number | Tensor;
  nesterov?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
  fused?: boolean | null;
}

const SGD_DEFAULTS = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, fused: null } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const SGD_POSITIONAL = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'] as const;

/** torch.optim.SGD(params, { lr, momentum, dampening, weightDecay, nesterov, maximize, foreach, fused }). */
export class SGD extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; no state to upgrade.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { nesterov: false, maximize: false, foreach: null, differentiable: false, fused: false } };

  constructor(params: ParamsT, ...args: OptimizerArgs<SGDOptions, typeof SGD_POSITIONAL>) {
    super(params, withDefaults('optim.SGD', args, { ...SGD_DEFAULTS } as Record<string, unknown>, SGD_POSITIONAL));
    this._stepSupportsAmpScaling = this.defaults.fused === true;  // amp.GradScaler hands the fused kernel the scale
  }

  // Python's __init__ checks its keyword arguments (ranges, Nesterov's needs); of a group, only the types the native step reads.
  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    checkNonNegative('optim.SGD', 'learning rate', g.lr, isDefaults);
    checkNonNegative('optim.SGD', 'momentum value', g.momentum, isDefaults);
    checkNonNegative('optim.SGD', 'weight_decay value', g.weightDecay, isDefaults);
    if (typeof g.dampening !== 'number') throw new TypeError(`optim.SGD: dampening must be a number, got ${typeof g.dampening}`);
    checkFlag('optim.SGD', 'nesterov', g.nesterov);
    checkFlag('optim.SGD', 'maximize', g.maximize);
    if (isDefaults && g.nesterov && ((g.momentum as number) <= 0 || g.dampening !== 0)) throw new Error('optim.SGD: Nesterov momentum requires a momentum and zero dampening');
    checkImplementation('optim.SGD', g, true, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('sgd', group, ['momentum_buffer'], this.gradScale, this.foundInf);
    return loss;
  }
}
