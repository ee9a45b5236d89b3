// torch.optim.Adafactor: Adam-like steps with a factored (row x column) second moment for matrices.
import type { Tensor } from '../tensor.js';
import { describe } from '../options.js';
import { checkFlag, checkImplementation, evaluateClosure, Optimizer, withDefaults, type Closure, type LoadedStateUpgrade, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast, numberOf } from './_more.js';

export interface AdafactorOptions {
  lr?: number | Tensor;
  beta2Decay?: number;
  /** [eps1, eps2]: eps1 null means torch.finfo(param.dtype).eps. */
  eps?: [number | null, number];
  d?: number;
  weightDecay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

const ADAFACTOR_DEFAULTS = { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1.0, weightDecay: 0.0, foreach: null, maximize: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const ADAFACTOR_POSITIONAL = ['lr', 'beta2Decay', 'eps', 'd', 'weightDecay'] as const;

/** torch.optim.Adafactor(params, { lr, beta2Decay, eps: [eps1 | null, eps2], d, weightDecay, foreach, maximize }). */
export class Adafactor extends Optimizer {
  // Python's __setstate__: its setdefaults for groups of older state dicts; a numeric step becomes a tensor.
  protected static override loadedStateUpgrade: LoadedStateUpgrade = { groupDefaults: { foreach: null }, tensorKeys: ['step'] };

  constructor(params: ParamsT, ...args: OptimizerArgs<AdafactorOptions, typeof ADAFACTOR_POSITIONAL>) {
    super(params, withDefaults('optim.Adafactor', args, { ...ADAFACTOR_DEFAULTS, eps: [null, 1e-3] } as Record<string, unknown>, ADAFACTOR_POSITIONAL));
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.Adafactor';
    checkAtLeast(cls, 'Learning rate should be >= 0 but is: {}', g.lr, 0, false, isDefaults);
    if (typeof g.beta2Decay !== 'number') throw new TypeError(`${cls}: beta2Decay must be a number, got ${describe(g.beta2Decay)}`);
    if (isDefaults && !(g.beta2Decay <= 0)) throw new RangeError(`${cls}: beta2_decay should be <= 0 but is: ${g.beta2Decay}`);
    const eps = g.eps;
    if (!Array.isArray(eps) || eps.length !== 2 || !(eps[0] === null || typeof eps[0] === 'number') || typeof eps[1] !== 'number')
      throw new TypeError(`${cls}: eps must be a pair [number | null, number], got ${describe(eps)}`);
    if (eps[0] !== null) checkAtLeast(cls, 'epsilon1 should be >= 0 but is: {}', eps[0], 0, false, isDefaults);
    checkAtLeast(cls, 'epsilon2 should be >= 0 but is: {}', eps[1], 0, false, isDefaults);
    checkAtLeast(cls, 'Clipping threshold d should be >= 1 but is: {}', g.d, 1, false, isDefaults);
    checkAtLeast(cls, 'weight_decay should be >= 0 but is: {}', g.weightDecay, 0, false, isDefaults);
    checkFlag(cls, 'maximize', g.maximize);
    checkImplementation(cls, g, false, isDefaults);
  }

  // Factored state: row_var has the param's shape with the last dim 1, col_var with the second-to-last 1.
  protected override checkStateShape(param: Tensor, key: string, value: Tensor, id: string): void {
    if (key !== 'row_var' && key !== 'col_var') return super.checkStateShape(param, key, value, id);
    const want = [...param.shape];
    if (want.length < 2) throw new Error(`Adafactor.loadStateDict: state '${key}' of parameter ${id} belongs to a matrix but the parameter has shape [${want.join(', ')}]: is the state dict from a different model?`);
    want[key === 'row_var' ? want.length - 1 : want.length - 2] = 1;
    const got = value.shape;
    if (want.length !== got.length || want.some((dim, i) => dim !== got[i]))
      throw new Error(`Adafactor.loadStateDict: state '${key}' of parameter ${id} has shape [${got.join(', ')}] but the parameter needs [${want.join(', ')}]: is the state dict from a different model?`);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) {
      const [eps1, eps2] = group.eps as [number | null, number];
      this.kernelStep('adafactor', { ...group, lr: numberOf(group.lr), eps1, eps2 }, ['step', 'row_var', 'col_var', 'variance']);
    }
    return loss;
  }
}
