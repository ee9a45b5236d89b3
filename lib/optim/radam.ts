// torch.optim.RAdam: Adam with the variance rectification of Liu et al. (2019).
import type { Tensor } from '../tensor.js';
import { validateAdamFamily } from './_adam_family.js';
import { evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';

export interface RAdamOptions {
  lr?: number | Tensor;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** true: AdamW-style weight decay (RAdamW). */
  decoupledWeightDecay?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  /** Accepted as in Python; on CPU step() then raises Python's AssertionError. */
  capturable?: boolean;
  differentiable?: boolean;
}

const RADAM_DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, foreach: null, capturable: false, decoupledWeightDecay: false, differentiable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const RADAM_POSITIONAL = ['lr', 'betas', 'eps', 'weightDecay', 'decoupledWeightDecay'] as const;

/** torch.optim.RAdam(params, { lr, betas, eps, weightDecay, decoupledWeightDecay, foreach, maximize, capturable, differentiable }). */
export class RAdam extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null, maximize: false, differentiable: false, decoupledWeightDecay: false, capturable: false }, tensorKeys: ['step'], onDevice: (g) => Boolean(g.capturable) };

  constructor(params: ParamsT, ...args: OptimizerArgs<RAdamOptions, typeof RADAM_POSITIONAL>) {
    super(params, withDefaults('optim.RAdam', args, { ...RADAM_DEFAULTS, betas: [...RADAM_DEFAULTS.betas] } as Record<string, unknown>, RADAM_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    validateAdamFamily('optim.RAdam', g, { decoupledWeightDecay: true }, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('radam', group, ['step', 'exp_avg', 'exp_avg_sq']);
    return loss;
  }
}
