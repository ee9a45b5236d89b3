// torch.optim.NAdam: Adam with Nesterov momentum and a momentum schedule (state mu_product).
import type { Tensor } from '../tensor.js';
import { upgradeLoadedState, validateAdamFamily } from './_adam_family.js';
import { evaluateClosure, Optimizer, withDefaults, type Closure, type OptimizerStateDict, type ParamGroup, type ParamsT } from './optimizer.js';

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
const NADAM_SETSTATE = { maximize: false, foreach: null, capturable: false, differentiable: false, decoupledWeightDecay: false };

/** torch.optim.NAdam(params, { lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, foreach, maximize, capturable, differentiable }). */
export class NAdam extends Optimizer {
  constructor(params: ParamsT, options: NAdamOptions = {}) {
    super(params, withDefaults('optim.NAdam', options, { ...NADAM_DEFAULTS, betas: [...NADAM_DEFAULTS.betas] } as Record<string, unknown>));
  }

  protected override validateGroup(g: ParamGroup): void {
    validateAdamFamily('optim.NAdam', g, { momentumDecay: true, decoupledWeightDecay: true });
  }

  override step(closure?: Closure): unknown {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('nadam', group, ['step', 'mu_product', 'exp_avg', 'exp_avg_sq']);
    return loss;
  }

  override loadStateDict(stateDict: OptimizerStateDict): void {
    super.loadStateDict(stateDict);
    upgradeLoadedState(this, NADAM_SETSTATE, ['step', 'mu_product']);
  }
}
