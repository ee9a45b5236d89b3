// torch.optim.Adagrad: per-coordinate learning rates from the sum of squared gradients.
import { fullLike, tensor, zeros } from '../creation.js';
import { viewAsReal } from '../generated/functions.js';
import type { Tensor } from '../tensor.js';
import { checkFlag, checkImplementation, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast, scalarDtype } from './_more.js';

export interface AdagradOptions {
  lr?: number | Tensor;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

const ADAGRAD_DEFAULTS = { lr: 1e-2, lrDecay: 0, eps: 1e-10, weightDecay: 0, initialAccumulatorValue: 0, foreach: null, maximize: false, differentiable: false, fused: null } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const ADAGRAD_POSITIONAL = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'foreach'] as const;

/** torch.optim.Adagrad(params, { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, foreach, maximize, fused }). */
export class Adagrad extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null, maximize: false, differentiable: false, fused: null }, tensorKeys: ['step'], onDevice: (g) => Boolean(g.fused) };

  constructor(params: ParamsT, ...args: OptimizerArgs<AdagradOptions, typeof ADAGRAD_POSITIONAL>) {
    super(params, withDefaults('optim.Adagrad', args, { ...ADAGRAD_DEFAULTS } as Record<string, unknown>, ADAGRAD_POSITIONAL));
    this._stepSupportsAmpScaling = this.defaults.fused === true;  // amp.GradScaler hands the fused kernel the scale
    // Python fills every parameter's state in the constructor (step 0, sum = initial_accumulator_value).
    const init = this.defaults.initialAccumulatorValue as number;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const step = group.fused ? zeros([], { dtype: scalarDtype(true), device: p.device }) : tensor(0.0, { dtype: scalarDtype() });
        const sum = fullLike(p, init);
        if (p.isComplex()) viewAsReal(sum).fill_(init); // Python: complex(init, init)
        this.state.set(p, { step, sum });
      }
    }
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.Adagrad';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid lr_decay value: {}', g.lrDecay, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid weight_decay value: {}', g.weightDecay, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid initial_accumulator_value value: {}', g.initialAccumulatorValue, 0, false, isDefaults);
    checkAtLeast(cls, 'Invalid epsilon value: {}', g.eps, 0, false, isDefaults);
    checkFlag(cls, 'maximize', g.maximize);
    checkImplementation(cls, g, true, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('adagrad', group, ['step', 'sum'], this.gradScale, this.foundInf);
    return loss;
  }
}
