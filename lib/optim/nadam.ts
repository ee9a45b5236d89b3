// torch.optim.NAdam: Adam with Nesterov momentum and a momentum schedule (state mu_product).
import type { Tensor } from '../tensor.js';
import { validateAdamFamily } from './_adam_family.js';
import { evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';

export interface NAdamOptions {
  lr?: number | Tensor;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  momentumDecay?: number;
  /** true: AdamW-style weight decay (NAdamW). */
  decoupledWeightDecay?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  /** Accepted as in Python; on CPU step() then raises Python's AssertionError. */
  capturable?: boolean;
  differentiable?: boolean;
}

const NADAM_DEFAULTS = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false, foreach: null, capturable: false, differentiable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const NADAM_POSITIONAL = ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay', 'decoupledWeightDecay'] as const;

/** torch.optim.NAdam(params, { lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, foreach, maximize, capturable, differentiable }). */
export class NAdam extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step or mu_product becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { maximize: false, foreach: null, capturable: false, differentiable: false, decoupledWeightDecay: false }, tensorKeys: ['step', 'mu_product'], onDevice: (g) => Boolean(g.capturable) };

  constructor(params: ParamsT, ...args: OptimizerArgs<NAdamOptions, typeof NADAM_POSITIONAL>) {
    super(params, withDefaults('optim.NAdam', args, { ...NADAM_DEFAULTS, betas: [...NADAM_DEFAULTS.betas] } as Record<string, unknown>, NADAM_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    validateAdamFamily('optim.NAdam', g, { momentumDecay: true, decoupledWeightDecay: true }, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('nadam', group, ['step', 'mu_product', 'exp_avg', 'exp_avg_sq']);
    return loss;
  }
}
