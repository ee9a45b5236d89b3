// torch.optim.Adam (adam.py of PyTorch 2.13, decoupledWeightDecay included; AdamW in adamw.ts subclasses it).
import type { Tensor } from '../tensor.js';
import { ADAM_DEFAULTS, ADAM_POSITIONAL, scalarBetas, validateAdamFamily } from './_adam_family.js';
import { evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type OptimizerArgs, type ParamGroup, type ParamsT } from './optimizer.js';

export interface AdamOptions {
  lr?: number | Tensor;
  /** Two numbers, or two 1-element Tensors (then the single-tensor step computes with them as tensors, as Python 2.13). */
  betas?: [number, number] | [Tensor, Tensor];
  eps?: number;
  /** A 1-element Tensor too (differentiable steps differentiate through it, as Python 2.13). */
  weightDecay?: number | Tensor;
  amsgrad?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  /** Accepted as in Python; on CPU the single-tensor and foreach steps then raise Python's AssertionError (fused ignores it). */
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
  /** true: the weight decay of AdamW (decoupled from the moments). */
  decoupledWeightDecay?: boolean;
}

const ADAM_STATE_KEYS = ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] as const;

/** torch.optim.Adam(params, { lr, betas, eps, weightDecay, amsgrad, maximize, foreach, capturable, differentiable, fused, decoupledWeightDecay }). */
export class Adam extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = {
    groupDefaults: { amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, decoupledWeightDecay: false, fused: null },
    tensorKeys: ['step'],
    onDevice: (g) => Boolean(g.capturable) || Boolean(g.fused),
  };

  constructor(params: ParamsT, ...args: OptimizerArgs<AdamOptions, typeof ADAM_POSITIONAL>) {
    super(params, (new.target as typeof Adam).defaultsFrom(args));
    this._stepSupportsAmpScaling = this.defaults.fused === true;  // amp.GradScaler hands the fused kernel the scale
  }

  /** The defaults dict this class builds from its options (AdamW overrides). */
  protected static defaultsFrom(args: readonly unknown[]): Record<string, unknown> {
    return scalarBetas(withDefaults('optim.Adam', args, { ...ADAM_DEFAULTS, betas: [...ADAM_DEFAULTS.betas] } as Record<string, unknown>, ADAM_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    validateAdamFamily(`optim.${this.constructor.name}`, g, { tensorLrNeedsCapturable: true, tensorBetas: true, amsgrad: true, decoupledWeightDecay: true, fused: true }, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('adam', group, ADAM_STATE_KEYS, this.gradScale, this.foundInf);
    return loss;
  }
}
