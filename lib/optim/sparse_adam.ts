// torch.optim.SparseAdam: Adam masked to the rows a sparse gradient touches (nn.Embedding({ sparse: true })).
import type { Tensor } from '../tensor.js';
import { checkBetas, checkFlag, evaluateClosure, Optimizer, withDefaults, type Closure, type ParamGroup, type ParamsT, type OptimizerArgs } from './optimizer.js';
import { checkAtLeast } from './_more.js';

export interface SparseAdamOptions {
  lr?: number | Tensor;
  betas?: [number, number];
  eps?: number;
  maximize?: boolean;
}

const SPARSE_ADAM_DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, maximize: false } as const;
/** The constructor's positional arguments after params, in PyTorch's order. */
const SPARSE_ADAM_POSITIONAL = ['lr', 'betas', 'eps', 'maximize'] as const;

/** torch.optim.SparseAdam(params, { lr, betas, eps, maximize }): every gradient must be sparse. */
export class SparseAdam extends Optimizer {
  constructor(params: ParamsT, ...args: OptimizerArgs<SparseAdamOptions, typeof SPARSE_ADAM_POSITIONAL>) {
    super(params, withDefaults('optim.SparseAdam', args, { ...SPARSE_ADAM_DEFAULTS, betas: [0.9, 0.999] } as Record<string, unknown>, SPARSE_ADAM_POSITIONAL));
    const sparse: string[] = [];
    const complex: string[] = [];
    this.paramGroups.forEach((g, i) => g.params.forEach((p, j) => {
      if (p.isSparse) sparse.push(`[${i}, ${j}]`);
      if (p.isComplex()) complex.push(`[${i}, ${j}]`);
    }));
    if (sparse.length > 0) throw new Error(`optim.SparseAdam: Sparse params at indices [${sparse.join(', ')}]: SparseAdam requires dense parameter tensors`);
    if (complex.length > 0) throw new Error(`optim.SparseAdam: Complex params at indices [${complex.join(', ')}]: SparseAdam does not support complex parameters`);
  }

  protected override validateGroup(g: ParamGroup, isDefaults: boolean): void {
    const cls = 'optim.SparseAdam';
    checkAtLeast(cls, 'Invalid learning rate: {}', g.lr, 0, true, isDefaults);
    checkAtLeast(cls, 'Invalid epsilon value: {}', g.eps, 0, true, isDefaults);
    checkBetas(cls, g.betas, isDefaults);
    checkFlag(cls, 'maximize', g.maximize);
  }

  override step<L = undefined>(closure?: Closure<L>): L {
    const loss = evaluateClosure(closure);
    for (const group of this.paramGroups) {
      const withGrad = group.params.filter((p) => p.grad !== null);
      // Checked before any state changes (Python raises in the middle of its loop).
      if (withGrad.some((p) => !p.grad!.isSparse)) throw new Error('optim.SparseAdam: SparseAdam does not support dense gradients, please consider Adam instead');
      // Python keeps `step` as an int in the state; the kernel reads each count as stepCount<i>.
      const counts: Record<string, number> = {};
      withGrad.forEach((p, i) => {
        const s = this.stateOf(p);
        s.step = (typeof s.step === 'number' ? s.step : Number(s.step ?? 0)) + 1;
        counts[`stepCount${i}`] = s.step as number;
      });
      this.kernelStep('sparse_adam', { ...group, ...counts }, ['exp_avg', 'exp_avg_sq']);
    }
    return loss;
  }
}
