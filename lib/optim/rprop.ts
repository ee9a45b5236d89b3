// torch.optim.Rprop: resilient backpropagation, per-coordinate step sizes driven by gradient signs.
import type { Tensor } from '../tensor.js';
import { describe } from '../options.js';
import { checkFlag, checkImplementation, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast } from './_more.js';

export interface RpropOptions {
  lr?: number | Tensor;
  etas?: [number, number];
  stepSizes?: [number, number];
  capturable?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

const RPROP_DEFAULTS = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], foreach: null, maximize: false, differentiable: false, capturable: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const RPROP_POSITIONAL = ['lr', 'etas', 'stepSizes'] as const;

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === 'number');
}

/** torch.optim.Rprop(params, { lr, etas: [etaminus, etaplus], stepSizes: [min, max], capturable, foreach, maximize }). */
export class Rprop extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null, maximize: false, differentiable: false, capturable: false }, tensorKeys: ['step'], onDevice: (g) => Boolean(g.capturable) };

  constructor(params: ParamsT, ...args: OptimizerArgs<RpropOptions, typeof RPROP_POSITIONAL>) {
    super(params, withDefaults('optim.Rprop', args, { ...RPROP_DEFAULTS, etas: [0.5, 1.2], stepSizes: [1e-6, 50] } as Record<string, unknown>, RPROP_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.Rprop';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, false, isDefaults);
    if (!isPair(g.etas)) throw new TypeError(`${cls}: etas must be a pair of numbers, got ${describe(g.etas)}`);
    if (!isPair(g.stepSizes)) throw new TypeError(`${cls}: stepSizes must be a pair of numbers, got ${describe(g.stepSizes)}`);
    const [etaminus, etaplus] = g.etas;
    if (isDefaults && !(0 < etaminus && etaminus < 1 && 1 < etaplus)) throw new RangeError(`${cls}: Invalid eta values: ${etaminus}, ${etaplus}`);
    for (const flag of ['capturable', 'maximize']) checkFlag(cls, flag, g[flag]);
    checkImplementation(cls, g, false, isDefaults);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) this.kernelStep('rprop', group, ['step', 'prev', 'step_size']);
    return loss;
  }
}
