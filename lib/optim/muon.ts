// torch.optim.Muon (new in PyTorch 2.9): momentum SGD whose update of each 2-D parameter is
// orthogonalised by Newton-Schulz iterations (native/src/optim_muon.cc), for the hidden matrices of a network.
import type { Tensor } from '../tensor.js';
import { describe } from '../options.js';
import { checkFlag, evaluateClosure, Optimizer, withDefaults, type Closure, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast } from './_more.js';

export interface MuonOptions {
  lr?: number | Tensor;
  weightDecay?: number;
  momentum?: number;
  nesterov?: boolean;
  /** The quintic's (a, b, c). */
  nsCoefficients?: [number, number, number];
  eps?: number;
  nsSteps?: number;
  /** How the lr scales with the parameter's shape: null or 'original' (sqrt(max(1, rows / cols))), or 'match_rms_adamw' (0.2 sqrt(max(rows, cols))). */
  adjustLrFn?: 'original' | 'match_rms_adamw' | null;
}

const MUON_DEFAULTS = { lr: 1e-3, weightDecay: 0.1, momentum: 0.95, nesterov: true, nsCoefficients: [3.4445, -4.775, 2.0315], eps: 1e-7, nsSteps: 5, adjustLrFn: null } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const MUON_POSITIONAL = ['lr', 'weightDecay', 'momentum', 'nesterov', 'nsCoefficients', 'eps', 'nsSteps', 'adjustLrFn'] as const;

/** torch.optim.Muon(params, { lr, weightDecay, momentum, nesterov, nsCoefficients, eps, nsSteps, adjustLrFn }): 2-D parameters only. */
export class Muon extends Optimizer {
  constructor(params: ParamsT, ...args: OptimizerArgs<MuonOptions, typeof MUON_POSITIONAL>) {
    super(params, withDefaults('optim.Muon', args, { ...MUON_DEFAULTS, nsCoefficients: [...MUON_DEFAULTS.nsCoefficients] } as Record<string, unknown>, MUON_POSITIONAL));
    // Python checks the parameters of the constructor's groups (addParamGroup's are checked by step)
    for (const group of this.paramGroups)
      for (const p of group.params)
        if (p.dim() !== 2) throw new RangeError(`optim.Muon: Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([${p.shape.join(', ')}])`);
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.Muon';
    checkAtLeast(cls, 'Learning rate should be >= 0 but is: {}', g.lr, 0, false, isDefaults);
    checkAtLeast(cls, 'momentum should be >= 0 but is: {}', g.momentum, 0, false, isDefaults);
    checkAtLeast(cls, 'weight decay should be >= 0 but is: {}', g.weightDecay, 0, false, isDefaults);
    if (g.adjustLrFn !== null && typeof g.adjustLrFn !== 'string') throw new TypeError(`${cls}: adjustLrFn must be a string or null, got ${describe(g.adjustLrFn)}`);
    if (isDefaults && g.adjustLrFn !== null && g.adjustLrFn !== 'original' && g.adjustLrFn !== 'match_rms_adamw')
      throw new RangeError(`${cls}: Adjust learning rate function ${String(g.adjustLrFn)} is not supported`);
    checkFlag(cls, 'nesterov', g.nesterov);
    const ns = g.nsCoefficients;
    if (!Array.isArray(ns) || ns.length !== 3 || !ns.every((v) => typeof v === 'number')) throw new TypeError(`${cls}: nsCoefficients must be three numbers [a, b, c], got ${describe(ns)}`);
    if (typeof g.eps !== 'number') throw new TypeError(`${cls}: eps must be a number, got ${describe(g.eps)}`);
    if (!Number.isInteger(g.nsSteps)) throw new TypeError(`${cls}: nsSteps must be an integer, got ${describe(g.nsSteps)}`);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) {
      const [nsA, nsB, nsC] = group.nsCoefficients as [number, number, number];
      this.kernelStep('muon', { ...group, nsA, nsB, nsC }, ['momentum_buffer']);
    }
    return loss;
  }
}
