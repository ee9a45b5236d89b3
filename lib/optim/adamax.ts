// torch.optim.Adamax: Adam with the infinity norm of past gradients (exp_inf) in the denominator.
import type { Tensor } from '../tensor.js';
import { validateAdamFamily } from './_adam_family.js';
import { evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';

export interface AdamaxOptions {
  lr?: number | Tensor;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  /** Accepted as in Python; on CPU step() then raises Python's AssertionError. */
  capturable?: boolean;
}

const ADAMAX_DEFAULTS = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, foreach: null, maximize: false, differentiable: false, capturable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const ADAMAX_POSITIONAL = ['lr', 'betas', 'eps', 'weightDecay', 'foreach'] as const;

/** torch.optim.Adamax(params, { lr, betas, eps, weightDecay, foreach, maximize, differentiable, capturable }). */
export class Adamax extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null, maximize: false, differentiable: false, capturable: false }, tensorKeys: ['step'], onDevice: (g) => Boolean(g.capturable) };

  constructor(params: ParamsT, ...args: OptimizerArgs<AdamaxOptions, typeof ADAMAX_POSITIONAL>) {
    super(params, withDefaults('optim.Adamax', args, { ...ADAMAX_DEFAULTS, betas: [...ADAMAX_DEFAULTS.betas] } as Record<string, unknown>, ADAMAX_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    validateAdamFamily('optim.Adamax', g, {}, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('adamax', group, ['step', 'exp_avg', 'exp_inf']);
    return loss;
  }
}
